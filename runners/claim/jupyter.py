"""A notebook cell as Jupyter runs it: IPython's own transform to Python, and a stand-in ``get_ipython()``.

:func:`to_python` is IPython's input transformer (``TransformerManager().transform_cell``), the
one Jupyter's kernel applies before it compiles a cell: a line magic (``%matplotlib inline``) or a
shell line (``!pip install x``) becomes a call on ``get_ipython()``, a cell magic (``%%writefile``)
one call holding the cell's body as a string, and a ``%`` or ``!`` inside a string literal stays
as written.

:class:`Shell` is the ``get_ipython()`` a notebook's program sees (engine/execution.py puts it in
the namespace). It does what Jupyter would do only where that stays inside the program:

- ``%%writefile NAME`` (``%%file``, ``-a`` to append) writes the body to NAME in the working
  folder (relative paths only), printing what IPython prints;
- ``%%time``, ``%%timeit``, ``%%prun``, ``%%capture`` and the line ``%time``/``%timeit`` run their
  Python once, untimed (``%%capture NAME`` keeps what it printed in NAME, as IPython does);
- every other line magic and shell command (``!cmd``, ``x = !cmd`` gives an empty list) runs
  nothing, and every other cell magic runs no Python: ``%%script``, ``%%bash``, ``%%sh`` and the
  other interpreters, the displays (``%%html``, ``%%javascript``, ``%%latex``, ``%%markdown``,
  ``%%svg``), and any magic it does not know.

:func:`calls` finds those calls in a cell's Python, so the notebook reader records each one
among the program's changes (:func:`describe`), and checks a ``%%writefile`` name before
anything runs (:func:`writefile_target`).
"""
from __future__ import annotations

import ast
import contextlib
import functools
import getopt
import io
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..core.errors import ClaimError

RUNS_BODY = frozenset({"time", "timeit", "prun", "capture"})  # Jupyter runs the body as Python
RUNS_STATEMENT = frozenset({"time", "timeit"})  # line magics whose statement Jupyter runs
WRITES = frozenset({"writefile", "file"})
SCRIPTS = frozenset({"script", "bash", "sh", "perl", "ruby", "python", "python2", "python3", "pypy"})
DISPLAYS = frozenset({"html", "javascript", "js", "latex", "markdown", "svg"})
TIMEIT_OPTIONS = "n:r:tcp:qo"  # IPython's %timeit options; what follows them is its statement


@functools.lru_cache(maxsize=1)
def _manager():
    from IPython.core.inputtransformer2 import TransformerManager  # IPython is slow to import: once, when needed

    return TransformerManager()


def to_python(source: str) -> str:
    """The cell as the Python Jupyter runs (``source`` itself where IPython changes nothing but the last newline)."""
    out = _manager().transform_cell(source)
    return source if out in (source, source + "\n") else out


@dataclass(frozen=True)
class Call:
    """One ``get_ipython()`` call in a cell: a line magic, a cell magic or a shell command."""

    method: str  # run_line_magic, run_cell_magic, system or getoutput
    name: str    # the magic's name ('' for a shell command)
    line: str    # the magic's arguments, or the command
    body: str = ""  # a cell magic's body

    def text(self) -> str:
        """As the notebook writes it."""
        if self.method in ("system", "getoutput"):
            return f"!{self.line}"
        sigil = "%%" if self.method == "run_cell_magic" else "%"
        return f"{sigil}{self.name} {self.line}".rstrip()


def calls(python: str) -> list[Call]:
    """The ``get_ipython()`` calls in a cell's Python, in order, and those inside the bodies it runs."""
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return []  # the program fails to compile where Jupyter's cell does: nothing to record
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name)
                and node.func.value.func.id == "get_ipython"):
            continue
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        method = node.func.attr
        if method in ("system", "getoutput") and len(args) == 1 and args[0] is not None:
            found.append((node.lineno, node.col_offset, Call(method, "", args[0])))
        elif method == "run_line_magic" and len(args) == 2 and None not in args:
            found.append((node.lineno, node.col_offset, Call(method, args[0], args[1])))
        elif method == "run_cell_magic" and len(args) == 3 and None not in args:
            found.append((node.lineno, node.col_offset, Call(method, *args)))
    out = []
    for *_, call in sorted(found, key=lambda f: f[:2]):
        out.append(call)
        if call.method == "run_cell_magic" and call.name in RUNS_BODY:
            out += calls(to_python(call.body))
    return out


