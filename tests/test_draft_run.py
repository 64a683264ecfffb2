"""`claimcheck draft` runs what it proposes (service/drafting.py) and settles each claim on what it saw
(authoring/settling.py): a seeded value is exact, numbers that change from run to run are written {?} and
explained in a coverage.yaml, a program that raises is left out and listed, a download is a skip with
where its copy goes, float rounding of another library version gets a relative tolerance."""
from __future__ import annotations

import json

import nbformat
import pytest
import yaml
from nbformat import v4

from claimcheck.runners.catalog import coverage, loader

from helpers import cli

pytestmark = pytest.mark.xdist_group("draft-run")


def _code(source, printed=None, shown=None):
    cell = v4.new_code_cell(source)
    if printed is not None:
        cell.outputs.append(v4.new_output("stream", name="stdout", text=printed))
    if shown is not None:
        cell.outputs.append(v4.new_output("execute_result", data={"text/plain": shown}, execution_count=1))
    return cell


CELLS = [
    _code("import numpy as np\nimport random"),                                                       # 1
    _code("rng = np.random.default_rng(42)\nrng.integers(0, 100, 5)", shown="array([ 8, 77, 65, 43, 43])"),  # 2
    _code("print('count', 7)\nprint(np.random.rand(2).round(3))", printed="count 7\n[0.417 0.72 ]\n"),  # 3
    _code("print(random.random())", printed="0.8444218515250481\n"),                                  # 4: every number
    _code("print(missing_name + 1)", printed="3\n"),                                                   # 5: raises here
    _code("import urllib.request\nurllib.request.urlopen('http://claimcheck.invalid/d.csv').read()",
          shown="b'1,2'"),                                                                             # 6: a download
    _code("print(0.1 + 0.2)", printed="0.30000001\n"),                                                 # 7: rounding only
    _code("print(0.1 + 0.2 + 1)", printed="2.5\n"),                                                    # 8: a finding
    _code("import time\nslow = [time.sleep(6), 5][1]"),                                                # 9: slow
    _code("print(slow2 := slow * 2)", printed="10\n"),                                                 # 10
    _code("print(slow, slow2)", printed="5 10\n"),                                                      # 11: holds 10's
]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    base = tmp_path_factory.mktemp("draftrun")
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Chapter 3 – Runs"), *CELLS]
    nbformat.write(nb, str(base / "03_runs.ipynb"))
    out = base / "claims" / "runs" / "ch03" / "runs.yaml"
    proc = cli("draft", base / "03_runs.ipynb", "--book", "runs", "--out", out, "--timeout", "120", cwd=base)
    return base, out, proc


def _claims(out):
    return {c.measure["cell"]: c for c in loader.load(out)}


def test_the_draft_runs_its_programs_and_says_what_it_saw(drafted):
    _, out, proc = drafted
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "claimcheck draft: running the programs of 9 proposed claims" in proc.stderr
    assert "the draft's run here: " in proc.stdout
    assert "1 could not run here: the program tried to download `urllib.request.urlopen(" in proc.stdout


def test_a_seeded_value_is_exact_and_a_changing_number_is_written_wildcard(drafted):
    _, out, _ = drafted
    claims = _claims(out)
    assert claims[2].expected == "array([ 8, 77, 65, 43, 43])" and claims[2].tier == "static"
    assert claims[3].expected == "count 7\n[{?} {?} ]"  # 7 still compared (a line of its own)
    assert 4 not in claims  # every number changes: no claim


def test_what_did_not_run_is_listed_and_a_download_is_kept_as_a_skip(drafted):
    _, out, _ = drafted
    text = out.read_text()
    assert "#   cell 5: 3: its program raised here: NameError: name 'missing_name' is not defined" in text
    [changes] = [ln for ln in text.splitlines() if ln.startswith("#   cell 4: 0.8444218515250481: number 1: ")]
    assert changes.endswith("between two runs of the same program")
    claims = _claims(out)
    assert 5 not in claims and 6 in claims


def test_float_rounding_gets_a_tolerance_and_a_real_difference_stays_a_finding(drafted):
    _, out, _ = drafted
    claims = _claims(out)
    assert claims[7].tolerance == 1e-07  # 0.30000000000000004 against 0.30000001: relative 3e-8
    assert claims[8].tolerance is None
    assert "this run shows otherwise" in out.read_text()


def test_the_changing_numbers_are_explained_for_coverage(drafted):
    _, out, _ = drafted
    explained = yaml.safe_load(out.with_name("runs.coverage.yaml").read_text())
    cells = {(e["cell"], e.get("text")) for e in explained["not_checkable"]}
    assert (4, None) in cells and (3, "0.417") in cells and (3, "0.72") in cells
    cov = coverage.measure(out.parent / "notebooks" / "03_runs.ipynb", loader.load(out),
                           coverage.load_notes(out.parent.parent.parent, out.parent / "notebooks" / "03_runs.ipynb"))
    by = {(n.line, n.text): n for n in cov.numbers}
    assert by[(3, "7")].claims and by[(3, "0.417")].why and by[(4, "0.8444218515250481")].why


