"""Proposals read from the prose: each number of the markdown cells matched to a value drafted from the
outputs (a claim as the prose states it, or a cite of a shape), or listed as not placed."""
from __future__ import annotations

import bisect
import re

from ..catalog.coverage import find_numbers
from ..claim.notebooks import squash
from .notebook import DraftNotebook
from .proposals import Draft, Proposal


def read_prose(nbk: DraftNotebook, draft: Draft) -> None:
    numeric = _Numbers([p for p in draft.proposals if p.kind == "metric"])
    shapes = _Shapes([p for p in draft.proposals if p.kind in ("output_shape", "listing_value")])
    for i, cell in enumerate(nbk.nb.cells):
        if cell.cell_type != "markdown":
            continue
        sentences = _sentences(cell.source)
        for num in find_numbers(cell.source):
            sentence = _sentence(sentences, num.text)
            if num.kind in ("percent", "decimal"):
                _number(draft, numeric, i, num, sentence)
            elif num.kind == "shape":
                _shape(draft, shapes, i, num, sentence)
            else:
                draft.not_placed(i, num.text, "prose other", f"prose: a {num.kind} ({squash(sentence)[:70]})")


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z*`(\[])", squash(text))


def _sentence(sentences: list[str], token: str) -> str:
    for sentence in sentences:
        if token in sentence:
            return sentence
    return token


def _digits(text: str) -> int:
    t = text.rstrip("% ").strip()
    return len(t.split(".")[1]) if "." in t else 0


class _Numbers:
    """The drafted metrics, looked up by a prose number: those it rounds from, those near it (in the
    time of the answer, not of every metric)."""

    NEAR = 0.005

    def __init__(self, metrics: list):
        self.values = [(p, float(p.expected)) for p in metrics]
        self.by_value = sorted(range(len(self.values)), key=lambda k: self.values[k][1])
        self.sorted_values = [self.values[k][1] for k in self.by_value]
        self.rounded: dict[int, dict] = {}  # digits -> {rounded value: [index of the metric]}

    def rounding_to(self, value: float, digits: int) -> list:
        """(metric, its value) of each metric that rounds to ``value`` at ``digits``, in draft order."""
        if digits not in self.rounded:
            table: dict = {}
            for k, (_, e) in enumerate(self.values):
                table.setdefault(round(e, digits), []).append(k)
            self.rounded[digits] = table
        return [self.values[k] for k in self.rounded[digits].get(round(value, digits), [])]

    def near(self, value: float) -> list:
        """(metric, its value) of each metric within NEAR of ``value``, in draft order."""
        lo = bisect.bisect_left(self.sorted_values, value - 2 * self.NEAR)
        hi = bisect.bisect_right(self.sorted_values, value + 2 * self.NEAR)
        return [self.values[k] for k in sorted(self.by_value[lo:hi]) if abs(self.values[k][1] - value) <= self.NEAR]


class _Shapes:
    """The drafted shapes and lists, looked up by a prose shape: those equal to it, a batch dimension aside."""

    def __init__(self, proposals: list):
        self.index: dict = {}  # shape -> [(draft order, proposal)]
        for n, p in enumerate(proposals):
            if isinstance(p.expected, list):
                keys = [p.expected] + ([p.expected[1:]] if p.expected[:1] == [None] else [])
                for key in keys:
                    try:
                        self.index.setdefault(tuple(key), []).append((n, p))
                    except TypeError:  # an unhashable entry: no prose shape equals it
                        pass

    def equal_to(self, shape: list) -> list:
        try:
            return [p for _, p in sorted(self.index.get(tuple(shape), []), key=lambda np_: np_[0])]
        except TypeError:
            return []


def _number(draft: Draft, numeric: _Numbers, i: int, num, sentence: str) -> None:
    """A percentage or decimal: the metric it rounds from (sure), one it is near (unsure), or none."""
    value = num.value
    scale = 2 if num.kind == "percent" else 0
    digits = _digits(num.text) + scale
    found = numeric.rounding_to(value, digits)
    near = numeric.near(value) if not found else []
    found = [pv for pv in found if _same_quantity(pv[0], sentence)]  # "8% lower loss" is no accuracy
    near = [pv for pv in near if _same_quantity(pv[0], sentence)]
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
        draft.not_placed(i, num.text, "prose", f"prose: matches no drafted value ({squash(sentence)[:70]})")


QUANTITIES = {"acc": ("accura",), "loss": ("loss",), "mse": ("error", "mse"), "mae": ("error", "mae"),
              "rmse": ("error", "rmse"), "error": ("error",), "auc": ("auc", "area under"), "f1": ("f1", "f-1"),
              "precision": ("precision",), "recall": ("recall",), "r2": ("r2", "r²", "determination")}


def _quantity(p: Proposal) -> tuple:
    """The words a sentence names the metric's quantity by (from its value path: accuracy, loss, error)."""
    path = str(p.measure.get("value", "")).lower()
    return next((words for name, words in QUANTITIES.items() if name in path), ())


def _same_quantity(p: Proposal, sentence: str) -> bool:
    """Whether the sentence may speak of the metric's quantity: it names it, or names none the draft knows."""
    words = _quantity(p)
    text = sentence.lower()
    return not words or any(w in text for w in words) or not _named_quantity(sentence)


def _named_quantity(sentence: str) -> bool:
    """Whether the sentence names any quantity the draft knows (then a number in it is of that quantity)."""
    text = sentence.lower()
    return any(w in text for words in QUANTITIES.values() for w in words)


def _shape(draft: Draft, shapes: _Shapes, i: int, num, sentence: str) -> None:
    """A shape: cited by the drafted value it equals (a batch dimension aside)."""
    match = shapes.equal_to(list(num.value))
    if match:
        match[0].cite.append((i, sentence))
        match[0].why += f"; prose {num.text} (cell {i}) cited: {'sure' if len(match) == 1 else 'unsure'}"
    else:
        draft.not_placed(i, num.text, "prose shape", f"prose: a shape no drafted value has ({squash(sentence)[:70]})")


def _prose_claim(draft: Draft, p: Proposal, cell: int, text: str, sentence: str, why: str) -> None:
    """``p``'s claim as the prose states it (``97.8%`` for ``0.9777``): its program and reference."""
    draft.proposals.append(Proposal(
        id=draft.unique_id(p.id + ".prose"), kind=p.kind, cells=p.cells, measure=dict(p.measure), expected=text,
        stated=text, cite=[(cell, sentence)], why=why, tier=p.tier, requires=list(p.requires),
        reference=p.reference, prose=True))
