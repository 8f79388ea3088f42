"""The figures a county publishes about its grid system, per township and for the county.

    report = build_report(plan, lang="zh")
    report.to_html("out/report.html")       # one self-contained file, maps and plots inside as SVG
    report.to_markdown("out/report.md")     # maps and plots as SVG files beside it

Sections: overview (levels 1-4: county, townships, villages/communities, grids), grids by
township and regime, households per grid (distribution against the band), and, when
the plan has them, workers by type, monthly and yearly budget by pay component, share of
households inside the service circle; last the exceptions: grids the plan flags and the
faults :func:`gridmap.validate.validate_plan` finds. Labels in Chinese or English.

Townships: when grid codes are 15-digit statistical codes, digits 1-9; otherwise the
grids' ``parent_name`` when it holds more than one name, else their ``unit_name`` (as in
the demo plan, where municipalities play the townships).
"""
from __future__ import annotations

import html
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gridmap import i18n
from gridmap.accounting import input_notes
from gridmap._atomic import write_bytes
from gridmap._chromium import PdfPrint
from gridmap._geometry import merged
from gridmap._levels import county_name, townships
from gridmap._toml import Rules, read_toml
from gridmap.errors import InputError

#: CJK fonts tried in order for plot labels; DejaVu Sans (no CJK glyphs) when none is installed.
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC")
_CJK_FILES = re.compile(r"wqy-microhei|notosanscjk|notosanssc", re.IGNORECASE)

#: The report's words: its own short keys -> keys of the one vocabulary (gridmap.i18n).
_KEYS = {
    **{k: f"report.{k}" for k in (
        "title", "overview", "grids", "households", "workers", "budget", "reach", "exceptions", "count",
        "villages_n", "hh_min", "hh_median", "hh_max", "in_band", "hh_per_grid", "n_grids", "hist_caption",
        "box_caption", "regime_caption", "workers_caption", "monthly", "yearly", "component", "budget_caption",
        "budget_text", "reached", "share", "reach_caption", "reach_settings", "setting", "value", "flagged_none",
        "flagged_text", "validation", "validation_text", "faults_more", "infeasible", "no_cjk", "generated",
        "figures", "overview_map_caption")},
    "level": "field.level", "name": "field.name", "level1": "level.1", "level2": "level.2", "level3": "level.3",
    "level4": "level.4", "level5": "level.5", "micro_text": "report.micro_text",
    "dedicated_text": "report.dedicated_text", "not_in_plan": "level.not_in_plan", "township": "field.township", "county": "value.county",
    "total": "value.total", "village": "field.unit", "grid": "field.grid", "code": "field.code",
    "regime": "field.regime", "households_total": "field.households", "grids_n": "field.grids",
    "band": "field.band_status", "band_text": "band.urban_text", "worker_type": "field.worker_type",
    "workers_n": "field.workers", "pay": "pay.total", "flag": "field.flag", "reason": "field.reason",
    "fault": "validate.fault", "errors": "validate.errors", "warnings": "validate.warnings",
    "status": "field.status", "detail": "validate.detail", "checked": "check.checked", "skipped": "check.skipped",
    "unit": "field.unit",
}


def _tr(key: str, lang: str, **kw) -> str:
    return i18n.text(_KEYS[key], lang, **kw)


@dataclass
class Table:
    """A table of text cells (already formatted and translated)."""

    frame: pd.DataFrame
    caption: str = ""


@dataclass
class Figure:
    """A map or a plot as an ``<svg>`` element (text, self-contained: it is also written as a file)."""

    name: str
    svg: str
    caption: str = ""


@dataclass
class Maps:
    """Maps side by side (two to a row in print): a township each."""

    figures: list


@dataclass
class Section:
    key: str
    title: str
    blocks: list = field(default_factory=list)  # str paragraphs, Table, Figure, Maps


@dataclass(frozen=True)
class ReportRules(Rules):
    """The ``[report]`` table of a rules file: who issues the report, and when.

    Parameters
    ----------
    office : the issuing office printed under the title, e.g. "荥经县委政法委".
    date : the issue date, ``YYYY-MM-DD``; '' = the day the report is made.
    title : a title instead of "<county> 网格化服务管理报告".
    """

    section = "report"
    office: str = ""
    date: str = ""
    title: str = ""

    def __post_init__(self):
        for name in ("office", "date", "title"):
            if not isinstance(getattr(self, name), str):
                raise InputError.of("out_report_not_text", name=name, value=getattr(self, name))
        if self.date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.date):
            raise InputError.of("out_report_date", value=self.date)

    @classmethod
    def from_toml(cls, path, *, bare: bool = False):
        """The ``[report]`` table of a rules file ({} = defaults when it has none)."""
        table = read_toml(path, "rules").get(cls.section, {})
        if not isinstance(table, dict):
            raise InputError.of("out_report_not_table", value=table)
        return cls.from_dict(table)


