"""results.json: one record per claim, plus what the run was, sealed with the MAC of its content.

The key is the ``--out`` folder's (keys.py: in the key folder, never beside results.json; or ``--key-file``).
``read`` refuses a file whose MAC is missing or does not match (seal.py): ``claimcheck merge`` and
``claimcheck errata`` never read results that were edited, forged or resealed after the run wrote
them, nor a results.json moved away from its folder's key.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..claim.verdict import ATTENTION_ORDER, Result, Status
from . import keys, seal

EVIDENCE_STATUSES = (Status.PASSED, Status.FAILED, Status.INCONCLUSIVE, Status.KNOWN_ERRATUM)


def counts(results: list[Result]) -> dict[str, int]:
    """Verdicts by status: measured ones under the status, those decided from readers' runs apart
    (``passed from reader runs``)."""
    c = Counter(r.status for r in results if not r.evidence)
    out = {s.value: c.get(s, 0) for s in ATTENTION_ORDER}
    e = Counter(r.status for r in results if r.evidence)
    for s in EVIDENCE_STATUSES:
        out[f"{s.value} from reader runs"] = e.get(s, 0)
    return out


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


def write(results: list[Result], run: dict, path: Path, key_file: Path | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"run": {**run, "counts": counts(results)}, "results": [r.to_dict() for r in results]}
    doc = seal.sealed(_jsonable(doc), keys.store_key(path.parent, create=True, key_file=key_file), seal.RESULTS)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class Refused(ValueError):
    """A results.json that cannot be trusted: the message names the file and why."""


def read(path: Path, key_file: Path | None = None) -> tuple[dict, list[Result]]:
    """The run and results of ``path``, checked with its folder's key (``key_file``'s where given)."""
    path = Path(path)
    doc = json.loads(path.read_text(encoding="utf-8"))  # OSError, ValueError: the caller says it cannot read it
    try:
        key = keys.store_key(path.parent, create=False, key_file=key_file)
    except keys.KeyProblem as exc:
        raise Refused(f"{path}: {exc}") from None
    why = seal.problem(doc, key, seal.RESULTS)
    if why:
        raise Refused(f"{path}: {why}")
    if not isinstance(doc.get("run"), dict) or not isinstance(doc.get("results"), list):
        raise Refused(f"{path}: no 'run' object and 'results' list")
    try:
        return doc["run"], [Result.from_dict(r) for r in doc["results"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise Refused(f"{path}: a result it holds is malformed ({type(exc).__name__}: {exc})") from None
