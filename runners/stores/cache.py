"""The training-run cache on disk: one JSON record per (listings, seed, data, environment) key.

Safe for several processes, and hosts that share the folder:

* a lock per key (``filelock``, an ``flock`` that the kernel releases when its holder dies, so
  a process killed mid-training leaves no stale lock); the process that holds it trains, the
  others wait and then read what it wrote;
* a record is written under a unique temporary name (host, pid, uuid) and renamed into place,
  so a reader sees a whole record or none; a record is only read back whole and complete.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path

from filelock import FileLock


class RunCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / "runs" / f"{key}.json"

    def lock(self, key: str) -> FileLock:
        (self.folder / "locks").mkdir(parents=True, exist_ok=True)
        return FileLock(self.folder / "locks" / f"{key}.lock")

    def read(self, key: str) -> dict | None:
        """The record of ``key``, or None (missing, unreadable or incomplete)."""
        try:
            record = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("key") != key or not record.get("complete"):
            return None
        return record

    def write(self, record: dict) -> Path:
        path = self.path(record["key"])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{record['key']}.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps({**record, "complete": True}, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, path)  # atomic: readers never see half a record
        return path

    def records(self) -> list[dict]:
        out = []
        for path in sorted((self.folder / "runs").glob("*.json")):
            record = self.read(path.stem)
            if record is not None:
                out.append(record)
        return out
