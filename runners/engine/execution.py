"""Running a program: its listings in order, in one fresh namespace, in a working folder.

A notebook's program runs as Jupyter runs it: in a copy of the notebook's folder (workfolder.py),
with matplotlib drawing off screen (:func:`headless`).
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

from ..claim import libraries, notebooks
from ..claim.jupyter import Shell
from ..claim.listings import Program
from ..core.errors import ClaimError, Skip
from ..resources import downloads
from . import cells, workfolder

HEADLESS = "agg"  # matplotlib's off-screen backend: plt.show() shows nothing and says nothing


class ListingFailed(ClaimError):
    """A listing raised (or exited): every claim that needs it is an error, with this traceback."""

    def __init__(self, path: Path, tb: str, note: str = "", exc: BaseException | None = None):
        cause = _cause(exc) if exc is not None else (tb.strip().splitlines()[-1] if tb.strip() else "unknown error")
        # the cause first, then where: a report that shortens the reason keeps what went wrong
        super().__init__(f"{cause} (raised by listing {Path(path).name})" + (f" ({note})" if note else ""))
        self.path = Path(path)
        self.traceback = tb


def _cause(exc: BaseException) -> str:
    """``TypeError: first line of its message``, the line that says what went wrong."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


@dataclass
class Execution:
    """What running a program left behind."""

    namespace: dict
    stdout: str
    seconds: float
    workdir: Path
    changes: dict[str, list[str]] = field(default_factory=dict)
    substitute: list = field(default_factory=list)
    outputs: dict[int, str] = field(default_factory=dict)  # a notebook cell -> what it showed (cells.py)


@contextlib.contextmanager
def working_directory(path: Path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def importable(folder: Path):
    """The working folder first on ``sys.path`` while the program runs, as Jupyter's kernel has its
    folder (``''``) there: a module beside the notebook (``import preamble``) imports as in the author's
    run. What was imported from it is forgotten after, so another program's module of that name is its own."""
    entry = str(folder)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        if entry in sys.path:
            sys.path.remove(entry)
        for name, module in list(sys.modules.items()):
            where = getattr(module, "__file__", None) or ""
            if where.startswith(entry + os.sep):
                sys.modules.pop(name, None)


@contextlib.contextmanager
def headless():
    """matplotlib draws off screen while the program runs, as in Jupyter (never a window, never an error):
    its backend is Agg (``MPLBACKEND``, and ``matplotlib.use`` where it is already imported). A
    program starts with no figure open, as in a fresh kernel: with ``--jobs 0`` every program shares
    the claimcheck process, and an earlier program's figure held the lines it drew."""
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = HEADLESS
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].use(HEADLESS)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved


@contextlib.contextmanager
def as_main(module):
    """``module`` is ``sys.modules['__main__']`` while the program runs (pickle finds a notebook's classes
    there, as in Jupyter), the process's own put back after; nothing where ``module`` is None."""
    if module is None:
        yield
        return
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def execute(program: Program, workdir: Path, seed: int | None = None, environment=None,
            stdout=None) -> Execution:
    """Run the program's listings in order, in one fresh namespace, inside ``workdir``.

    Keras' session is cleared first, so layer names are those of a fresh session. ``seed``
    goes to ``keras.utils.set_random_seed``. ``environment`` is a context manager active while
    the listings run (the data mirrors). ``stdout`` receives what the listings print (default:
    a buffer); it needs ``write`` and ``getvalue``. A notebook's cells see a stand-in
    ``get_ipython()`` (claim/jupyter.py's ``Shell``) for their magics. A listing that raises, or calls
    ``sys.exit``, is a :class:`ListingFailed` with its traceback; one whose import of a book's library fails
    (not installed: claim/libraries.py) is a :class:`Skip` naming the module and the fix.

    A program with a notebook among its listings runs in a copy of the notebook's folder
    (workfolder.py: bounded; what was left out is among its changes, and after its error).
    matplotlib draws off screen (:func:`headless`).
    """
    import keras

    sources = program.sources()
    keras.backend.clear_session()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    namespace: dict = {"__name__": "__listing__", "__builtins__": __builtins__}
    out = stdout if stdout is not None else io.StringIO()
    shown = cells.Outputs(out)  # stdout, and each notebook cell's output apart (cells.py)
    main = None
    if any(notebooks.split(str(listing.path))[1] is not None for listing, _ in sources):
        # a notebook's code runs in __main__, as in Jupyter: what it defines can be pickled by name
        main = types.ModuleType("__main__")
        namespace = main.__dict__
        namespace["__builtins__"] = __builtins__
        namespace["get_ipython"] = Shell(namespace)  # a notebook's cells call it for their magics (claim/jupyter.py)
        namespace["display"] = cells.display_into(shown)  # a builtin in Jupyter: a cell calls it without importing it
    start = time.perf_counter()
    Path(workdir).mkdir(parents=True, exist_ok=True)
    cwd, copied = workfolder.working_folder(program.paths, [text for _, text in sources], workdir)
    left_out = workfolder.said(copied, workfolder.notebook_folders(program.paths))
    with working_directory(cwd), importable(cwd), contextlib.redirect_stdout(shown), headless(), as_main(main), \
            (environment or contextlib.nullcontext()):
        for listing, text in sources:
            namespace["__file__"] = str(listing.path)
            try:
                cells.run(listing.path, text, namespace, shown)
            except Skip:
                raise
            except (Exception, SystemExit) as exc:  # the book's code failed or exited
                missing = libraries.missing_library(exc, listing.path)  # a book's library not installed: skipped
                if missing is not None:
                    raise missing from exc
                offline = downloads.tried_network(exc, str(listing.path), text)  # a download: skipped, with where
                if offline is not None:
                    raise offline from exc
                raise ListingFailed(listing.path, traceback.format_exc(), left_out, exc) from exc
    changes = program.changes()
    if left_out:
        changes["(working folder)"] = [left_out]
    return Execution(namespace, out.getvalue(), time.perf_counter() - start, Path(cwd),
                     changes, list(program.substitute), shown.by_cell())
