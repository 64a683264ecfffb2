"""A book brings its own libraries: claims/<book>/requirements.txt, read strictly and installed by tox;
a program whose import of the book's library fails is skipped with the fix, never an error or a pass;
`claimcheck draft` proposes the file from the notebook's imports."""
import json
import subprocess
import sys

import nbformat
import pytest
import yaml

from helpers import ROOT, cli, verify, write

ABSENT = "claimcheck_absent_module_xyz"
CITE = {"stated": "x", "cite": [{"from": "derived", "quote": "q"}]}


def _book(tmp_path, listings: dict, claims: list, requirements: str | None = None):
    """A small book claims/bk/ (its listings, one spec file, maybe its requirements.txt)."""
    book = tmp_path / "claims" / "bk"
    for name, code in listings.items():
        write(book / "ch01" / "listings", name, code)
    write(book / "ch01", "c.yaml", yaml.safe_dump({"book": "bk", "chapter": 1, "section": "1.1", "title": "t",
                                                   "claims": claims}))
    if requirements is not None:
        write(book, "requirements.txt", requirements)
    return tmp_path / "claims"


def _value(claim_id, listing, value, expected, tier="static"):
    return {"id": claim_id, "kind": "listing_value", "tier": tier, "expected": expected, "source": CITE,
            "measure": {"listings": [f"listings/{listing}"], "value": value}}


def _verify(tmp_path, claims, tier="static"):
    return verify(claims=claims, out=tmp_path / "out", tier=tier, no_history=True, cache_dir=tmp_path / "cache")


# -- a module that is not installed ----------------------------------------------------------

def test_a_listing_importing_an_absent_module_is_skipped_with_the_install_line_and_others_are_decided(tmp_path):
    claims = _book(tmp_path, {"absent.py": f"import {ABSENT}\nx = 1\n", "fine.py": "x = 2\n",
                              "ownbug.py": "import claimcheck.runners.no_such_module\nx = 3\n",
                              "version.py": "import pytest.claimcheck_no_such_submodule\nx = 4\n"},
                   [_value("bk.absent", "absent.py", "x", 1), _value("bk.fine", "fine.py", "x", 2),
                    _value("bk.ownbug", "ownbug.py", "x", 3), _value("bk.version", "version.py", "x", 4)])
    code, results = _verify(tmp_path, claims)
    absent = results["bk.absent"]
    assert absent["status"] == "skipped", absent
    assert f"module '{ABSENT}' is not installed" in absent["reason"]
    assert "distribution claimcheck-absent-module-xyz" in absent["reason"]
    assert "add `claimcheck-absent-module-xyz` to " in absent["fix"] and "bk/requirements.txt" in absent["fix"]
    assert "tox -e verify" in absent["fix"]
    assert results["bk.fine"]["status"] == "passed"
    # a module missing from claimcheck itself is claimcheck's fault: an error, never skipped
    assert results["bk.ownbug"]["status"] == "error" and "ModuleNotFoundError" in results["bk.ownbug"]["reason"]
    # an installed library without the submodule the book imports: its version, an error
    assert results["bk.version"]["status"] == "error", results["bk.version"]
    assert code == 1  # the error; skipped claims alone exit 0 (below)


def test_skipped_claims_alone_exit_as_skipped_claims_do(tmp_path):
    claims = _book(tmp_path, {"absent.py": f"from {ABSENT}.sub import thing\nx = 1\n", "fine.py": "x = 2\n"},
                   [_value("bk.absent", "absent.py", "x", 1), _value("bk.fine", "fine.py", "x", 2)],
                   requirements=f"# the book's libraries\n{ABSENT.replace('_', '-')}>=1.0  # declared\n")
    code, results = _verify(tmp_path, claims)
    assert code == 0
    assert results["bk.absent"]["status"] == "skipped"
    assert f"module '{ABSENT}' is not installed" in results["bk.absent"]["reason"]
    # declared: the fix is to install what the book declares
    assert "declares it" in results["bk.absent"]["fix"] and "pip install claimcheck-absent-module-xyz" in \
        results["bk.absent"]["fix"]


def test_a_module_missing_inside_an_installed_library_that_nobody_declared_stays_an_error(tmp_path):
    # the book imports a library (here a module beside the listing) that cannot import what it needs
    claims = _book(tmp_path, {"lib.py": f"import {ABSENT}\n", "uses.py": "import sys, os\n"
                              "sys.path.insert(0, os.path.dirname(__file__))\nimport lib\nx = 1\n"},
                   [_value("bk.uses", "uses.py", "x", 1)])
    _, results = _verify(tmp_path, claims)
    assert results["bk.uses"]["status"] == "error", results["bk.uses"]


