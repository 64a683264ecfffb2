"""How much of a reviewed spec a fresh draft proposes: the draft of a notebook scored against the claims a
person kept for it (tests/benchmarks/test_bench_draft_score.py; figures in docs/draft-score.md).

A reviewed claim is **proposed** when the fresh draft holds a claim of the same kind, citing the same
cell, stating the same value (an ``output`` claim: the same numbers, ``{?}`` aside; a metric: the same
stated digits; others: the same expected value). A drafted claim is **kept** when the reviewed spec holds
such a claim; the others are what review would remove or change. Nothing is run: the draft is scored as
it reads the notebook (``--no-run``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..claim import printed
from .drafting import draft


@dataclass
class Score:
    notebook: str
    reviewed: int           # claims of the reviewed specs that cite the notebook
    drafted: int            # claims a fresh draft proposes
    proposed: int           # reviewed claims the draft proposes as they are
    kept: int               # drafted claims the reviewed specs hold
    missing: list = field(default_factory=list)   # reviewed claims the draft does not propose (ids)

    @property
    def recall(self) -> float:
        return self.proposed / self.reviewed if self.reviewed else 1.0

    @property
    def precision(self) -> float:
        return self.kept / self.drafted if self.drafted else 1.0


def key(kind: str, cell, expected):
    """What makes two claims the same claim: kind, cited cell and stated value, as comparable data."""
    if kind == "output" and isinstance(expected, str):
        try:
            value = tuple(printed.key(n) for n in printed.numbers(expected) if not n.wildcard)
        except ValueError:
            value = expected
    elif isinstance(expected, list):
        value = repr(expected)
    else:
        value = str(expected)
    return (kind, cell, value)


def _cell(cites) -> int | None:
    return next((c[0] if isinstance(c, tuple) else c.get("cell") for c in cites
                 if (isinstance(c, tuple) or c.get("from") == "notebook")), None)


def score(notebook: Path, reviewed_claims: list) -> Score:
    """The fresh draft of ``notebook`` scored against ``reviewed_claims`` (those citing it)."""
    name = Path(notebook).name
    mine = [c for c in reviewed_claims
            if any(cite.get("from") == "notebook" and Path(c.cited_notebook(cite) or "").name == name
                   for cite in c.source.get("cite", []))]
    reviewed = {key(c.kind, _cell(c.source.get("cite", [])), c.expected): c.id for c in mine}
    d = draft(Path(notebook), book="score")
    drafted = [key(p.kind, _cell(p.cite), p.expected) for p in d.proposals]
    proposed = [rid for k, rid in reviewed.items() if k in set(drafted)]
    kept = sum(k in reviewed for k in drafted)
    return Score(name, len(mine), len(drafted), len(proposed), kept,
                 sorted(rid for k, rid in reviewed.items() if k not in set(drafted)))