@dataclass
class Report:
    """A report: sections of paragraphs, tables and figures, written as HTML or Markdown."""

    title: str
    lang: str
    sections: list
    warnings: list = field(default_factory=list)
    issued: str = ""
    generated: str = ""

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"report has no section {key!r}; sections: {[s.key for s in self.sections]}")

    @property
    def figures(self) -> list:
        return [f for s in self.sections for b in s.blocks
                for f in (b.figures if isinstance(b, Maps) else [b] if isinstance(b, Figure) else [])]

    def html(self) -> str:
        """The report as one self-contained HTML page with print styles (A4, page numbers)."""
        from jinja2 import Environment

        env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
        template = env.from_string((Path(__file__).parent / "assets" / "report.html.j2").read_text(encoding="utf-8"))
        marker = "\x00"
        page = i18n.text("report.page", self.lang, page=marker + "page" + marker, pages=marker + "pages" + marker)
        counter = " ".join(_css_string(part) if k % 2 == 0 else f"counter({part})"
                           for k, part in enumerate(page.split(marker)) if part)
        sections = [{"key": s.key, "title": s.title, "blocks": [_block(b) for b in s.blocks]} for s in self.sections]
        return template.render(html_lang="zh-CN" if self.lang == "zh" else "en", title=self.title,
                               issued=self.issued, generated=self.generated, warnings=self.warnings,
                               sections=sections, running_head=_css_text(self.title),
                               page_counter=_Markup(counter))

    def to_html(self, path) -> Path:
        """One self-contained HTML file (maps and plots as inline SVG, print styles), written atomically."""
        return write_bytes(Path(path), self.html().encode("utf-8"))

    def to_pdf(self, path, *, chromium: str | None = None, timeout_s: float = 120.0) -> Path:
        """The report printed to an A4 PDF by headless Chromium (its print-to-PDF), written atomically.

        ``chromium``: the browser's executable (default: ``GRIDMAP_CHROMIUM``, else the first of
        chromium-headless-shell, chrome-headless-shell, chromium, chromium-browser, google-chrome
        on the PATH; see :func:`gridmap._chromium.find_chromium`). No network is used: the page is one
        file with everything inside it.
        """
        return self.start_pdf(path, chromium=chromium, timeout_s=timeout_s).wait()

    def start_pdf(self, path, *, page=None, chromium: str | None = None, timeout_s: float = 120.0,
                  printing: "PdfPrint | None" = None) -> "PdfPrint":
        """Start printing the report to ``path`` and return at once: :meth:`PdfPrint.wait` finishes it.

        ``page``: the report already written as HTML (:meth:`to_html`), printed from there;
        otherwise the page is written into the printer's temporary folder first. The caller
        writes its other files meanwhile (``gridmap run``). ``printing``: a
        :class:`~gridmap._chromium.PdfPrint` started earlier (its browser already up:
        Chromium spends most of a print starting); else one starts now.
        """
        printing = printing or PdfPrint(chromium, timeout_s=timeout_s)
        try:
            if page is None:
                page = printing.tmp / "report.html"
                page.write_text(self.html(), encoding="utf-8")
            return printing.start(page, path)
        except BaseException:
            printing.cancel()
            raise

    def to_markdown(self, path) -> Path:
        """A Markdown file, its maps and plots as SVG files beside it (``<stem>-<figure>.svg``), written atomically."""
        path = Path(path)
        lines = [f"# {_md(self.title)}", ""]
        lines += [f"{_md(text)}", ""] if (text := self.issued) else []
        lines += [f"> {_md(text)}\n" for text in self.warnings]
        for s in self.sections:
            lines += [f"## {_md(s.title)}", ""]
            for block in s.blocks:
                if isinstance(block, Table):
                    lines += _md_table(block) + [""]
                elif isinstance(block, (Figure, Maps)):
                    for figure in block.figures if isinstance(block, Maps) else [block]:
                        name = f"{path.stem}-{figure.name}.svg"
                        write_bytes(path.parent / name, figure.svg.encode("utf-8"))
                        lines += [f"![{_md(figure.caption)}]({name})", "", f"*{_md(figure.caption)}*", ""]
                else:
                    lines += [_md(str(block)), ""]
        return write_bytes(path, "\n".join(lines).encode("utf-8"))


# --------------------------------------------------------------------------- building


