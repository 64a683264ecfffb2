"""The book's notebooks, read with nbformat: code cells as a program, outputs and prose as sources.

A listing entry ``NOTEBOOK.ipynb#CELLS`` names code cells of a notebook, run in order in one
namespace as listing files are. ``CELLS`` is a cell's index (``5``), a range (``3-7``, both ends
included), lines of a cell (``23:9``, ``23:2-4``: those lines of its source, 1-based; what a program
needs of a cell that also does more), a list of those (``3,5,9-11,23:9``) or a tag (``tag:train``, the
cells whose metadata tags hold it). An index is the cell's position in the notebook (``nb.cells[N]`` as nbformat reads it,
from 0, markdown cells counted), the same number a cite's ``cell:`` gives.

A notebook is read leniently where Jupyter is: a code cell without ``outputs`` or
``execution_count`` (an author edited the file by hand), a cell without ``metadata``, is read as
one with none; the file itself is never changed. Anything else nbformat refuses is an error.

A selector is checked against the notebook's cells before it is expanded: a range that runs past
the last cell is an error naming the notebook, the selector and the cell count.

Each cell becomes Python as Jupyter makes it, by IPython's own input transformer
(claim/jupyter.py): a line magic (``%matplotlib inline``) or shell line (``!pip install x``) becomes
a call on the program's stand-in ``get_ipython()``, which runs nothing for it; a ``%`` or ``!`` inside
a string stays as written. Cell magics run as in Jupyter where that stays inside the program:
``%%writefile NAME`` writes its body to NAME in the working folder (a relative path without
``..``, else an error naming the cell), ``%%time``/``%%timeit``/``%%capture`` run their body once;
``%%script``, ``%%bash``, ``%%html`` and the other displays, and unknown cell magics, run no
Python. Each such call is recorded among the program's changes, in both modes.

Changes for today's Keras are written beside the cells, never into them, so the notebook stays
byte for byte the one its author published: a sidecar ``NOTEBOOK.changes.yaml``::

    changes:
      - {cell: 26, old: "model.fit_generator(", new: "model.fit(", why: "Keras 3 has no fit_generator"}

Each ``old`` must occur in its cell; it is replaced there (every occurrence). ``--as-printed`` runs
the cells without them, except a change that names the library forcing it (``when: torch>=2.6``):
where the installed library is one of those, the printed code cannot run on it, and the change applies
in both modes (recorded as such). A ``# claimcheck-change:`` comment line in a cell works as in a listing file.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..core.errors import ClaimError, utf8_text
from ..core.files import FileRefused, read_bounded
from .jupyter import calls, describe, to_python, writefile_target
from .values import file_stamp
from .yamlload import LINE_KEY, SpecSyntaxError, load_yaml

SUFFIX = ".ipynb"
_ITEM = r"\d+(?:\s*-\s*\d+|\s*:\s*\d+(?:\s*-\s*\d+)?)?"
SELECTOR = re.compile(rf"^\s*(?:tag:(?P<tag>[\w.-]+)|(?P<cells>{_ITEM}(?:\s*,\s*{_ITEM})*))\s*$")


def split(entry: str) -> tuple[str, str | None]:
    """``x.ipynb#3-5`` -> (``x.ipynb``, ``3-5``); a listing file's path -> (path, None)."""
    head, sep, tail = str(entry).partition("#")
    if sep and head.endswith(SUFFIX):
        return head, tail
    return str(entry), None


def sidecar_path(path: Path) -> Path:
    return Path(path).with_suffix(".changes.yaml")


def stamp(path: Path) -> tuple:
    """What changes when the notebook or its sidecar does (each one's ``values.file_stamp``)."""
    return (file_stamp(path), file_stamp(sidecar_path(path)))


MAX_NOTEBOOK_BYTES = 256 << 20  # a notebook with its outputs (images inline): the largest read


@functools.lru_cache(maxsize=64)
def _read(path: str, stamp) -> nbformat.NotebookNode:
    try:
        data = read_bounded(Path(path), MAX_NOTEBOOK_BYTES, "a notebook")
    except FileRefused as exc:
        raise ClaimError(str(exc)) from None
    text = utf8_text(data, f"notebook {path}", "a notebook is UTF-8 JSON (nbformat)")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClaimError(f"notebook {path}:{exc.lineno}: not JSON ({exc.msg}); is it a notebook?") from None
    if _lenient(doc):
        text = json.dumps(doc)
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat's own errors: a schema violation, an unknown version
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClaimError(f"notebook {path}: not a valid notebook (nbformat: {first})") from None
    return nb


