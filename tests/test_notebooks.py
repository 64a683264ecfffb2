"""Notebooks as programs and as sources: cells run in order, outputs and prose cited, numbers covered."""
import hashlib
import json

import nbformat
import pytest

from claimcheck.runners.catalog import coverage, loader
from claimcheck.runners.catalog.validation import support_file_problems
from claimcheck.runners.claim import notebooks
from claimcheck.runners.claim.listings import Program, read_listing
from claimcheck.runners.core.errors import ClaimError
from claimcheck.runners.engine.execution import execute

from helpers import CLAIMS, SHARED, write

BOOK = CLAIMS / "dlwp1" / "notebooks"
NOTEBOOKS = ("2.1-a-first-look-at-a-neural-network.ipynb", "5.1-introduction-to-convnets.ipynb",
             "5.2-using-convnets-with-small-datasets.ipynb")


def notebook(folder, name="nb.ipynb", cells=None, sidecar=None):
    """A small notebook: markdown, code with an output, IPython lines, a tagged cell."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells if cells is not None else [
        nbformat.v4.new_markdown_cell("# 9.9 - A test\n\nThe answer is 420 and the rate 97.8%."),
        nbformat.v4.new_code_cell("%matplotlib inline\nx = 40\nif x:\n    !echo hi\n"),
        nbformat.v4.new_code_cell("y = x + 2\nprint('y:', y)",
                                  outputs=[nbformat.v4.new_output("stream", text="y: 42\nrate: 0.9777\n")]),
        nbformat.v4.new_code_cell("z = y * 2\nv = 1000", metadata={"tags": ["double"]}),
        nbformat.v4.new_code_cell("from math import sqrt as root\nw = root(z)"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, str(path))
    if sidecar is not None:
        write(folder, path.with_suffix(".changes.yaml").name, sidecar)
    return path


def test_cells_by_index_range_list_and_tag(tmp_path):
    path = notebook(tmp_path)
    nb = notebooks.read(path)
    assert notebooks.select(nb, "2", "w") == [2]
    assert notebooks.select(nb, "1-3", "w") == [1, 2, 3]
    assert notebooks.select(nb, "3, 1-2", "w") == [1, 2, 3]
    assert notebooks.select(nb, "tag:double", "w") == [3]


@pytest.mark.parametrize("selector, words", [
    ("0", "cell 0 is a markdown cell, not code"), ("9", "cell 9 does not exist (the notebook has 5 cells, 0-4)"),
    ("3-1", "a range runs from low to high"), ("tag:nope", "no cell is tagged 'nope'"), ("first", "give an index"),
])
def test_a_wrong_selection_says_what_is_wrong(tmp_path, selector, words):
    path = notebook(tmp_path)
    with pytest.raises(ClaimError, match="nb.ipynb#" if selector != "first" else "w") as info:
        notebooks.select(notebooks.read(path), selector, f"{path.name}#{selector}" if selector != "first" else "w")
    assert words in str(info.value)


def test_ipython_lines_become_get_ipython_calls_that_run_nothing_and_are_recorded_in_both_modes(tmp_path):
    path = notebook(tmp_path)
    entry = f"{path}#1-3"
    listing = read_listing(entry)
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in listing.source  # IPython's own transform
    assert "    get_ipython().system('echo hi')" in listing.source  # indentation kept: the block stays valid
    for as_printed in (False, True):
        changes = Program((entry,), as_printed=as_printed).changes()[path.name + "#1-3"]
        assert changes == ["cell 1: `%matplotlib inline` (IPython only, not run)",
                           "cell 1: `!echo hi` (IPython only, not run)"]
    run = execute(Program((entry,)), tmp_path / "work")
    assert run.namespace["z"] == 84 and run.stdout == "y: 42\n"


def test_a_sidecar_changes_cells_and_as_printed_undoes_it(tmp_path):
    path = notebook(tmp_path, sidecar="changes:\n  - {cell: 4, old: 'root(z)', new: 'root(z) + 1', why: 'a test'}\n")
    entry = f"{path}#1-4"
    assert execute(Program((entry,)), tmp_path / "a").namespace["w"] == pytest.approx(84 ** 0.5 + 1)
    assert execute(Program((entry,), as_printed=True), tmp_path / "b").namespace["w"] == pytest.approx(84 ** 0.5)
    assert Program((entry,)).changes()[path.name + "#1-4"][-1] == "`root(z)` -> `root(z) + 1` (cell 4: a test)"
    assert "a test" not in " ".join(Program((entry,), as_printed=True).changes()[path.name + "#1-4"])
    # the notebook on disk is untouched: the change lives beside it
    assert "root(z) + 1" not in path.read_text()


@pytest.mark.parametrize("sidecar, words", [
    ("changes:\n  - {cell: 4, old: 'nowhere', new: 'x', why: 'w'}\n", ":2: 'nowhere' does not occur in cell 4"),
    ("changes:\n  - {cell: 0, old: 'The', new: 'x', why: 'w'}\n", ":2: cell 0 is not a code cell"),
    ("changes:\n  - {cell: 4, old: 'root', new: 'x'}\n", "changes[0].why must be a string"),
    ("changes:\n  - {cell: 4, old: 'root', new: 'x', why: 'w', because: 1}\n", "unknown field(s) because"),
    ("changes: 3\n", "a mapping with 'changes:'"),
])
def test_a_wrong_sidecar_is_refused_naming_its_file_and_line(tmp_path, sidecar, words):
    path = notebook(tmp_path, sidecar=sidecar)
    problems = notebooks.sidecar_problems(path)
    assert len(problems) == 1 and "nb.changes.yaml" in problems[0] and words in problems[0], problems
    with pytest.raises(ClaimError, match="nb.changes.yaml"):
        read_listing(f"{path}#1-4")


@pytest.mark.parametrize("data, words", [
    (b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5,\n "x": "\xff"}', ":2 is not UTF-8 (byte 0xff)"),
    (b'{"cells": [\n', ":2: not JSON"),
    (b'{"cells": "no", "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a valid notebook (nbformat"),
])
def test_a_damaged_notebook_is_a_clear_error(tmp_path, data, words):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(data)
    with pytest.raises(ClaimError, match="bad.ipynb") as info:
        notebooks.read(path)
    assert words in str(info.value)


def spec(folder, cites, listings=("nb.ipynb#2",), notebook_field="nb.ipynb"):
    claim = {"id": "t.nb", "kind": "listing_value", "tier": "static", "measure": {"listings": list(listings), "value": "y"},
             "expected": 42, "source": {"stated": "42", "cite": cites}}
    doc = {"book": "t", "chapter": 9, "section": "9.9", "title": "T", "claims": [claim]}
    if notebook_field:
        doc["notebook"] = notebook_field
    return write(folder, "t.yaml", json.dumps(doc))


def problems(path, root):
    [claim] = loader.load_file(path, root)
    return claim.problems


def test_a_cited_quote_must_be_in_the_cell_it_names(tmp_path):
    folder = tmp_path / "claims"
    notebook(folder)
    ok = [{"from": "notebook", "cell": 2, "quote": "y: 42"}, {"from": "notebook", "cell": 0, "quote": "The answer is  420"}]
    assert problems(spec(folder, ok, listings=("nb.ipynb#1-2",)), folder) == []
    wrong = problems(spec(folder, [{"from": "notebook", "cell": 0, "quote": "y: 42"}]), folder)
    assert wrong == ["source.cite[0]: the quote is not in cell 0 of nb.ipynb: 'y: 42'"]
    assert "cell 7 does not exist" in problems(spec(folder, [{"from": "notebook", "cell": 7, "quote": "x"}]), folder)[0]
    assert "needs `cell:`" in problems(spec(folder, [{"from": "notebook", "quote": "x"}]), folder)[0]
    assert "needs `notebook:`" in problems(spec(folder, [{"from": "notebook", "cell": 0, "quote": "x"}],
                                                notebook_field=None), folder)[0]


def test_a_notebook_outside_the_claims_tree_is_refused(tmp_path):
    """A hostile spec cannot run or cite a notebook elsewhere on the machine."""
    outside = notebook(tmp_path / "elsewhere")
    folder = tmp_path / "claims"
    folder.mkdir()
    rel = "../elsewhere/nb.ipynb"
    found = problems(spec(folder, [{"from": "notebook", "cell": 2, "quote": "y: 42", "notebook": rel}],
                          listings=(f"{rel}#2",), notebook_field=None), folder)
    assert any("measure.listings: '../elsewhere/nb.ipynb' leads outside the claims tree" in p for p in found), found
    assert any("source.cite[0].notebook: '../elsewhere/nb.ipynb' leads outside" in p for p in found), found
    assert outside.is_file()


def test_coverage_reads_prose_and_outputs_not_code(tmp_path):
    path = notebook(tmp_path)
    numbers = coverage.notebook_numbers(path)
    # the prose's numbers as TOKEN finds them; every number an output shows (42 too); never the code's 1000
    assert [(n.line, n.text) for n in numbers] == [(0, "420"), (0, "97.8%"), (2, "42"), (2, "0.9777")]


def test_the_first_editions_notebooks_are_the_authors_byte_for_byte():
    for name in NOTEBOOKS:
        ours = hashlib.sha256((BOOK / name).read_bytes()).hexdigest()
        shared = SHARED / "sources" / "dlwp1" / name
        if shared.is_file():
            assert ours == hashlib.sha256(shared.read_bytes()).hexdigest(), name
    assert "MIT License" in (BOOK / "LICENSE").read_text()


def test_the_first_editions_coverage_files_are_well_formed_and_complete():
    assert support_file_problems(CLAIMS / "dlwp1") == []
    claims = loader.load(CLAIMS)
    for name in NOTEBOOKS:
        notes = coverage.load_notes(CLAIMS, BOOK / name)
        cov = coverage.measure(BOOK / name, claims, notes)
        assert cov.uncovered == [], (name, [(n.line, n.text) for n in cov.uncovered])
        assert cov.covered, name


def test_lines_of_a_cell_are_a_part_of_it_a_program_may_take(tmp_path):
    path = notebook(tmp_path)
    nb = notebooks.read(path)
    assert notebooks.selection(nb, "2:1,4", "w") == [(2, ((1, 1),)), (4, None)]
    assert notebooks.selection(nb, "2:2,2", "w") == [(2, None)]  # named whole too: whole
    assert notebooks.cells(path, "2:1").changed == "# cell 2\ny = x + 2\n"
    with pytest.raises(ClaimError, match="cell 2 has lines 1-2"):
        notebooks.selection(nb, "2:3", "w")
    with pytest.raises(ClaimError, match="cell 7 does not exist"):
        notebooks.selection(nb, "7:1", "w")


@pytest.mark.parametrize("when, words", [
    ("torch", "must name a library and the versions"), ("torch>=2.6; rm -rf", "must name a library"),
    (3, "must name a library"),
])
def test_a_changes_when_names_a_library_and_its_versions(tmp_path, when, words):
    sidecar = f"changes:\n  - {{cell: 2, old: 'x + 2', new: 'x + 3', why: w, when: {json.dumps(when)}}}\n"
    path = notebook(tmp_path, sidecar=sidecar)
    with pytest.raises(ClaimError, match=words):
        notebooks.cells(path, "2")


def test_a_change_the_installed_library_forces_applies_as_printed_too(tmp_path):
    sidecar = ("changes:\n  - {cell: 2, old: 'x + 2', new: 'x + 3', why: forced, when: 'pyyaml>=1'}\n"
               "  - {cell: 2, old: 'y:', new: 'why:', why: not forced, when: 'pyyaml<1'}\n")
    path = notebook(tmp_path, sidecar=sidecar)
    got = notebooks.cells(path, "2")
    assert "x + 3" in got.printed and "print('y:'" in got.printed  # pyyaml is installed, >= 1: forced
    assert "x + 3" in got.changed and "print('why:'" in got.changed
    listing = read_listing(tmp_path / "nb.ipynb#2")
    assert any("forced by pyyaml>=1, as printed too" in c.text for c in listing.changes)
    assert Program((listing.path,), as_printed=True).changes()["nb.ipynb#2"] == [
        next(c.text for c in listing.changes if c.forced)]
