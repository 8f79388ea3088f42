"""Many counties in one go on dask.distributed: ``gridmap batch``.

    counties = [County("li", {"osm": "data/liechtenstein.osm.pbf", "area_name": "Liechtenstein",
                              "urban_mode": "all", "band": (300, 500)})]   # run_county's keywords
    result = run_batch(counties, "out/province", workers=2)
    result.rows          # one dict per county: status, households, grids, workers, budget, ...

``gridmap batch`` reads the counties from a TOML manifest (:func:`read_manifest`; its
keys are parsed by ``gridmap run``'s own options). Each county is one task running
:func:`gridmap.runner.run_county` (the same steps and files as ``gridmap run``) into
``OUT/<name>/``. Inside it, the per-unit steps (cutting atoms, partitioning) and the
bases' searches go back to the cluster as tasks of their own (the county's task leaves
its worker's thread while they run), so a county with many units spreads over every
worker instead of holding one up; the plan is the same as without an executor (each
unit has its own seed).

A county that fails does not stop the others: its one-line error is in the rows and in
``OUT/failures.csv``. After a county's files are written, ``OUT/<name>/batch.json``
records the fingerprint of its run (its options and the size and modification time of
every input file it names); ``resume=True`` skips a county whose files are all present
and whose fingerprint matches. At the end ``OUT/province.csv`` (one row per county),
``OUT/province.html`` (the table, failures, and a link to) ``OUT/province_map.html``
(every county's grids on one map) sum up the batch.

The cluster: a :class:`distributed.LocalCluster` of ``workers`` processes (one thread
each) on the loopback interface, its dashboard off unless asked for; or an existing
scheduler's ``address`` (its workers must see the same files: inputs and ``OUT``).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from gridmap.errors import GridmapError, InputError

#: Keys of a manifest table that are not options of ``gridmap run``.
NAME_KEY = "name"

#: Columns of ``province.csv`` (figures per county).
COLUMNS = ("name", "status", "households", "units", "grids", "urban_grids", "in_band_share_urban", "workers",
           "budget_yuan_year", "reached_share", "seconds", "error")


@dataclass(frozen=True)
class County:
    """One county of a batch: its output folder name and the keywords of :func:`gridmap.runner.run_county`.

    ``inputs``: the files its run reads (for the resume fingerprint); by default every
    option value that names an existing file.
    """

    name: str
    options: dict
    inputs: tuple = ()

    def __post_init__(self):
        name = str(self.name)
        if not name or name in (".", "..") or any(c in name for c in '/\\:*?"<>|') or name.startswith("."):
            raise InputError.of("batch_bad_county_name", name=name)
        if not self.inputs:
            object.__setattr__(self, "inputs", tuple(sorted(_files_named(self.options))))

    def fingerprint(self) -> str:
        """Hash of the run's options, gridmap's version and each input file's size and modification time."""
        from gridmap._versions import package_version

        files = []
        for path in self.inputs:
            try:
                st = os.stat(path)
                files.append([str(path), st.st_size, st.st_mtime_ns])
            except OSError:
                files.append([str(path), None, None])
        text = json.dumps({"options": self.options, "files": files, "gridmap": package_version("gridmap")},
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _files_named(options: dict):
    for value in options.values():
        for item in (value if isinstance(value, (list, tuple)) else (value,)):
            if isinstance(item, (str, os.PathLike)) and item and os.path.isfile(item):
                yield str(item)


def read_manifest(path) -> list[tuple[str, dict]]:
    """The counties of a TOML manifest: ``(name, table)`` pairs, each table over ``[defaults]``.

    A manifest has an optional ``[defaults]`` table and one ``[[run]]`` table per county,
    with a ``name`` (its output folder) and the options of ``gridmap run`` spelled as on
    the command line without the dashes (``osm``, ``area-name``, ``band = [300, 500]``).
    Relative file names are relative to the manifest's folder (see ``gridmap batch``).
    """
    from gridmap._toml import read_toml

    data = read_toml(path, what="manifest")
    unknown = sorted(set(data) - {"defaults", "run"})
    if unknown:
        raise InputError.of("batch_unknown_tables", path=path, unknown=unknown)
    defaults = data.get("defaults", {})
    runs = data.get("run", [])
    if not isinstance(defaults, dict):
        raise InputError.of("batch_defaults_not_table", path=path)
    if not isinstance(runs, list) or not runs or not all(isinstance(r, dict) for r in runs):
        raise InputError.of("batch_no_county", path=path)
    if NAME_KEY in defaults:
        raise InputError.of("batch_name_in_defaults", path=path)
    out, seen = [], set()
    for i, table in enumerate(runs, start=1):
        name = table.get(NAME_KEY)
        if not isinstance(name, str) or not name:
            raise InputError.of("batch_run_without_name", path=path, number=i)
        if name in seen:
            raise InputError.of("batch_name_repeated", path=path, name=name)
        seen.add(name)
        merged = {**defaults, **{k: v for k, v in table.items() if k != NAME_KEY}}
        out.append((name, merged))
    return out


# --------------------------------------------------------------------------- one county (on a worker)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, GridmapError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _figures(plan, faults) -> dict:
    s = plan.summary()
    staff, reach = plan.meta.get("staffing", {}), plan.meta.get("reach", {})
    return {"households": s.get("households"), "units": s.get("units"), "grids": s.get("grids"),
            "urban_grids": s.get("urban_grids"), "in_band_share_urban": s.get("in_band_share_urban"),
            "workers": staff.get("workers"), "budget_yuan_year": staff.get("yearly_yuan", {}).get("total"),
            "reached_share": reach.get("county", {}).get("share"),
            "errors": getattr(faults, "errors", None), "warnings": getattr(faults, "warnings", None)}


def run_one(county: County, out, *, fingerprint: str, split: bool = True) -> dict:
    """Run one county into ``out/<name>`` and return its row (never raises for the county's own errors).

    On a dask worker with ``split``, the per-unit steps go back to the cluster as tasks.
    """
    from gridmap.runner import run_county

    folder = Path(out) / county.name
    start = time.perf_counter()
    progress = _progress_events(county.name)
    try:
        executor = _ClusterMap.on_worker() if split else None
        options = county.options
        if executor is None and _worker() is not None:
            # a dask worker is a daemon process, which may not start processes of its own: the
            # county's per-unit steps run here, one after another
            options = {**options, "jobs": 1}
        result = run_county(folder, progress=progress, executor=executor, **options)
        row = {"name": county.name, "status": "ok", **_figures(result.plan, result.faults),
               "seconds": round(time.perf_counter() - start, 2), "error": ""}
        from gridmap._atomic import write_text

        # written last: its presence says every file of the run is complete
        write_text(folder / "batch.json", json.dumps({"fingerprint": fingerprint, "row": row}, ensure_ascii=False,
                                                     indent=2, default=float))
        return row
    except Exception as exc:  # one bad county must not stop the others: its error becomes its row
        return {"name": county.name, "status": "failed", "seconds": round(time.perf_counter() - start, 2),
                "error": _one_line(exc)}


def _worker():
    """The dask worker this runs on as a task, or None."""
    try:
        from distributed import get_worker

        return get_worker()
    except (ImportError, ValueError):
        return None


class _ClusterMap:
    """The ``map`` of a :class:`concurrent.futures.Executor` on the cluster, for a task running on it.

    The tasks go to the cluster at a higher priority than counties not yet started (a
    county's units come before the next county). While they run, the calling task
    leaves its worker's thread (:func:`distributed.secede`), so that they may run there
    too, and takes it back (:func:`distributed.rejoin`) before going on: a worker
    computes one thing at a time. Results come back in order.
    """

    def __init__(self, client):
        self.client = client

    @classmethod
    def on_worker(cls):
        """The map of the cluster this task runs on; None when not on a dask worker."""
        if _worker() is None:
            return None
        from distributed import get_client

        return cls(get_client())

    def map(self, fn, *iterables):
        from distributed import rejoin, secede

        with warnings.catch_warnings():  # a unit's arrays are the task's data: no need to scatter them first
            warnings.filterwarnings("ignore", message=".*[Ll]arge object.*")
            futures = self.client.map(fn, *iterables, pure=False, priority=10)
        secede()
        try:
            results = self.client.gather(futures)
        finally:
            rejoin()
        return iter(results)


def _progress_events(name: str):
    """``progress(step, done, total)`` that tells the client when a county starts a new step."""
    worker = _worker()
    if worker is None:
        return None
    last = [None]

    def progress(step, done, total):
        if step != last[0]:
            last[0] = step
            worker.log_event("gridmap-progress", {"county": name, "step": step})

    return progress


# --------------------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    """Rows per county (in manifest order), the files written, and the cluster's figures."""

    rows: list
    paths: dict = field(default_factory=dict)
    workers: dict = field(default_factory=dict)  # worker address -> peak resident MB
    worker_cpu: dict = field(default_factory=dict)  # worker address -> CPU seconds used
    seconds: float = 0.0

    @property
    def failed(self) -> list:
        return [r for r in self.rows if r["status"] == "failed"]


def is_complete(county: County, out) -> bool:
    """Whether ``out/<name>`` holds every file of a run whose fingerprint matches ``county`` now."""
    from gridmap.runner import RUN_FILES

    folder = Path(out) / county.name
    record = folder / "batch.json"
    if not record.exists() or not all((folder / f).exists() for f in RUN_FILES):
        return False
    try:
        stored = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stored.get("fingerprint") == county.fingerprint()


def run_batch(counties: list[County], out, *, workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, dashboard: bool = False, split: bool = True, on_event=None,
              lang: str = "zh") -> BatchResult:
    """Run every county on dask.distributed; write the province summary and the failure log.

    Parameters
    ----------
    counties : the counties (unique names).
    out : output folder; each county writes ``out/<name>/``.
    workers : processes of the local cluster (default: the CPU count); ignored with ``scheduler``.
    scheduler : address of an existing dask scheduler (``tcp://host:8786``) instead.
    resume : skip counties whose outputs are complete and match (see :func:`is_complete`).
    dashboard : serve the dask dashboard (local cluster, loopback, a free port) and say where.
    split : send a county's per-unit steps back to the cluster as tasks.
    on_event : ``on_event(kind, name, detail)`` as counties start steps, finish, fail or are skipped.
    lang : language of the province summary's labels.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError.of("batch_no_distributed") from None
    names = [c.name for c in counties]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputError.of("batch_names_repeated", names=duplicated)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tell = on_event or (lambda *a: None)
    started = time.perf_counter()
    rows: dict[str, dict] = {}
    todo = []
    for county in counties:
        if resume and is_complete(county, out):
            stored = json.loads((out / county.name / "batch.json").read_text(encoding="utf-8"))["row"]
            rows[county.name] = {**stored, "status": "skipped"}
            tell("skipped", county.name, "outputs complete and up to date")
        else:
            todo.append(county)

    peaks, cpu = {}, {}
    if todo:
        cluster = None
        if scheduler:
            client = Client(scheduler, set_as_default=False)
        else:
            n = max(1, int(workers or os.cpu_count() or 1))
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address="127.0.0.1:0" if dashboard else None,
                                   scheduler_port=0, silence_logs=40)
            client = Client(cluster, set_as_default=False)
        try:
            tell("cluster", "", {"address": client.scheduler.address,
                                 "workers": len(client.scheduler_info().get("workers", {}))})
            if dashboard and client.dashboard_link:
                tell("dashboard", "", client.dashboard_link)
            client.subscribe_topic("gridmap-progress",
                                   lambda event: tell("step", event[1]["county"], event[1]["step"]))
            futures = {}
            for county in todo:
                future = client.submit(run_one, county, str(out.resolve()), fingerprint=county.fingerprint(),
                                       split=split, key=f"county-{county.name}-{county.fingerprint()[:12]}",
                                       pure=False)
                futures[future] = county.name
                tell("queued", county.name, "")
            for future in as_completed(futures, loop=client.loop):
                name = futures[future]
                try:
                    row = future.result()
                except Exception as exc:  # the worker died (memory), or the task could not be sent
                    row = {"name": name, "status": "failed", "error": _one_line(exc)}
                rows[name] = row
                tell("done" if row["status"] == "ok" else "failed", name, row)
            peaks, cpu = _worker_usage(client)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    ordered = [rows[c.name] for c in counties]
    result = BatchResult(rows=ordered, workers=peaks, worker_cpu=cpu, seconds=round(time.perf_counter() - started, 2))
    result.paths = write_summary(result, out, lang=lang)
    return result


def _worker_usage(client) -> tuple[dict, dict]:
    """Peak resident memory (MB) and CPU seconds of each worker process so far."""
    def usage():
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_maxrss / 1024, own.ru_utime + own.ru_stime

    try:
        found = client.run(usage)
    except Exception:  # a scheduler that forbids client.run: no figures, not a failed batch
        return {}, {}
    return ({addr: round(mb, 1) for addr, (mb, _) in found.items()},
            {addr: round(cpu, 2) for addr, (_, cpu) in found.items()})


# --------------------------------------------------------------------------- the province summary

def _w(key, lang):
    from gridmap import i18n

    return i18n.text(f"batch.{key}", lang)


def write_summary(result: BatchResult, out: Path, *, lang: str = "zh") -> dict:
    """``province.csv``, ``failures.csv``, ``province_map.html`` and ``province.html`` in ``out``."""
    import html

    import pandas as pd

    from gridmap._atomic import write_text
    from gridmap.tables import write_csv

    table = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in result.rows], columns=list(COLUMNS))
    # county names and error messages come from the manifest and the inputs: escaped for Excel
    paths = {"province.csv": write_csv(table, out / "province.csv")}
    failed = table[table["status"] == "failed"][["name", "error"]]
    paths["failures.csv"] = write_csv(failed, out / "failures.csv")
    done = [r["name"] for r in result.rows if r["status"] in ("ok", "skipped")]
    map_path = _province_map(out, done, result.rows, lang)
    if map_path is not None:
        paths["province_map.html"] = map_path

    ok = table[table["status"] != "failed"]
    total = {"name": _w("total", lang), "status": "", "households": ok["households"].sum(),
             "units": ok["units"].sum(), "grids": ok["grids"].sum(), "urban_grids": ok["urban_grids"].sum(),
             "workers": ok["workers"].sum(), "budget_yuan_year": ok["budget_yuan_year"].sum(),
             "seconds": result.seconds}
    shown = pd.concat([table, pd.DataFrame([total])], ignore_index=True)

    def cell(column, value):
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if column == "status":
            return _w(value, lang) if value in ("ok", "failed", "skipped") else str(value)
        if column in ("in_band_share_urban", "reached_share"):
            return f"{float(value):.1%}"
        if column in ("households", "budget_yuan_year"):
            return f"{float(value):,.0f}"
        if column == "seconds":
            return f"{float(value):.1f}"
        if column in ("units", "grids", "urban_grids", "workers"):
            return f"{int(value):,}"
        return html.escape(str(value))

    columns = [c for c in COLUMNS if c != "error"]
    head = "".join(f"<th>{html.escape(_w(c, lang))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(c, r[c])}</td>" for c in columns) + "</tr>"
                   for r in shown.to_dict("records"))
    fail = ("<ul>" + "".join(f"<li><b>{html.escape(str(n))}</b>: {html.escape(str(e))}</li>"
                             for n, e in zip(failed["name"], failed["error"])) + "</ul>") if len(failed) \
        else f"<p>{_w('none_failed', lang)}</p>"
    link = f'<p><a href="province_map.html">{_w("map", lang)}</a></p>' if map_path is not None else ""
    page = (f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
            f"<title>{_w('title', lang)}</title><style>body{{font-family:sans-serif;margin:2em}}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
            "td:first-child,th:first-child{text-align:left}</style></head><body>"
            f"<h1>{_w('title', lang)}</h1>{link}<table><tr>{head}</tr>{body}</table>"
            f"<h2>{_w('failures', lang)}</h2>{fail}</body></html>\n")
    paths["province.html"] = write_text(out / "province.html", page)
    return paths


def _province_map(out: Path, names: list[str], rows: list[dict], lang: str):
    """Every county's grids on one offline map (grids coloured by county, a popup with its figures)."""
    if not names:
        return None
    import folium
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    from gridmap._atomic import write_text

    frames, outlines = [], []
    for name in names:
        path = out / name / "plan.gpkg"
        if not path.exists():
            continue
        grids = pyogrio.read_dataframe(path, layer="grids", columns=["grid_id", "households", "regime"])
        grids = grids.to_crs(grids.estimate_utm_crs() if grids.crs is None or not grids.crs.is_projected
                             else grids.crs)
        grids["geometry"] = grids.geometry.simplify(10.0)  # metres: a county-wide view
        frames.append(grids.to_crs(4326).assign(county=name))
        area = pyogrio.read_dataframe(path, layer="area").to_crs(grids.crs)
        outlines.append(gpd.GeoDataFrame({"county": [name]}, crs=grids.crs,
                                         geometry=[area.geometry.union_all().simplify(10.0)]).to_crs(4326))
    if not frames:
        return None
    grids = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf")
    colour = {n: palette[i % len(palette)] for i, n in enumerate(names)}
    west, south, east, north = grids.total_bounds
    from branca.element import Element

    from gridmap._map_assets import head_html

    fmap = folium.Map(tiles=None, control_scale=True)
    # offline like every gridmap map: Leaflet inlined, nothing linked from a CDN
    fmap.default_js = []
    fmap.default_css = []
    fmap.get_root().header.add_child(Element(head_html()), name="gridmap_assets")
    fmap.fit_bounds([[south, west], [north, east]])
    grids["households"] = grids["households"].round(0)
    folium.GeoJson(grids[["county", "grid_id", "households", "regime", "geometry"]].to_json(),
                   name=_w("grids", lang),
                   style_function=lambda f: {"color": colour.get(f["properties"]["county"], "#333"), "weight": 1,
                                             "fillOpacity": 0.3},
                   tooltip=folium.GeoJsonTooltip(["county", "grid_id", "households"],
                                                 aliases=[_w("name", lang), _w("grid", lang), _w("households", lang)])).add_to(fmap)
    _county_outlines(fmap, gpd.GeoDataFrame(pd.concat(outlines, ignore_index=True), crs=4326), colour, rows, lang)
    return write_text(out / "province_map.html", fmap.get_root().render())


def _county_outlines(fmap, outlines, colour: dict, rows: list[dict], lang: str) -> None:
    """Each county's outline (its plan's area) with its name, and a legend of the counties
    (colour, grids, workers, households) on the province map."""
    import html

    import folium
    from branca.element import Element

    figures = {row["name"]: row for row in rows}
    for name, whole in zip(outlines["county"], outlines.geometry):
        spot = whole.representative_point()
        folium.Marker([spot.y, spot.x], icon=folium.DivIcon(
            html=f'<div class="gm-county-label">{html.escape(str(name))}</div>', icon_size=(0, 0))).add_to(fmap)
    folium.GeoJson(outlines.to_json(), name=_w("name", lang), interactive=False,
                   style_function=lambda f: {"color": colour.get(f["properties"]["county"], "#333"), "weight": 3,
                                             "fill": False}).add_to(fmap)

    def number(value, digits=0):
        return "" if value is None or value != value else f"{value:,.{digits}f}"

    lines = "".join(
        f'<tr><td><span class="gm-swatch" style="background:{colour[name]}"></span>{html.escape(str(name))}</td>'
        f'<td>{number(figures.get(name, {}).get("grids"))}</td><td>{number(figures.get(name, {}).get("workers"))}</td>'
        f'<td>{number(figures.get(name, {}).get("households"))}</td></tr>' for name in colour if name in set(outlines["county"]))
    legend = (
        "<style>.gm-county-label{display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;font:600 13px sans-serif;"
        "color:#222;text-shadow:0 0 3px #fff,0 0 3px #fff}"
        ".gm-legend{position:absolute;right:10px;bottom:24px;z-index:1000;background:#fff;padding:6px 9px;"
        "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px sans-serif;max-height:60%;overflow:auto}"
        ".gm-legend td{padding:1px 5px;text-align:right}.gm-legend td:first-child{text-align:left}"
        ".gm-legend th{padding:1px 5px;font-weight:600}"
        ".gm-swatch{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}</style>"
        f'<div class="gm-legend"><table><tr><th>{_w("name", lang)}</th><th>{_w("grids", lang)}</th>'
        f'<th>{_w("workers", lang)}</th><th>{_w("households", lang)}</th></tr>{lines}</table></div>')
    fmap.get_root().html.add_child(Element(legend))