def _lenient(doc) -> bool:
    """Fill in what an author editing a notebook by hand leaves out and Jupyter does without: a
    code cell's ``outputs`` (none) and ``execution_count`` (none), a cell's ``metadata`` (empty).
    Whether anything was filled in; the file is not touched."""
    cells = doc.get("cells") if isinstance(doc, dict) and doc.get("nbformat") == 4 else None
    if not isinstance(cells, list):
        return False
    filled = False
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        wanted = {"metadata": {}, **({"outputs": [], "execution_count": None} if cell.get("cell_type") == "code" else {})}
        for key, empty in wanted.items():
            if key not in cell:
                cell[key] = empty
                filled = True
    return filled


def read(path: Path) -> nbformat.NotebookNode:
    """The notebook, read and validated by nbformat (version 4); a clear ClaimError otherwise. Read
    leniently: a code cell without ``outputs`` or ``execution_count``, a cell without ``metadata``, is
    read as one with none (:func:`_lenient`)."""
    path = Path(path)
    if not path.exists():
        raise ClaimError(f"notebook not found: {path}")
    return _read(str(path), stamp(path))  # a FIFO, a device, a folder: refused by read_bounded, by name


MAX_SELECTOR = 8192  # characters of one selector (issue 36: a bound on what a spec may ask for)


def select(nb, selector: str, where: str) -> list[int]:
    """The indexes of the code cells ``selector`` names, in notebook order."""
    return [cell for cell, _ in selection(nb, selector, where)]


def selection(nb, selector: str, where: str) -> list[tuple[int, tuple | None]]:
    """The code cells ``selector`` names, in notebook order, each with the lines of it named
    (``((first, last), ...)``, 1-based, of the cell's source) or None for the whole cell.

    An item is a cell (``5``), a range of cells (``3-7``), or lines of one cell: ``23:9`` (its line 9),
    ``23:2-4``; a cell named whole and by lines runs whole."""
    if len(selector or "") > MAX_SELECTOR:  # checked before it is read: '0-1999' repeated 140,000 times hung
        raise ClaimError(f"{where}: cells '{(selector or '')[:40]}...': a selector of {len(selector):,} characters, "
                         f"over the {MAX_SELECTOR:,} a spec may write")
    m = SELECTOR.match(selector or "")
    if not m:
        raise ClaimError(f"{where}: cells '{selector}': give an index (5), a range (3-7), a list (3,5,9-11), "
                         "lines of a cell (23:2-4) or a tag (tag:NAME)")
    lines: dict[int, list | None] = {}
    if m.group("tag"):
        found = [i for i, c in enumerate(nb.cells) if m.group("tag") in (c.get("metadata", {}).get("tags") or [])]
        if not found:
            raise ClaimError(f"{where}: no cell is tagged '{m.group('tag')}'")
        lines = dict.fromkeys(found)
    else:
        for part in m.group("cells").split(","):
            cell, colon, span = part.partition(":")
            if colon:
                i = _index(cell)
                _exists(nb, i, part, where)
                a, _, b = span.partition("-")
                first, last = _index(a), _index(b or a)
                count = len(nb.cells[i].source.splitlines())
                if not 1 <= first <= last <= count:
                    raise ClaimError(f"{where}: cells '{part.strip()}': cell {i} has lines 1-{count}")
                if i not in lines or lines[i] is not None:
                    lines.setdefault(i, []).append((first, last))
                continue
            a, _, b = part.partition("-")
            lo, hi = _index(a), _index(b or a)
            if hi < lo:
                raise ClaimError(f"{where}: cells '{part.strip()}': a range runs from low to high")
            if hi >= len(nb.cells):  # checked before the range is built: '1-50000000' is an error, not a list
                raise ClaimError(f"{where}: cells '{part.strip()}': " + (f"cell {part.strip()} does not exist" if lo == hi else
                                 "the range runs past the last cell") + f" (the notebook has {_count(nb)})")
            for i in range(lo, hi + 1):
                lines[i] = None
    for i in lines:
        if nb.cells[i].cell_type != "code":
            raise ClaimError(f"{where}: cell {i} is a {nb.cells[i].cell_type} cell, not code")
    return [(i, None if lines[i] is None else tuple(sorted(set(lines[i])))) for i in sorted(lines)]


