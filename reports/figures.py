"""Small inline SVG figures for the report: a stochastic claim's seeds (or readers' runs) against its band."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 360, 64, 14


def seeds_figure(details: dict, what: str = "") -> Markup:
    """Each seed's value as a dot, the mean and its interval as a bar, the band as a shaded area.

    Empty where the result has no per-seed summary. Numbers only reach the SVG; labels are escaped.
    """
    summary = details.get("summary") or {}
    values = summary.get("values") or []
    if not values:
        return Markup("")
    band = details.get("band")
    stated = details.get("stated")
    interval = [v for v in (summary.get("interval") or []) if v is not None]
    points = values + interval + (band or []) + ([stated] if stated is not None else [])
    lo, hi = min(points), max(points)
    span = (hi - lo) or abs(hi) or 1.0
    lo, hi = lo - 0.08 * span, hi + 0.08 * span

    def x(v: float) -> float:
        return round(PAD + (v - lo) / (hi - lo) * (WIDTH - 2 * PAD), 2)

    parts = [f'<svg class="seeds" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">']
    what = what or ("reader runs" if details.get("evidence") else "seeds")
    title = f"{len(values)} {what}, mean {summary.get('mean', 0):.4f}"
    parts.append(f"<title>{escape(title)}</title>")
    if band:
        parts.append(f'<rect x="{x(band[0])}" y="6" width="{max(x(band[1]) - x(band[0]), 1)}" height="34" '
                     'fill="#dafbe1" stroke="#1a7f37" stroke-width="0.5"><title>allowed band</title></rect>')
    if stated is not None:
        parts.append(f'<line x1="{x(stated)}" x2="{x(stated)}" y1="4" y2="42" stroke="#1a7f37" '
                     'stroke-dasharray="3,2"><title>stated value</title></line>')
    if len(interval) == 2:
        parts.append(f'<line x1="{x(interval[0])}" x2="{x(interval[1])}" y1="30" y2="30" stroke="#0550ae" '
                     'stroke-width="3"><title>90% interval of the mean</title></line>')
    mean = summary.get("mean")
    if mean is not None:
        parts.append(f'<line x1="{x(mean)}" x2="{x(mean)}" y1="24" y2="36" stroke="#0550ae" stroke-width="2"/>')
    for v in values:
        parts.append(f'<circle cx="{x(v)}" cy="16" r="3.5" fill="#cf222e" fill-opacity="0.75">'
                     f"<title>{v:.4f}</title></circle>")
    parts.append(f'<text x="{PAD}" y="58" font-size="10" fill="#555">{lo:.4f}</text>')
    parts.append(f'<text x="{WIDTH - PAD}" y="58" font-size="10" fill="#555" text-anchor="end">{hi:.4f}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def readers_figure(details: dict) -> Markup:
    """The readers' runs a claim's reference holds, one dot each, against the claim's band."""
    ref = details.get("reference") or {}
    values = ref.get("values") or []
    if not values:
        return Markup("")
    mean = sum(values) / len(values)
    return seeds_figure({"summary": {"values": values, "mean": mean, "interval": []},
                         "band": details.get("band"), "stated": details.get("stated")}, what="reader runs")


STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#8250df",
                  "skipped": "#afb8c1", "inconclusive": "#bf8700"}


def sparkline(series: list[dict], last: int = 20) -> Markup:
    """One square per run, oldest first, coloured by verdict; each with its run and value."""
    series = series[-last:]
    if not series:
        return Markup("")
    size, gap = 9, 2
    parts = [f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{len(series) * (size + gap)}" '
             f'height="{size}" role="img">']
    for i, point in enumerate(series):
        colour = STATUS_COLOURS.get(point["status"], "#000")
        observed = point.get("observed")
        value = f" {observed:.4f}" if isinstance(observed, float) else ""
        label = escape(f"{point.get('time', '')} {point['status']}{value} ({point.get('backend') or ''})")
        parts.append(f'<rect x="{i * (size + gap)}" y="0" width="{size}" height="{size}" rx="2" '
                     f'fill="{colour}"><title>{label}</title></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))
