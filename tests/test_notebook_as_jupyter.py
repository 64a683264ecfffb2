"""A notebook's program runs as Jupyter runs it (issue 27, item 2): in a copy of the notebook's folder
(files beside it read by relative path, writes kept out of the claims tree), matplotlib headless,
IPython's displays harmless, and a code cell without ``outputs`` read (verify and draft)."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os

import nbformat
import numpy as np
import pytest
from PIL import Image

from claimcheck.runners.authoring.drafting import draft
from claimcheck.runners.claim import notebooks
from claimcheck.runners.core.errors import ClaimError
from claimcheck.runners.engine import workfolder

from helpers import cli, settings, verify, write

# its module fixture verifies a whole tree once: the module on one xdist worker, not once a worker
pytestmark = pytest.mark.xdist_group("notebook_as_jupyter")

CITE = {"stated": "x", "cite": [{"from": "book", "quote": "q"}]}
CSV = "a,b\n1,2\n"
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None

CELLS = [
    # 1: reads files beside the notebook, by relative path
    "text = open('data/x.csv').read()\n"
    "from IPython.display import Image as Shown\nsize = len(Shown('images/01.png').data)\n",
    # 2: writes: a new file, a folder, and over a file of the copy; reads its own write back
    "import os\nopen('made.txt', 'w').write('made')\nos.makedirs('out/deep', exist_ok=True)\n"
    "open('out/deep/y.txt', 'w').write('y')\nopen('data/x.csv', 'w').write('overwritten')\n"
    "back = open('data/x.csv').read()\n",
    # 3: matplotlib and IPython's displays, as a notebook uses them
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.title('t')\n"
    "plt.show()\nfrom IPython.display import display, Image, HTML, Markdown\n"
    "display(HTML('<b>bold</b>'), Markdown('# heading'))\ndisplay(Image('images/01.png'))\n"
    "display(plt.gcf())\nbackend = plt.get_backend()\nlines = len(plt.gca().lines)\n",
    # 4: a file beside the notebook that is a link out of the claims tree
    "secret = open('outside.txt').read()\n",
    # 5: a cell with no `outputs` and no `execution_count` (as an author edits it by hand); display
    # without an import, as Jupyter has it
    "bare = 40 + 2\ndisplay(bare)\n",
]
BARE = 5


def png(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8)).save(path)
    return path.stat().st_size


def _claim(cid, cells, value, expected):
    return {"id": cid, "kind": "listing_value", "tier": "static", "expected": expected, "source": CITE,
            "measure": {"listings": [f"notebooks/nb.ipynb#{cells}"], "value": value}}


def book(base):
    """A claims tree: a notebook with files beside it, its claims (each with a planted wrong twin)."""
    folder = base / "claims" / "bk"
    nbs = folder / "notebooks"
    write(nbs / "data", "x.csv", CSV)
    size = png(nbs / "images" / "01.png")
    write(base, "outside.txt", "not the book's")
    os.symlink(base / "outside.txt", nbs / "outside.txt")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter 1")] + [nbformat.v4.new_code_cell(s) for s in CELLS]
    doc = json.loads(nbformat.writes(nb))
    del doc["cells"][BARE]["outputs"], doc["cells"][BARE]["execution_count"]
    write(nbs, "nb.ipynb", json.dumps(doc, indent=1))
    claims = [_claim("bk.reads", 1, "text", CSV), _claim("bk.reads.wrong", 1, "text", "a,b\n9,9\n"),
              _claim("bk.image", 1, "size", size),
              _claim("bk.writes", 2, "back", "overwritten"), _claim("bk.writes.wrong", 2, "back", CSV),
              _claim("bk.plots", 3, "backend", "agg"), _claim("bk.plots.lines", 3, "lines", 1),
              _claim("bk.plots.wrong", 3, "backend", "tkagg"),
              _claim("bk.link", 4, "secret", "not the book's"),
              {**_claim("bk.bare", BARE, "bare", 42),
               "source": {"stated": "42", "cite": [{"from": "notebook", "cell": BARE, "quote": "bare = 40 + 2"}]}},
              _claim("bk.bare.wrong", BARE, "bare", 41)]
    write(folder, "nb.yaml", json.dumps({"book": "bk", "chapter": 1, "section": "1.1", "title": "t",
                                         "notebook": "notebooks/nb.ipynb", "claims": claims}))
    return base / "claims"


def tree_hash(root) -> str:
    """Every path under ``root``, with its bytes (a link: its target), as one digest."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        if path.is_symlink():
            h.update(b"link:" + os.readlink(path).encode())
        elif path.is_file():
            h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def test_the_tree_hash_sees_a_change(tmp_path):
    claims = book(tmp_path)
    before = tree_hash(claims)
    write(claims / "bk" / "notebooks", "made.txt", "made")
    assert tree_hash(claims) != before