def _exists(nb, i: int, part: str, where: str) -> None:
    if i >= len(nb.cells):
        raise ClaimError(f"{where}: cells '{part.strip()}': cell {i} does not exist (the notebook has {_count(nb)})")


def part_of(source: str, spans) -> str:
    """The lines ``spans`` names of a cell's source, in order (the whole source for None)."""
    if spans is None:
        return source
    lines = source.splitlines()
    return "\n".join(line for first, last in spans for line in lines[first - 1:last])


def _index(digits: str) -> int:
    """A selector's cell index; one too long for any notebook counts as past the end, unread."""
    digits = digits.strip()
    return int(digits) if len(digits) <= 18 else 10 ** 18


def _count(nb) -> str:
    n = len(nb.cells)
    return f"{n} cells, 0-{n - 1}" if n else "no cells"


def output_text(cell) -> str:
    """What a code cell printed or displayed, as text (streams, results, text/plain displays)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif out.get("output_type") == "error":
            parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


RICH = ("image/", "application/vnd.jupyter.widget", "application/vnd.plotly", "application/javascript")


def shown_output(cell) -> str:
    """What a code cell showed as the ``output`` kind compares it: what it printed to stdout and the
    ``text/plain`` of what it displayed, in order; a display that is a picture or a widget (a figure,
    an image: its ``text/plain`` only a placeholder) and what went to stderr (warnings) left out."""
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream" and out.get("name", "stdout") == "stdout":
            parts.append(_joined(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and not any(m.startswith(RICH) for m in data):
                text = _joined(data["text/plain"])
                parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)


def raised(cell) -> str:
    """The error a code cell's stored outputs show (``ValueError: ...``), '' where it raised none."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
    return ""


def _joined(text) -> str:
    return text if isinstance(text, str) else "".join(text)


def cell_texts(cell) -> str:
    """A cell's source and, for code, its outputs: what a cite's quote is looked up in."""
    return cell.source + ("\n" + output_text(cell) if cell.cell_type == "code" else "")


def squash(text: str) -> str:
    """Every run of whitespace as one space: how a quote is compared with a cell's text."""
    return " ".join(str(text).split())


def quote_problem(path: Path, cell: int, quote: str) -> str:
    """Why ``quote`` is not in cell ``cell`` of the notebook (whitespace runs compared as one space); '' if it is."""
    try:
        nb = read(path)
    except ClaimError as exc:
        return str(exc)
    if not 0 <= cell < len(nb.cells):
        return f"cell {cell} does not exist in {Path(path).name} ({len(nb.cells)} cells, 0-{len(nb.cells) - 1})"
    if squash(quote) not in squash(cell_texts(nb.cells[cell])):
        return f"the quote is not in cell {cell} of {Path(path).name}: {quote[:60]!r}"
    return ""


@dataclass(frozen=True)
class SidecarChange:
    cell: int
    old: str
    new: str
    why: str
    line: int
    when: str = ""  # a library this change is forced by (``torch>=2.6``): applied, as printed too, where installed

    @property
    def forced(self) -> bool:
        """Whether the installed library is one the printed code cannot run on (the change's ``when``)."""
        return bool(self.when) and _installed_satisfies(self.when)


def _installed_satisfies(requirement: str) -> bool:
    import importlib.metadata

    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(requirement)
        return req.specifier.contains(importlib.metadata.version(req.name), prereleases=True)
    except (InvalidRequirement, importlib.metadata.PackageNotFoundError):
        return False


@functools.lru_cache(maxsize=64)
def _sidecar(path: str, stamp) -> tuple[SidecarChange, ...]:
    try:
        doc = load_yaml(Path(path))
    except SpecSyntaxError as exc:
        raise ClaimError(f"{path}:{exc.line}: {exc.message}") from None
    items = doc.get("changes") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ClaimError(f"{path}: a mapping with 'changes:', a list of {{cell, old, new, why}}")
    out = []
    for n, item in enumerate(items):
        line = item.get(LINE_KEY) if isinstance(item, dict) else None
        where = f"{path}:{line or '?'}"
        if not isinstance(item, dict):
            raise ClaimError(f"{where}: changes[{n}] must be a mapping {{cell, old, new, why}}")
        given = {k: v for k, v in item.items() if k != LINE_KEY}
        unknown = set(given) - {"cell", "old", "new", "why", "when"}
        if unknown:
            raise ClaimError(f"{where}: changes[{n}]: unknown field(s) {', '.join(sorted(unknown))}")
        when = given.get("when", "")
        if not isinstance(when, str) or (when and not re.fullmatch(r"[A-Za-z0-9][\w.-]*\s*(?:[<>=!~]=?\s*[\w.*+!-]+\s*,?\s*)+",
                                                                     when)):
            raise ClaimError(f"{where}: changes[{n}].when must name a library and the versions that force the "
                             f"change (`torch>=2.6`), got {when!r}")
        if not isinstance(given.get("cell"), int) or isinstance(given.get("cell"), bool):
            raise ClaimError(f"{where}: changes[{n}].cell must be a cell index (a whole number)")
        for key in ("old", "new", "why"):
            if not isinstance(given.get(key), str) or (key != "new" and not given[key].strip()):
                raise ClaimError(f"{where}: changes[{n}].{key} must be a string" + ("" if key == "new" else ", not empty"))
        out.append(SidecarChange(given["cell"], given["old"], given["new"], given["why"], line or 0, when.strip()))
    return tuple(out)