def build_report(plan, *, lang: str = "zh", validate: bool = True, rules: ReportRules | None = None,
                 maps: bool = True, progress=None, faults=None, decor=None) -> Report:
    """The report of a plan.

    Parameters
    ----------
    plan : a :class:`~gridmap.plan.Plan` (layers ``grids``, optional ``workers``; grid
        columns ``share_reached`` and metadata ``meta["reach"]`` when reach has run).
    lang : ``"zh"`` or ``"en"``.
    validate : add the faults of :func:`gridmap.validate.validate_plan` to the exceptions.
    faults : those faults when already found (``gridmap run`` has them): not searched again.
    rules : :class:`ReportRules` (issuing office, date, title), e.g. from the rules file's
        ``[report]`` table.
    maps : draw the map of the grids and a map per township (SVG, :mod:`gridmap._static_map`).
    progress : optional callable ``(step, done, total)`` told of each map drawn.
    decor : the grids' fills and label circles for the maps (:func:`gridmap._decor.grid_decor`
        of the plan's grids: ``gridmap run`` makes them once for the report and the web map);
        computed here when not given.
    """
    rules_of_report = rules or ReportRules()
    if lang not in ("zh", "en"):
        raise InputError.of("out_report_lang", value=lang)
    grids = plan.layers.get("grids")
    if grids is None or grids.empty:
        raise InputError.of("out_report_no_grids")
    font, font_warning = _font()
    notes = [_tr("no_cjk", lang, fonts=", ".join(CJK_FONTS))] if font_warning else []
    frame = _grid_frame(plan, lang)
    rules = plan.config
    band = rules.band
    plot = _Plotter(font, lang)
    sections = [_overview(plan, frame, lang, band)]
    if maps:
        sections += _map_sections(plan, frame, lang, font, band, progress, decor)
    sections += [
        _grids_section(frame, lang, plot),
        _households_section(frame, lang, plot, band),
    ]
    workers = plan.layers.get("workers")
    if workers is not None and len(workers):
        sections += [_workers_section(frame, workers, lang, plot), _budget_section(
            frame, workers, lang, plot, rules.staffing.months_per_year if rules.staffing else 12)]
    if "share_reached" in frame.columns:
        sections.append(_reach_section(plan, frame, lang, plot))
    elif plan.meta.get("reach_skipped"):  # gridmap run without a road to travel on: said, not left out
        mode = i18n.term("mode", plan.meta["reach_skipped"].get("mode", "walk"), lang)
        sections.append(Section("reach", _tr("reach", lang), [i18n.text("cli.reach_skipped_line", lang, mode=mode)]))
    sections.append(_exceptions_section(plan, frame, lang, validate, faults))
    name = frame.attrs.get("county", "")
    title = rules_of_report.title or f"{name} {_tr('title', lang)}".strip()
    issued = rules_of_report.date or time.strftime("%Y-%m-%d")
    y, m, d = (int(v) for v in issued.split("-"))
    date = i18n.text("report.date", lang, y=y, m=m, d=d)
    issued = i18n.text("report.issued", lang, office=rules_of_report.office, date=date) \
        if rules_of_report.office else date
    generated = ""
    if plan.meta.get("created"):
        created = str(plan.meta["created"])[:10]
        try:
            cy, cm, cd = (int(v) for v in created.split("-"))
            created = i18n.text("report.date", lang, y=cy, m=cm, d=cd)
        except ValueError:
            pass
        generated = _tr("generated", lang, created=created, version=plan.meta.get("gridmap_version", ""))
    return Report(title=title, lang=lang, sections=sections, warnings=notes, issued=issued, generated=generated)


def _grid_frame(plan, lang) -> pd.DataFrame:
    """One row per grid with the township key and numbers the sections need."""
    grids = plan.grids
    out = pd.DataFrame({"grid_id": grids["grid_id"].astype(str).to_numpy()})
    out["code"] = grids["code"].astype(str).to_numpy() if "code" in grids.columns else out["grid_id"]
    for column in ("unit_id", "unit_name", "parent_id", "parent_name"):
        out[column] = grids[column].fillna("").astype(str).to_numpy() if column in grids.columns else ""
    out["regime"] = grids["regime"].fillna("").astype(str).to_numpy() if "regime" in grids.columns else "urban"
    out["households"] = pd.to_numeric(grids.get("households", pd.Series(np.nan, index=grids.index)),
                                      errors="coerce").to_numpy(float)
    for column in ("flag", "flag_reason", "share_reached", "in_band"):
        if column in grids.columns:
            out[column] = grids[column].to_numpy()
    levels = townships(grids, county_name(plan))
    out["township"] = levels["township"].to_numpy()
    out.attrs["villages"] = not levels.attrs["units_are_townships"]
    parents = out.loc[out["parent_name"] != "", "parent_name"].nunique()
    area = plan.layers.get("area")
    county = str(area["name"].iloc[0]) if area is not None and "name" in area.columns and len(area) else ""
    if not county and parents == 1:
        county = out.loc[out["parent_name"] != "", "parent_name"].iloc[0]
    out.attrs["county"] = county
    return out


