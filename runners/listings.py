"""Reading and executing the book's listings.

A listing is a Python file holding the book's code as printed. Where today's Keras forces a
change, the file says so in a comment line of its own, right above the changed line::

    # claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is multi-backend)
    import keras

A change written as `` `old` -> `new` `` can be undone: :meth:`Listing.printed` puts ``old``
back, so the code runs exactly as printed (``--as-printed``; the default on Keras 2, the stack
the book was written for). Other changes (a listing split in two files) change no code.

A :class:`Program` is what one claim runs: listings in order (as a notebook runs its cells),
plus any substitutions its spec declares (``measure.substitute``, e.g. building VGG16 with
``weights=None`` for a shape claim), as printed or as changed. Substitutions are applied to the
source text, must each match, and are recorded in the result.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.runners.verdict import ClaimError, Skip

CHANGE = re.compile(r"^\s*#\s*claimcheck-change:\s*(.+?)\s*$")
REVERSIBLE = re.compile(r"^`(?P<old>[^`]+)`\s*->\s*`(?P<new>[^`]+)`")


@dataclass(frozen=True)
class Change:
    text: str
    old: str | None  # the printed code, where the change can be undone
    new: str | None
    line: int


@dataclass
class Listing:
    path: Path
    source: str
    changes: list[Change]

    def printed(self) -> str:
        """The source with every reversible change undone: the code as the book prints it."""
        lines = self.source.splitlines(keepends=True)
        for change in self.changes:
            if change.old is None:
                continue
            target = change.line  # 0-based index of the line after the comment
            while target < len(lines) and CHANGE.match(lines[target]):
                target += 1
            if target >= len(lines) or lines[target].strip() != change.new:
                raise ClaimError(f"{self.path.name}:{change.line}: cannot undo the change: the line "
                                 f"after it is not `{change.new}`")
            indent = lines[target][:len(lines[target]) - len(lines[target].lstrip())]
            lines[target] = indent + change.old + "\n"
        return "".join(lines)


def _stamp(path: Path):
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=256)
def _read(path: str, stamp) -> Listing:
    source = Path(path).read_text(encoding="utf-8")
    changes = []
    for n, line in enumerate(source.splitlines(), 1):
        m = CHANGE.match(line)
        if m:
            r = REVERSIBLE.match(m.group(1))
            changes.append(Change(m.group(1), r and r.group("old"), r and r.group("new"), n))
    return Listing(Path(path), source, changes)


def read_listing(path: Path) -> Listing:
    path = Path(path)
    if not path.is_file():
        raise ClaimError(f"listing file not found: {path}")
    cached = _read(str(path), _stamp(path))
    return Listing(cached.path, cached.source, list(cached.changes))


@dataclass(frozen=True)
class Program:
    """Listings run in order in one namespace, with declared text substitutions."""

    paths: tuple
    substitute: tuple = ()  # ((old, new), ...)
    as_printed: bool = False

    @classmethod
    def of(cls, claim, item: dict | None = None, as_printed: bool = False) -> Program:
        item = claim.measure if item is None else item
        subst = item.get("substitute", claim.measure.get("substitute")) or {}
        return cls(tuple(claim.resolve(p) for p in item["listings"]),
                   tuple((str(k), str(v)) for k, v in subst.items() if k != "__line__"), as_printed)

    def sources(self) -> list[tuple[Listing, str]]:
        """Each listing with the text that runs: as printed or changed, then substituted."""
        listings = [read_listing(p) for p in self.paths]
        texts = [lst.printed() if self.as_printed else lst.source for lst in listings]
        for old, new in self.substitute:
            if not any(old in t for t in texts):
                raise ClaimError(f"substitute: '{old}' occurs in none of the listings "
                                 f"{[p.name for p in self.paths]}")
            texts = [t.replace(old, new) for t in texts]
        return list(zip(listings, texts))

    def digest(self) -> list[dict]:
        """What identifies the code that runs: each listing's name and the hash of its text."""
        return _digest(self, tuple(_stamp(Path(p)) if Path(p).is_file() else None for p in self.paths))

    def names(self) -> str:
        return ", ".join(Path(p).name for p in self.paths)

    def changes(self) -> dict[str, list[str]]:
        """The changes in effect, per listing (none where the listings run as printed)."""
        out = {}
        for lst in (read_listing(p) for p in self.paths):
            kept = [c.text for c in lst.changes if not (self.as_printed and c.old is not None)]
            out[lst.path.name] = kept
        return out


@functools.lru_cache(maxsize=1024)
def _digest(program: Program, stamps) -> list[dict]:
    return [{"file": lst.path.name, "sha256": hashlib.sha256(text.encode()).hexdigest()}
            for lst, text in program.sources()]


class ListingFailed(ClaimError):
    """A listing raised (or exited): every claim that needs it is an error, with this traceback."""

    def __init__(self, path: Path, tb: str):
        last = tb.strip().splitlines()[-1] if tb.strip() else "unknown error"
        super().__init__(f"listing {Path(path).name} raised: {last}")
        self.path = Path(path)
        self.traceback = tb


@dataclass
class Execution:
    """What running a program left behind."""

    namespace: dict
    stdout: str
    seconds: float
    workdir: Path
    changes: dict[str, list[str]] = field(default_factory=dict)
    substitute: list = field(default_factory=list)


@contextlib.contextmanager
def working_directory(path: Path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(previous)


def execute(program: Program, workdir: Path, seed: int | None = None, environment=None,
            stdout=None) -> Execution:
    """Run the program's listings in order, in one fresh namespace, inside ``workdir``.

    Keras' session is cleared first, so layer names are those of a fresh session. ``seed``
    goes to ``keras.utils.set_random_seed``. ``environment`` is a context manager active while
    the listings run (the data mirrors). ``stdout`` receives what the listings print (default:
    a buffer); it needs ``write`` and ``getvalue``. A listing that raises, or calls
    ``sys.exit``, is a :class:`ListingFailed` with its traceback.
    """
    import keras

    sources = program.sources()
    keras.backend.clear_session()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    namespace: dict = {"__name__": "__listing__", "__builtins__": __builtins__}
    out = stdout if stdout is not None else io.StringIO()
    start = time.perf_counter()
    Path(workdir).mkdir(parents=True, exist_ok=True)
    with working_directory(workdir), contextlib.redirect_stdout(out), \
            (environment or contextlib.nullcontext()):
        for listing, text in sources:
            namespace["__file__"] = str(listing.path)
            code = compile(text, str(listing.path), "exec")
            try:
                exec(code, namespace)  # noqa: S102 - running the book's code is the point
            except Skip:
                raise
            except (Exception, SystemExit) as exc:  # the book's code failed or exited
                raise ListingFailed(listing.path, traceback.format_exc()) from exc
    return Execution(namespace, out.getvalue(), time.perf_counter() - start, Path(workdir),
                     program.changes(), list(program.substitute))
