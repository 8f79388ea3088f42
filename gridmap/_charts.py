"""The report's plots as SVG: stacked bars, a histogram against the band, box plots, shares.

Drawn as ``<svg>`` text from the numbers, with no plotting library: vector, sharp in
print, and set by the browser (or Chromium printing the PDF) in the page's CJK font.
Sizes are pixels of a 100-dpi page (a 7-inch plot is 700 wide); the SVG scales with
the page. Charts with many categories (more than :data:`MAX_COLUMNS`) lie on their
side, one row per category, so every name stays readable. Every word is escaped.
"""
from __future__ import annotations

import html
import math

import numpy as np

__all__ = ["stacked_bars", "histogram", "boxes", "share_bars", "nice_ticks"]

#: matplotlib's "tab10" colours, in its order: the series of a stacked bar chart.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
#: Categories beyond which bar charts are drawn lying down (rows instead of columns).
MAX_COLUMNS = 24
FONT = '"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif'
_SIZE = 12  # font size, px
_BAND = "#2ca02c"
_AXIS = "#333333"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def text_width(text: str, size: float = _SIZE) -> float:
    """Width of a text in px: CJK characters a full em, others about 0.6 em."""
    return size * sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in str(text))


def nice_ticks(top: float, count: int = 5) -> np.ndarray:
    """Ticks from 0 to at least ``top`` in steps of 1, 2 or 5 times a power of ten (about ``count`` of them)."""
    top = float(top) if np.isfinite(top) and top > 0 else 1.0
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return np.arange(0, math.ceil(top / step - 1e-9) * step + step / 2, step)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}".rstrip("0").rstrip(".")


class _Canvas:
    """An SVG of ``width`` × ``height`` px with a plot area inside its margins; y or x counts from 0."""

    def __init__(self, width, height, left, right, top, bottom):
        self.width, self.height = width, height
        self.x0, self.x1, self.y0, self.y1 = left, width - right, top, height - bottom
        self.parts: list[str] = []

    def add(self, *parts: str):
        self.parts += parts

    def text(self, x, y, text, anchor="middle", size=_SIZE, extra=""):
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{extra}>{_e(text)}</text>')

    def svg(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {self.width:.0f} '
                f'{self.height:.0f}" width="{self.width:.0f}" height="{self.height:.0f}" role="img" '
                f"font-family='{FONT}' fill=\"{_AXIS}\">" + "".join(self.parts) + "</svg>")

    def value_axis(self, ticks, label, vertical: bool, fmt=_number):
        """Ticks and grid lines of the value axis (left when vertical, bottom otherwise) and its label."""
        top = ticks[-1] if len(ticks) else 1.0
        for t in ticks:
            if vertical:
                y = self.y1 - (self.y1 - self.y0) * t / top
                self.add(f'<path d="M{self.x0 - 4:.1f} {y:.1f}H{self.x0:.1f}" stroke="{_AXIS}"/>')
                if t:
                    self.add(f'<path d="M{self.x0:.1f} {y:.1f}H{self.x1:.1f}" stroke="#e6e6e6"/>')
                self.text(self.x0 - 7, y + 4, fmt(t), anchor="end")
            else:
                x = self.x0 + (self.x1 - self.x0) * t / top
                self.add(f'<path d="M{x:.1f} {self.y1:.1f}V{self.y1 + 4:.1f}" stroke="{_AXIS}"/>')
                if t:
                    self.add(f'<path d="M{x:.1f} {self.y0:.1f}V{self.y1:.1f}" stroke="#e6e6e6"/>')
                self.text(x, self.y1 + 17, fmt(t))
        if vertical:
            self.text(14, (self.y0 + self.y1) / 2, label,
                      extra=f' transform="rotate(-90 14 {(self.y0 + self.y1) / 2:.1f})"')
        else:
            self.text((self.x0 + self.x1) / 2, self.y1 + 36, label)

    def frame(self):
        """The two axis lines (left and bottom), as matplotlib draws them with the top and right spines off."""
        self.add(f'<path d="M{self.x0:.1f} {self.y0:.1f}V{self.y1:.1f}H{self.x1:.1f}" fill="none" '
                 f'stroke="{_AXIS}"/>')


def _legend(canvas: _Canvas, names, colours, x, y):
    for k, (name, colour) in enumerate(zip(names, colours)):
        canvas.add(f'<rect x="{x:.1f}" y="{y + 18 * k:.1f}" width="12" height="12" fill="{colour}"/>')
        canvas.text(x + 17, y + 18 * k + 10.5, name, anchor="start", size=11)


def _category_margin(labels, rotated: bool) -> float:
    longest = max((text_width(t) for t in labels), default=0.0)
    return longest * (0.72 if rotated else 1.0) + 14


