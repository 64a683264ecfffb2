"""The layers hold (docs/architecture.md): the import-linter contracts pass on the tree and break on a
planted violation, no import cycle remains, imports inside the package are relative (so the structure
is visible without installing anything), and every package folder is installed."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE_DIRS = ("runners", "reports")
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
# Tarjan's strongly connected components over grimp's graph of the tree: the cycles, as lists of modules
CYCLES = textwrap.dedent("""
    import json, sys
    import grimp
    sys.setrecursionlimit(10000)
    graph = grimp.build_graph("claimcheck.runners", "claimcheck.reports")
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index, low, stack, on, cycles = {}, {}, [], set(), []
    def visit(v):
        index[v] = low[v] = len(index); stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges[v]:
                cycles.append(sorted(comp))
    for m in sorted(edges):
        if m not in index:
            visit(m)
    print(json.dumps({"modules": len(edges), "imports": sum(map(len, edges.values())), "cycles": cycles}))
""")


@pytest.fixture
def scratch(tmp_path):
    """A copy of the package folders, importable as claimcheck.* through a shim of links; plant(path, line)."""
    for name in PACKAGE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shim = tmp_path / "shim" / "claimcheck"
    shim.mkdir(parents=True)
    for name in PACKAGE_DIRS:
        (shim / name).symlink_to(tmp_path / name, target_is_directory=True)

    def plant(path: str, line: str) -> None:
        target = tmp_path / path  # a new module where it does not exist yet
        before = target.read_text(encoding="utf-8") if target.exists() else '"""A planted module."""\n'
        target.write_text(before + f"\n{line}  # planted\n", encoding="utf-8")

    def run(code: str) -> subprocess.CompletedProcess:
        # the shim comes first on the path, before the editable install of the checkout
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "shim")}
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)

    plant.run = run
    plant.root = tmp_path
    return plant


def test_the_contracts_hold_on_the_tree(scratch):
    where = scratch.run("import claimcheck.runners.stats.rule as m; print(m.__file__)")
    assert where.stdout.strip().startswith(str(scratch.root)), where  # the copy is what is checked
    out = scratch.run(LINT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout


@pytest.mark.parametrize("path, line, broken", [
    # an upward import: the statistics reaching for the engine
    ("runners/stats/rule.py", "from ..engine import session", "claimcheck.runners.stats is not allowed to import "
                                                                "claimcheck.runners.engine"),
    # the engine writing reports itself instead of handing its run to the service
    ("runners/engine/session.py", "from ...reports import html", "claimcheck.runners.engine is not allowed to import "
                                                                  "claimcheck.reports"),
    # a function-local import counts as much as one at the top
    ("runners/kinds/metric.py", "def f():\n    from ..engine.session import Session", "claimcheck.runners.kinds is not "
                                                                                   "allowed to import"),
    # one kind borrowing from another
    ("runners/kinds/comparison.py", "from . import metric", "claimcheck.runners.kinds.comparison is not allowed to "
                                                            "import claimcheck.runners.kinds.metric"),
    # one resource borrowing from another
    ("runners/resources/weights.py", "from . import mnist", "claimcheck.runners.resources.weights is not allowed to "
                                                            "import claimcheck.runners.resources.mnist"),
    ("runners/resources/fashion_mnist.py", "from . import mnist", "claimcheck.runners.resources.fashion_mnist is "
                                                                  "not allowed to import claimcheck.runners.resources.mnist"),
    # issue 37: a new kind or resource, named in no list, is inside its contract (derived from the folder)
    ("runners/kinds/planted_kind.py", "from . import metric", "claimcheck.runners.kinds.planted_kind is not allowed "
                                                              "to import claimcheck.runners.kinds.metric"),
    ("runners/resources/planted_data.py", "from . import weights", "claimcheck.runners.resources.planted_data is not "
                                                                   "allowed to import claimcheck.runners.resources.weights"),
])
def test_a_planted_violation_breaks_a_contract(scratch, path, line, broken):
    scratch(path, line)
    out = scratch.run(LINT)
    assert out.returncode == 1, out.stdout + out.stderr
    assert broken in " ".join(out.stdout.split()), out.stdout


def test_every_shared_helper_of_kinds_and_resources_is_named_in_its_contract():
    """The contracts take every module of kinds/ and resources/ (a wildcard); what the modules share
    (``_*.py``) is named in the contract's ignore_imports, or a kind importing it would break it."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    for folder in ("kinds", "resources"):
        [contract] = [c for c in contracts if c.get("modules") == [f"claimcheck.runners.{folder}.*"]]
        helpers = sorted(f.stem for f in (ROOT / "runners" / folder).glob("_*.py") if f.stem != "__init__")
        assert helpers, folder
        for helper in helpers:
            assert f"claimcheck.runners.{folder}.* -> claimcheck.runners.{folder}.{helper}" in contract["ignore_imports"]


def test_no_import_cycle_remains(scratch):
    import json

    out = scratch.run(CYCLES)
    assert out.returncode == 0, out.stderr
    graph = json.loads(out.stdout)
    assert graph["modules"] > 60 and graph["imports"] > 150, graph  # the graph was read, not empty
    assert graph["cycles"] == []


def test_a_planted_cycle_is_found(scratch):
    import json

    scratch("runners/catalog/loader.py", "from . import coverage")  # coverage imports the loader
    graph = json.loads(scratch.run(CYCLES).stdout)
    assert graph["cycles"] == [["claimcheck.runners.catalog.coverage", "claimcheck.runners.catalog.loader"]]


def _absolute_claimcheck_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "claimcheck":
            lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "claimcheck" for a in node.names):
            lines.append(node.lineno)
    return lines


def test_imports_inside_the_package_follow_the_files():
    """Relative imports only: `from ..stats import decide` names the file a reader's tools open."""
    found = {str(p.relative_to(ROOT)): lines for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py")
             if (lines := _absolute_claimcheck_imports(p))}
    assert found == {}


def test_the_absolute_import_check_can_fail(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from claimcheck.runners.stats import decide\n")
    assert _absolute_claimcheck_imports(path) == [2]


def test_every_package_folder_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {"claimcheck." + ".".join(p.parent.relative_to(ROOT).parts)
               for d in PACKAGE_DIRS for p in (ROOT / d).rglob("__init__.py")}
    assert set(config["packages"]) == folders
