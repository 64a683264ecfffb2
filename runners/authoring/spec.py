"""Writing a draft: the spec file (a document of the claims, dumped by ``yamlwriter``, with a comment on
every claim) and the drafted metrics' pending references (``references.yaml`` beside it)."""
from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

import yaml

from ..claim.yamlload import strip_lines
from .proposals import UNPLACED, Draft, Proposal
from .yamlwriter import Flow, FlowList, Shared, dump, with_comments

PROGRAMS = "x-programs"  # the long programs' shared pieces, each with its anchor (docs/schema.md: `x-` keys)
SHARE_AT = 24  # characters of a cell list (`3,5-7,12`) past which a program that claims share is written once
CHUNK = 32  # cells: a program this long or shorter is written out in each claim (every real notebook's are)


def render(d: Draft, spec_path: Path) -> str:
    """The spec file's text: valid YAML, with what each claim was read from and needs as comments."""
    header = [f"Drafted by `claimcheck draft {Path(d.notebook).name}`: {len(d.proposals)} proposed claims for an author",
              "to review. Each says what it was read from and how sure the match is; `review:` lines need a",
              "person. Metrics are one run's values: their references are pending (references.yaml beside",
              "this file) and the claims are skipped until each is recorded with the command there."]
    notes = [[p.why, *(f"review: {r}" for r in p.review)] for p in d.proposals]
    footer = []
    if d.unplaced:
        footer = [f"Not placed ({len(d.unplaced)}): numbers of the prose and outputs no proposal above checks, by kind."]
        for kind, found in d.unplaced_by_kind().items():
            footer += [f"{kind} ({len(found)}): {UNPLACED[kind]}", *(f"  cell {c}: {t}: {why}" for c, t, why in found)]
    return with_comments(dump(spec_document(d, spec_path)), header, notes, footer)


def spec_document(d: Draft, spec_path: Path) -> dict:
    """What the spec file says, as the loader reads it back (comments aside)."""
    rel = _notebook_from(d, spec_path)
    shared, listings = _programs(d.proposals, rel, d.source)
    doc = {"book": d.book, "chapter": int(d.chapter) if d.chapter.isdigit() else d.chapter,
           "section": d.section, "title": d.title, "notebook": rel}
    if shared:
        doc[PROGRAMS] = shared
    doc["claims"] = [_claim(p, entries) for p, entries in zip(d.proposals, listings)]
    return doc


def _programs(proposals: list, rel: str, nbk=None) -> tuple[dict, list]:
    """Each proposal's ``listings``, with what many share written once: ({anchor: entry}, [entries of each]).

    A program of up to :data:`CHUNK` cells (or the square root of the longest program's count, where more) is one entry, as a person writes it; one that several
    claims run (the rows of one summary, the values after one fit) and whose cells take more than
    :data:`SHARE_AT` characters to name is written once, under ``x-programs:``. A longer one (a
    notebook of many cells, where every value's program is the cells before it) would make the file
    grow as the square of the notebook: it is cut into chunks of that many cells, at the same places
    in every program, and a chunk that two programs hold (or a whole program that two claims run) is
    written once under ``x-programs:`` with an anchor, and named by its alias elsewhere. An alias of a
    string is one node, so the aliases stay far below what the loader allows (yamlload.MAX_NODES).
    A program's cells are written as the notebook reader (``nbk``) names its statements: a whole cell by
    its index, part of one by its lines (``23:10``)."""
    entries = [nbk.entries(p.cells) if nbk is not None else [list(p.cells)] for p in proposals]
    hoisted = [e[:-1] for e in entries]  # imports run first (written before the program, each its own entry)
    programs = [e[-1] for e in entries]
    size = max(CHUNK, math.isqrt(max((len(c) for c in programs), default=0)) + 1)
    whole = Counter(tuple(c) for c in programs)
    once = {cells for cells, n in whole.items() if n > 1 and (len(cells) > size or len(_cells(list(cells))) > SHARE_AT)}
    pieces = [_pieces(c, size) if len(c) > size and tuple(c) not in once else None for c in programs]
    uses = Counter(piece for ps in pieces if ps for piece in dict.fromkeys(ps) if len(piece) == size)
    shared: dict = {}  # cells -> the Shared entry

    def entry(cells: tuple) -> Shared:
        if cells not in shared:
            shared[cells] = Shared(f"{rel}#{_cells(list(cells))}", f"p{len(shared) + 1}")
        return shared[cells]

    listings = []
    for cells, ps, first in zip(programs, pieces, hoisted):
        listings.append([f"{rel}#{_cells(e)}" for e in first])
        if tuple(cells) in once:
            listings[-1].append(entry(tuple(cells)))
        elif len(cells) <= size:
            listings[-1].append(f"{rel}#{_cells(cells)}")
        else:
            out, inline = [], []
            for piece in ps:
                if uses[piece] > 1:
                    if inline:
                        out.append(f"{rel}#{_cells(inline)}")
                        inline = []
                    out.append(entry(piece))
                else:
                    inline += piece
            if inline:
                out.append(f"{rel}#{_cells(inline)}")
            listings[-1].extend(out)
    return {e.anchor: e for e in shared.values()}, listings