def stacked_bars(counts, ylabel: str) -> str:
    """Bars per category (``counts``' index) stacked by series (its columns), with a legend."""
    labels = [str(t) for t in counts.index]
    series = [str(c) for c in counts.columns]
    values = counts.to_numpy(float)
    totals = values.sum(axis=1) if values.size else np.zeros(len(labels))
    ticks = nice_ticks(totals.max() if len(totals) else 1.0)
    colours = [COLOURS[k % len(COLOURS)] for k in range(len(series))]
    legend_w = max((text_width(s, 11) for s in series), default=0.0) + 30
    if len(labels) <= MAX_COLUMNS:
        width = max(500.0, 50.0 * len(labels) + 200) + legend_w
        c = _Canvas(width, 350 + _category_margin(labels, True) - 60, 62, legend_w + 10, 12,
                    _category_margin(labels, True))
        c.value_axis(ticks, ylabel, vertical=True)
        slot = (c.x1 - c.x0) / max(len(labels), 1)
        scale = (c.y1 - c.y0) / ticks[-1]
        for i, label in enumerate(labels):
            x, bottom = c.x0 + slot * (i + 0.1), c.y1
            for k, v in enumerate(values[i]):
                if v > 0:
                    c.add(f'<rect x="{x:.1f}" y="{bottom - v * scale:.1f}" width="{slot * 0.8:.1f}" '
                          f'height="{v * scale:.1f}" fill="{colours[k]}"><title>{_e(label)} · {_e(series[k])}: '
                          f'{_number(v)}</title></rect>')
                bottom -= v * scale
            cx = c.x0 + slot * (i + 0.5)
            c.text(cx, c.y1 + 14, label, anchor="end", extra=f' transform="rotate(-45 {cx:.1f} {c.y1 + 14:.1f})"')
    else:
        left = _category_margin(labels, False)
        c = _Canvas(700.0 + legend_w, 20.0 * len(labels) + 70, left, legend_w + 10, 12, 48)
        c.value_axis(ticks, ylabel, vertical=False)
        slot = (c.y1 - c.y0) / len(labels)
        scale = (c.x1 - c.x0) / ticks[-1]
        for i, label in enumerate(labels):
            y, start = c.y0 + slot * (i + 0.15), c.x0
            for k, v in enumerate(values[i]):
                if v > 0:
                    c.add(f'<rect x="{start:.1f}" y="{y:.1f}" width="{v * scale:.1f}" height="{slot * 0.7:.1f}" '
                          f'fill="{colours[k]}"><title>{_e(label)} · {_e(series[k])}: {_number(v)}</title></rect>')
                start += v * scale
            c.text(c.x0 - 6, c.y0 + slot * (i + 0.5) + 4, label, anchor="end")
    c.frame()
    _legend(c, series, colours, c.x1 + 14, c.y0 + 2)
    return c.svg()


