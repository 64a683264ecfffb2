"""What a claim's program imports, and the versions here: every result names the libraries its program
imported, so a value a library version moved is told apart from the book's error.

Read from the program's code (its listings or cells, as they run), in the claimcheck process: each
``import X`` / ``from X import ...`` at any depth, its top-level module, the distribution that provides
it and that distribution's version here (``not installed`` where none does). The standard library is
left out. A notebook's own metadata says what Python its outputs were stored with (``language_info``):
that too, where the claim cites a notebook.
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import sys
from pathlib import Path

from ..claim import libraries, notebooks
from ..claim.listings import Program


def libraries_of(program: Program) -> dict[str, str]:
    """{distribution: version here} of what the program imports, in the order it first imports them."""
    try:
        texts = tuple(text for _, text in program.sources())
    except Exception:  # the program cannot even be read: its claim says why
        return {}
    return dict(_versions(texts))


@functools.lru_cache(maxsize=512)
def _versions(texts: tuple) -> tuple:
    modules: dict[str, None] = {}
    for text in texts:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("__future__", "claimcheck"):
                    modules.setdefault(top, None)
    out: dict[str, str] = {}
    for module in modules:
        dist = libraries.distribution_of(module)
        try:
            out.setdefault(dist, importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:
            out.setdefault(dist, "not installed")
    return tuple(out.items())


def stored_with(claim) -> dict | None:
    """What the notebook a claim cites says its outputs were made with (its ``language_info``: Python's
    version), or None for a claim that cites no notebook."""
    for cite in claim.source.get("cite", []):
        if cite.get("from") == "notebook" and claim.cited_notebook(cite):
            path = claim.resolve(claim.cited_notebook(cite))
            return _metadata(str(path), notebooks.stamp(Path(path)))
    return None


@functools.lru_cache(maxsize=64)
def _metadata(path: str, stamp) -> dict | None:
    try:
        nb = notebooks.read(Path(path))
    except Exception:
        return None
    info = nb.metadata.get("language_info") or {}
    kernel = nb.metadata.get("kernelspec") or {}
    return {"notebook": Path(path).name, "python": str(info.get("version") or ""),
            "kernel": str(kernel.get("display_name") or "")}
