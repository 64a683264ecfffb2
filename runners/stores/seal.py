"""A keyed MAC of a stored document's content, written with it and checked on every read.

The cache records, results.json, the history's run files and a shard's run records are plain JSON
anyone can edit. Each carries ``mac``: the HMAC-SHA256, with its store's key (keys.py), of what
the document is for (``purpose``: a cache record, results.json, a history run with its file name, a
shard's run record) and the rest of the document in one canonical form (sorted keys, compact
separators). A document whose MAC is missing or does not match was not written this way by
claimcheck with this store's key, or was changed since, whoever wrote it: the cache retrains it,
``merge``, ``history`` and ``errata`` refuse it with the file named. Without the key no one can
make a MAC that matches; the key is as safe as the store's folder (docs/sandbox.md).

Documents sealed by an older claimcheck carry ``digest``, a plain SHA-256 that anyone can
recompute: they are refused the same way, never trusted.
"""
from __future__ import annotations

import hashlib
import hmac
import json

FIELD = "mac"
OLD_FIELD = "digest"  # an older claimcheck's unkeyed SHA-256

# what a document is for: a MAC made for one never matches as another
CACHE_RECORD, RESULTS, SHARD_RUN = "cache record", "results.json", "shard run record"


def history_run(name: str) -> str:
    """A history run file's purpose names the file: a copy or a rename of a run is refused."""
    return f"history run {name}"


def canonical(doc: dict) -> dict:
    """The document as it reads back from JSON (tuples as lists, numpy scalars and paths as text)."""
    return json.loads(json.dumps(doc, default=str, ensure_ascii=False))


def mac(doc: dict, key: bytes, purpose: str) -> str:
    body = {k: v for k, v in doc.items() if k != FIELD}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(key, purpose.encode("utf-8") + b"\0" + text.encode("utf-8"), hashlib.sha256).hexdigest()


def sealed(doc: dict, key: bytes, purpose: str) -> dict:
    """``doc`` in its canonical form with its MAC."""
    body = canonical({k: v for k, v in doc.items() if k != FIELD})
    return {**body, FIELD: mac(body, key, purpose)}


def problem(doc, key: bytes, purpose: str) -> str | None:
    """Why ``doc`` cannot be trusted as a ``purpose`` of the store whose key is ``key``, or None."""
    if not isinstance(doc, dict):
        return f"not a JSON object but a {type(doc).__name__}"
    if FIELD not in doc:
        if OLD_FIELD in doc:
            return "sealed with a plain digest (an older claimcheck's, which anyone can recompute), not with this store's key"
        return "no MAC (not written by this claimcheck)"
    given = doc[FIELD]
    if not isinstance(given, str) or not hmac.compare_digest(given.encode("utf-8"), mac(doc, key, purpose).encode()):
        return ("its MAC does not match its content and this store's key (edited or truncated after it was "
                "written, renamed, or sealed with another store's key)")
    return None
