"""A notebook's cells run as Jupyter runs them, each cell's output kept apart.

A notebook's program is its selected cells joined in order, a ``# cell N`` line before each
(claim/notebooks.py). Here each cell is compiled and run on its own, in the program's one
namespace, with its lines numbered as in the joined program (tracebacks name the same lines), and
with Jupyter's display of a cell's last expression: where the cell ends in an expression (and not in
``;``), its value, if not None, is shown as Jupyter shows it (IPython's ``text/plain`` formatter) and
kept as ``_``. ``display(obj)`` prints that same text.

What each cell printed and displayed is kept by cell (:class:`Outputs`), as the notebook stores a
cell's outputs: the ``output`` kind compares it with the stored one. The program's ``stdout`` (what
named checks read) stays what the cells printed, displayed values aside, as before. A listing file
(not a notebook) runs whole, as one program, and has no cells.
"""
from __future__ import annotations

import ast
import functools
import io
import re
from pathlib import Path

from ..claim import notebooks

MAX_CELL_OUTPUT = 1_000_000  # characters kept of one cell's output (the rest is counted, not kept)
HEADER = re.compile(r"^# cell (\d+)\n?$")


class Outputs(io.TextIOBase):
    """The program's stdout: what is written goes on to ``stream`` and, while a cell runs, into that
    cell's output too; :meth:`show` adds a displayed value to the cell's output only."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self.current: int | None = None
        self._parts: dict[int, list[str]] = {}
        self._sizes: dict[int, int] = {}

    def write(self, text) -> int:
        self.stream.write(text)
        self._keep(text)
        return len(text)

    def _keep(self, text: str) -> None:
        if self.current is None or not isinstance(text, str):
            return
        size = self._sizes.get(self.current, 0)
        if size < MAX_CELL_OUTPUT:
            self._parts[self.current].append(text[:MAX_CELL_OUTPUT - size])
        self._sizes[self.current] = size + len(text)

    def show(self, text: str) -> None:
        """A displayed value's text, in the running cell's output only (as an ``execute_result``)."""
        self._keep(text if text.endswith("\n") else text + "\n")

    def flush(self) -> None:
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return "utf-8"

    def getvalue(self) -> str:
        return self.stream.getvalue()

    def begin(self, cell: int) -> None:
        self.current = cell
        self._parts[cell] = []
        self._sizes[cell] = 0

    def end(self) -> None:
        self.current = None

    def by_cell(self) -> dict[int, str]:
        return {cell: "".join(parts) for cell, parts in self._parts.items()}


@functools.lru_cache(maxsize=1)
def _formatter():
    from IPython.core.formatters import PlainTextFormatter

    return PlainTextFormatter()


def text_plain(value) -> str:
    """A value as Jupyter shows it (``text/plain``, IPython's pretty printer); its ``repr`` where that fails."""
    try:
        text = _formatter()(value)
    except Exception:  # a value whose pretty printer raises: Jupyter shows its repr (or nothing)
        text = None
    if text is None:
        try:
            text = repr(value)
        except Exception as exc:
            text = f"<{type(value).__name__}: repr raised {type(exc).__name__}>"
    return text


def display_into(shown: Outputs):
    """The ``display`` a notebook's cells see: each value printed as Jupyter shows it."""

    def display(*objs, **kwargs):
        for obj in objs:
            print(text_plain(obj), file=shown)

    return display


def run(path: Path, text: str, namespace: dict, shown: Outputs) -> None:
    """Run one listing's text in ``namespace``: a listing file whole; a notebook's cells one by one."""
    file, selector = notebooks.split(str(path))
    if selector is None:
        exec(compile(text, str(path), "exec"), namespace)  # noqa: S102 - running the book's code is the point
        return
    ids = notebooks.select(notebooks.read(Path(file)), selector, str(path))
    for cell, offset, body in split(text, ids):
        shown.begin(cell)
        try:
            run_cell(body, str(path), offset, namespace, shown)
        finally:
            shown.end()


def split(text: str, ids: list[int]) -> list[tuple[int, int, str]]:
    """The joined cells' text cut at their ``# cell N`` lines (the next expected cell's only):
    [(cell, lines before its body, its body)]."""
    out: list = []
    pending = list(ids)
    lines = text.splitlines(keepends=True)
    current, offset, body = None, 0, []
    for n, line in enumerate(lines):
        m = HEADER.match(line)
        if m and pending and int(m.group(1)) == pending[0]:
            if current is not None:
                out.append((current, offset, "".join(body)))
            current, offset, body = pending.pop(0), n + 1, []
            continue
        body.append(line)
    if current is not None:
        out.append((current, offset, "".join(body)))
    elif body:
        out.append((ids[0] if ids else -1, 0, "".join(body)))
    return out


def run_cell(body: str, filename: str, offset: int, namespace: dict, shown: Outputs) -> None:
    """One cell, as Jupyter runs it: its statements, then its last expression shown (unless it ends in ``;``)."""
    tree = ast.parse("\n" * offset + body, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not quiet(body):
        last = tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - running the book's code is the point
    if last is not None:
        value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)  # noqa: S307
        if value is not None:
            namespace["_"] = value
            shown.show(text_plain(value))


def quiet(body: str) -> bool:
    """Whether the cell ends in ``;`` (Jupyter then shows nothing), comments aside."""
    import tokenize

    last = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(body).readline):
            if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                tokenize.DEDENT, tokenize.ENDMARKER):
                last = tok
    except (tokenize.TokenError, SyntaxError):
        return False
    return last is not None and last.string == ";"
