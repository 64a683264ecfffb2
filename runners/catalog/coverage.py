"""Claim coverage of a source text: which checkable numbers some claim checks.

Numbers found: shapes ``(26, 26, 32)``, sizes ``3*3`` / ``7x7``, percentages ``97.8%``, decimals
``0.991``, counts ``18,496`` / ``712202``. Skipped: headings, notebook cell markers, epoch lines.
A number is covered only where a claim cites its line (``cite: {from: notes, line: N}``) and
checks that value (the kind's ``coverage_values``: the stated value and what it is made of). A
number elsewhere with the same value does not count. Numbers that state nothing checkable (a
date, a chapter number, a general remark) are explained in a ``coverage.yaml`` beside the specs,
and counted apart.

A notebook (``.ipynb``) is read by cells: the numbers of its markdown cells (the book's prose) and
every number its code cells' outputs show (what the author's run printed and displayed, read as the
``output`` kind reads it; timings, versions and the like are explained as changing on every run), not
of its code. There a number's ``line`` is its cell's index, and a claim covers it by citing that cell
(``from: notebook, cell: N``) and checking that value (an ``output`` claim checks every number of the
cell it compares).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..claim import jupyter, notebooks, printed
from ..claim.notes import coverage_files, file_problems, load_notes
from ..claim.yamlload import load_yaml, strip_lines
from ..kinds import registry
from .loader import load

# ASCII word boundaries: a number followed by a Korean particle ("2015년", "9개") still counts.
TOKEN = re.compile(r"""
    (?P<shape>\[?\(\s*(?:None|\d+)\s*(?:,\s*(?:None|\d+)\s*)+,?\s*\)\]?)
  | (?P<size>(?<![A-Za-z0-9_.])\d+\s*[*x×]\s*\d+(?![A-Za-z0-9_.]))
  | (?P<percent>(?<![A-Za-z0-9_.])\d+(?:\.\d+)?\s*%)
  | (?P<decimal>(?<![A-Za-z0-9_.])0\.\d+(?![A-Za-z0-9_.]))
  | (?P<count>(?<![A-Za-z0-9_.])(?:\d{1,3}(?:,\d{3})+|\d{3,})(?![A-Za-z0-9_.]))
""", re.VERBOSE)
SKIP_LINE = re.compile(r"^\s*(#|In \[\d+\]|Epoch \d+/\d+)")


@dataclass
class Number:
    line: int
    text: str
    kind: str
    value: object
    claims: list = field(default_factory=list)
    why: str = ""  # why it states nothing checkable


def normalize(kind: str, text: str):
    if kind == "shape":
        inner = text.strip("[]() ")
        return tuple(None if p.strip() == "None" else int(p) for p in inner.split(",") if p.strip())
    if kind == "size":
        a, b = re.split(r"\s*[*x×]\s*", text)
        return (int(a), int(b))
    if kind == "percent":
        return round(float(text.rstrip("% ")) / 100, 6)
    if kind == "decimal":
        return round(float(text), 6)
    return int(text.replace(",", ""))


def find_numbers(text: str) -> list[Number]:
    numbers = []
    for n, line in enumerate(text.splitlines(), 1):
        if SKIP_LINE.match(line):
            continue
        for m in TOKEN.finditer(line):
            kind = m.lastgroup
            numbers.append(Number(n, m.group(0).strip(), kind, normalize(kind, m.group(0).strip())))
    return numbers


def notebook_numbers(path: Path) -> list[Number]:
    """The numbers of a notebook's prose and outputs, each with its cell's index as its line: the prose's
    as :data:`TOKEN` finds them; every number an output shows, as the ``output`` kind reads it
    (claim/printed.py), and each span whose numbers change on every run by their nature (a timing, a
    version) as one entry explained by that."""
    numbers = []
    for i, cell in enumerate(notebooks.read(path).cells):
        if cell.cell_type == "markdown":
            for n in find_numbers(cell.source):
                n.line = i
                numbers.append(n)
        elif cell.cell_type == "code":
            numbers += output_numbers(i, cell)
    return numbers


def output_numbers(i: int, cell) -> list[Number]:
    """What cell ``i`` shows: its numbers (kind ``output``) and its spans that change on every run."""
    text = printed.clean(notebooks.shown_output(cell))
    if jupyter.shell_only(cell.source):
        return [Number(i, n.text, "output", None, why="printed by a shell command or a magic, not by Python: no "
                       "program runs it") for n in printed.numbers(text)] if text.strip() else []
    try:
        found = printed.numbers(text)
    except ValueError as exc:
        return [Number(i, text[:40], "output", None, why=f"not read: {exc}")]
    out = [Number(i, n.text, "output", printed.key(n)) for n in found]
    for span, why in printed.masked(text)[1]:
        if any(ch.isdigit() for ch in span):
            out.append(Number(i, span[:60], "changes", None, why=f"{why}: not the book's value (it changes with "
                                                                 "the run or the environment)"))
    return out


def cited_lines(claim, source_name: str) -> set[int]:
    """The lines of the notes a claim cites, or for a notebook the cells of it it cites."""
    cites = claim.source.get("cite", [])
    if source_name.endswith(notebooks.SUFFIX):
        return {c["cell"] for c in cites if c.get("from") == "notebook" and isinstance(c.get("cell"), int)
                and Path(claim.cited_notebook(c) or "").name == source_name}
    return {c["line"] for c in cites if c.get("from") == "notes" and c.get("line")}


@dataclass
class Coverage:
    source: Path
    numbers: list[Number]

    @property
    def explained(self) -> list[Number]:
        return [n for n in self.numbers if n.why and not n.claims]

    @property
    def checkable(self) -> list[Number]:
        return [n for n in self.numbers if n.claims or not n.why]

    @property
    def covered(self) -> list[Number]:
        return [n for n in self.numbers if n.claims]

    @property
    def uncovered(self) -> list[Number]:
        return [n for n in self.checkable if not n.claims]

    @property
    def share(self) -> float:
        return len(self.covered) / len(self.checkable) if self.checkable else 1.0


def measure(source: Path, claims, notes: dict | None = None) -> Coverage:
    notebook = Path(source).suffix == notebooks.SUFFIX
    numbers = notebook_numbers(source) if notebook else find_numbers(Path(source).read_text(encoding="utf-8"))
    kinds = registry()
    checks = [(c, cited_lines(c, Path(source).name), _with_parts(kinds[c.kind].coverage_values(c)))
              for c in claims if not c.problems and c.kind in kinds]
    for n in numbers:
        n.claims = [c.id for c, lines, values in checks if n.line in lines and n.value in values] \
            if n.value is not None else []
        # a notebook's cell may be explained whole (text None); a notes file's numbers one by one
        n.why = (notes or {}).get((n.line, n.text)) or (notes or {}).get((n.line, None), "") or n.why
    return Coverage(Path(source), numbers)


def _with_parts(values: set) -> set:
    """A claim's values, and the numbers a shape or size among them is made of (an output shows them one by one)."""
    return set(values) | {"None" if v is None else v for t in values if isinstance(t, tuple) for v in t}