def _overview(plan, frame, lang, band) -> Section:
    villages = frame["unit_id"].nunique() if frame.attrs["villages"] else None
    rows = [(_tr("level1", lang), 1, frame.attrs["county"]),
            (_tr("level2", lang), frame["township"].nunique(), ""),
            (_tr("level3", lang), villages if villages is not None else "—",
             "" if villages is not None else _tr("not_in_plan", lang)),
            (_tr("level4", lang), len(frame), "")]
    micro = plan.meta.get("micro_grids")
    if micro:
        rows.append((_tr("level5", lang), micro["count"], ""))
    table = pd.DataFrame(rows, columns=[_tr("level", lang), _tr("count", lang), _tr("name", lang)])
    blocks = [_tr("figures", lang, households=float(np.nansum(frame["households"])), grids=len(frame))]
    if band:
        blocks.append(_tr("band_text", lang, lo=band.lo, hi=band.hi))
    if micro:
        blocks.append(_tr("micro_text", lang, count=micro["count"], lo=micro["band"][0], hi=micro["band"][1],
                          share=micro["in_band_share"] or 0.0))
    if "regime" in frame and (frame["regime"] == "dedicated").any():
        kinds = plan.grids.loc[plan.grids["regime"] == "dedicated", "kind"].astype(str).value_counts() \
            if "kind" in plan.grids else pd.Series(dtype=int)
        blocks.append(_tr("dedicated_text", lang, count=int((frame["regime"] == "dedicated").sum()),
                          kinds="、".join(f"{i18n.term('kind', k, lang)} {n}" for k, n in kinds.items()) if lang == "zh"
                          else ", ".join(f"{n} {i18n.term('kind', k, lang)}" for k, n in kinds.items())))
    summary = plan.meta.get("summary", {})
    notes = input_notes(summary, lang)
    if notes or summary.get("households_read", summary.get("households")) != summary.get("households"):
        blocks.append(i18n.text("report.inputs", lang) + ": " + i18n.text(
            "inputs.households_read", lang, read=summary.get("households_read", summary.get("households", 0)),
            used=summary.get("households_used", summary.get("households", 0))))
        blocks += notes
    blocks.append(Table(_cells(table)))
    return Section("overview", _tr("overview", lang), blocks)


def _band_classes(grids, band) -> np.ndarray:
    """Per grid: in / over / under against the band, rural, or island (exclave or cut-off piece)."""
    households = pd.to_numeric(grids["households"], errors="coerce").to_numpy(float) if "households" in grids \
        else np.full(len(grids), np.nan)
    regime = grids["regime"].fillna("").astype(str).to_numpy() if "regime" in grids.columns \
        else np.full(len(grids), "urban", dtype=object)
    out = np.full(len(grids), "in", dtype=object)
    if band:
        out[households < band[0]] = "under"
        out[households > band[1]] = "over"
    out[regime == "rural"] = "rural"
    out[regime == "island"] = "island"
    return out


def _map_sections(plan, frame, lang, font, band, progress, decor=None) -> list:
    """The map of every grid, and one map per township (framed on its grids; others drawn faint)."""
    from gridmap._static_map import MapSheet

    grids = plan.grids
    classes = _band_classes(grids, band)
    township = frame["township"].to_numpy()
    geoms = grids.geometry.to_numpy()
    outlines = [merged(geoms[township == name]) for name in sorted(set(township))]
    sheet = MapSheet(grids, classes, townships=outlines, hh_word="户" if lang == "zh" else " hh",
                     north=i18n.text("map.north", lang), decor=decor)
    names = sorted(set(township), key=lambda t: (-int((township == t).sum()), str(t)))
    total = 1 + (len(names) if len(names) > 1 else 0)
    if progress:
        progress("report maps", 0, total)
    overview = Figure("map_overview", sheet.svg(height_pt=sheet.fitted_height(504.0), name="map_overview"),
                      _tr("overview_map_caption", lang))
    if progress:
        progress("report maps", 1, total)
    sections = [Section("map", i18n.text("report.overview_map", lang), [overview])]
    if len(names) > 1:
        figures = []
        households = frame["households"].to_numpy(float)
        for k, name in enumerate(names):
            mine = township == name
            # frame the township on its main body: exclaves without households are drawn, not framed
            body = mine & ~((classes == "island") & ~(households > 0))
            key = f"map_{k + 1:03d}"
            svg = sheet.svg(body if body.any() else mine, width_pt=259.2, height_pt=288.0, name=key)
            caption = i18n.text("report.township_map_caption", lang, township=name, grids=int(mine.sum()),
                                households=float(np.nansum(households[mine])))
            figures.append(Figure(key, svg, caption))
            if progress:
                progress("report maps", k + 2, total)
        sections.append(Section("township_maps", i18n.text("report.township_maps", lang), [Maps(figures)]))
    return sections


