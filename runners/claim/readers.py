"""Readers' runs: values that readers' own runs of the book's code printed, with their provenance.

A JSON Lines file under the book's folder in claims/ (``claims/dlwp2/readers/runs.jsonl``), one
record a line: ``repo``, ``path``, ``commit``, ``date``, ``program``, ``quantity``, ``value``,
``printed``, ``env``, ``clean``, ``same_code``. A reference with ``source: readers`` selects some
(references.py); each record is one run, with an unknown seed, in its own environment.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from .values import file_stamp

FIELDS = {"repo": str, "path": str, "commit": str, "date": str, "program": str, "quantity": str,
          "value": (int, float), "printed": str, "env": str, "clean": bool, "same_code": bool}


class ReadersError(ValueError):
    """A readers' runs file that cannot be read as one: the message names the file and the line."""


@dataclass(frozen=True)
class Run:
    """One reader's printed value, and where it is stored."""

    value: float
    repo: str
    path: str
    commit: str
    date: str
    printed: str
    env: str

    @property
    def colab(self) -> bool:
        return "colab" in self.env.lower()

    @property
    def gpu(self) -> bool:
        return "accelerator=gpu" in self.env.lower()

    @property
    def framework(self) -> str:
        """The framework as the record infers it (``inferred framework: ...`` in ``env``), or ``unknown``."""
        for part in self.env.split(";"):
            part = part.strip()
            if part.startswith("inferred framework:"):
                return part.split(":", 1)[1].split("(")[0].strip() or "unknown"
        return "unknown"


def _problem(record, number: int, path: Path) -> str | None:
    where = f"{path}:{number}"
    if not isinstance(record, dict):
        return f"{where}: a record must be a JSON object"
    for name, types in FIELDS.items():
        value = record.get(name)
        if name not in record:
            return f"{where}: missing field '{name}'"
        if not isinstance(value, types) or (types is not bool and isinstance(value, bool)):
            return f"{where}: field '{name}' has the wrong type ({type(value).__name__})"
    if not math.isfinite(record["value"]):
        return f"{where}: value {record['value']!r} is not a finite number"
    return None


@functools.lru_cache(maxsize=16)
def _load(path: str, stamp: tuple) -> tuple[dict, ...]:
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ReadersError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ReadersError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadersError(f"{file}:{number}: not a JSON record ({exc.msg})") from None
        problem = _problem(record, number, file)
        if problem:
            raise ReadersError(problem)
        records.append(record)
    return tuple(records)


def load(path: Path) -> tuple[dict, ...]:
    """Every record of a readers' runs file, checked; a ReadersError names the file and line."""
    stamp = file_stamp(path)
    if stamp is None:
        raise ReadersError(f"{path}: no such readers' runs file")
    return _load(str(path), stamp)


def select(path: Path, program: str, quantity: str, clean_only: bool = True, exclude=()) -> list[Run]:
    """The runs of ``program`` that read ``quantity``: clean ones only, unless told otherwise, and none
    whose note holds a phrase of ``exclude`` (the data set's own words for a faulty run)."""
    return [Run(float(r["value"]), r["repo"], r["path"], r["commit"], r["date"], r["printed"], r["env"])
            for r in load(path)
            if r["program"] == program and r["quantity"] == quantity and (r["clean"] or not clean_only)
            and not any(phrase in (r.get("note") or "") for phrase in exclude)]


def describe(runs: list[Run]) -> dict:
    """When and on what: the dates, and how many ran on Colab, on a GPU, on each framework."""
    frameworks: dict[str, int] = {}
    for run in runs:
        frameworks[run.framework] = frameworks.get(run.framework, 0) + 1
    dates = sorted(r.date for r in runs)
    return {"runs": len(runs), "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
            "colab": sum(r.colab for r in runs), "gpu": sum(r.gpu for r in runs),
            "frameworks": dict(sorted(frameworks.items(), key=lambda kv: -kv[1]))}


def in_words(about: dict) -> str:
    """``24 reader runs, 2021-11-20 to 2025-07-10, 20 on Colab, 18 with a GPU; TF 2.6-2.12 tf.keras 15, ...``"""
    frameworks = ", ".join(f"{name} {n}" for name, n in about.get("frameworks", {}).items())
    return (f"{about['runs']} reader runs, {about['first']} to {about['last']}, {about['colab']} on Colab, "
            f"{about['gpu']} with a GPU; frameworks (inferred): {frameworks}; each one run, "
            "its seed unknown, its own environment")