def describe(call: Call) -> str:
    """What the program does with the call, as recorded among its changes."""
    if call.method == "run_cell_magic":
        if call.name in WRITES:
            return "writes its body to a file in the working folder, as Jupyter does"
        if call.name in RUNS_BODY:
            return "body run once as Python, as Jupyter runs it" + ("" if call.name == "capture" else "; untimed")
        if call.name in SCRIPTS:
            return "body not run: Jupyter hands it to another program"
        if call.name in DISPLAYS:
            return "body not run: Jupyter displays it"
        return "unknown cell magic: body not run"
    if call.method == "run_line_magic" and call.name in RUNS_STATEMENT:
        return "IPython only: its statement run once, untimed"
    return "IPython only, not run"


def writefile_target(line: str) -> tuple[str, bool]:
    """``%%writefile``'s file name and whether it appends; ValueError unless the name is relative, without ``..``."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise ValueError(f"cannot read its arguments ({exc})") from None
    append = any(w in ("-a", "--append") for w in words)
    names = [w for w in words if w not in ("-a", "--append")]
    if len(names) != 1:
        raise ValueError("give one file name")
    name = names[0]
    if (not name or name.startswith("~") or PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute()
            or ".." in PurePosixPath(name.replace("\\", "/")).parts):
        raise ValueError(f"'{name}': a file in the program's working folder (a relative path without '..')")
    return name, append


def _timeit_statement(line: str) -> str:
    try:
        _, rest = getopt.getopt(line.split(), TIMEIT_OPTIONS)
    except getopt.GetoptError:
        return line
    return " ".join(rest)


def magic_statement(name: str, line: str) -> str:
    """The Python statement a ``%time``/``%timeit`` line magic runs (its options left out)."""
    return _timeit_statement(line) if name == "timeit" else line


class Shell:
    """The stand-in ``get_ipython()`` of a notebook's program: runs what stays in the program, nothing else."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.user_ns = namespace

    def __call__(self):
        return self

    def _run(self, python: str, where: str):
        exec(compile(to_python(python), where, "exec"), self.namespace)  # noqa: S102 - the book's cell, as Jupyter runs it

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1):
        if name in RUNS_STATEMENT:
            statement = magic_statement(name, line)
            try:
                code = compile(statement, f"<%{name}>", "eval")
            except SyntaxError:
                self._run(statement, f"<%{name}>")
                return None
            return eval(code, self.namespace)  # noqa: S307 - the book's statement, as %time runs it
        return None

    def run_cell_magic(self, name: str, line: str, cell: str):
        if name in WRITES:
            try:
                target, append = writefile_target(line)
            except ValueError as exc:
                raise ClaimError(f"%%{name} {line}: {exc}") from None
            path = Path.cwd() / target
            print(("Appending to " if append else "Overwriting ") + target if path.exists() else "Writing " + target)
            with open(path, "a" if append else "w", encoding="utf-8") as f:
                f.write(cell)
        elif name == "capture":
            self._capture(line, cell)
        elif name == "timeit":
            setup = _timeit_statement(line)
            if setup.strip():
                self._run(setup, "<%%timeit setup>")
            self._run(cell, "<%%timeit>")
        elif name in RUNS_BODY:
            self._run(cell, f"<%%{name}>")
        return None

    def _capture(self, line: str, cell: str):
        from IPython.utils.capture import CapturedIO

        words = shlex.split(line)
        keep_out, keep_err = "--no-stdout" not in words, "--no-stderr" not in words
        names = [w for w in words if not w.startswith("--")]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.ExitStack() as stack:
            if keep_out:
                stack.enter_context(contextlib.redirect_stdout(out))
            if keep_err:
                stack.enter_context(contextlib.redirect_stderr(err))
            self._run(cell, "<%%capture>")
        if names:
            self.namespace[names[0]] = CapturedIO(out if keep_out else None, err if keep_err else None)

    def system(self, cmd: str):
        return None

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0):
        from IPython.utils.text import SList

        return SList()


def shell_only(source: str) -> bool:
    """Whether a cell is shell commands or magics that run no Python (``!ls``, ``%%bash``, ``%load_ext x``):
    what it shows is not Python's, and a program runs nothing for it."""
    try:
        tree = ast.parse(to_python(source))
    except (SyntaxError, ValueError):
        return False
    if not tree.body:
        return False
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
        func = value.func if isinstance(value, ast.Call) else None
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"):
            return False
        name = value.args[0].value if value.args and isinstance(value.args[0], ast.Constant) else ""
        if func.attr == "run_cell_magic" and name in RUNS_BODY | WRITES:
            return False
        if func.attr == "run_line_magic" and name in RUNS_STATEMENT:
            return False
    return True
