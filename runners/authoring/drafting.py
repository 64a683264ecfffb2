"""`draft(notebook)`: the proposed claims of one notebook, read from its outputs, settled on how their
programs ran (where they ran: service/drafting.py), then matched with its prose."""
from __future__ import annotations

from pathlib import Path

from .notebook import DraftNotebook
from .outputs import read_outputs
from .proposals import Draft, section_of, slug
from .prose import read_prose
from .settling import settle


def draft(path: Path, book: str = "draft") -> Draft:
    """The proposed claims of one notebook, settled without running anything (:func:`propose`, then
    :func:`settled` with no findings)."""
    return settled(propose(path, book), None)


def propose(path: Path, book: str = "draft") -> Draft:
    """What the notebook's outputs propose, before anything is known of how their programs run."""
    nbk = DraftNotebook(Path(path))
    placed = section_of(Path(path))  # from the file name, else from the first heading ("Chapter 6 – ...")
    # neither names a chapter: the file's own name (an appendix is never "chapter 0")
    chapter, section = placed or ((nbk.chapter() or slug(Path(path).stem)),) * 2
    d = Draft(Path(path), book, chapter, section, nbk.title())
    d.source = nbk
    read_outputs(nbk, d)
    return d


def settled(d: Draft, findings: dict | None) -> Draft:
    """The draft settled on what its programs did when run (``findings``: {claim id: result}; None where
    nothing ran: settling.py), then the prose read against it and every proposal's review notes."""
    nbk = d.source
    settle(nbk, d, findings)
    _one_program_per_fit(nbk, d)
    read_prose(nbk, d)
    for p in d.proposals:
        _architecture_only(nbk, p)
        p.review = [*p.review, *nbk.review(p.cells, architecture="substitute" in p.measure)]
    return d


def _architecture_only(nbk: DraftNotebook, p) -> None:
    """A shape or a count of a model built with pretrained weights is the architecture's: the draft
    substitutes the weights away (``weights=None``, as the second edition's VGG16 claims do), so the
    claim needs no download."""
    shape = p.kind in ("output_shape", "param_count") or (
        p.kind == "listing_value" and str(p.measure.get("value", "")).endswith(".shape"))
    texts = nbk.imagenet(p.cells) if shape else []
    if texts:
        p.measure["substitute"] = {t: "weights=None" for t in texts}
        p.requires = [r for r in nbk.requires(p.cells) if r != "vgg16_weights"]
        p.why += "; the ImageNet weights substituted away (weights=None): the architecture's shapes and counts"
    else:
        p.requires = nbk.requires(p.cells)


def _one_program_per_fit(nbk: DraftNotebook, d: Draft) -> None:
    """The values read after one fit come from one program (every cell any of them needs, in notebook
    order), so they share their training runs."""
    by_fit: dict = {}
    for p in d.proposals:
        if p.kind == "metric":
            fit = nbk.fit_before(p.cite[0][0])
            by_fit.setdefault((fit, nbk.fit_after(fit)), []).append(p)
    for group in by_fit.values():
        cells = sorted(set().union(*(p.cells for p in group)))
        for p in group:
            p.cells = cells
