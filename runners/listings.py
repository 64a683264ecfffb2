"""Reading and executing the book's listings.

A listing is a Python file holding the book's code as printed. Where today's Keras forces a
change, the file says so in a comment line of its own, beside the changed line::

    # claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is multi-backend)

Those lines are collected so reports and errata can list what had to change.
"""
from __future__ import annotations

import contextlib
import io
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from runners.verdict import ClaimError, Skip

CHANGE = re.compile(r"^\s*#\s*claimcheck-change:\s*(.+?)\s*$")


@dataclass
class Listing:
    path: Path
    source: str
    changes: list[str]


def read_listing(path: Path) -> Listing:
    path = Path(path)
    if not path.is_file():
        raise ClaimError(f"listing file not found: {path}")
    source = path.read_text(encoding="utf-8")
    changes = [m.group(1) for line in source.splitlines() if (m := CHANGE.match(line))]
    return Listing(path, source, changes)


class ListingFailed(ClaimError):
    """A listing raised: every claim that needs it is an error, with this traceback."""

    def __init__(self, path: Path, tb: str):
        last = tb.strip().splitlines()[-1] if tb.strip() else "unknown error"
        super().__init__(f"listing {path.name} raised: {last}")
        self.path = path
        self.traceback = tb


@dataclass
class Execution:
    """What running a sequence of listings left behind."""

    namespace: dict
    stdout: str
    seconds: float
    changes: dict[str, list[str]] = field(default_factory=dict)


def execute(paths: list[Path], seed: int | None = None, patches=None, stdout=None) -> Execution:
    """Run the listings in order in one fresh namespace, as a notebook runs its cells.

    Keras' session is cleared first, so layer names are those of a fresh session. ``seed``
    goes to ``keras.utils.set_random_seed``. ``patches`` is a context manager active while
    the listings run (for example, the local MNIST mirror). ``stdout`` receives what the
    listings print (default: a buffer); it needs ``write`` and ``getvalue``.
    """
    import keras

    listings = [read_listing(p) for p in paths]
    keras.backend.clear_session()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    namespace: dict = {"__name__": "__listing__", "__builtins__": __builtins__}
    out = stdout if stdout is not None else io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), (patches or contextlib.nullcontext()):
        for listing in listings:
            namespace["__file__"] = str(listing.path)
            code = compile(listing.source, str(listing.path), "exec")
            try:
                exec(code, namespace)  # noqa: S102 - running the book's code is the point
            except Skip:
                raise
            except Exception as exc:  # the book's code failed: keep its traceback
                raise ListingFailed(listing.path, traceback.format_exc()) from exc
    return Execution(namespace, out.getvalue(), time.perf_counter() - start,
                     {str(lst.path): lst.changes for lst in listings})
