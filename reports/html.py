"""report.html: one self-contained page, rendered with jinja2, every text escaped."""
from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path

import jinja2

from reports.figures import seeds_figure, sparkline
from runners.results import counts
from runners.verdict import ATTENTION_ORDER, Result, Status

TEMPLATES = Path(__file__).parent / "templates"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every string from specs, listings and tracebacks is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.globals["seeds_figure"] = seeds_figure
    env.globals["sparkline"] = sparkline
    return env


def show(value) -> str:
    """A value as a person reads it: shapes as tuples, counts with separators."""
    if value is None:
        return "—"
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list) and all(v is None or isinstance(v, int) for v in value):
        return "(" + ", ".join("None" if v is None else str(v) for v in value) + ")"
    return json.dumps(value, ensure_ascii=False)


def _sort_key(result: Result):
    return (ATTENTION_ORDER.index(result.status), result.id)


def sections(results: list[Result]) -> list[tuple[str, list[Result]]]:
    """Claims grouped by section; sections with failures first, and failures first within."""
    groups: dict[str, list[Result]] = OrderedDict()
    for r in sorted(results, key=lambda r: r.section):
        groups.setdefault(r.section or "(no section)", []).append(r)
    ordered = [(name, sorted(rs, key=_sort_key)) for name, rs in groups.items()]
    return sorted(ordered, key=lambda g: (min(ATTENTION_ORDER.index(r.status) for r in g[1]), g[0]))


def missing_inputs(results: list[Result]) -> list[dict]:
    """The skipped claims grouped by what they need and how to provide it."""
    groups: dict[tuple, list[str]] = OrderedDict()
    for r in results:
        if r.status is Status.SKIPPED:
            groups.setdefault((r.reason, r.fix), []).append(r.id)
    return [{"need": need, "fix": fix, "claims": ids}
            for (need, fix), ids in sorted(groups.items(), key=lambda g: -len(g[1]))]


def render(results: list[Result], run: dict, **extra) -> str:
    template = _env().get_template("report.html.j2")
    extra.setdefault("changes", {})
    extra.setdefault("series", {})
    extra.setdefault("coverage", [])
    extra.setdefault("errata", None)
    extra.setdefault("store", None)
    return template.render(
        run=run, counts=counts(results), sections=sections(results), total=len(results),
        missing=missing_inputs(results),
        statuses=[s.value for s in ATTENTION_ORDER], **extra,
    )


def write(results: list[Result], run: dict, path: Path, **extra) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, run, **extra), encoding="utf-8")
    return path
