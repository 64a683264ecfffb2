"""A digest of a stored document's content, written with it and checked on every read.

The cache records, results.json and the history's run files are plain JSON anyone can edit. Each
carries ``digest``: the SHA-256 of the rest of the document in one canonical form (sorted keys,
compact separators). A document whose digest is missing or does not match was not written this
way by claimcheck, or was changed since: the cache retrains it, ``merge`` and ``history`` refuse it
with the file named. The digest protects against edits and truncation, not against someone who
recomputes it: a signed store is out of scope (docs/architecture.md).
"""
from __future__ import annotations

import hashlib
import json

FIELD = "digest"


def canonical(doc: dict) -> dict:
    """The document as it reads back from JSON (tuples as lists, numpy scalars and paths as text)."""
    return json.loads(json.dumps(doc, default=str, ensure_ascii=False))


def digest(doc: dict) -> str:
    body = {k: v for k, v in doc.items() if k != FIELD}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sealed(doc: dict) -> dict:
    """``doc`` in its canonical form with its digest."""
    body = canonical({k: v for k, v in doc.items() if k != FIELD})
    return {**body, FIELD: digest(body)}


def problem(doc) -> str | None:
    """Why ``doc`` cannot be trusted, or None."""
    if not isinstance(doc, dict):
        return f"not a JSON object but a {type(doc).__name__}"
    if FIELD not in doc:
        return "no digest (not written by this claimcheck)"
    if doc[FIELD] != digest(doc):
        return "its digest does not match its content (edited or truncated after it was written)"
    return None