def _regime_label(regime: str, lang: str) -> str:
    return i18n.term("regime", regime, lang)


def _grids_section(frame, lang, plot) -> Section:
    counts = pd.crosstab(frame["township"], frame["regime"])
    order = [r for r in ("urban", "rural", "island") if r in counts.columns] + \
        [r for r in counts.columns if r not in ("urban", "rural", "island")]
    counts = counts[order]
    by_unit = frame.groupby("township")["unit_id"].nunique()
    table = counts.copy()
    table.columns = [_regime_label(r, lang) for r in order]
    table[_tr("total", lang)] = counts.sum(axis=1)
    if frame.attrs["villages"]:
        table.insert(0, _tr("villages_n", lang), by_unit.reindex(table.index))
    table.loc[_tr("county", lang)] = table.sum(axis=0)
    table = table.rename_axis(_tr("township", lang)).reset_index()
    figure = plot.stacked_bars("grids_by_regime", counts.rename(columns=lambda r: _regime_label(r, lang)),
                               _tr("n_grids", lang), _tr("regime_caption", lang))
    return Section("grids", _tr("grids", lang), [Table(_cells(table)), figure])


def _households_section(frame, lang, plot, band) -> Section:
    hh = frame["households"]
    blocks = []
    if hh.notna().any():
        def stats(g):
            urban = g[g["regime"] == "urban"]["households"]
            share = "—"
            if band and len(urban):
                share = f"{band.contains(urban.to_numpy(float)).mean():.0%}"
            h = g["households"]
            return pd.Series({_tr("grids_n", lang): len(g), _tr("households_total", lang): h.sum(),
                              _tr("hh_min", lang): h.min(), _tr("hh_median", lang): h.median(),
                              _tr("hh_max", lang): h.max(), _tr("in_band", lang): share})

        table = frame.groupby("township").apply(stats, include_groups=False)
        table.loc[_tr("county", lang)] = stats(frame)
        table = table.rename_axis(_tr("township", lang)).reset_index()
        blocks.append(Table(_cells(table)))
        # exclaves and cut-off pieces without households are no grid anyone serves: left out of the plots
        plotted = frame[~((frame["regime"] == "island") & ~(frame["households"] > 0))]
        blocks.append(plot.histogram("households_histogram", plotted["households"].dropna().to_numpy(), band,
                                     _tr("hh_per_grid", lang), _tr("n_grids", lang), _tr("hist_caption", lang)))
        groups = {t: g["households"].dropna().to_numpy() for t, g in plotted.groupby("township")}
        blocks.append(plot.boxes("households_by_township", groups, band, _tr("hh_per_grid", lang),
                                 _tr("box_caption", lang)))
    if band:
        blocks.insert(0, _tr("band_text", lang, lo=band.lo, hi=band.hi))
    return Section("households", _tr("households", lang), blocks)


def _worker_frame(frame, workers) -> pd.DataFrame:
    town = dict(zip(frame["grid_id"], frame["township"]))
    w = pd.DataFrame({"grid_id": workers["grid_id"].astype(str).to_numpy() if "grid_id" in workers.columns else ""})
    w["township"] = w["grid_id"].map(town).fillna("—")
    w["worker_type"] = workers["worker_type"].fillna("").astype(str).to_numpy() \
        if "worker_type" in workers.columns else "worker"
    w["monthly_pay"] = pd.to_numeric(workers["monthly_pay"], errors="coerce").fillna(0).to_numpy(float) \
        if "monthly_pay" in workers.columns else 0.0
    for column in workers.columns:
        if column.startswith("pay_"):
            w[column] = pd.to_numeric(workers[column], errors="coerce").fillna(0).to_numpy(float)
    return w


def _type_label(kind: str, lang: str) -> str:
    return i18n.term("worker_type", kind, lang)


def _workers_section(frame, workers, lang, plot) -> Section:
    w = _worker_frame(frame, workers)
    counts = pd.crosstab(w["township"], w["worker_type"])
    table = counts.rename(columns=lambda k: _type_label(k, lang))
    table[_tr("total", lang)] = counts.sum(axis=1)
    table.loc[_tr("county", lang)] = table.sum(axis=0)
    table = table.rename_axis(_tr("township", lang)).reset_index()
    figure = plot.stacked_bars("workers_by_type", counts.rename(columns=lambda k: _type_label(k, lang)),
                               _tr("workers_n", lang), _tr("workers_caption", lang))
    return Section("workers", _tr("workers", lang), [Table(_cells(table)), figure])


