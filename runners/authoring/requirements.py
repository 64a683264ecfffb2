"""The libraries a drafted notebook needs: its imports, as the lines of its book's requirements.txt.

Every ``import X`` / ``from X import ...`` of the notebook's code cells (as Jupyter runs them, read
with ``ast``; relative imports, cells that do not parse, optional imports (in a ``try`` that catches
ImportError) and Colab's own ``google.colab`` are passed over) is named by its top-level module; the standard library's modules (``sys.stdlib_module_names``), claimcheck's own dependencies
and the stacks' frameworks are left out, and each other module becomes its distribution
(claim/libraries.py: ``sklearn`` is scikit-learn, ``PIL`` Pillow, else the installed distribution
that provides it, else its own name). ``claimcheck draft`` adds them to ``claims/<book>/requirements.txt``.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from ..claim import libraries, notebooks
from ..claim.jupyter import to_python


def imported_modules(path: Path) -> list[str]:
    """The top-level modules the notebook's code cells import, in the order they first appear."""
    seen: dict[str, None] = {}
    for cell in notebooks.read(path).cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(to_python(cell.get("source", "")))
        except (SyntaxError, ValueError):
            continue
        optional = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) and _catches_import_error(t)
                    for stmt in t.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if not (name + ".").startswith(COLAB_ONLY):
                    seen.setdefault(name.split(".")[0], None)
    return list(seen)


COLAB_ONLY = "google.colab."


def _catches_import_error(node: ast.Try) -> bool:
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if handler.type is None or any(isinstance(k, ast.Name) and k.id in ("ImportError", "ModuleNotFoundError",
                                                                            "Exception") for k in kinds):
            return True
    return False


def local_modules(notebook: Path, depth: int = 3) -> set[str]:
    """The modules a notebook finds beside it, not on PyPI: ``NAME.py`` or a package ``NAME/`` in its folder
    or the folders above it (``sys.path.insert(0, '..')``; up to ``depth``, not past a repository's root),
    those its cells write (``%%writefile NAME.py``), and what it imports after putting a folder of its own
    on ``sys.path`` that no installed distribution provides."""
    found: set[str] = set()
    folder = Path(notebook).resolve().parent
    for _ in range(depth + 1):
        try:
            for entry in folder.iterdir():
                if entry.suffix == ".py" and entry.is_file():
                    found.add(entry.stem)
                elif entry.is_dir() and (entry / "__init__.py").is_file():
                    found.add(entry.name)
        except OSError:
            break
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    try:
        pathed = False  # after the notebook puts a folder of its own on sys.path, what it imports is its own
        for cell in notebooks.read(notebook).cells:
            if cell.get("cell_type") != "code":
                continue
            if pathed:
                try:
                    tree = ast.parse(to_python(cell.get("source", "")))
                except (SyntaxError, ValueError):
                    tree = None
                for node in ast.walk(tree) if tree is not None else ():
                    if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                        found.add(node.module.split(".")[0])
                    elif isinstance(node, ast.Import):
                        found |= {a.name.split(".")[0] for a in node.names}
                found -= _installed_here()
            pathed = pathed or bool(re.search(r"\bsys\.path\.(?:insert|append|extend)\(", cell.get("source", "")))
            first = cell.get("source", "").lstrip().splitlines()[:1]
            if cell.get("cell_type") == "code" and first and first[0].split()[:1] in (["%%writefile"], ["%%file"]):
                name = first[0].split()[-1]
                if name.endswith(".py"):
                    found.add(Path(name).stem)
    except Exception:  # the draft reads the notebook itself and says what is wrong with it
        pass
    return found


def _installed_here() -> set[str]:
    """The top-level modules installed distributions provide (a module the notebook imports after changing
    sys.path is its own unless one of these provides it)."""
    try:
        import importlib.metadata

        return set(importlib.metadata.packages_distributions())
    except Exception:
        return set()


def proposed(modules: list[str], local: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(module, distribution) for each module a book has to declare (never a ``local`` one: a module
    beside the notebook is no package, and pip would install a stranger's of that name)."""
    own = libraries.own_modules()
    out, dists = [], set()
    for module in modules:
        if module in sys.stdlib_module_names or module in own or module in ("__future__", "claimcheck") or module in local:
            continue
        dist = libraries.distribution_of(module)
        if libraries.normalized(dist) in libraries.own_distributions() or libraries.normalized(dist) in dists:
            continue
        dists.add(libraries.normalized(dist))
        out.append((module, dist))
    return out


def book_requirements_file(spec: Path) -> Path | None:
    """``claims/<book>/requirements.txt`` for a spec inside a book folder of a claims tree, else None."""
    book = libraries.book_folder(spec)
    return book / libraries.FILE if book is not None and book.parent.name == "claims" else None


def add_to(path: Path, wanted: list[tuple[str, str]], notebook: str) -> list[str]:
    """Add the distributions ``path`` does not declare yet (a new file if none); the lines added.
    A file that does not read as plain requirements is left as it is: RequirementsProblem."""
    have = {libraries.normalized(r.name) for r in libraries.read(path)} if path.is_file() else set()
    lines = [dist for _, dist in wanted if libraries.normalized(dist) not in have]
    if not lines:
        return []
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    modules = {dist: module for module, dist in wanted}
    text += f"# proposed by `claimcheck draft` from the imports of {notebook} (review the versions)\n"
    text += "".join(f"{dist}  # import {modules[dist]}\n" for dist in lines)
    path.write_text(text, encoding="utf-8")
    return lines


def propose(notebook: Path, spec: Path) -> list[str]:
    """What ``claimcheck draft`` says (and does) about the notebook's libraries, as lines to print: added
    to ``claims/<book>/requirements.txt`` where the spec is in a book folder, else the lines to add."""
    try:
        wanted = proposed(imported_modules(notebook), local_modules(notebook))
    except Exception as exc:  # the draft itself read the notebook; this proposal is an extra
        return [f"libraries: could not read the notebook's imports ({type(exc).__name__}: {exc})"]
    if not wanted:
        return []
    named = ", ".join(f"{m} ({d})" if libraries.normalized(m) != libraries.normalized(d) else m for m, d in wanted)
    target = book_requirements_file(spec)
    if target is None:
        return [f"libraries: the notebook imports {named}; declare them in claims/<book>/{libraries.FILE}, one a "
                "line: " + " ".join(d for _, d in wanted)]
    try:
        added = add_to(target, wanted, Path(notebook).name)
    except libraries.RequirementsProblem as exc:
        return [f"libraries: {target} was left as it is: {exc}", "libraries: the notebook imports " + named]
    if not added:
        return [f"libraries: {target} declares every library the notebook imports ({named})"]
    return [f"libraries: added {', '.join(added)} to {target} (the notebook imports {named}); "
            "`tox -e verify` installs them"]
