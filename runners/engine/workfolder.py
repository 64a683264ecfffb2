"""A notebook's program runs where Jupyter runs it: in a copy of the notebook's folder.

Jupyter starts a notebook's kernel in the notebook's folder, so a cell reads the files beside it by
relative path (``images/01.png``, ``data/x.csv``). A program whose listings include a notebook
(``NOTEBOOK.ipynb#CELLS``) gets the content of that folder copied into its working folder before
its code runs: it reads them as in Jupyter, and whatever it writes (a file it saves, one it
overwrites) lands in the copy, in its scratch; the claims tree is never written. A listing file's
program (``.py``) runs in an empty working folder, as before.

The copy is bounded, and never leaves the folder:

- at most :data:`MAX_BYTES` and :data:`MAX_FILES` files, in name order; a file that does not fit
  is left out (the next that fits is copied), and so is everything past the file count;
- a link is followed only to a file inside the notebook's folder; a link out of it (or to a
  folder) is left out, as are pipes, sockets and devices;
- a folder that holds the working folder itself (the cache inside the notebook's folder) is left
  out, unnamed.

What was left out is said: among the program's changes, and after the error of a program that
raises (a file it could not read may be one of them).

Where the code names a file above the notebook's folder by a literal relative path (``'../data/wine.csv'``,
as a book's repository lays out its data beside its chapters), the copy of the notebook's folder sits at
its place in a copy of the book's folder (``claims/<book>``) that holds those files too, and the program
runs there: ``..`` is what Jupyter's would be (:func:`working_folder`). Nothing outside the book's
folder is copied.

A training run's cache key holds the digest of what the copy holds (:func:`digest`): a file beside
the notebook that a cell reads can change its values.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..claim import notebooks

MAX_BYTES = 64 << 20  # the copy's size: well inside the scratch (--scratch-limit, default 2 GiB)
MAX_FILES = 2000
SHOWN = 10  # left-out names said by name; the rest counted


@dataclass
class Plan:
    """The files of a notebook's folder to copy (relative path -> source), and what is left out."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    size: int = 0


def notebook_folders(paths) -> list[Path]:
    """The folders of the notebooks among a program's listings, in order, each once."""
    out = []
    for p in paths:
        file, cells = notebooks.split(str(p))
        if cells is not None and Path(file).parent not in out:
            out.append(Path(file).parent)
    return out


def plan(folder: Path, scratch: Path) -> Plan:
    """What a copy of ``folder`` holds; a folder that holds ``scratch`` (the working folder, or the
    cache's ``work/``) is never copied."""
    root = Path(folder).resolve()
    scratch = Path(scratch).resolve()
    out = Plan(root)
    seen = 0

    def walk(here: Path, rel: str) -> None:
        nonlocal seen
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            out.left_out.append(f"{rel or '.'}/ (cannot be read: {exc.strerror})")
            return
        for entry in entries:
            name = f"{rel}{entry.name}"
            seen += 1
            if seen > MAX_FILES:
                out.left_out.append(f"{name} (past the {MAX_FILES} files copied)")
                return
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                if not (target.is_relative_to(root) and target.is_file()):
                    out.left_out.append(f"{name} (a link that leads out of the notebook's folder, or to a folder)")
                    continue
                source, size = target, target.stat().st_size
            elif entry.is_dir(follow_symlinks=False):
                if scratch.is_relative_to(Path(entry.path).resolve()):
                    continue  # the scratch itself (the cache inside the notebook's folder)
                walk(Path(entry.path), f"{name}/")
                continue
            elif entry.is_file(follow_symlinks=False):
                source, size = Path(entry.path), entry.stat(follow_symlinks=False).st_size
            else:
                out.left_out.append(f"{name} (not a plain file)")
                continue
            if out.size + size > MAX_BYTES:
                out.left_out.append(f"{name} (over the copy's {MAX_BYTES >> 20} MiB)")
                continue
            out.files[name] = source
            out.size += size

    walk(root, "")
    return out