def sidecar(path: Path) -> tuple[SidecarChange, ...]:
    """The recorded changes beside a notebook (none without a sidecar file)."""
    side = sidecar_path(path)
    return _sidecar(str(side), stamp(path)) if side.is_file() else ()


def cell_program(source: str, cell: int, where: str) -> tuple[str, list[str]]:
    """A code cell as the Python Jupyter runs (claim/jupyter.py), and its IPython calls as recorded.

    A ``%%writefile`` whose file is not a relative path inside the working folder is a ClaimError
    naming the cell, before anything runs.
    """
    python = to_python(source)
    found = calls(python)
    for call in found:
        if call.method == "run_cell_magic" and call.name in ("writefile", "file"):
            try:
                writefile_target(call.line)
            except ValueError as exc:
                raise ClaimError(f"{where}: cell {cell}: `{call.text()}`: {exc}") from None
    python = python[:-1] if python.endswith("\n") else python  # one last newline dropped, as the `# cell N` lines add one
    return python, [f"cell {cell}: `{call.text()}` ({describe(call)})" for call in found]


@dataclass(frozen=True)
class Cells:
    """The code of a notebook's selected cells, as printed and as changed, with what was changed."""

    printed: str
    changed: str
    recorded: tuple[SidecarChange, ...]  # the sidecar's changes in effect
    ipython: tuple[str, ...]   # the cells' IPython calls (magics, shell lines), as recorded


def cells(path: Path, selector: str) -> Cells:
    """The selected cells joined in order (a ``# cell N`` line before each), as printed and changed.

    Each cell is made Python as Jupyter makes it (:func:`cell_program`), after the sidecar's
    changes where it runs changed; its IPython calls are recorded from the cell as printed.
    """
    path = Path(path)
    nb = read(path)
    where = f"{path.name}#{selector}"
    chosen = selection(nb, selector, where)
    problems = sidecar_problems(path)
    if problems:
        raise ClaimError(problems[0])
    changes = sidecar(path)
    printed, changed, recorded, ipython = [], [], [], []
    for i, spans in chosen:
        source = part_of(nb.cells[i].source, spans)
        text, found = cell_program(source, i, where)
        ipython += found
        mine = [c for c in changes if c.cell == i and (spans is None or c.old in source)]
        forced = [c for c in mine if c.forced]  # the installed library cannot run the printed code: as printed too
        as_printed = source
        for ch in forced:
            as_printed = as_printed.replace(ch.old, ch.new)
        printed.append(f"# cell {i}\n{cell_program(as_printed, i, where)[0] if forced else text}\n")
        for ch in mine:
            source = source.replace(ch.old, ch.new)
            recorded.append(ch)
        if mine:
            text, _ = cell_program(source, i, where)
        changed.append(f"# cell {i}\n{text}\n")
    return Cells("".join(printed), "".join(changed), tuple(recorded), tuple(ipython))


def sidecar_problems(path: Path) -> list[str]:
    """What is wrong with a notebook's sidecar (its changes read, each matching its cell)."""
    try:
        nb = read(path)
        for ch in sidecar(path):
            if not 0 <= ch.cell < len(nb.cells) or nb.cells[ch.cell].cell_type != "code":
                return [f"{sidecar_path(path)}:{ch.line}: cell {ch.cell} is not a code cell of {Path(path).name}"]
            if ch.old not in nb.cells[ch.cell].source:
                return [f"{sidecar_path(path)}:{ch.line}: '{ch.old}' does not occur in cell {ch.cell} of {Path(path).name}"]
    except ClaimError as exc:
        return [str(exc)]
    return []
