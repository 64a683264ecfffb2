"""results.json: one record per claim, plus what the run was."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..spec.verdict import ATTENTION_ORDER, Result


def counts(results: list[Result]) -> dict[str, int]:
    c = Counter(r.status for r in results)
    return {s.value: c.get(s, 0) for s in ATTENTION_ORDER}


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


def write(results: list[Result], run: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"run": {**run, "counts": counts(results)}, "results": [r.to_dict() for r in results]}
    path.write_text(json.dumps(_jsonable(doc), indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> tuple[dict, list[Result]]:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return doc["run"], [Result.from_dict(r) for r in doc["results"]]
