"""Reading and executing the book's listings.

A listing is a Python file holding the book's code as printed. Where today's Keras forces a
change, the file says so in a comment line of its own, beside the changed line::

    # claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is multi-backend)

Those lines are collected so reports and errata can list what had to change.

A :class:`Program` is what one claim runs: listings in order (as a notebook runs its cells),
plus any substitutions its spec declares (``measure.substitute``, e.g. building VGG16 with
``weights=None`` for a shape claim). Substitutions are applied to the source text, must each
match, and are recorded in the result.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
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


@dataclass(frozen=True)
class Program:
    """Listings run in order in one namespace, with declared text substitutions."""

    paths: tuple
    substitute: tuple = ()  # ((old, new), ...)

    @classmethod
    def of(cls, claim, item: dict | None = None) -> "Program":
        item = claim.measure if item is None else item
        subst = item.get("substitute", claim.measure.get("substitute")) or {}
        return cls(tuple(claim.resolve(p) for p in item["listings"]),
                   tuple((str(k), str(v)) for k, v in subst.items() if k != "__line__"))

    def listings(self) -> list[Listing]:
        listings = [read_listing(p) for p in self.paths]
        for old, new in self.substitute:
            hits = sum(lst.source.count(old) for lst in listings)
            if not hits:
                raise ClaimError(f"substitute: '{old}' occurs in none of the listings "
                                 f"{[p.name for p in self.paths]}")
            for lst in listings:
                lst.source = lst.source.replace(old, new)
        return listings

    def digest(self) -> list[dict]:
        """What identifies the code that runs: each listing's name and substituted source hash."""
        return [{"file": lst.path.name, "sha256": hashlib.sha256(lst.source.encode()).hexdigest()}
                for lst in self.listings()]

    def names(self) -> str:
        return ", ".join(Path(p).name for p in self.paths)


class ListingFailed(ClaimError):
    """A listing raised: every claim that needs it is an error, with this traceback."""

    def __init__(self, path: Path, tb: str):
        last = tb.strip().splitlines()[-1] if tb.strip() else "unknown error"
        super().__init__(f"listing {path.name} raised: {last}")
        self.path = path
        self.traceback = tb


@dataclass
class Execution:
    """What running a program left behind."""

    namespace: dict
    stdout: str
    seconds: float
    changes: dict[str, list[str]] = field(default_factory=dict)
    substitute: list = field(default_factory=list)
    workdir: Path | None = None  # where the listings ran, when they needed a working folder


def execute(program: Program | list, seed: int | None = None, environment=None,
            stdout=None) -> Execution:
    """Run the program's listings in order in one fresh namespace.

    Keras' session is cleared first, so layer names are those of a fresh session. ``seed``
    goes to ``keras.utils.set_random_seed``. ``environment`` is a context manager active while
    the listings run (the data mirrors, a working folder). ``stdout`` receives what the
    listings print (default: a buffer); it needs ``write`` and ``getvalue``.
    """
    import keras

    if not isinstance(program, Program):
        program = Program(tuple(Path(p) for p in program))
    listings = program.listings()
    keras.backend.clear_session()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    namespace: dict = {"__name__": "__listing__", "__builtins__": __builtins__}
    out = stdout if stdout is not None else io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), (environment or contextlib.nullcontext()):
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
                     {str(lst.path): lst.changes for lst in listings}, list(program.substitute))


@contextlib.contextmanager
def working_directory(path: Path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(previous)