def test_a_notebook_cell_importing_a_missing_sklearn_like_module_is_skipped(tmp_path, monkeypatch):
    from claimcheck.runners.claim import libraries

    monkeypatch.setitem(libraries.DISTRIBUTIONS, ABSENT, "scikit-absent")  # as sklearn -> scikit-learn
    folder = tmp_path / "claims" / "bk"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Ch 1"),
                nbformat.v4.new_code_cell(f"import numpy as np\nfrom {ABSENT} import datasets\n"),
                nbformat.v4.new_code_cell("x = 1\n"), nbformat.v4.new_code_cell("y = 2\n")]
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / "nb.ipynb"))
    claims = [{"id": "bk.nb.x", "kind": "listing_value", "tier": "static", "expected": 1, "source": CITE,
               "measure": {"listings": ["nb.ipynb#1-2"], "value": "x"}},
              {"id": "bk.nb.y", "kind": "listing_value", "tier": "static", "expected": 2, "source": CITE,
               "measure": {"listings": ["nb.ipynb#3"], "value": "y"}}]
    write(folder, "nb.yaml", json.dumps({"book": "bk", "chapter": 1, "section": "1.1", "title": "t",
                                         "notebook": "nb.ipynb", "claims": claims}))
    code, results = _verify(tmp_path, tmp_path / "claims")
    x = results["bk.nb.x"]
    assert x["status"] == "skipped", x
    assert "(distribution scikit-absent)" in x["reason"] and "add `scikit-absent` to" in x["fix"]
    assert results["bk.nb.y"]["status"] == "passed" and code == 0


def test_a_training_run_whose_import_fails_skips_its_claims(tmp_path):
    claims = _book(tmp_path, {"train.py": f"import {ABSENT}\nacc = 0.9\n"},
                   [{"id": "bk.acc", "kind": "metric", "tier": "cpu", "reference": "r", "expected": "90%",
                     "source": CITE, "measure": {"listings": ["listings/train.py"], "value": "acc",
                                                 "seeds": {"cpu": 2}}}])
    write(claims / "bk" / "ch01", "references.yaml",
          yaml.safe_dump({"references": {"r": {"values": [0.89, 0.90, 0.91]}}}))
    code, results = _verify(tmp_path, claims, tier="cpu")
    acc = results["bk.acc"]
    assert acc["status"] == "skipped", acc
    assert f"module '{ABSENT}' is not installed" in acc["reason"] and "requirements.txt" in acc["fix"]
    assert code == 0
    assert not list((tmp_path / "cache").rglob("runs/*.json"))  # a run that did not run is never cached


