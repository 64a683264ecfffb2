"""The book's listings, read: as printed, as changed for today's Keras, and as a claim's program.

A listing is a Python file holding the book's code as printed. Where today's Keras forces a
change, the file says so in a comment line of its own, right above the changed line::

    # claimcheck-change: `from tensorflow import keras` -> `import keras` (Keras 3 is multi-backend)
    import keras

A change written as `` `old` -> `new` `` can be undone: :meth:`Listing.printed` puts ``old``
back, so the code runs exactly as printed (``--as-printed``; the default on Keras 2, the stack
the book was written for). Other changes (a listing split in two files) change no code.

A :class:`Program` is what one claim runs: listings in order (as a notebook runs its cells),
or a notebook's code cells (``NOTEBOOK.ipynb#3-5``: claim/notebooks.py), plus any substitutions its spec declares (``measure.substitute``, e.g. building VGG16 with
``weights=None`` for a shape claim), as printed or as changed. Substitutions are applied to the
source text, must each match, and are recorded in the result. Running a program is the
engine's (engine/execution.py).
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ClaimError, utf8_text
from ..core.files import FileRefused, read_bounded
from . import notebooks

CHANGE = re.compile(r"^\s*#\s*claimcheck-change:\s*(.+?)\s*$")
REVERSIBLE = re.compile(r"^`(?P<old>[^`]+)`\s*->\s*`(?P<new>[^`]+)`")


@dataclass(frozen=True)
class Change:
    text: str
    old: str | None  # the printed code, where the change can be undone
    new: str | None
    line: int
    sidecar: bool = False  # a notebook's change, written beside it (it is undone by not applying it)
    forced: bool = False   # forced by the installed library (a sidecar's `when`): applied as printed too


@dataclass
class Listing:
    path: Path
    source: str
    changes: list[Change]
    as_printed_source: str | None = None  # a notebook's cells without their sidecar's changes

    def printed(self) -> str:
        """The source with every reversible change undone: the code as the book prints it."""
        if self.as_printed_source is not None:
            return Listing(self.path, self.as_printed_source, _changes(self.as_printed_source)).printed()
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
    file, cells = notebooks.split(str(path))
    if cells is not None:
        return notebooks.stamp(Path(file))
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def _changes(source: str) -> list[Change]:
    changes = []
    for n, line in enumerate(source.splitlines(), 1):
        m = CHANGE.match(line)
        if m:
            r = REVERSIBLE.match(m.group(1))
            changes.append(Change(m.group(1), r and r.group("old"), r and r.group("new"), n))
    return changes


MAX_LISTING_BYTES = 16 << 20  # a listing is source code: the largest read


@functools.lru_cache(maxsize=256)
def _read(path: str, stamp) -> Listing:
    try:
        data = read_bounded(Path(path), MAX_LISTING_BYTES, "a listing")
    except FileRefused as exc:
        raise ClaimError(str(exc)) from None
    source = utf8_text(data, f"listing {path}", "save it as UTF-8, as Python 3 reads source files")
    if "\x00" in source:
        raise ClaimError(f"listing {path} holds a NUL byte: not a text file")
    return Listing(Path(path), source, _changes(source))


@functools.lru_cache(maxsize=256)
def _read_cells(entry: str, stamp) -> Listing:
    file, selector = notebooks.split(entry)
    got = notebooks.cells(Path(file), selector)
    recorded = [Change(text, None, None, 0) for text in got.ipython]
    recorded += [Change(f"`{c.old}` -> `{c.new}` (cell {c.cell}: {c.why}"
                        + (f"; forced by {c.when}, as printed too)" if c.forced else ")"),
                        c.old, c.new, c.line, sidecar=True, forced=c.forced)
                 for c in got.recorded]
    return Listing(Path(entry), got.changed, _changes(got.changed) + recorded, got.printed)


def read_listing(path: Path) -> Listing:
    file, cells = notebooks.split(str(path))
    if cells is not None:
        cached = _read_cells(str(path), _stamp(Path(path)))
        return Listing(cached.path, cached.source, list(cached.changes), cached.as_printed_source)
    path = Path(path)
    if not path.exists():  # a FIFO, a device, a folder: refused by read_bounded, by name
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
        return _digest(self, tuple(_stamp(Path(p)) if Path(notebooks.split(str(p))[0]).is_file() else None
                                   for p in self.paths))

    def names(self) -> str:
        return ", ".join(Path(p).name for p in self.paths)

    def changes(self) -> dict[str, list[str]]:
        """The changes in effect, per listing (none where the listings run as printed)."""
        out = {}
        for lst in (read_listing(p) for p in self.paths):
            kept = [c.text for c in lst.changes if not (self.as_printed and c.old is not None and not c.forced)]
            out[lst.path.name] = kept
        return out


@functools.lru_cache(maxsize=1024)
def _digest(program: Program, stamps) -> list[dict]:
    return [{"file": lst.path.name, "sha256": hashlib.sha256(text.encode()).hexdigest()}
            for lst, text in program.sources()]
