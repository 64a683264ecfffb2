"""report.html: one self-contained page, rendered with jinja2, every text escaped.

Read at a glance: the counts; what needs attention (failed, error, inconclusive, known errata, and
every verdict decided from reader runs, with their repositories and commits: not measured here);
a summary per section; then each section in book order (2.1, 8.1, 8.1.1, ...), its claims
needing attention first and its skipped claims folded by reason.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

import jinja2

from ..runners.claim.verdict import ATTENTION, ATTENTION_ORDER, Result, Status
from ..runners.core.formatting import show
from ..runners.stores.results import EVIDENCE_STATUSES, counts
from .errata import stored_note
from .figures import readers_figure, seeds_figure, sparkline

TEMPLATES = Path(__file__).parent / "templates"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every string from specs, listings and tracebacks is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.globals["seeds_figure"] = seeds_figure
    env.globals["readers_figure"] = readers_figure
    env.globals["sparkline"] = sparkline
    env.globals["stored_note"] = stored_note
    return env


def book_order(section: str) -> tuple:
    """``"8.1.2"`` -> (8, 1, 2): sections sort as the book numbers them (2.1 before 8.1, 8.2 before 8.10)."""
    return tuple(int(p) for p in re.findall(r"\d+", section or "")) or (10 ** 6,)


def _sort_key(result: Result):
    return (ATTENTION_ORDER.index(result.status), result.id)


def sections(results: list[Result]) -> list[dict]:
    """Each book's sections in book order (books by id: dlwp1 before dlwp2): title, counts, claims
    needing attention first, skipped folded. Two books' 2.1 are two sections."""
    groups: dict[tuple, list[Result]] = OrderedDict()
    for r in sorted(results, key=lambda r: (r.book or "", book_order(r.section), r.section)):
        groups.setdefault((r.book or "", r.section or "(no section)"), []).append(r)
    out = []
    for (_, name), rs in groups.items():
        shown = sorted((r for r in rs if r.status is not Status.SKIPPED), key=_sort_key)
        tally = counts(rs)
        out.append({"name": name, "book": rs[0].book,
                    "title": next((r.section_title for r in rs if r.section_title), ""),
                    "counts": tally, "results": shown, "skipped": skipped_groups(rs),
                    "evidence": _evidence_counts(tally)})
    return out


def _evidence_counts(tally: dict) -> dict:
    """The non-zero counts of verdicts decided from reader runs, by status."""
    keys = (f"{s.value} from reader runs" for s in EVIDENCE_STATUSES)
    return {k: tally[k] for k in keys if tally.get(k)}


def skipped_groups(results: list[Result]) -> list[dict]:
    """The skipped claims grouped by why, and how to run them."""
    groups: dict[tuple, list[Result]] = OrderedDict()
    for r in results:
        if r.status is Status.SKIPPED:
            groups.setdefault((r.reason, r.fix), []).append(r)
    return [{"need": need, "fix": fix, "results": rs, "claims": [r.id for r in rs]}
            for (need, fix), rs in sorted(groups.items(), key=lambda g: -len(g[1]))]


def render(results: list[Result], run: dict, **extra) -> str:
    template = environment().get_template("report.html.j2")
    for key, default in (("changes", {}), ("series", {}), ("coverage", []), ("errata", None), ("store", None)):
        extra.setdefault(key, default)
    attention = sorted((r for r in results if r.status in ATTENTION or r.status is Status.KNOWN_ERRATUM
                        or r.evidence or r.details.get("stack")), key=_sort_key)
    # a verdict from reader runs was not measured here; a stack off the readers is a finding about it
    tally = counts(results)
    return template.render(
        run=run, counts=tally, sections=sections(results), total=len(results),
        missing=skipped_groups(results), attention=attention,
        statuses=[s.value for s in ATTENTION_ORDER],
        evidence_counts=_evidence_counts(tally),
        **extra,
    )


def write(results: list[Result], run: dict, path: Path, **extra) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, run, **extra), encoding="utf-8")
    return path