def test_the_real_command_skips_them_in_the_sandbox(tmp_path):
    claims = _book(tmp_path, {"absent.py": f"import {ABSENT}\nx = 1\n", "fine.py": "x = 2\n"},
                   [_value("bk.absent", "absent.py", "x", 1), _value("bk.fine", "fine.py", "x", 2)])
    out = tmp_path / "out"
    proc = cli("verify", "--claims", claims, "--out", out, "--tier", "static", "--no-history",
               "--cache-dir", tmp_path / "cache", timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = {r["id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert results["bk.fine"]["status"] == "passed"
    assert results["bk.absent"]["status"] == "skipped", results["bk.absent"]
    assert f"module '{ABSENT}' is not installed" in results["bk.absent"]["reason"]


# -- the requirements files ------------------------------------------------------------------

def _files(tmp_path, books: dict):
    root = tmp_path / "claims"
    for book, text in books.items():
        write(root / book, "requirements.txt", text)
    return root


def test_every_books_requirements_are_collected_and_none_is_passed_over(tmp_path):
    from claimcheck.runners.claim import libraries

    root = _files(tmp_path, {"a": "scikit-learn>=1.2\n# a comment\n\nmatplotlib  # plots\n",
                             "b": "seaborn[stats] >=0.13, <1\nPyDot\n", "c": ""})
    write(root / "d", "notes.md", "no requirements here")
    found = libraries.collect(root)
    assert [(r.name, r.text, r.file.parent.name, r.line) for r in found] == [
        ("scikit-learn", "scikit-learn>=1.2", "a", 1), ("matplotlib", "matplotlib", "a", 4),
        ("seaborn", "seaborn[stats] >=0.13, <1", "b", 1), ("PyDot", "PyDot", "b", 2)]
    write(root / "a" / "ch01", "requirements.txt", "tqdm\n")  # a file nothing would read: said so
    with pytest.raises(libraries.RequirementsProblem, match=r"a/ch01/requirements.txt: is not read"):
        libraries.collect(root)


@pytest.mark.parametrize("line, why", [
    ("--index-url https://evil.example/simple", "a pip option"),
    ("-e git+https://evil.example/x.git#egg=x", "a pip option"),
    ("-r ../other.txt", "a pip option"),
    ("--extra-index-url=https://evil.example", "a pip option"),
    ("https://evil.example/x-1.0.tar.gz", "a URL"),
    ("x @ https://evil.example/x.whl", "a URL"),
    ("./vendor/x", "a path"),
    ("/tmp/x.whl", "a path"),
    ("x>=1; python_version<'3.12'", "an environment marker"),
    ("scikit learn", "is not a requirement"),
    ("sklearn==", "is not a requirement"),
    ("numpy<2", "claimcheck's own dependency"),
    ("tensorflow==2.10", "claimcheck's own dependency"),
])
def test_a_line_that_is_not_a_plain_requirement_is_refused_naming_file_and_line(tmp_path, line, why):
    from claimcheck.runners.claim import libraries

    root = _files(tmp_path, {"ok": "tqdm\n", "bad": f"scikit-learn\n# fine\n{line}\n"})
    with pytest.raises(libraries.RequirementsProblem) as info:
        libraries.collect(root)
    assert f"{root / 'bad' / 'requirements.txt'}:3: " in str(info.value) and why in str(info.value)


def test_the_libraries_command_lists_and_refuses(tmp_path):
    root = _files(tmp_path, {"a": "scikit-learn>=1.2\n"})
    proc = cli("libraries", "--claims", root)
    assert proc.returncode == 0, proc.stderr
    assert "scikit-learn>=1.2" in proc.stdout and "a/requirements.txt:1" in proc.stdout
    write(root / "b", "requirements.txt", "--index-url https://evil.example/simple\n")
    proc = cli("libraries", "--claims", root, "--install")
    assert proc.returncode == 1 and "b/requirements.txt:1: " in proc.stderr and "pip option" in proc.stderr
    assert "evil" not in proc.stdout


def test_installing_what_is_installed_already_does_not_call_pip(tmp_path):
    root = _files(tmp_path, {"a": "pytest>=8  # the test env has it\n", "b": "# nothing\n"})
    proc = cli("libraries", "--claims", root, "--install", env={"PIP_INDEX_URL": "http://127.0.0.1:9/none"})
    assert proc.returncode == 0 and "nothing to install" in proc.stdout, proc.stdout + proc.stderr


def test_the_apt_packages_script_reads_every_books_apt_txt_and_refuses_anything_else(tmp_path):
    script = ROOT / "scripts" / "apt-packages.sh"
    root = tmp_path / "claims"
    write(root / "a", "apt.txt", "# what graphviz needs\ngraphviz\n\nfonts-dejavu-core  # labels\n")
    write(root / "b", "apt.txt", "libgl1\n")
    proc = subprocess.run(["bash", str(script), str(root)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["graphviz", "fonts-dejavu-core", "libgl1"]
    write(root / "c", "apt.txt", "-o APT::Get::AllowUnauthenticated=true\n")
    proc = subprocess.run(["bash", str(script), str(root)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stdout == "" and "c/apt.txt:1" in proc.stderr
    proc = subprocess.run(["bash", str(script), str(tmp_path / "none")], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == ""


@pytest.mark.parametrize("content, link", [("bubblewrap-\n", None), ("graphviz+\n", None),
                                           (None, "/proc/self/environ"), (None, "/dev/zero")])
def test_apt_txt_refuses_apts_suffixes_and_files_that_are_not_its_own(tmp_path, content, link):
    """Issue 36: 'bubblewrap-' is apt-get's 'remove bubblewrap' (and .ci/run runs it as root); an apt.txt
    linked to /proc/self/environ printed the environment."""
    root = tmp_path / "claims"
    write(root / "a", "apt.txt", "graphviz\n")
    target = root / "b" / "apt.txt"
    target.parent.mkdir(parents=True)
    if link:
        target.symlink_to(link)
    else:
        target.write_text(content)
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "apt-packages.sh"), str(root)], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "SECRET_TOKEN": "s3cr3t"}, timeout=30)
    assert proc.returncode == 1 and proc.stdout == "" and str(target) in proc.stderr, proc
    assert "s3cr3t" not in proc.stderr


def test_tox_installs_every_books_libraries_without_naming_a_book():
    ini = (ROOT / "tox.ini").read_text()
    assert "commands_pre = claimcheck libraries --install --claims {tox_root}{/}claims" in ini
    for book in (p.name for p in (ROOT / "claims").iterdir() if p.is_dir()):
        assert f"claims/{book}" not in ini and f"claims{{/}}{book}" not in ini


def test_the_books_in_this_tree_declare_well_formed_libraries():
    from claimcheck.runners.claim import libraries

    libraries.collect(ROOT / "claims")  # raises naming file and line
    assert sys.stdlib_module_names  # the rule leaves the standard library out (Python >= 3.10)


# -- claimcheck draft proposes them ----------------------------------------------------------

IMPORTS = ["import os\nimport sys\n", "import sklearn\nfrom sklearn.datasets import load_iris\n",
           "from PIL import Image\nimport numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n",
           "%matplotlib inline\nimport matplotlib.pyplot as plt\n",
           "try:\n    import cv2\nexcept ImportError:\n    cv2 = None\n",
           "if 'google.colab' in sys.modules:\n    from google.colab import output\n",
           "from . import helpers\nimport yaml, claimcheck\n", "x = (1\n"]  # a cell that does not parse


def _notebook(path, sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Chapter 3")] + [nbformat.v4.new_code_cell(s) for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_draft_names_each_imported_library_by_its_distribution_leaving_out_stdlib_and_the_stack(tmp_path):
    from claimcheck.runners.authoring import requirements

    path = _notebook(tmp_path / "nb.ipynb", IMPORTS)
    assert requirements.imported_modules(path) == ["os", "sys", "sklearn", "PIL", "numpy", "tensorflow",
                                                   "matplotlib", "yaml", "claimcheck"]
    # PIL, numpy, yaml are claimcheck's own dependencies; tensorflow the stack's; os and sys the standard library
    assert requirements.proposed(requirements.imported_modules(path)) == [("sklearn", "scikit-learn"),
                                                                          ("matplotlib", "matplotlib")]


def test_draft_adds_them_to_the_books_requirements_txt_and_keeps_what_is_there(tmp_path):
    book = tmp_path / "claims" / "bk"
    write(book, "requirements.txt", "# ours\nmatplotlib>=3.5\n")
    source = _notebook(tmp_path / "03_x.ipynb", IMPORTS[:4])
    proc = cli("draft", source, "--book", "bk", "--out", book / "ch03" / "x.yaml", "--no-run", cwd=tmp_path)
    # its cells show nothing: no claim to draft (exit 1, said), but its libraries are proposed all the same
    assert proc.returncode == 1 and "validate: no claims" in proc.stdout, proc.stdout + proc.stderr
    text = (book / "requirements.txt").read_text()
    assert text.startswith("# ours\nmatplotlib>=3.5\n# proposed by `claimcheck draft`")
    assert text.count("matplotlib") == 1 and "scikit-learn  # import sklearn\n" in text
    assert "added scikit-learn to" in proc.stdout
    from claimcheck.runners.claim import libraries

    assert [r.name for r in libraries.collect(tmp_path / "claims")] == ["matplotlib", "scikit-learn"]
    # outside a book folder: what to add is printed, nothing written
    proc = cli("draft", source, "--out", tmp_path / "drafts" / "x.yaml", "--no-run", cwd=tmp_path)
    assert "declare them in claims/<book>/requirements.txt" in proc.stdout and "scikit-learn" in proc.stdout
    assert not list((tmp_path / "drafts").rglob("requirements.txt"))


def test_validate_names_a_bad_line_of_a_books_requirements(tmp_path):
    claims = _book(tmp_path, {"fine.py": "x = 2\n"}, [_value("bk.fine", "fine.py", "x", 2)],
                   requirements="scikit-learn\n-e .\n")
    proc = cli("validate", "--claims", claims)
    assert proc.returncode == 1 and f"{claims / 'bk' / 'requirements.txt'}:2: " in proc.stdout, proc.stdout


def test_a_shards_skipped_run_stays_skipped_in_the_merge(tmp_path):
    from types import SimpleNamespace

    from claimcheck.runners.core.errors import Skip
    from claimcheck.runners.engine.executor import Executor

    from helpers import settings

    record = {"key": "k1", "seed": 0, "failed": f"skipped: module '{ABSENT}' is not installed",
              "skipped": {"reason": f"module '{ABSENT}' is not installed (distribution x)", "fix": "add `x`"},
              "key_parts": {"listings": ["d"], "seed": 0, "data": {}}}
    executor = Executor(settings(cache_dir=tmp_path / "cache"), replay=[record])
    try:
        with pytest.raises(Skip, match="is not installed") as info:
            executor.record(SimpleNamespace(key="k1", seed=0, program=SimpleNamespace(names=lambda: "train.py")))
        assert info.value.fix == "add `x`"
    finally:
        executor.close()


def test_a_framework_the_stack_leaves_out_skips_the_book_code_that_imports_it(tmp_path, monkeypatch):
    """Géron's `import tensorflow as tf` on Keras 3 with JAX (no TensorFlow installed): skipped, naming
    the stack; the stack's own framework missing stays an error (the stack is broken)."""
    from claimcheck.runners.claim import libraries

    listing = write(tmp_path / "claims" / "bk" / "ch01" / "listings", "tf.py", "import tensorflow as tf\nx = 1\n")
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # its import fails as an absent module's does
    with pytest.raises(ModuleNotFoundError) as raised:
        exec(compile(listing.read_text(), str(listing), "exec"), {})
    monkeypatch.setattr(libraries, "_installed", lambda top: top != "tensorflow")
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    skip = libraries.missing_library(raised.value, listing)
    assert skip is not None, "an import of TensorFlow on the JAX stack should be skipped"
    assert "the book's code imports tensorflow, which this stack does not install (Keras 3 on jax)" in skip.reason
    assert "requires: [tensorflow]" in skip.fix
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert libraries.missing_library(raised.value, listing) is None  # the stack's own framework: an error
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    other = tmp_path / "other.py"  # raised in a library, not in the book's code: an error
    assert libraries.missing_library(raised.value, other) is None


def test_torch_is_a_books_requirement_and_missing_it_skips_the_books_code(tmp_path, monkeypatch):
    """A PyTorch book on the TensorFlow stack declares torch like any library (not claimcheck's own);
    where it is not installed, the book's import of it skips the claim with the install line."""
    from claimcheck.runners.claim import libraries

    root = _files(tmp_path, {"pt": "torch\n"})
    assert [r.name for r in libraries.collect(root)] == ["torch"]
    assert "torch" not in libraries.own_modules()
    listing = write(root / "pt" / "ch01" / "listings", "t.py", "import torch\n")
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModuleNotFoundError) as raised:
        exec(compile(listing.read_text(), str(listing), "exec"), {})
    monkeypatch.setattr(libraries, "_installed", lambda top: top != "torch")
    skip = libraries.missing_library(raised.value, listing)
    assert skip is not None and "module 'torch' is not installed (distribution torch)" in skip.reason
    assert "pip install torch" in skip.fix


def test_a_module_beside_the_notebook_is_never_proposed_as_a_package(tmp_path):
    from claimcheck.runners.authoring import requirements

    folder = tmp_path / "repo" / "ch01"
    write(tmp_path / "repo", "helpers_of_the_book.py", "X = 1\n")
    path = _notebook(folder / "01.ipynb", ["import sys\nsys.path.insert(0, '..')",
                                          "from helpers_of_the_book import X\nimport own_pkg\nimport sklearn",
                                          "%%writefile written.py\nY = 2", "import written"])
    local = requirements.local_modules(path)
    assert {"helpers_of_the_book", "own_pkg", "written"} <= local  # beside it, after sys.path, written by it
    assert requirements.proposed(requirements.imported_modules(path), local) == [("sklearn", "scikit-learn")]


def test_the_constraint_file_goes_to_pip(tmp_path):
    root = _files(tmp_path, {"a": "pytest>=8\n"})
    proc = cli("libraries", "--claims", root, "--install", "--constraint", tmp_path / "missing.txt")
    assert proc.returncode == 0 and "nothing to install" in proc.stdout  # met: pip is not called at all
    write(root / "b", "requirements.txt", "surely-not-installed-claimcheck-pkg\n")
    proc = cli("libraries", "--claims", root, "--install", "--constraint", tmp_path / "missing.txt")
    assert proc.returncode == 1 and "no such constraints file" in proc.stderr