def _budget_section(frame, workers, lang, plot, months: int = 12) -> Section:
    """Monthly and yearly pay per township (``months`` paid a year); components are the workers'
    ``pay_*`` columns when present."""
    w = _worker_frame(frame, workers)
    # components nobody in this plan is paid (a part-time phone allowance in a plan of
    # full-time workers only) would be rows of zeros
    components = [c for c in w.columns if c.startswith("pay_") and w[c].abs().sum() > 0]
    if not components:
        w["pay_total"] = w["monthly_pay"]
        components = ["pay_total"]
    monthly = w.groupby("township")[components].sum()
    labels = {c: i18n.term("pay", c[len("pay_"):], lang) for c in components}
    table = monthly.rename(columns=labels)
    table[_tr("monthly", lang)] = monthly.sum(axis=1)
    table[_tr("yearly", lang)] = months * monthly.sum(axis=1)
    table.loc[_tr("county", lang)] = table.sum(axis=0)
    table = table.rename_axis(_tr("township", lang)).reset_index()
    county = monthly.sum(axis=0)
    components_table = pd.DataFrame({_tr("component", lang): [labels[c] for c in components],
                                     _tr("monthly", lang): county.to_numpy(),
                                     _tr("yearly", lang): months * county.to_numpy()})
    components_table.loc[len(components_table)] = [_tr("total", lang), county.sum(), months * county.sum()]
    figure = plot.stacked_bars("budget_by_component", monthly.rename(columns=labels), _tr("monthly", lang),
                               _tr("budget_caption", lang))
    return Section("budget", _tr("budget", lang), [_tr("budget_text", lang).format(months=months), Table(_cells(components_table)),
                                                   Table(_cells(table)), figure])


def _reach_section(plan, frame, lang, plot) -> Section:
    f = frame.assign(share=pd.to_numeric(frame["share_reached"], errors="coerce"))
    f = f[f["households"].notna()]
    f = f.assign(reached=f["households"] * f["share"].fillna(0))
    per = f.groupby("township")[["households", "reached"]].sum()
    county = plan.meta.get("reach", {}).get("county", {})
    total_hh = county.get("households", per["households"].sum())
    total_reached = county.get("reached", per["reached"].sum())
    per["share"] = per["reached"] / per["households"].where(per["households"] > 0)
    county_share = total_reached / total_hh if total_hh else np.nan
    table = per.copy()
    table.loc[_tr("county", lang)] = [total_hh, total_reached, county_share]
    table.columns = [_tr("households_total", lang), _tr("reached", lang), _tr("share", lang)]
    table[_tr("share", lang)] = [f"{v:.1%}" if pd.notna(v) else "—" for v in table[_tr("share", lang)]]
    table = table.rename_axis(_tr("township", lang)).reset_index()
    blocks = [Table(_cells(table)),
              plot.share_bars("reach_by_township", per["share"], county_share, _tr("share", lang),
                              _tr("reach_caption", lang))]
    settings = plan.meta.get("reach", {}).get("config", {})
    rows = [(i18n.text(f"setting.{k}", lang), _setting_value(k, v, lang)) for k, v in settings.items()
            if i18n.has(f"setting.{k}") and isinstance(v, (str, int, float, bool, list, tuple))]
    if rows:
        blocks.append(Table(pd.DataFrame(rows, columns=[_tr("setting", lang), _tr("value", lang)]),
                            _tr("reach_settings", lang)))
    return Section("reach", _tr("reach", lang), blocks)


def _setting_value(key, value, lang) -> str:
    """A reach setting in words: modes and objectives named, yes/no for switches, numbers plain."""
    if isinstance(value, bool):
        return i18n.text("value.yes" if value else "value.no", lang)
    if isinstance(value, (list, tuple)):
        return "、".join(i18n.term("mode", v, lang) for v in value) if lang == "zh" else \
            ", ".join(i18n.term("mode", v, lang) for v in value)
    if key in ("mode", "objective"):
        return i18n.term(key, value, lang)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _band_of(plan):
    band = plan.meta.get("config", {}).get("band") or plan.meta.get("summary", {}).get("band")
    return (float(band[0]), float(band[1])) if band else None


def _reasons(plan, flagged, lang) -> list[str]:
    """Why each flagged grid is flagged: the plan's own words in English; in Chinese, from the grid's numbers."""
    if lang == "en":
        return list(flagged.get("flag_reason", pd.Series("", index=flagged.index)).fillna("").astype(str))
    band = _band_of(plan)
    atoms = plan.grids.set_index(plan.grids["grid_id"].astype(str))["atoms"] if "atoms" in plan.grids else None
    out = []
    for row in flagged.itertuples():
        n_atoms = int(atoms.get(row.grid_id, 0)) if atoms is not None else 0
        out.append(i18n.grid_reason(str(row.flag), str(row.regime), float(row.households), n_atoms, band, lang))
    return out


