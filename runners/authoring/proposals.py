"""What a draft holds: the proposed claims, what could not be placed, and the claims' ids."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


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
    requires: list = field(default_factory=list)
    reference: str = ""    # a metric's reference name (pending until recorded)
    review: list = field(default_factory=list)  # what the author must look at
    prose: bool = False    # a prose number matched to another proposal's value


@dataclass
class Draft:
    notebook: Path
    book: str
    chapter: str
    section: str
    title: str
    proposals: list = field(default_factory=list)
    unplaced: list = field(default_factory=list)  # [(cell, text, why)]
    _taken: set = field(default_factory=set, init=False, repr=False, compare=False)  # the ids of proposals[:_seen]
    _seen: int = field(default=0, init=False, repr=False, compare=False)

    @property
    def references(self) -> dict:
        return {p.reference: p for p in self.proposals if p.reference and not p.prose}

    def claim_id(self, *parts: str) -> str:
        """``book.ch05.s5_2.<parts>``: the section keeps two notebooks of one chapter apart."""
        chapter = f"ch{int(self.chapter):02d}" if self.chapter.isdigit() else slug(self.chapter)
        return ".".join([self.book, chapter, "s" + slug(self.section), *(slug(p) for p in parts)])

    def unique_id(self, base: str) -> str:
        """``base``, or ``base2``, ``base3``... where a proposal has it already."""
        taken = self._taken
        taken.update(q.id for q in self.proposals[self._seen:])  # the proposals added since the last call
        self._seen = len(self.proposals)
        pid, n = base, 2
        while pid in taken:
            pid, n = f"{base}{n}", n + 1
        return pid


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "value"


def section_of(path: Path) -> tuple[str, str]:
    """``5.2-using-convnets....ipynb`` -> ("5", "5.2")."""
    m = re.match(r"^(\d+)\.(\d+)", Path(path).name)
    return (m.group(1), f"{m.group(1)}.{m.group(2)}") if m else ("0", "0")
