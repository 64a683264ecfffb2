"""A kind's contract is what :class:`Kind` (runners/kinds/_base.py) declares, and nothing else.

A kind's class (and any helper class it mixes in) defines no public name that ``Kind`` does not
declare, and overrides each declared method with the same parameters: a misspelt or renamed hook
(``from_evidense``) fails here instead of being silently never called. Nothing outside the package
probes a kind for a hook (``hasattr(kind, ...)``): the hook is declared, with a default that says
"not applicable". Nothing outside ``runners/kinds/`` imports the kinds' private helpers (``kinds._*``).
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from pathlib import Path

import pytest

from claimcheck.runners import kinds
from claimcheck.runners.kinds import Kind, registry

from helpers import ROOT

DECLARED = {n for n in vars(Kind) if not n.startswith("_")} | set(Kind.__annotations__)
PACKAGE_DIRS = ("runners", "reports")
KINDS_DIR = ROOT / "runners" / "kinds"


def undeclared(cls) -> list[str]:
    """What a kind's class defines that Kind does not declare, or declares with other parameters."""
    problems = []
    for c in cls.__mro__:
        if c in (Kind, object):
            continue
        for name, value in vars(c).items():
            if name.startswith("_"):
                continue
            if name not in DECLARED:
                problems.append(f"{c.__name__}.{name}: not declared by Kind")
            elif inspect.isfunction(value) != inspect.isfunction(getattr(Kind, name, None)):
                problems.append(f"{c.__name__}.{name}: a method in one, an attribute in the other")
            elif inspect.isfunction(value):
                mine, declared = (list(inspect.signature(f).parameters) for f in (value, getattr(Kind, name)))
                if mine != declared:
                    problems.append(f"{c.__name__}.{name}{tuple(mine)}: Kind declares {tuple(declared)}")
    return problems


def kind_classes() -> list[type]:
    """Every Kind subclass the public kind modules define (what the registry's kinds are made of)."""
    found = []
    for info in pkgutil.iter_modules(kinds.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{kinds.__name__}.{info.name}")
        found += [obj for obj in vars(module).values()
                  if inspect.isclass(obj) and issubclass(obj, Kind) and obj is not Kind]
    return found


def test_the_kind_classes_are_the_registrys():
    assert {type(k) for k in registry().values()} <= set(kind_classes())
    assert len(registry()) >= 7


@pytest.mark.parametrize("cls", kind_classes(), ids=lambda c: c.__name__)
def test_a_kind_defines_only_what_kind_declares(cls):
    assert undeclared(cls) == []


@pytest.mark.parametrize("name", sorted(registry()))
def test_a_kind_instance_holds_no_names_of_its_own(name):
    assert [n for n in vars(registry()[name]) if not n.startswith("_")] == []


def test_a_misspelt_or_reshaped_hook_is_caught():
    class Helper:  # a helper class mixed in, as _stochastic.StochasticKind is
        def seed_count(self, claim):
            return {}

    class Misspelt(Helper, Kind):
        name = "misspelt"
        stochastic = True

        def from_evidense(self, claim, not_run):
            return None

        def evidence(self, claim, tier):
            return None

        scale = None

    assert undeclared(Misspelt) == [
        "Misspelt.from_evidense: not declared by Kind",
        "Misspelt.evidence('self', 'claim', 'tier'): Kind declares ('self', 'claim')",
        "Misspelt.scale: a method in one, an attribute in the other",
        "Helper.seed_count: not declared by Kind",
    ]


def test_the_defaults_say_not_applicable(tmp_path):
    kind = Kind()
    assert (kind.stochastic, kind.evidence(None), kind.from_evidence(None, "why"), kind.scale(None),
            kind.seed_counts(None), kind.reference_problems(None)) == (False, None, None, None, {}, [])


# --- no probes, no private imports, outside runners/kinds -----------------------------------------

def package_of(path: Path) -> str:
    """The package a file's relative imports start from (``claimcheck.runners.engine``)."""
    parts = path.relative_to(ROOT).parts
    return ".".join(("claimcheck", *parts[:-1]))


def imported(node, package: str) -> list[str]:
    """The modules an import statement names, resolved (``from ..kinds import _x``: ``...kinds._x`` too)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else (package if node.level else "")
    base = ".".join(p for p in (base, node.module or "") if p)
    return [base] + [f"{base}.{a.name}" for a in node.names]


def is_private_kind_module(name: str) -> bool:
    parts = name.split(".")
    return any(a == "runners" and b == "kinds" and c.startswith("_")
               for a, b, c in zip(parts, parts[1:], parts[2:]))


def violations(path: Path, text: str) -> list[str]:
    """An outside module's imports of ``kinds._*`` and its probes of a kind (``hasattr(kind, ...)``)."""
    package, found = package_of(path), []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            private = [n for n in imported(node, package) if is_private_kind_module(n)]
            found += [f"{path.name}:{node.lineno}: imports {private[0]}"] if private else []
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr")
              and node.args and "kind" in ast.unparse(node.args[0]).lower()):
            found.append(f"{path.name}:{node.lineno}: probes {ast.unparse(node)}")
    return found


def outside_modules() -> list[Path]:
    return sorted(p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py") if KINDS_DIR not in p.parents)


def test_no_module_outside_the_kinds_imports_their_private_helpers_or_probes_a_kind():
    found = [v for p in outside_modules() for v in violations(p, p.read_text(encoding="utf-8"))]
    assert found == []
    assert len(outside_modules()) > 50


@pytest.mark.parametrize("where, text, expected", [
    ("reports/characteristic.py", "from ..runners.kinds._stochastic import environment_spread",
     "imports claimcheck.runners.kinds._stochastic"),
    ("runners/engine/deciding.py", "from ..kinds import _stochastic, registry",
     "imports claimcheck.runners.kinds._stochastic"),
    ("runners/service/__init__.py", "from ..kinds._base import Kind", "imports claimcheck.runners.kinds._base"),
    ("runners/cli/oc.py", "import claimcheck.runners.kinds._model as m", "imports claimcheck.runners.kinds._model"),
    ("runners/engine/deciding.py", """
        def f(claim):
            kind = registry().get(claim.kind)
            return hasattr(kind, "from_evidence")
        """, "probes hasattr(kind, 'from_evidence')"),
])
def test_a_planted_private_import_or_probe_is_caught(where, text, expected):
    found = violations(ROOT / where, textwrap.dedent(text))
    assert len(found) == 1 and expected in found[0], found


def test_the_public_imports_pass():
    text = "from ..runners.kinds import environment_spread, registry\nfrom ..runners import kinds\n"
    assert violations(ROOT / "reports/characteristic.py", text) == []
