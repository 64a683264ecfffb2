"""Writing a draft: the spec file (a document of the claims, dumped by ``yamlwriter``, with a comment on
every claim) and the drafted metrics' pending references (``references.yaml`` beside it)."""
from __future__ import annotations

import os
from pathlib import Path

from .proposals import Draft, Proposal
from .yamlwriter import Flow, FlowList, dump, with_comments


def render(d: Draft, spec_path: Path) -> str:
    """The spec file's text: valid YAML, with what each claim was read from and needs as comments."""
    header = [f"Drafted by `claimcheck draft {Path(d.notebook).name}`: {len(d.proposals)} proposed claims for an author",
              "to review. Each says what it was read from and how sure the match is; `review:` lines need a",
              "person. Metrics are one run's values: their references are pending (references.yaml beside",
              "this file) and the claims are skipped until each is recorded with the command there."]
    notes = [[p.why, *(f"review: {r}" for r in p.review)] for p in d.proposals]
    footer = []
    if d.unplaced:
        footer = [f"Not placed ({len(d.unplaced)}): numbers of the prose and outputs no proposal above checks.",
                  *(f"  cell {c}: {t}: {why}" for c, t, why in d.unplaced)]
    return with_comments(dump(spec_document(d, spec_path)), header, notes, footer)


def spec_document(d: Draft, spec_path: Path) -> dict:
    """What the spec file says, as the loader reads it back (comments aside)."""
    rel = _notebook_from(d, spec_path)
    return {"book": d.book, "chapter": int(d.chapter) if d.chapter.isdigit() else d.chapter,
            "section": d.section, "title": d.title, "notebook": rel,
            "claims": [_claim(p, rel) for p in d.proposals]}


def _notebook_from(d: Draft, spec_path: Path) -> str:
    return os.path.relpath(Path(d.notebook).resolve(), Path(spec_path).resolve().parent)


def _claim(p: Proposal, rel: str) -> dict:
    measure = Flow({"listings": [f"{rel}#{_cells(p.cells)}"], **p.measure})
    if p.kind == "metric":
        measure["seeds"] = {"cpu": 5, "gpu": 10}
    claim = {"id": p.id, "kind": p.kind, "tier": p.tier}
    if p.requires:
        claim["requires"] = FlowList(p.requires)
    claim["measure"] = measure
    claim["expected"] = FlowList(p.expected) if isinstance(p.expected, list) else p.expected
    if p.reference:
        claim["reference"] = p.reference
    claim["source"] = {"stated": p.stated,
                       "cite": [Flow({"from": "notebook", "cell": c, "quote": q}) for c, q in p.cite]}
    return claim


def _cells(cells: list) -> str:
    """3,5,6,7 -> '3,5-7'."""
    out, start, prev = [], None, None
    for c in cells + [None]:
        if start is None:
            start = prev = c
        elif c is not None and c == prev + 1:
            prev = c
        else:
            out.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = c
    return ",".join(out)


def _pending(p: Proposal, name: str, spec_path: Path) -> dict:
    return {"source": "pending", "note": "drafted from " + p.why,
            "command": f"claimcheck reference {p.id} --name {name} --runs 10 --claims {spec_path}"}


def reference_entries(d: Draft, spec_path: Path) -> list[tuple[str, str]]:
    """(name, YAML text) of each drafted metric's pending reference: the lines under ``references:``
    that hold it, to add to an existing references.yaml (whose comments a rewrite would lose)."""
    out = []
    for name, p in d.references.items():
        text = dump({"references": {name: _pending(p, name, spec_path)}})
        out.append((name, text.split("\n", 1)[1]))  # the lines under `references:`
    return out


def render_references(d: Draft, spec_path: Path) -> str:
    """A references.yaml of the drafted metrics' pending references."""
    return dump({"references": {name: _pending(p, name, spec_path) for name, p in d.references.items()}})