def render_text(cov: Coverage) -> str:
    unit = "cell" if cov.source.suffix == notebooks.SUFFIX else "line"
    lines = [f"{cov.source}: {len(cov.numbers)} numbers found, {len(cov.explained)} state nothing "
             f"checkable, {len(cov.checkable)} checkable, {len(cov.covered)} covered: "
             f"{cov.share:.1%} covered"]
    if cov.uncovered:
        lines.append("uncovered:")
        lines += [f"  {unit} {n.line}: {n.text} ({n.kind})" for n in cov.uncovered]
    if cov.explained:
        lines.append("not checkable:")
        lines += [f"  {unit} {n.line}: {n.text}: {n.why}" for n in cov.explained]
    lines.append("covered:")
    lines += [f"  {unit} {n.line}: {n.text} -> {', '.join(n.claims[:3])}{' ...' if len(n.claims) > 3 else ''}"
              for n in cov.covered]
    return "\n".join(lines)


def for_claims(claims_root: Path, claims=None) -> list[dict]:
    """Coverage of every source a coverage.yaml under the claims names and of every notebook of every book
    (those the specs name, those in a book's ``notebooks/``), for the report; a malformed coverage.yaml
    is an entry saying what is wrong with it."""
    root = Path(claims_root)
    claims = load(root) if claims is None else claims
    out = []
    named = set()
    for path in coverage_files(root):
        problems = file_problems(path)
        if problems:
            out.append({"source": str(path), "missing": True, "error": "; ".join(problems)})
            continue
        doc = strip_lines(load_yaml(path)) or {}
        source = (path.parent / doc.get("source", "")).resolve()
        if not source.is_file():
            out.append({"source": doc.get("source", ""), "missing": True})
            continue
        named.add(source)
        out.append(_entry(measure(source, claims, load_notes(root, source))))
    for source in sorted(notebooks_of(root, claims) - named):
        out.append(_entry(measure(source, claims, load_notes(root, source))))
    return out


def notebooks_of(root: Path, claims) -> set[Path]:
    """Every notebook of the books under ``root``: those their specs name, and those in a book's ``notebooks/``."""
    found = {p.resolve() for p in Path(root).glob("*/notebooks/*.ipynb")}
    for c in claims:
        if getattr(c, "notebook", "") and c.file:
            path = (Path(c.file).parent / c.notebook).resolve()
            if path.is_file():
                found.add(path)
    return found


def _entry(cov: Coverage) -> dict:
    return {"source": cov.source.name, "missing": False, "share": cov.share,
            "unit": "cell" if cov.source.suffix == notebooks.SUFFIX else "line",
            "found": len(cov.numbers), "covered": len(cov.covered), "checkable": len(cov.checkable),
            "explained": [(n.line, n.text, n.why) for n in cov.explained],
            "uncovered": [(n.line, n.text) for n in cov.uncovered]}