def _reason_parts(units, unit_id) -> str:
    """The unit's reasons as data (the units layer's ``reason_parts``), '' when the plan has none."""
    if units is None or "reason_parts" not in units.columns or "unit_id" not in units.columns:
        return ""
    row = units.loc[units["unit_id"].astype(str) == str(unit_id), "reason_parts"]
    value = row.iloc[0] if len(row) else ""
    return value if isinstance(value, str) else ""


def _unit_reason(plan, unit, lang) -> str:
    """Why a unit misses the band: its own words in English; in Chinese, from its households and status."""
    if lang == "en":
        return unit.get("reason", "")
    units = plan.layers.get("units")
    parts = _reason_parts(units, unit.get("unit_id"))
    if parts:
        return i18n.outcome_text(parts, lang)
    band = _band_of(plan)
    row = units[units["unit_id"].astype(str) == str(unit.get("unit_id"))] if units is not None and \
        "unit_id" in units.columns else None
    if row is None or row.empty:
        return i18n.text("status.infeasible", lang)
    households = float(row["households"].iloc[0]) if "households" in row.columns else float("nan")
    if band and households < band[0]:
        return i18n.message("unit_under_band", lang, households=households, lo=band[0])
    status = str(row["status"].iloc[0]) if "status" in row.columns else "infeasible"
    return i18n.text(f"status.{status}", lang) if i18n.has(f"status.{status}") else status


def _exceptions_section(plan, frame, lang, validate, faults=None) -> Section:
    blocks = []
    flagged = frame[frame.get("flag", pd.Series("", index=frame.index)).fillna("").astype(str) != ""] \
        if "flag" in frame.columns else frame.iloc[:0]
    if len(flagged):
        blocks.append(_tr("flagged_text", lang))
        table = pd.DataFrame({
            _tr("grid", lang): flagged["grid_id"], _tr("township", lang): flagged["township"],
            **({_tr("unit", lang): flagged["unit_name"]} if frame.attrs["villages"] else {}), _tr("regime", lang): [_regime_label(r, lang) for r in
                                                                           flagged["regime"]],
            _tr("households_total", lang): flagged["households"],
            _tr("flag", lang): [i18n.term("flag", f, lang) for f in flagged["flag"].astype(str)],
            _tr("reason", lang): _reasons(plan, flagged, lang)})
        blocks.append(Table(_cells(table)))
    else:
        blocks.append(_tr("flagged_none", lang))
    infeasible = plan.meta.get("summary", {}).get("infeasible_units", [])
    if infeasible:
        blocks.append(Table(_cells(pd.DataFrame({_tr("unit" if frame.attrs["villages"] else "township", lang): [u.get("name", u.get("unit_id")) for u in infeasible],
                                                 _tr("reason", lang): [_unit_reason(plan, u, lang)
                                                                       for u in infeasible]})),
                            _tr("infeasible", lang)))
    if validate:
        from gridmap.validate import FAULT_CLASSES, check_status, validate_plan

        faults = faults if faults is not None else validate_plan(plan)
        blocks.append(_tr("validation_text", lang, errors=faults.errors, warnings=faults.warnings))
        label = {k: i18n.term("fault", k, lang) for k in FAULT_CLASSES}
        summary = faults.summary
        table = pd.DataFrame({
            _tr("fault", lang): summary["fault"].map(label),
            _tr("status", lang): [check_status(s, lang) for s in summary["status"]],
            _tr("errors", lang): summary["errors"], _tr("warnings", lang): summary["warnings"]})
        blocks.append(Table(_cells(table), _tr("validation", lang)))
        shown = faults.faults.head(100)
        if len(shown):
            blocks.append(Table(_cells(pd.DataFrame({
                _tr("level", lang): [i18n.term("severity", v, lang) for v in shown["level"]],
                _tr("fault", lang): shown["fault"].map(label),
                _tr("grid", lang): shown["grid_id"], _tr("detail", lang): faults.details(lang).head(100)}))))
        if len(faults.faults) > len(shown):
            blocks.append(_tr("faults_more", lang, n=len(faults.faults) - len(shown)))
    return Section("exceptions", _tr("exceptions", lang), blocks)


# --------------------------------------------------------------------------- plots


#: Where fonts are installed (Linux, macOS, Windows): searched for a CJK font file by name.
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/Library/Fonts",
              "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")


def _font_files():
    for folder in _FONT_DIRS:
        for root, _, files in os.walk(os.path.expanduser(folder)):
            yield from (os.path.join(root, f) for f in files)


def _font() -> tuple[str, bool]:
    """The first CJK font installed (its family name), and whether none was.

    The browser sets the report's words (and Chromium its PDF) from the system's fonts;
    without a CJK font Chinese shows as boxes, which the report then says.
    """
    found = [os.path.basename(p).lower() for p in _font_files() if _CJK_FILES.search(os.path.basename(p))]
    if not found:
        return "DejaVu Sans", True
    return ("WenQuanYi Micro Hei" if any("wqy" in f for f in found) else "Noto Sans CJK SC"), False