UPWARD = re.compile(r"""['"]((?:\.\./)+[\w.\-/]+)['"]""")


def upward(paths, texts) -> list[tuple[str, Path]]:
    """The files and folders above a notebook's folder its code names by a literal relative path
    (``'../data/wine.csv'``), found inside its book's folder (``claims/<book>``): [(the path as written,
    the source)], each once. Jupyter runs the notebook in its folder, so ``..`` is the folder above it."""
    folders = notebook_folders(paths)
    if not folders:
        return []
    home = folders[0].resolve()
    book = _book_folder(home)
    found: dict[str, Path] = {}
    for text in texts:
        for written in UPWARD.findall(text):
            source = (home / written).resolve()
            if book is not None and source.is_relative_to(book) and not source.is_relative_to(home) \
                    and source.exists() and written not in found:
                found[written] = source
    return list(found.items())


def _book_folder(folder: Path) -> Path | None:
    """``claims/<book>`` above a notebook's folder (its nearest ancestor under a folder named ``claims``)."""
    for parent in [folder, *folder.parents]:
        if parent.parent.name == "claims":
            return parent
    return None


def working_folder(paths, texts, workdir: Path) -> tuple[Path, list[str]]:
    """Where a notebook's program runs, and what its copy left out. The notebook's folder is copied into
    the working folder (:func:`copy_into`); where its code names files above that folder (``../data``,
    :func:`upward`), the copy sits at its place in a copy of the book's folder holding those files too,
    and the program runs there, as Jupyter would."""
    workdir = Path(workdir)
    above = upward(paths, texts)
    if not above:
        return workdir, copy_into(paths, workdir)
    home = notebook_folders(paths)[0].resolve()
    book = _book_folder(home)
    cwd = workdir / "book" / home.relative_to(book)
    left_out = copy_into(paths, cwd)
    budget = MAX_BYTES
    for _, source in above:
        files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for f in files:
            if f.is_symlink() and not f.resolve().is_relative_to(book):
                left_out.append(f"{f.relative_to(book)} (a link that leads out of the book's folder)")
                continue
            size = f.stat().st_size
            if size > budget:
                left_out.append(f"{f.relative_to(book)} (over the copy's {MAX_BYTES >> 20} MiB)")
                continue
            budget -= size
            target = workdir / "book" / f.relative_to(book)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copyfile(f, target)
    return cwd, left_out


def copy_into(paths, workdir: Path) -> list[str]:
    """Copy the folder of each notebook among ``paths`` into ``workdir`` (the first folder's file wins
    a name); what was left out, one line each."""
    workdir = Path(workdir)
    left_out = []
    for folder in notebook_folders(paths):
        planned = plan(folder, workdir)
        for rel, source in planned.files.items():
            target = workdir / rel
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                left_out.append(f"{rel} (cannot be copied: {exc.strerror})")
        left_out += planned.left_out
    return left_out


def said(left_out: list[str], folders) -> str:
    """The left-out files, as a program's change says them ('' if none)."""
    if not left_out:
        return ""
    shown = "; ".join(left_out[:SHOWN]) + (f"; and {len(left_out) - SHOWN} more" if len(left_out) > SHOWN else "")
    where = ", ".join(f"{Path(f).name}/" for f in folders)
    return f"the working folder is a copy of the notebook's folder ({where}) but for: {shown}"


def digest(paths, scratch: Path, texts=()) -> str | None:
    """The digest of what the copy of each notebook's folder holds, and of the files above it its code
    names (None for a program without a notebook)."""
    folders = notebook_folders(paths)
    if not folders:
        return None
    h = hashlib.sha256()
    for folder in folders:
        for rel, source in plan(folder, scratch).files.items():
            h.update(rel.encode() + b"\0")
            with open(source, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
    for written, source in upward(paths, texts):
        for f in [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file()):
            h.update(f"{written}:{f.name}".encode() + b"\0")
            with open(f, "rb") as fh:
                h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()[:24]
