"""coverage.yaml: the numbers of a chapter's text that state nothing checkable, and why.

``source: PATH`` names the text (relative to the file); ``not_checkable: [{line, text, why}]``
explains each such number (catalog/coverage.py counts them apart). Where the source is a notebook
(``.ipynb``), an entry names a ``cell`` instead of a line, and without ``text`` it explains every
number of that cell no claim checks (a fit log's intermediate epochs). A folder with several
sources holds one ``NAME.coverage.yaml`` for each.
"""
from __future__ import annotations

from pathlib import Path

from .schema import is_type
from .yamlload import LINE_KEY, SpecSyntaxError, load_yaml, strip_lines


def file_problems(path: Path) -> list[str]:
    """What is wrong with one coverage.yaml, as ``FILE:LINE: message`` lines."""
    try:
        doc = load_yaml(path)
    except SpecSyntaxError as exc:
        return [str(exc)]
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), str):
        return [f"{path}: a mapping with `source: PATH` (the text it explains) and `not_checkable: [...]`"]
    items = doc.get("not_checkable", [])
    if not isinstance(items, list):
        return [f"{path}:{doc.get(LINE_KEY)}: not_checkable must be a list of {{line, text, why}}"]
    notebook = doc["source"].endswith(".ipynb")
    problems = []
    for n, item in enumerate(items):
        where = f"{path}:{item.get(LINE_KEY)}" if isinstance(item, dict) else f"{path}: not_checkable[{n}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: a mapping {{line, text, why}}")
        elif notebook and not (is_type(item.get("cell"), (int,)) and isinstance(item.get("text", ""), str)
                               and isinstance(item.get("why"), str)):
            problems.append(f"{where}: needs cell (a whole number) and why, and may name text (strings)")
        elif not notebook and not (is_type(item.get("line"), (int,)) and isinstance(item.get("text"), str)
                                   and isinstance(item.get("why"), str)):
            problems.append(f"{where}: needs line (a whole number), text and why (strings)")
    return problems


def is_coverage_file(path: Path) -> bool:
    return path.name == "coverage.yaml" or path.name.endswith(".coverage.yaml")


def coverage_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if is_coverage_file(p)) if root.is_dir() else []


def load_notes(claims_root: Path, source: Path) -> dict[tuple, str]:
    """(line, text) -> why, from every well-formed coverage.yaml that names this source file."""
    notes = {}
    for path in coverage_files(Path(claims_root)):
        if file_problems(path):
            continue  # `validate` and the report name it
        doc = strip_lines(load_yaml(path)) or {}
        if Path(doc.get("source", "")).name != Path(source).name:
            continue
        for item in doc.get("not_checkable", []):
            if "cell" in item:  # a notebook's cell; without text, every number of it
                notes[(int(item["cell"]), item.get("text"))] = item["why"]
            else:
                notes[(int(item["line"]), str(item["text"]))] = item["why"]
    return notes