def _pieces(cells: list, size: int) -> list[tuple]:
    """``cells`` cut every ``size`` cells (the last piece the rest)."""
    return [tuple(cells[k:k + size]) for k in range(0, len(cells), size)]


def _notebook_from(d: Draft, spec_path: Path) -> str:
    return os.path.relpath(Path(d.notebook).resolve(), Path(spec_path).resolve().parent)


def _claim(p: Proposal, listings: list) -> dict:
    measure = Flow({"listings": FlowList(listings), **p.measure})
    if p.kind == "metric":
        measure["seeds"] = {"cpu": 5, "gpu": 10}
    claim = {"id": p.id, "kind": p.kind, "tier": p.tier}
    if p.requires:
        claim["requires"] = FlowList(p.requires)
    claim["measure"] = measure
    claim["expected"] = FlowList(p.expected) if isinstance(p.expected, list) else p.expected
    if p.tolerance is not None:
        claim["tolerance"] = p.tolerance
    if p.reference:
        claim["reference"] = p.reference
    claim["source"] = {"stated": p.stated,
                       "cite": [Flow({"from": "notebook", "cell": c, "quote": q}) for c, q in p.cite]}
    return claim


def _cells(cells: list) -> str:
    """3,5,6,7 -> '3,5-7'; a part of a cell, ``(23, 10, 12)``, as '23:10-12'."""
    out, start, prev = [], None, None
    for c in [*cells, None]:
        if isinstance(c, tuple):
            if start is not None:
                out.append(str(start) if start == prev else f"{start}-{prev}")
                start = prev = None
            cell, first, last = c
            out.append(f"{cell}:{first}" if first == last else f"{cell}:{first}-{last}")
        elif start is None:
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
    that hold it, to add to an existing block-style references.yaml (keeping its comments)."""
    out = []
    for name, p in d.references.items():
        text = dump({"references": {name: _pending(p, name, spec_path)}})
        out.append((name, text.split("\n", 1)[1]))  # the lines under `references:`
    return out


def render_references(d: Draft, spec_path: Path) -> str:
    """A references.yaml of the drafted metrics' pending references."""
    return dump({"references": {name: _pending(p, name, spec_path) for name, p in d.references.items()}})


def updated_references(text: str, doc, d: Draft, spec_path: Path) -> tuple[str, int]:
    """An existing references.yaml (its ``text``, and ``doc`` as the catalog read it) with the drafted
    pending references it does not hold yet: (the new text, how many were added).

    The file is parsed, never trusted to end where an entry may be appended: the entries are added
    to its document, and the text is the old one with the new entries' lines after it (its comments
    kept) only where that text reads back as exactly that document; otherwise (a flow-style file, a
    key after ``references:``, another indentation) the whole document is written anew, its
    comments lost. Raises ValueError for a document that is not a mapping of ``references``."""
    doc = strip_lines(doc) if doc is not None else {}
    if not isinstance(doc, dict) or not isinstance(doc.get("references") or {}, dict):
        raise ValueError("not a mapping with `references: {NAME: {...}}`: left as it is")
    have = doc.get("references") or {}
    new = [(name, entry) for name, entry in reference_entries(d, spec_path) if name not in have]
    if not new:
        return text, 0
    want = {**doc, "references": {**have, **{name: _pending(d.references[name], name, spec_path) for name, _ in new}}}
    if doc.get("references") is not None:
        appended = text + ("" if not text or text.endswith("\n") else "\n") + "".join(entry for _, entry in new)
        try:
            if yaml.safe_load(appended) == want:
                return appended, len(new)
        except yaml.YAMLError:
            pass
    return dump(want), len(new)


def render_coverage(d: Draft, spec_path: Path) -> str | None:
    """The ``coverage.yaml`` beside a draft: the numbers of its outputs that state nothing checkable, as the
    draft's run saw them (numbers that changed between two runs of the same program), each with why; None
    where there are none. (Numbers the draft could not place for another reason stay uncovered.)"""
    items = []
    for cell, _text, why in d.unplaced_by_kind().get("changes", []):
        items.append({"cell": cell, "why": f"its numbers change from run to run ({why})"})
    for p in d.proposals:
        for text in dict.fromkeys(p.changing):
            items.append({"cell": p.measure["cell"], "text": text,
                          "why": "changes from run to run (seen between two runs of its program): written {?}"})
    if not items:
        return None
    doc = {"source": _notebook_from(d, spec_path), "not_checkable": [Flow(i) for i in items]}
    head = (f"# The numbers of {Path(d.notebook).name} that state nothing checkable, written by `claimcheck draft` "
            "from what its run saw (`claimcheck coverage` counts them apart). Review with the spec.\n")
    return head + dump(doc)
