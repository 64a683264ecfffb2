"""`draft(notebook)`: the proposed claims of one notebook, read from its outputs, then its prose (nothing is run)."""
from __future__ import annotations

from pathlib import Path

from .notebook import DraftNotebook
from .outputs import read_outputs
from .proposals import Draft, section_of
from .prose import read_prose


def draft(path: Path, book: str = "draft") -> Draft:
    """The proposed claims of one notebook (nothing is run)."""
    nbk = DraftNotebook(Path(path))
    chapter, section = section_of(Path(path))
    d = Draft(Path(path), book, chapter, section, nbk.title())
    read_outputs(nbk, d)
    _one_program_per_fit(nbk, d)
    read_prose(nbk, d)
    for p in d.proposals:
        p.review = nbk.review(p.cells)
        if p.kind == "metric" and p.tier == "cpu":
            p.requires = sorted(set(p.requires))
    return d


def _one_program_per_fit(nbk: DraftNotebook, d: Draft) -> None:
    """The values read after one fit come from one program (the cells up to the last of them), so
    they share their training runs."""
    by_fit: dict = {}
    for p in d.proposals:
        if p.kind == "metric":
            fit = nbk.fit_before(p.cite[0][0])
            by_fit.setdefault((fit, nbk.fit_after(fit)), []).append(p)
    for group in by_fit.values():
        cells = nbk.program(max(p.cite[0][0] for p in group))
        for p in group:
            p.cells = cells
