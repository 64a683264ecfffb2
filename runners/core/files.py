"""One bounded reader for the files a checkout holds (issue 36): specs, requirements.txt, notebooks, listings, readers' runs.

A checkout controls every file in it: a spec linked to ``/dev/zero`` grew claimcheck to 2.47 GB, a FIFO
named ``zz.yaml`` blocked ``validate`` for ever, a requirements.txt linked to ``/proc/self/environ``
printed the environment. :func:`read_bounded` reads only a regular file (after links: a link to a
regular file inside reads as that file; a FIFO, device or socket is refused before it is opened for
reading, and the open never blocks), and refuses one over ``limit`` bytes by its size before reading,
then by what it read (a file that grows while read). Errors name the file, never its content.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


class FileRefused(OSError):
    """A file claimcheck will not read: not a regular file, or over its size limit. Names the file."""


# the kernel's own files: "regular" by their mode and of size 0, whatever they hold (/proc/self/environ)
PSEUDO = (Path("/proc"), Path("/sys"), Path("/dev"))


def read_bounded(path: Path, limit: int, what: str = "a file", root: Path | None = None) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes, inside ``root`` (after links)
    where given and never in /proc, /sys or /dev; :class:`FileRefused` otherwise."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    if any(real == p or real.is_relative_to(p) for p in PSEUDO):
        raise FileRefused(f"{path}: a link to {real}, the kernel's, not a regular file: {what} is read only "
                          "from a regular file")
    if root is not None and not real.is_relative_to(Path(os.path.realpath(root))):
        raise FileRefused(f"{path}: a link out of {root} (to {real}): {what} is read only from inside its tree")
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode)
                or stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
                else "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file")
        raise FileRefused(f"{path}: {kind}, not a regular file: {what} is read only from a regular file")
    if info.st_size > limit:
        raise FileRefused(f"{path}: {info.st_size:,} bytes, over the {limit:,} {what} may have")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a file swapped for a FIFO meanwhile cannot block
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused(f"{path}: not a regular file when opened: {what} is read only from a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise FileRefused(f"{path}: over the {limit:,} bytes {what} may have (it grew while read)")
    return b"".join(chunks)
