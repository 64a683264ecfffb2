"""Proposals read from the prose: each number of the markdown cells matched to a value drafted from the
outputs (a claim as the prose states it, or a cite of a shape), or listed as not placed."""
from __future__ import annotations

import re

from ..catalog.coverage import find_numbers
from ..claim.notebooks import squash
from .notebook import DraftNotebook
from .proposals import Draft, Proposal


def read_prose(nbk: DraftNotebook, draft: Draft) -> None:
    numeric = [p for p in draft.proposals if p.kind == "metric"]
    shapes = [p for p in draft.proposals if p.kind in ("output_shape", "listing_value")]
    for i, cell in enumerate(nbk.nb.cells):
        if cell.cell_type != "markdown":
            continue
        for num in find_numbers(cell.source):
            sentence = _sentence(cell.source, num.text)
            if num.kind in ("percent", "decimal"):
                _number(draft, numeric, i, num, sentence)
            elif num.kind == "shape":
                _shape(draft, shapes, i, num, sentence)
            else:
                draft.unplaced.append((i, num.text, f"prose: a {num.kind} ({squash(sentence)[:70]})"))


def _sentence(text: str, token: str) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*`(\[])", squash(text)):
        if token in sentence:
            return sentence
    return token


def _digits(text: str) -> int:
    t = text.rstrip("% ").strip()
    return len(t.split(".")[1]) if "." in t else 0


def _number(draft: Draft, numeric: list, i: int, num, sentence: str) -> None:
    """A percentage or decimal: the metric it rounds from (sure), one it is near (unsure), or none."""
    value = num.value
    scale = 2 if num.kind == "percent" else 0
    digits = _digits(num.text) + scale
    found = [(p, float(p.expected)) for p in numeric if round(float(p.expected), digits) == round(value, digits)]
    near = [(p, float(p.expected)) for p in numeric if abs(float(p.expected) - value) <= 0.005]
    if found:
        p, _ = sorted(found, key=lambda pv: abs(pv[0].cite[0][0] - i))[0]
        sure = "sure" if len(found) == 1 else f"unsure: {len(found)} values match, took the nearest cell's"
        how = "the same digits" if _digits(num.text) + scale == _digits(p.stated.split(": ")[-1]) \
            else f"{p.expected} rounded to {num.text}"
        _prose_claim(draft, p, i, num.text, sentence, f"cell {i}: prose {num.text} matches {p.id} ({how}): {sure}")
    elif near:
        p, _ = sorted(near, key=lambda pv: abs(pv[1] - value))[0]
        _prose_claim(draft, p, i, num.text, sentence, f"cell {i}: prose {num.text} is near {p.id} "
                     f"({p.expected}), not its rounding: unsure (the prose and the output disagree?)")
    else:
        draft.unplaced.append((i, num.text, f"prose: matches no drafted value ({squash(sentence)[:70]})"))


def _shape(draft: Draft, shapes: list, i: int, num, sentence: str) -> None:
    """A shape: cited by the drafted value it equals (a batch dimension aside)."""
    v = list(num.value)
    match = [p for p in shapes if isinstance(p.expected, list) and (p.expected == v or (
        p.expected[:1] == [None] and p.expected[1:] == v))]
    if match:
        match[0].cite.append((i, sentence))
        match[0].why += f"; prose {num.text} (cell {i}) cited: {'sure' if len(match) == 1 else 'unsure'}"
    else:
        draft.unplaced.append((i, num.text, f"prose: a shape no drafted value has ({squash(sentence)[:70]})"))


def _prose_claim(draft: Draft, p: Proposal, cell: int, text: str, sentence: str, why: str) -> None:
    """``p``'s claim as the prose states it (``97.8%`` for ``0.9777``): its program and reference."""
    draft.proposals.append(Proposal(
        id=draft.unique_id(p.id + ".prose"), kind=p.kind, cells=p.cells, measure=dict(p.measure), expected=text,
        stated=text, cite=[(cell, sentence)], why=why, tier=p.tier, requires=list(p.requires),
        reference=p.reference, prose=True))
