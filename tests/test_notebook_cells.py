"""Notebook cells as Jupyter runs them: IPython's transform, cell magics, a stand-in get_ipython()."""
import json
import time

import nbformat
import pytest

from claimcheck.runners.catalog import loader
from claimcheck.runners.claim import notebooks
from claimcheck.runners.claim.listings import Program, read_listing
from claimcheck.runners.claim.verdict import Status
from claimcheck.runners.core.errors import ClaimError
from claimcheck.runners.engine.execution import ListingFailed, execute

from helpers import run, write

NAME = "nb.ipynb"


def notebook(folder, *sources):
    """A notebook: a markdown cell (0), then one code cell per source (1, 2, ...)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A test")] + [nbformat.v4.new_code_cell(s) for s in sources]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / NAME))
    return folder / NAME


def program(folder, *sources):
    path = notebook(folder, *sources)
    entry = f"{path}#1-{len(sources)}"
    return Program((entry,)), f"{NAME}#1-{len(sources)}"


STRING_CELL = 'template = """\n%d items\n!echo not a shell\n"""\nsize = len(template)\n'
TEMPLATE = "\n%d items\n!echo not a shell\n"


def test_a_percent_line_inside_a_string_stays_as_written_and_the_claim_reading_it_passes(tmp_path):
    folder = tmp_path / "claims"
    prog, name = program(folder, STRING_CELL)
    assert prog.changes()[name] == []  # nothing IPython-only: nothing recorded
    assert TEMPLATE in read_listing(prog.paths[0]).source
    assert execute(prog, tmp_path / "work").namespace["template"] == TEMPLATE
    claim = {"id": "t.nb.size", "kind": "listing_value", "tier": "static",
             "measure": {"listings": [f"{NAME}#1"], "value": "size"}, "expected": len(TEMPLATE),
             "source": {"stated": str(len(TEMPLATE)), "cite": [{"from": "notebook", "cell": 1, "quote": "%d items"}]}}
    doc = {"book": "t", "chapter": 9, "section": "9.9", "title": "T", "notebook": NAME, "claims": [claim]}
    [loaded] = loader.load_file(write(folder, "t.yaml", json.dumps(doc)), folder)
    assert loaded.problems == []
    result = run(loaded)
    assert result.status == Status.PASSED, (result.status, result.reason)


def test_writefile_writes_its_body_in_the_working_folder_and_a_later_cell_reads_it(tmp_path):
    prog, name = program(tmp_path, "%%writefile notes.txt\nhello %d\nx = 1 / 0\n",
                         "with open('notes.txt') as f:\n    text = f.read()\n")
    run_ = execute(prog, tmp_path / "work")
    assert run_.namespace["text"] == "hello %d\nx = 1 / 0\n"  # written as is, never run as Python
    assert (tmp_path / "work" / "notes.txt").read_text() == "hello %d\nx = 1 / 0\n"
    assert run_.stdout == "Writing notes.txt\n"  # what IPython prints
    assert prog.changes()[name] == [
        "cell 1: `%%writefile notes.txt` (writes its body to a file in the working folder, as Jupyter does)"]


@pytest.mark.parametrize("target", ["/tmp/claimcheck-escape.txt", "../escape.txt", "sub/../../escape.txt", "~/escape.txt"])
def test_writefile_outside_the_working_folder_is_an_error_naming_the_cell(tmp_path, target):
    prog, name = program(tmp_path, "x = 1", f"%%writefile {target}\nhello\n")
    with pytest.raises(ClaimError, match=f"{NAME}#1-2: cell 2: `%%writefile {target}`") as info:
        read_listing(prog.paths[0])
    assert "relative path without '..'" in str(info.value)


@pytest.mark.parametrize("magic", ["%%script false", "%%bash", "%%sh", "%%html", "%%javascript", "%%latex",
                                   "%%markdown", "%%svg", "%%python3", "%%nosuchmagic --flag"])
def test_cell_magics_that_run_no_python_do_not_run_their_body(tmp_path, magic):
    prog, name = program(tmp_path, f"{magic}\nraise RuntimeError('the body ran')\n", "after = 1\n")
    assert execute(prog, tmp_path / "work").namespace["after"] == 1
    [recorded] = prog.changes()[name]
    assert recorded.startswith(f"cell 1: `{magic}` (") and "body not run" in recorded
    if magic.startswith("%%nosuchmagic"):
        assert "unknown cell magic" in recorded


def test_time_timeit_and_capture_run_their_body_once_as_python(tmp_path):
    prog, name = program(tmp_path, "runs = []\n",
                         "%%time\nruns.append('time')\n%matplotlib inline\n",
                         "%%timeit -n 1 -r 1 runs.append('setup')\nruns.append('timeit')\n",
                         "%%capture captured\nprint('quiet')\nruns.append('capture')\n")
    done = execute(prog, tmp_path / "work")
    assert done.namespace["runs"] == ["time", "setup", "timeit", "capture"]
    assert done.namespace["captured"].stdout == "quiet\n" and "quiet" not in done.stdout
    changes = prog.changes()[name]
    assert "cell 2: `%%time` (body run once as Python, as Jupyter runs it; untimed)" in changes
    assert "cell 2: `%matplotlib inline` (IPython only, not run)" in changes  # a magic inside the body, recorded too


def test_a_failing_time_body_fails_the_listing(tmp_path):
    prog, _ = program(tmp_path, "%%time\nraise RuntimeError('inside time')\n")
    with pytest.raises(ListingFailed, match="inside time"):
        execute(prog, tmp_path / "work")


def test_line_magics_and_shell_lines_are_recorded_not_run(tmp_path):
    prog, name = program(tmp_path, "%matplotlib inline\n!pip install x\n!touch made-by-shell\n"
                                   "%sx touch made-by-magic\nlisted = !ls\nx = 1\n")
    done = execute(prog, tmp_path / "work")
    assert done.namespace["x"] == 1 and list(done.namespace["listed"]) == []
    assert not (tmp_path / "work" / "made-by-shell").exists() and not (tmp_path / "work" / "made-by-magic").exists()
    assert prog.changes()[name] == ["cell 1: `%matplotlib inline` (IPython only, not run)",
                                    "cell 1: `!pip install x` (IPython only, not run)",
                                    "cell 1: `!touch made-by-shell` (IPython only, not run)",
                                    "cell 1: `%sx touch made-by-magic` (IPython only, not run)",
                                    "cell 1: `!ls` (IPython only, not run)"]
    assert prog.changes() == Program(prog.paths, as_printed=True).changes()  # recorded in both modes


def test_a_time_line_magic_runs_its_statement_once(tmp_path):
    prog, name = program(tmp_path, "%time y = 6 * 7\nz = %time y + 1\n")
    done = execute(prog, tmp_path / "work")
    assert (done.namespace["y"], done.namespace["z"]) == (42, 43)
    assert prog.changes()[name][0] == "cell 1: `%time y = 6 * 7` (IPython only: its statement run once, untimed)"


@pytest.mark.parametrize("selector", ["1-50000000", "2,1-50000000", "5" * 5000])
def test_a_huge_selector_is_a_clear_error_at_once(tmp_path, selector):
    path = notebook(tmp_path, "x = 1", "y = 2")
    start = time.perf_counter()
    with pytest.raises(ClaimError) as info:
        notebooks.select(notebooks.read(path), selector, f"{NAME}#{selector}")
    assert time.perf_counter() - start < 0.5
    assert f"{NAME}#{selector}" in str(info.value) and "the notebook has 3 cells, 0-2" in str(info.value)
    with pytest.raises(ClaimError, match=r"the range runs past the last cell \(the notebook has 3 cells"):
        read_listing(f"{path}#1-50000000")


def test_a_spec_with_a_huge_selector_loads_at_once_with_a_problem_naming_it(tmp_path):
    folder = tmp_path / "claims"
    notebook(folder, "x = 1")
    claim = {"id": "t.nb.x", "kind": "listing_value", "tier": "static",
             "measure": {"listings": [f"{NAME}#1-50000000"], "value": "x"}, "expected": 1,
             "source": {"stated": "1", "cite": [{"from": "book", "quote": "q"}]}}
    doc = {"book": "t", "chapter": 9, "section": "9.9", "title": "T", "claims": [claim]}
    start = time.perf_counter()
    [loaded] = loader.load_file(write(folder, "t.yaml", json.dumps(doc)), folder)
    assert time.perf_counter() - start < 1
    assert any(f"{NAME}#1-50000000: cells '1-50000000': the range runs past the last cell (the notebook has 2 cells, 0-1)"
               in p for p in loaded.problems), loaded.problems


def test_a_selector_repeating_a_range_is_refused_by_its_length_before_it_is_read(tmp_path):
    """Issue 36: '0-1999' repeated 140,000 times passed the range check part by part and ran for ever."""
    path = notebook(tmp_path, "x = 1", "y = 2")
    selector = ",".join(["0-2"] * 140_000)
    start = time.perf_counter()
    with pytest.raises(ClaimError, match=r"a selector of 559,999 characters, over the 8,192 a spec may write"):
        notebooks.select(notebooks.read(path), selector, f"{NAME}#...")
    assert time.perf_counter() - start < 0.5
    assert notebooks.select(notebooks.read(path), ",".join(["1-2"] * 2000), NAME) == [1, 2]  # under it: read