def test_verify_decides_what_the_draft_kept(drafted):
    base, out, _ = drafted
    proc = cli("verify", "--tier", "static", "--claims", base / "claims", "--out", base / "out", "--no-history",
               "--cache-dir", base / "cache", cwd=base)
    results = {r["measure"]["cell"] if "measure" in r else r["id"]: r for r in
               json.loads((base / "out" / "results.json").read_text())["results"]}
    status = {r["id"].rsplit(".", 1)[-1]: r["status"] for r in results.values()}
    assert status == {"cell2": "passed", "cell3": "passed", "cell6": "skipped", "cell7": "passed", "cell8": "failed",
                      "cell10": "passed", "cell11": "passed"}
    skip = next(r for r in results.values() if r["id"].endswith("cell6"))
    assert "http://claimcheck.invalid/d.csv" in skip["reason"] and "copy it into" in skip["fix"]
    assert proc.returncode == 1  # the finding


def test_a_slow_program_inside_another_shares_its_run(drafted):
    _, out, _ = drafted
    claims = _claims(out)
    assert claims[10].measure["listings"] == claims[11].measure["listings"] == ["notebooks/03_runs.ipynb#9-11"]
    assert "runs inside cell 11's, shared" in out.read_text()


def test_an_unseeded_draw_two_runs_happened_to_agree_on_is_still_not_the_books(tmp_path):
    """What the draft knows of a program's randomness: a draw from an unseeded generator that differs from
    the notebook is taken as changing, even where its two runs agreed (a small range, by chance)."""
    from claimcheck.runners.authoring.notebook import DraftNotebook

    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# t"), _code("import numpy as np\nrng = np.random.default_rng()"),
                _code("b = np.random.rand()"), _code("np.random.seed(0)\na = np.random.rand()"),
                _code("import random\nc = random.random()")]
    nbformat.write(nb, str(tmp_path / "nb.ipynb"))
    nbk = DraftNotebook(tmp_path / "nb.ipynb")
    assert nbk.unseeded(nbk.needs([1])) == "a generator made without a seed"
    assert nbk.unseeded(nbk.needs([2])) == "numpy's generator, unseeded"  # no numpy seed before it
    assert nbk.unseeded(nbk.needs(reads=["a"], at=4)) == ""                # seeded in its program
    assert nbk.unseeded(nbk.needs([4])) == "python's generator, unseeded"


def test_the_files_a_notebook_reads_beside_it_and_above_it_come_with_it(tmp_path):
    """A book's repository keeps data beside a notebook (`data/x.csv`) and beside its chapters
    (`../shared/y.csv`): draft copies both in with the notebook, and the program runs where `..` is
    what Jupyter's would be (engine/workfolder.py)."""
    repo = tmp_path / "repo"
    (repo / "ch04" / "data").mkdir(parents=True)
    (repo / "shared").mkdir()
    (repo / "ch04" / "data" / "a.txt").write_text("21\n")
    (repo / "shared" / "b.txt").write_text("2\n")
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Chapter 4"),
                _code("a = int(open('data/a.txt').read())\nb = int(open('../shared/b.txt').read())\nprint(a * b)",
                      printed="42\n")]
    nbformat.write(nb, str(repo / "ch04" / "04_io.ipynb"))
    out = tmp_path / "claims" / "io" / "ch04" / "io.yaml"
    proc = cli("draft", repo / "ch04" / "04_io.ipynb", "--book", "io", "--out", out, "--no-run", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out.parent / "notebooks" / "data" / "a.txt").is_file() and (out.parent / "shared" / "b.txt").is_file()
    proc = cli("verify", "--tier", "static", "--claims", tmp_path / "claims", "--out", tmp_path / "out",
               "--no-history", "--cache-dir", tmp_path / "cache", cwd=tmp_path)
    [result] = json.loads((tmp_path / "out" / "results.json").read_text())["results"]
    assert result["status"] == "passed", result["reason"]


def test_a_seeded_program_takes_the_draws_made_since_its_seed(tmp_path):
    """A value drawn after a seed depends on every draw made since: where the program cut to what the value
    names reproduces the notebook otherwise, the draft runs it again with the statements since the seed that
    use the seeded library, and keeps that program where it reproduces the notebook."""
    import numpy as np

    np.random.seed(0)
    np.random.rand(3)
    shown = f"{np.random.rand():.6f}\n"
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Chapter 1"), _code("import numpy as np\nnp.random.seed(0)"),
                _code("a = np.random.rand(3)"),                              # a draw no later value names
                _code("b = np.random.rand()\nprint(f'{b:.6f}')", printed=shown)]
    nbformat.write(nb, str(tmp_path / "01_seed.ipynb"))
    out = tmp_path / "claims" / "s" / "ch01" / "s.yaml"
    proc = cli("draft", tmp_path / "01_seed.ipynb", "--book", "s", "--out", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 seeded programs showed otherwise" in proc.stderr
    [claim] = loader.load(out)
    assert claim.measure["listings"] == ["notebooks/01_seed.ipynb#1-3"] and "the draws made since its seed" in out.read_text()
    assert "the draft's run here: 1 passed" in proc.stdout