MODES = {"confined": (), "no-confine": ("--no-confine",), "jobs-0": None}
# the caller's backend, which a program never gets: with it, importing pyplot would raise
UNUSABLE_BACKEND = "module://claimcheck_no_such_backend"


@pytest.fixture(scope="module", params=sorted(MODES))
def ran(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(request.param)
    claims = book(base)
    before = tree_hash(claims)
    out, cache = base / "out", base / "cache"
    if MODES[request.param] is None:  # in this process (--jobs 0)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("MPLBACKEND", UNUSABLE_BACKEND)
            code, results = verify(claims=claims, tier="static", out=out, cache_dir=cache, no_history=True)
            assert os.environ["MPLBACKEND"] == UNUSABLE_BACKEND  # given back as it was
        text = ""
    else:
        proc = cli("verify", "--claims", claims, "--tier", "static", "--out", out, "--cache-dir", cache,
                   "--no-history", "--timeout", "120", *MODES[request.param],
                   env={"CLAIMCHECK_JOBS": "", "MPLBACKEND": UNUSABLE_BACKEND})
        code, text = proc.returncode, proc.stdout + proc.stderr
        results = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    return {"mode": request.param, "code": code, "results": results, "text": text, "claims": claims,
            "before": before, "after": tree_hash(claims), "base": base}


def _status(ran, cid):
    return ran["results"][cid]["status"], ran["results"][cid].get("reason")


def test_the_run_is_confined_where_asked(ran):
    if ran["mode"] == "confined" and os.access("/usr/bin/bwrap", os.X_OK):
        assert "programs run confined" in ran["text"], ran["text"][-2000:]
    assert ran["code"] == 1, ran["text"][-3000:]  # the planted wrong twins fail


def test_a_cell_reads_the_files_beside_its_notebook(ran):
    assert _status(ran, "bk.reads")[0] == "passed", _status(ran, "bk.reads")
    assert _status(ran, "bk.image")[0] == "passed", _status(ran, "bk.image")  # IPython's Image reads images/01.png
    assert _status(ran, "bk.reads.wrong")[0] == "failed", _status(ran, "bk.reads.wrong")


def test_what_a_program_writes_stays_out_of_the_claims_tree(ran):
    assert _status(ran, "bk.writes")[0] == "passed", _status(ran, "bk.writes")  # it wrote over its copy
    assert _status(ran, "bk.writes.wrong")[0] == "failed", _status(ran, "bk.writes.wrong")
    assert ran["after"] == ran["before"]  # byte for byte, no file added
    assert not list(ran["base"].glob("**/made.txt"))  # not in the claims, the cache or the out folder


def test_matplotlib_runs_headless_and_displays_do_no_harm(ran):
    plots, lines, wrong = (_status(ran, c) for c in ("bk.plots", "bk.plots.lines", "bk.plots.wrong"))
    if not HAS_MATPLOTLIB:  # the book's library is missing: its claims are skipped (claim/libraries.py)
        assert plots[0] == "skipped" and "matplotlib" in plots[1], plots
        return
    assert plots[0] == "passed" and lines[0] == "passed", (plots, lines)
    assert wrong[0] == "failed", wrong


def test_a_link_out_of_the_notebooks_folder_is_not_followed_and_said(ran):
    status, reason = _status(ran, "bk.link")
    assert status == "error", (status, reason)
    assert "FileNotFoundError" in reason and "outside.txt (a link that leads out of the notebook's folder" in reason


def test_a_code_cell_without_outputs_is_read_and_run(ran):
    assert _status(ran, "bk.bare")[0] == "passed", _status(ran, "bk.bare")  # its cite's quote found in it too
    assert _status(ran, "bk.bare.wrong")[0] == "failed", _status(ran, "bk.bare.wrong")


def drafted_notebook(path, bare=True):
    """A cell without outputs (1) that the displayed cell (2) needs."""
    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("len(train_images)")
    shown.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "60000"}, execution_count=2)]
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter 1"), nbformat.v4.new_code_cell("train_images = [1] * 60000"),
                shown]
    doc = json.loads(nbformat.writes(nb))
    if bare:
        del doc["cells"][1]["outputs"], doc["cells"][1]["execution_count"]
    path.write_text(json.dumps(doc))
    return path


