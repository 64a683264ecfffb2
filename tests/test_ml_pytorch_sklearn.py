"""The fourth book, Raschka, Liu and Mirjalili's Machine Learning with PyTorch and Scikit-Learn, chapter 12
part 2 (claims/ml-pytorch-sklearn/): a PyTorch notebook, byte for byte the authors', drafted and reviewed;
PyTorch a book's requirement like any other (the CPU build: constraints.txt); a change the installed
PyTorch forces (torch.load's weights_only) applied as printed too."""
import hashlib
import importlib.util

import pytest

from claimcheck.runners.catalog import coverage, loader
from claimcheck.runners.claim import libraries, notebooks

from helpers import CLAIMS, ROOT

BOOK = CLAIMS / "ml-pytorch-sklearn"
NOTEBOOK = BOOK / "notebooks" / "ch12_part2.ipynb"
SOURCE = ROOT.parent / "shared" / "sources" / "ml-pytorch-sklearn" / "ch12" / "ch12_part2.ipynb"
HAS_TORCH = importlib.util.find_spec("torch") is not None


def test_the_notebook_is_the_authors_byte_for_byte():
    digest = hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest()
    assert digest == "28053dda65ddd3ab61353dca2029b40037511b70ee4ef76693440accde5a4927"
    if SOURCE.is_file():
        assert NOTEBOOK.read_bytes() == SOURCE.read_bytes()


def test_the_spec_validates_and_every_claim_is_a_whole_cells_output():
    claims = loader.load(BOOK)
    assert len(claims) == 17 and not [c.problems for c in claims if c.problems]
    assert {c.kind for c in claims} == {"output"} and {c.tier for c in claims} == {"static"}


def test_torch_is_the_books_requirement_pinned_to_the_cpu_build():
    assert [r.name for r in libraries.read(BOOK / "requirements.txt")] == ["torch", "matplotlib", "scikit-learn"]
    assert "torch==2.13.0" in (ROOT / "constraints.txt").read_text().splitlines()


def test_the_change_torch_forces_applies_as_printed_too_where_that_torch_is_installed():
    [change] = notebooks.sidecar(NOTEBOOK)
    assert change.when == "torch>=2.6"
    cells = notebooks.cells(NOTEBOOK, "31")
    if HAS_TORCH and change.forced:
        assert "weights_only=False" in cells.printed and "weights_only=False" in cells.changed
    else:
        assert "weights_only=False" not in cells.printed


def test_every_number_the_notebook_shows_is_covered_or_explained():
    cov = coverage.measure(NOTEBOOK, loader.load(BOOK), coverage.load_notes(CLAIMS, NOTEBOOK))
    assert not cov.uncovered and cov.share == 1.0
    # what is not checked is explained: the authors' versions (cell 5), nbconvert's byte count (a shell line)
    assert {n.line for n in cov.explained} == {5, 54}


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (claimcheck libraries --install)")
def test_every_claim_passes_on_this_pytorch(static_run):
    """Read from the shared static run of every book (conftest.py); `verify-printed` runs them as printed."""
    _, results, _ = static_run
    mine = {k: r for k, r in results.items() if k.startswith("ml-pytorch-sklearn.")}
    assert len(mine) == 17 and {r["status"] for r in mine.values()} == {"passed"}, \
        [(r["id"], r["reason"]) for r in mine.values() if r["status"] != "passed"]
    some = mine["ml-pytorch-sklearn.ch12.s12.out.cell16"]
    assert some["environment"]["libraries"]["torch"].startswith("2.")
    assert some["environment"]["notebook"]["python"] == "3.8.8"  # what the authors' outputs were stored with
