"""What a draft holds: the proposed claims, what could not be placed, and the claims' ids."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# what the drafter could not place, by kind: why, and what an author can do about it
UNPLACED = {
    "raised": "cells whose stored output is an error (the author's run raised there): no program runs them",
    "shell": "output of a shell command or a magic (`!ls`, `%%bash`): claimcheck runs no shell",
    "shown": "outputs claimcheck cannot compare (over its size bounds)",
    "changes": "outputs that change from run to run (unseeded randomness, a clock) in every number: nothing "
               "exact to claim; a metric claim where a value path reads one",
    "not run": "outputs whose program raised when the draft ran it here (the error is given): fix the cause "
               "(a change in NOTEBOOK.changes.yaml, a missing file) and draft again",
    "fit log": "fit logs stored before their last epoch: no final value to claim",
    "prose": "numbers of the prose that match no drafted value, rounding allowed: a claim by hand, or none",
    "prose shape": "shapes of the prose that no drafted value has",
    "prose other": "prose numbers of another kind (counts, years, ranges): never matched automatically",
    "other": "numbers not placed for another reason",
}


class Unplaced(tuple):
    """(cell, text, why) of a number not placed, with its ``kind`` (a key of :data:`UNPLACED`)."""

    def __new__(cls, cell: int, text: str, why: str, kind: str):
        if kind not in UNPLACED:
            raise ValueError(f"unknown kind of what was not placed: {kind}")
        self = super().__new__(cls, (cell, text, why))
        self.kind = kind
        return self


@dataclass(kw_only=True)
class Proposal:
    """One proposed claim, with what it was read from and how sure the reading is."""
    id: str
    kind: str
    cells: list            # the program: code cells, in order
    measure: dict          # the kind's fields besides the listings
    expected: object
    stated: str
    cite: list             # [(cell, quote)]
    why: str               # what it was read from / matched to, and how sure
    tier: str = "static"
    tolerance: float | None = None  # an output's relative tolerance (the draft's run differed by rounding)
    requires: list = field(default_factory=list)
    reference: str = ""    # a metric's reference name (pending until recorded)
    review: list = field(default_factory=list)  # what the author must look at
    prose: bool = False    # a prose number matched to another proposal's value
    stochastic: list = field(default_factory=list)  # an output's values after a fit: metrics, should it not repeat
    seeded: bool = False   # its program seeds what it draws (numpy, tensorflow, torch, random_state=...)
    trains: bool = False   # its program fits a model
    changing: list = field(default_factory=list)  # the numbers of its output seen to change between two runs


@dataclass
class Draft:
    notebook: Path
    book: str
    chapter: str
    section: str
    title: str
    proposals: list = field(default_factory=list)
    unplaced: list = field(default_factory=list)  # [Unplaced (cell, text, why)], each of a kind of UNPLACED
    deduplicated: int = 0  # ids given a suffix because another proposal had them
    source: object = field(default=None, repr=False, compare=False)  # the DraftNotebook it was read from
    _taken: set = field(default_factory=set, init=False, repr=False, compare=False)  # the ids of proposals[:_seen]
    _seen: int = field(default=0, init=False, repr=False, compare=False)

    def not_placed(self, cell: int, text: str, kind: str, why: str) -> None:
        """A number it could not place: its cell, its text, its kind (of :data:`UNPLACED`) and why."""
        self.unplaced.append(Unplaced(cell, text, why, kind))

    def unplaced_by_kind(self) -> dict:
        """{kind: [Unplaced]}, the kinds in :data:`UNPLACED`'s order."""
        out = {kind: [] for kind in UNPLACED}
        for u in self.unplaced:
            out[getattr(u, "kind", "other")].append(u)  # a plain (cell, text, why) is of no known kind
        return {kind: us for kind, us in out.items() if us}

    @property
    def references(self) -> dict:
        return {p.reference: p for p in self.proposals if p.reference and not p.prose}

    def claim_id(self, *parts: str) -> str:
        """``book.ch05.s5_2.<parts>``: the section keeps two notebooks of one chapter apart; made unique
        (:meth:`unique_id`) where a notebook shows the same value twice (``y_train`` of two data sets)."""
        chapter = f"ch{int(self.chapter):02d}" if self.chapter.isdigit() else slug(self.chapter)
        return self.unique_id(".".join([self.book, chapter, "s" + slug(self.section), *(slug(p) for p in parts)]))

    def unique_id(self, base: str) -> str:
        """``base``, or ``base2``, ``base3``... where a proposal has it already (in draft order, so the
        same notebook gives the same ids)."""
        taken = self._taken
        taken.update(q.id for q in self.proposals[self._seen:])  # the proposals added since the last call
        self._seen = len(self.proposals)
        pid, n = base, 2
        while pid in taken:
            pid, n = f"{base}{n}", n + 1
        if pid != base and not base.endswith(".prose"):
            self.deduplicated += 1
        return pid


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "value"


FOLDER_CHAPTER = re.compile(r"(?:^|[^a-z])ch(?:apter)?[_ -]?(\d+)$", re.I)


def section_of(path: Path) -> tuple[str, str] | None:
    """The chapter and section a notebook's folder and file name give: a folder named for a chapter
    (``p1ch4/3_tabular_wine.ipynb``: 4 and "4.3"), else the file name alone (:func:`_from_name`)."""
    folder = FOLDER_CHAPTER.search(Path(path).parent.name)
    named = _from_name(path)
    if folder:
        chapter = str(int(folder.group(1)))
        if named and named[0] != chapter and named[0].isdigit():
            return chapter, f"{chapter}.{named[0]}"
        return chapter, named[1] if named and named[0] == chapter else chapter
    return named


def _from_name(path: Path) -> tuple[str, str] | None:
    """The chapter and section a notebook's file name gives: ``5.2-using-convnets....ipynb`` -> ("5", "5.2"),
    ``06_decision_trees.ipynb`` -> ("6", "6") (a notebook per chapter); None where it gives none."""
    name = Path(path).name
    m = re.match(r"^(\d+)\.(\d+)", name)
    if m:
        return str(int(m.group(1))), f"{int(m.group(1))}.{int(m.group(2))}"
    m = re.match(r"^(?:ch(?:apter)?[_ -]?)?(\d+)(?=[_\- .])", name, re.I)
    if m:
        return str(int(m.group(1))), str(int(m.group(1)))
    m = re.match(r"^(?:appendix|app)[_ -]?([a-z]|\d+)(?=[_\- .])", name, re.I)
    return (f"appendix-{m.group(1).lower()}",) * 2 if m else None
