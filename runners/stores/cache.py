"""The training-run cache on disk: one JSON record per (listings, seed, data, environment) key.

Safe for several processes, and hosts that share the folder:

* a lock per key (``filelock``, an ``flock`` that the kernel releases when its holder dies, so
  a process killed mid-training leaves no stale lock); the process that holds it trains, the
  others wait and then read what it wrote;
* a record is written under a unique temporary name (host, pid, uuid) and renamed into place,
  so a reader sees a whole record or none;
* a record carries the MAC of its content with the cache's key (seal.py, keys.py: kept in the
  key folder, never in the cache folder, or ``--key-file``) and is read back only whole, complete, with that MAC
  matching and every field of the right type: a record edited by hand, truncated, malformed,
  resealed with a plain digest or with another store's key is no record (``problem`` says why),
  and its run is trained again.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path

from filelock import FileLock

from . import keys, seal

FIELDS = {"key": str, "seed": int, "values": dict, "errors": dict, "key_parts": dict, "seconds": (int, float)}


class RunCache:
    def __init__(self, folder: Path, key_file: Path | None = None):
        self.folder = Path(folder)
        self.key_file = key_file
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The cache's key, made on first use (keys.py)."""
        if self._key is None:
            self._key = keys.store_key(self.folder, create=True, key_file=self.key_file)
        return self._key

    def path(self, key: str) -> Path:
        return self.folder / "runs" / f"{key}.json"

    def lock(self, key: str) -> FileLock:
        (self.folder / "locks").mkdir(parents=True, exist_ok=True)
        return FileLock(self.folder / "locks" / f"{key}.lock")

    def read(self, key: str) -> dict | None:
        """The record of ``key``, or None (missing, or not to be trusted: ``problem`` says why)."""
        record, _ = self.inspect(key)
        return record

    def problem(self, key: str) -> str | None:
        """Why the file of ``key`` is no usable record (None when there is none, or it is good)."""
        return self.inspect(key)[1]

    def inspect(self, key: str) -> tuple[dict | None, str | None]:
        path = self.path(key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, None
        except (OSError, ValueError) as exc:
            return None, f"{path}: unreadable ({exc})"
        why = record_problem(record, key, self.key)
        return (None, f"{path}: {why}") if why else (record, None)

    def write(self, record: dict) -> Path:
        path = self.path(record["key"])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{record['key']}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps(seal.sealed({**record, "complete": True}, self.key, seal.CACHE_RECORD), indent=1), encoding="utf-8")
        os.replace(tmp, path)  # atomic: readers never see half a record
        return path

    def records(self) -> list[dict]:
        out = []
        for path in sorted((self.folder / "runs").glob("*.json")):
            record = self.read(path.stem)
            if record is not None:
                out.append(record)
        return out


def record_problem(record, key: str | None, store_key: bytes) -> str | None:
    """Why ``record`` is not a whole, unedited run record (of ``key``) of the cache whose key is
    ``store_key``, or None."""
    why = seal.problem(record, store_key, seal.CACHE_RECORD)
    if why:
        return why
    if key is not None and record.get("key") != key:
        return f"the record of another key ({record.get('key')!r})"
    if not record.get("complete"):
        return "incomplete"
    for name, types in FIELDS.items():
        if not isinstance(record.get(name), types) or isinstance(record.get(name), bool):
            return f"field '{name}' is {type(record.get(name)).__name__}, not {getattr(types, '__name__', 'a number')}"
    return None
