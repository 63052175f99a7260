"""Small server-side SVG charts: no JavaScript, so they render the same in a page and a PDF.
Every label is escaped; the CJK font is named in the chain so no glyph renders as a box,
on every <text> too: WeasyPrint's SVG text does not inherit font-family from <svg>."""
from __future__ import annotations

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
TEXT = f'<text font-family="{FONT}"'
COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"]


def text_width(text: str, size: float = 12) -> float:
    """The rendered width of a label, estimated: a CJK or full-width character is one em, other
    characters about 0.6 em (enough to keep labels inside the box; no font metrics needed)."""
    return sum(size if ord(ch) > 0x2E7F else 0.6 * size for ch in str(text))


def fit(text: str, room: float, size: float = 12) -> str:
    """The label, cut with an ellipsis when it is wider than room."""
    text = str(text)
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def hbar(rows: list[tuple[str, float]], *, width: int = 520, bar_height: int = 22, label_width: int = 150,
         title: str = "", unit: str = "") -> Markup:
    """Horizontal bars: (label, value) per row, largest first as given."""
    top = 24 if title else 4
    height = top + len(rows) * (bar_height + 6) + 4
    biggest = max((v for _, v in rows), default=0) or 1
    scale = (width - label_width - 60) / biggest
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="12">']
    if title:
        parts.append(f'<title>{escape(title)}</title>{TEXT} x="0" y="14" font-weight="bold">{escape(title)}</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + 6)
        w = max(value * scale, 1 if value else 0)
        colour = COLOURS[i % len(COLOURS)]
        shown = fit(label, label_width - 8)
        tip = f"<title>{escape(label)}</title>" if shown != str(label) else ""
        parts.append(f'{TEXT} x="{label_width - 6}" y="{y + bar_height * 0.7:.0f}" text-anchor="end">{tip}{escape(shown)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}"/>'
                     f'{TEXT} x="{label_width + w + 4:.1f}" y="{y + bar_height * 0.7:.0f}">{_num(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel(stages: list[tuple[str, float]], *, width: int = 520, step_height: int = 34, title: str = "") -> Markup:
    """Centred bars narrowing stage by stage, with the share of the first stage."""
    top = 24 if title else 4
    height = top + len(stages) * (step_height + 4)
    first = stages[0][1] if stages and stages[0][1] else 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="12">']
    if title:
        parts.append(f'<title>{escape(title)}</title>{TEXT} x="0" y="14" font-weight="bold">{escape(title)}</text>')
    for i, (label, value) in enumerate(stages):
        w = max(width * 0.9 * value / first, 2)
        x, y = (width - w) / 2, top + i * (step_height + 4)
        share = f" ({value / first:.0%})" if i else ""
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{step_height}" rx="3" '
                     f'fill="{COLOURS[i % len(COLOURS)]}" opacity="0.85"/>'
                     f'{TEXT} x="{width / 2}" y="{y + step_height * 0.65:.0f}" text-anchor="middle" fill="#000">'
                     f'{escape(fit(f"{label} {_num(value)}{share}", width - 8))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line(points: list[tuple[str, float]], *, width: int = 520, height: int = 180, top_value: float = 100,
         title: str = "") -> Markup:
    """A trend: one point per period, labelled with its value, on a 0..top_value scale."""
    top, bottom, left = (24 if title else 8), 28, 36
    plot_h, plot_w = height - top - bottom, width - left - 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="12">']
    if title:
        parts.append(f'<title>{escape(title)}</title>{TEXT} x="0" y="14" font-weight="bold">{escape(title)}</text>')
    for tick in (0, top_value / 2, top_value):
        y = top + plot_h * (1 - tick / top_value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#dee2e6"/>'
                     f'{TEXT} x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#6c757d">{_num(tick)}</text>')
    step = plot_w / max(len(points) - 1, 1)
    xy = [(left + 10 + i * step if len(points) > 1 else left + plot_w / 2,
           top + plot_h * (1 - min(max(v, 0), top_value) / top_value)) for i, (_, v) in enumerate(points)]
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>')
    room = max(step, 40) if len(points) > 1 else plot_w
    for (label, value), (x, y) in zip(points, xy):
        shown = fit(label, room - 4)
        lx = _inside(x, shown, width)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS[0]}"/>'
                     f'{TEXT} x="{_inside(x, _num(value), width):.1f}" y="{y - 8:.1f}" text-anchor="middle">{_num(value)}</text>'
                     f'{TEXT} x="{lx:.1f}" y="{height - 8}" text-anchor="middle" fill="#6c757d">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _inside(x: float, text: str, width: float) -> float:
    """The x of a centred label moved so that the whole label stays inside 0..width."""
    half = text_width(text) / 2
    return min(max(x, half + 1), width - half - 1)


def _num(v) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