def test_draft_reads_a_cell_without_outputs(tmp_path):
    path = drafted_notebook(tmp_path / "nb.ipynb")
    text = path.read_text()
    nb = notebooks.read(path)
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
    d = draft(path, book="bk")
    [p] = d.proposals
    # its program: the cell without outputs, then the one that shows the value
    assert (p.kind, p.expected, d.source.cells_of(p.cells)) == ("output", "60000", [1, 2])
    assert path.read_text() == text  # the file as the author left it


def test_draft_still_refuses_a_cell_that_is_not_a_cell(tmp_path):
    path = drafted_notebook(tmp_path / "nb.ipynb")
    doc = json.loads(path.read_text())
    del doc["cells"][1]["source"]  # no source: nothing a reader could mean
    path.write_text(json.dumps(doc))
    with pytest.raises(ClaimError, match="not a valid notebook"):
        draft(path, book="bk")


def test_the_copy_is_bounded_and_says_what_it_left_out(tmp_path, monkeypatch):
    folder = tmp_path / "claims" / "nbs"
    write(folder, "a.bin", "x" * (600 << 10))
    write(folder, "b.bin", "y" * (600 << 10))
    write(folder / "c", "small.txt", "z")
    os.mkfifo(folder / "pipe")
    os.symlink(folder / "c", folder / "dirlink")
    monkeypatch.setattr(workfolder, "MAX_BYTES", 1 << 20)
    work = tmp_path / "claims" / "nbs" / "cache" / "work" / "w"  # the cache inside the notebook's folder
    work.mkdir(parents=True)
    plan = workfolder.plan(folder, work)
    assert sorted(plan.files) == ["a.bin", "c/small.txt"]  # b.bin does not fit; the next that fits is copied
    assert plan.left_out == ["b.bin (over the copy's 1 MiB)",
                             "dirlink (a link that leads out of the notebook's folder, or to a folder)",
                             "pipe (not a plain file)"]
    left = workfolder.copy_into([f"{folder}/nb.ipynb#1"], work)
    assert left == plan.left_out and sorted(p.name for p in work.rglob("*")) == ["a.bin", "c", "small.txt"]
    assert workfolder.copy_into([str(folder / "x.py")], tmp_path / "w2") == []  # a listing file's: nothing copied
    assert not (tmp_path / "w2").exists()


def test_a_file_beside_the_notebook_is_part_of_its_training_key(tmp_path):
    from claimcheck.runners.claim.listings import Program
    from claimcheck.runners.engine.jobs import JobKeys

    nbs = book(tmp_path) / "bk" / "notebooks"
    program = Program((f"{nbs / 'nb.ipynb'}#1",))
    listing = Program((str(write(tmp_path / "claims" / "bk", "l.py", "x = 1\n")),))

    def keys():
        return JobKeys(settings(cache_dir=tmp_path / "cache"), environment_key={"fixed": True})

    before, parts = keys().key(program, 0), keys().parts(program, 0)
    assert "beside" in parts and "beside" not in keys().parts(listing, 0)  # a listing file's key as it was
    assert keys().key(program, 0) == before  # the same folder, the same key
    (nbs / "data" / "x.csv").write_text("a,b\n3,4\n")
    assert keys().key(program, 0) != before


def test_a_program_starts_with_no_figure_open():
    """With --jobs 0 every program shares one process: a figure an earlier program (or test) left open
    held its lines, and a later program's plot counted 6 lines for its 1 (the fresh clone's CI)."""
    plt = pytest.importorskip("matplotlib.pyplot")
    from claimcheck.runners.engine.execution import headless

    plt.plot([1, 2, 3])
    assert plt.get_fignums()
    with headless():
        assert plt.get_fignums() == []
