"""The key a store's records are sealed with (seal.py): one random key per store, or one given.

Each store (the training cache, a run's ``--out`` folder, the history folder) has its own key: 32
random bytes (``secrets.token_bytes``), written as 64 hex digits, mode 0600, the first time the store
is written. **The key never lives in the store's folder** (issue 36): a checkout controls every file
in it, and a pull request that committed ``.cache/claimcheck/key`` with records sealed by it made a
false claim pass. Keys live in the user's state folder (:func:`key_home`: ``$CLAIMCHECK_KEY_HOME``,
else ``$XDG_STATE_HOME/claimcheck/keys``, else ``~/.local/state/claimcheck/keys``, mode 0700), one file
per store named by the digest of the store's absolute path (:func:`path_of`). A ``key`` file inside a
store is never read: its records are refused (history, merge, errata) or retrained (cache), with the
path named. Two processes that start at once end with one key: the file is created under a lock
(``filelock``) with ``O_EXCL``, fully written before the lock is released, and read back by everyone.
A reader never creates a key: a store without one holds nothing this claimcheck can trust.

``--key-file FILE`` (``CLAIMCHECK_KEY_FILE``) gives one key for every store a command reads or
writes instead (the same hex format, e.g. ``openssl rand -hex 32``): for shards on separate
machines, whose ``--out`` folders, caches and history are read elsewhere. No per-store key is made
or read then; a key file inside the checkout being verified is refused (:func:`outside_tree`).

A key is as safe as the folder that holds it: the book's programs cannot see the key folder (it is
hidden like the stores, docs/sandbox.md). No message ever holds a key's value.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from filelock import FileLock

NAME = "key"
SIZE = 32  # bytes


class KeyProblem(Exception):
    """A key that cannot be used: missing where it is read, damaged, a link. Names the file, never the key."""


class NoKey(KeyProblem):
    """The store has no key file (and none was given): nothing in it can be trusted."""


HOME_ENV = "CLAIMCHECK_KEY_HOME"


def key_home(env=None) -> Path:
    """The folder the stores' keys live in, outside any checkout."""
    env = os.environ if env is None else env
    if env.get(HOME_ENV):
        return Path(env[HOME_ENV]).expanduser().absolute()
    state = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state).expanduser().absolute() / "claimcheck" / "keys"


def ensure_home() -> Path:
    """The key folder, made (mode 0700) if it is not there: the sandbox hides it from every program."""
    home = key_home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def path_of(folder: Path) -> Path:
    """Where the key of the store in ``folder`` lives: in the key folder, named for the store's path."""
    name = hashlib.sha256(str(Path(folder).absolute()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return key_home() / f"{name}.{NAME}"


def outside_tree(key_file: Path, tree: Path) -> None:
    """Refuse a ``--key-file`` inside the checkout being verified (``tree``): its files are the pull request's."""
    key, root = Path(key_file).absolute(), Path(tree).absolute()
    for candidate in {key, Path(os.path.realpath(key))}:
        if candidate.is_relative_to(root) or candidate.is_relative_to(Path(os.path.realpath(root))):
            raise KeyProblem(f"the key file given (--key-file) {key_file} lies inside the checkout being verified "
                             f"({tree}): a checkout controls its files; keep the key outside it")


def store_key(folder: Path, *, create: bool, key_file: Path | None = None) -> bytes:
    """The key of the store in ``folder`` (``key_file``'s where one is given); made now when
    ``create`` and there is none yet."""
    if key_file is not None:
        return _read(Path(key_file), given=True)
    path = path_of(folder)
    if path.exists() or path.is_symlink():
        try:
            return _read(path)
        except KeyProblem:
            if not create:
                raise
            # maybe another process is writing it right now: wait for its lock, read again below
    elif not create:
        inside = " (a key file inside a store is never read: a checkout can ship one)" if (
            Path(folder) / NAME).exists() else ""
        raise NoKey(f"{Path(folder)} has no key in {key_home()}{inside}: its records were not sealed here, or the "
                    "key was not copied with them (give the key with --key-file)")
    Path(folder).mkdir(parents=True, exist_ok=True)
    ensure_home()
    with FileLock(path.parent / f".{path.name}.lock"):
        if not (path.exists() or path.is_symlink()):
            try:
                _create(path)
            except FileExistsError:  # made meanwhile by a process that took no lock: it is the key
                pass
        return _read(path)


def _create(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (secrets.token_bytes(SIZE).hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _read(path: Path, given: bool = False) -> bytes:
    what = "the key file given (--key-file)" if given else "the store's key file"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise (KeyProblem if given else NoKey)(f"{what} {path} does not exist") from None
    except OSError as exc:
        why = "a link, not a file" if path.is_symlink() else (exc.strerror or str(exc))
        raise KeyProblem(f"{what} {path} cannot be read: {why}") from None
    try:
        data = os.read(fd, 4096)
    finally:
        os.close(fd)
    text = data.decode("ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < SIZE:
        raise KeyProblem(f"{what} {path} holds no key ({SIZE} bytes or more, written as hex digits); "
                         + ("make one with `openssl rand -hex 32`" if given else
                            "remove it to start the store anew (what it holds will be refused)"))
    return key