def use_cjk_font() -> str | None:
    """Let matplotlib draw Chinese: put the first installed CJK font first in its sans-serif list.

    For notebooks and scripts (the report draws its plots as SVG without matplotlib).
    Returns the font's name, or None when no CJK font is installed (install fonts-wqy-microhei).
    """
    import matplotlib
    from matplotlib import font_manager

    name, missing = _font()
    if missing:
        return None
    if name not in {f.name for f in font_manager.fontManager.ttflist}:
        for path in _font_files():  # files matplotlib's font cache missed
            if _CJK_FILES.search(os.path.basename(path)):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
    fonts = [f for f in matplotlib.rcParams["font.sans-serif"] if f != name]
    matplotlib.rcParams["font.sans-serif"] = [name, *fonts]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


class _Plotter:
    """The report's plots as SVG figures (:mod:`gridmap._charts`; no plotting library)."""

    def __init__(self, font: str, lang: str):
        self.lang = lang

    def stacked_bars(self, name, counts: pd.DataFrame, ylabel, caption) -> Figure:
        from gridmap import _charts

        return Figure(name, _charts.stacked_bars(counts, ylabel), caption)

    def histogram(self, name, values, band, xlabel, ylabel, caption) -> Figure:
        from gridmap import _charts

        return Figure(name, _charts.histogram(values, band, xlabel, ylabel), caption)

    def boxes(self, name, groups: dict, band, xlabel, caption) -> Figure:
        from gridmap import _charts

        return Figure(name, _charts.boxes(groups, band, xlabel), caption)

    def share_bars(self, name, shares: pd.Series, county, ylabel, caption) -> Figure:
        from gridmap import _charts

        return Figure(name, _charts.share_bars(shares, county if pd.notna(county) else None, ylabel), caption)


# --------------------------------------------------------------------------- writing


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text: integers with thousands separators, other numbers with one decimal."""
    def text(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return "—"
        if isinstance(v, (bool, np.bool_)):
            return "✓" if v else "✗"
        if isinstance(v, (int, np.integer)):
            return f"{int(v):,}"
        if isinstance(v, (float, np.floating)):
            return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
        return str(v)

    return pd.DataFrame({str(c): [text(v) for v in frame[c]] for c in frame.columns})


def _Markup(text):
    from markupsafe import Markup

    return Markup(text)


def _css_text(text: str) -> str:
    """Text for a CSS string literal inside the page's <style> (quotes and backslashes escaped; no markup)."""
    return "".join(c if c.isalnum() or c in " -_.,:;()（），：·" or ord(c) > 0x2E80 else f"\\{ord(c):x} "
                   for c in str(text))


def _css_string(text: str) -> str:
    return '"' + _css_text(text) + '"'


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]+(\.\d+)?%?|—", text))


def _block(block) -> dict:
    """A block as the template takes it."""
    if isinstance(block, Table):
        frame = block.frame
        return {"kind": "table", "caption": block.caption, "columns": [str(c) for c in frame.columns],
                "rows": [[(str(v), _numeric(str(v))) for v in row] for row in frame.itertuples(index=False)]}
    if isinstance(block, Figure):
        return {"kind": "figure", "caption": block.caption, "svg": _Markup(block.svg),
                "css": "map" if block.name.startswith("map") else "plot"}
    if isinstance(block, Maps):
        return {"kind": "maps", "figures": [{"caption": f.caption, "svg": _Markup(f.svg)} for f in block.figures]}
    return {"kind": "text", "text": str(block)}


def _html_table(table: Table) -> str:
    e = html.escape
    frame = table.frame
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>\n"
                   for row in frame.itertuples(index=False))
    caption = f"<caption>{e(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody></table>\n"


def _md(text: str) -> str:
    """Markdown-safe text: no raw HTML, no links or images (``[x](javascript:...)``), no emphasis,
    no table-breaking pipes or newlines: names from the data are shown as written."""
    text = html.escape(str(text), quote=False).replace("\n", " ")
    return re.sub(r"([\\`*_\[\]()!|<>#])", r"\\\1", text)


def _md_table(table: Table) -> list[str]:
    frame = table.frame
    lines = [f"**{_md(table.caption)}**", ""] if table.caption else []
    lines.append("| " + " | ".join(_md(c) for c in frame.columns) + " |")
    lines.append("|" + "|".join("---" for _ in frame.columns) + "|")
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return lines




_CSS = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}caption{caption-side:top;text-align:left;font-weight:bold;padding:.3em 0}
figure{margin:1em 0}img{max-width:100%}figcaption{font-size:.85em;color:#555}
.warning{background:#fff3cd;border:1px solid #e0c36c;padding:.5em}
nav ol{columns:2}
"""