def histogram(values, band, xlabel: str, ylabel: str, bins: int = 30) -> str:
    """Grids per class of households, 0 to the largest (at least 1.2 × the band's top); the band shaded."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    top = max(float(values.max()) if len(values) else 1.0, band.hi * 1.2 if band else 0.0, 1.0)
    counts, edges = np.histogram(values, bins=np.linspace(0, top, bins + 1))
    yticks = nice_ticks(max(int(counts.max()) if len(counts) else 1, 1))
    yticks = yticks[(yticks == np.round(yticks))]  # whole grids
    c = _Canvas(700, 350, 62, 16, 12, 48)
    x_of = lambda v: c.x0 + (c.x1 - c.x0) * v / top  # noqa: E731
    y_scale = (c.y1 - c.y0) / yticks[-1]
    if band:
        c.add(f'<rect x="{x_of(band.lo):.1f}" y="{c.y0:.1f}" width="{x_of(band.hi) - x_of(band.lo):.1f}" '
              f'height="{c.y1 - c.y0:.1f}" fill="{_BAND}" fill-opacity="0.15"/>')
    c.value_axis(yticks, ylabel, vertical=True)
    for n, a, b in zip(counts, edges[:-1], edges[1:]):
        if n:
            c.add(f'<rect x="{x_of(a):.1f}" y="{c.y1 - n * y_scale:.1f}" width="{x_of(b) - x_of(a):.1f}" '
                  f'height="{n * y_scale:.1f}" fill="#1f77b4" stroke="#ffffff" stroke-width="0.8">'
                  f"<title>{_number(a)}–{_number(b)}: {n}</title></rect>")
    if band:
        for edge in band:
            c.add(f'<path d="M{x_of(edge):.1f} {c.y0:.1f}V{c.y1:.1f}" stroke="{_BAND}"/>')
    for t in nice_ticks(top, 6):
        if t <= top:
            x = x_of(t)
            c.add(f'<path d="M{x:.1f} {c.y1:.1f}V{c.y1 + 4:.1f}" stroke="{_AXIS}"/>')
            c.text(x, c.y1 + 17, _number(t))
    c.text((c.x0 + c.x1) / 2, c.y1 + 38, xlabel)
    c.frame()
    return c.svg()


def boxes(groups: dict, band, xlabel: str) -> str:
    """A box plot per group, lying down (quartiles, median, whiskers to 1.5 × IQR, outliers as circles)."""
    labels = list(groups)
    data = [np.asarray(groups[k], dtype=float) for k in labels]
    data = [d[np.isfinite(d)] for d in data]
    top = max([float(d.max()) for d in data if len(d)] + [band.hi if band else 1.0, 1.0])
    ticks = nice_ticks(top * 1.02)
    c = _Canvas(700, max(250.0, 35.0 * len(labels) + 70), _category_margin(labels, False), 16, 10, 48)
    x_of = lambda v: c.x0 + (c.x1 - c.x0) * v / ticks[-1]  # noqa: E731
    if band:
        c.add(f'<rect x="{x_of(band.lo):.1f}" y="{c.y0:.1f}" width="{x_of(band.hi) - x_of(band.lo):.1f}" '
              f'height="{c.y1 - c.y0:.1f}" fill="{_BAND}" fill-opacity="0.15"/>')
    c.value_axis(ticks, xlabel, vertical=False)
    slot = (c.y1 - c.y0) / max(len(labels), 1)
    for i, (label, d) in enumerate(zip(labels, data)):
        y = c.y0 + slot * (i + 0.5)
        c.text(c.x0 - 6, y + 4, label, anchor="end")
        if not len(d):
            continue
        q1, median, q3 = np.percentile(d, [25, 50, 75])
        iqr = q3 - q1
        low = d[d >= q1 - 1.5 * iqr].min()
        high = d[d <= q3 + 1.5 * iqr].max()
        h = min(slot * 0.6, 24)
        c.add(f'<g fill="none" stroke="{_AXIS}"><title>{_e(label)}: {_number(median)} '
              f"({_number(q1)}–{_number(q3)})</title>"
              f'<path d="M{x_of(low):.1f} {y:.1f}H{x_of(q1):.1f}M{x_of(q3):.1f} {y:.1f}H{x_of(high):.1f}'
              f'M{x_of(low):.1f} {y - h / 4:.1f}v{h / 2:.1f}M{x_of(high):.1f} {y - h / 4:.1f}v{h / 2:.1f}"/>'
              f'<rect x="{x_of(q1):.1f}" y="{y - h / 2:.1f}" width="{max(x_of(q3) - x_of(q1), 0.5):.1f}" '
              f'height="{h:.1f}"/>'
              f'<path d="M{x_of(median):.1f} {y - h / 2:.1f}v{h:.1f}" stroke="#ff7f0e" stroke-width="1.5"/>'
              + "".join(f'<circle cx="{x_of(v):.1f}" cy="{y:.1f}" r="3"/>' for v in d[(d < low) | (d > high)])
              + "</g>")
    c.frame()
    return c.svg()


def share_bars(shares, county, ylabel: str) -> str:
    """Share (0-1) per category as bars in percent, 0-100, the county's share as a red line."""
    labels = [str(t) for t in shares.index]
    values = np.nan_to_num(shares.to_numpy(float)) * 100
    ticks = np.arange(0, 101, 20.0)
    label = f"{ylabel} (%)"
    if len(labels) <= MAX_COLUMNS:
        c = _Canvas(max(500.0, 50.0 * len(labels) + 200), 290 + _category_margin(labels, True), 62, 16, 12,
                    _category_margin(labels, True))
        c.value_axis(ticks, label, vertical=True)
        slot = (c.x1 - c.x0) / max(len(labels), 1)
        for i, (name, v) in enumerate(zip(labels, values)):
            h = (c.y1 - c.y0) * v / 100
            c.add(f'<rect x="{c.x0 + slot * (i + 0.1):.1f}" y="{c.y1 - h:.1f}" width="{slot * 0.8:.1f}" '
                  f'height="{h:.1f}" fill="#1f77b4"><title>{_e(name)}: {v:.1f}%</title></rect>')
            cx = c.x0 + slot * (i + 0.5)
            c.text(cx, c.y1 + 14, name, anchor="end", extra=f' transform="rotate(-45 {cx:.1f} {c.y1 + 14:.1f})"')
        if county is not None and np.isfinite(county):
            y = c.y1 - (c.y1 - c.y0) * county
            c.add(f'<path d="M{c.x0:.1f} {y:.1f}H{c.x1:.1f}" stroke="#d62728"/>')
    else:
        c = _Canvas(700, 20.0 * len(labels) + 70, _category_margin(labels, False), 16, 12, 48)
        c.value_axis(ticks, label, vertical=False)
        slot = (c.y1 - c.y0) / len(labels)
        for i, (name, v) in enumerate(zip(labels, values)):
            c.add(f'<rect x="{c.x0:.1f}" y="{c.y0 + slot * (i + 0.15):.1f}" width="{(c.x1 - c.x0) * v / 100:.1f}" '
                  f'height="{slot * 0.7:.1f}" fill="#1f77b4"><title>{_e(name)}: {v:.1f}%</title></rect>')
            c.text(c.x0 - 6, c.y0 + slot * (i + 0.5) + 4, name, anchor="end")
        if county is not None and np.isfinite(county):
            x = c.x0 + (c.x1 - c.x0) * county
            c.add(f'<path d="M{x:.1f} {c.y0:.1f}V{c.y1:.1f}" stroke="#d62728"/>')
    c.frame()
    return c.svg()
