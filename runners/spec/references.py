"""references.yaml: recorded single runs of the book's code, which give stochastic claims their scale.

A claim names a reference; the file beside its spec or in a folder above holds it (the nearest
wins): ``references: {NAME: {values: [...], seeds: [...], source: ..., command: ...}}``.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import ClaimError
from .schema import is_type
from .yamlload import SpecSyntaxError, load_yaml, strip_lines


def files_for(spec_file: str) -> list[Path]:
    folder = Path(spec_file).resolve().parent
    return [p / "references.yaml" for p in (folder, *folder.parents) if (p / "references.yaml").is_file()]


def file_problems(path: Path) -> list[str]:
    """What is wrong with one references.yaml, as ``FILE:LINE: message`` lines."""
    try:
        doc = load_yaml(path)
    except SpecSyntaxError as exc:
        return [str(exc)]
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("references", {}), dict):
        return [f"{path}: a mapping with `references: {{NAME: {{values: [...], seeds: [...], source: ...}}}}`"]
    problems = []
    for name, entry in doc["references"].items():
        if name == "__line__":
            continue
        where = f"{path}:{entry.get('__line__')}" if isinstance(entry, dict) else str(path)
        if not isinstance(entry, dict):
            problems.append(f"{where}: reference '{name}' must be a mapping")
            continue
        vals, seeds = entry.get("values"), entry.get("seeds")
        if vals is not None and not (isinstance(vals, list) and all(is_type(v, ("number",)) for v in vals)):
            problems.append(f"{where}: reference '{name}': values must be a list of numbers")
        if seeds is not None and not (isinstance(seeds, list) and all(is_type(v, (int,)) for v in seeds)):
            problems.append(f"{where}: reference '{name}': seeds must be a list of whole numbers")
        elif isinstance(seeds, list) and isinstance(vals, list) and len(seeds) != len(vals):
            problems.append(f"{where}: reference '{name}': {len(seeds)} seeds for {len(vals)} values")
    return problems


def recorded(spec_file: str) -> dict:
    """Every recorded reference a claim of ``spec_file`` can name (the nearest file wins); a malformed
    file is a ClaimError naming it."""
    found = {}
    for path in reversed(files_for(spec_file)):
        problems = file_problems(path)
        if problems:
            raise ClaimError("; ".join(problems))
        doc = strip_lines(load_yaml(path)) or {}
        for name, entry in (doc.get("references") or {}).items():
            found[name] = {**entry, "file": str(path)}
    return found
