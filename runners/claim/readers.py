"""Readers' runs: values that readers' own runs of the book's code printed, with their provenance.

A JSON Lines file under the book's folder in claims/ (``claims/dlwp2/readers/runs.jsonl``), one
record a line: ``repo``, ``path``, ``commit``, ``date``, ``program``, ``quantity``, ``value``,
``printed``, ``env``, ``clean``, ``same_code`` (and, in the shared data set, ``copies``: how many
repositories hold that identical output, already folded into one record there). A reference with
``source: readers`` selects some (references.py).

Every record must say where it is stored: a repository ``owner/name`` and a commit that looks like
a git hash; a value outside its quantity's possible range (an accuracy outside [0, 1], or [0, 100]
for a quantity named as a percentage; a loss below 0) is refused. Both name the file and the line.

Repeats count once (:func:`distinct`): two records of one repository with the same value, or of
one commit and path with the same value (a ``Copy_of_`` notebook, a checkpoint copy, a fork), are
one run. A repository is one environment (:func:`environments`): its distinct runs are combined
into their median, so a reader who ran the notebook eight times counts as one reader, like one
who ran it once. The values a readers reference gives are those medians, one per repository.
"""
from __future__ import annotations

import functools
import json
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..core.files import FileRefused, read_bounded
from .values import file_stamp

FIELDS = {"repo": str, "path": str, "commit": str, "date": str, "program": str, "quantity": str,
          "value": (int, float), "printed": str, "env": str, "clean": bool, "same_code": bool}

REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.][A-Za-z0-9_.-]*")
COMMIT = re.compile(r"[0-9a-f]{7,40}")


def value_range(quantity: str) -> tuple[float, float] | None:
    """The possible values of a quantity by its name's last part: an accuracy [0, 1] (a fraction, as
    the data set writes them) or [0, 100] where the name says percent (``_pct``, ``percent``); a loss
    [0, inf). None: no range known."""
    last = quantity.rsplit(".", 1)[-1].lower()
    if "loss" in last:
        return (0.0, math.inf)
    if "acc" in last:
        return (0.0, 100.0 if ("pct" in last or "percent" in last) else 1.0)
    return None


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
    if not REPO.fullmatch(record["repo"]):
        return f"{where}: repo {record['repo']!r} is not a repository owner/name: every run must say where it is stored"
    if not COMMIT.fullmatch(record["commit"]):
        return f"{where}: commit {record['commit']!r} is not a git commit hash (7-40 hex digits)"
    copies = record.get("copies", 1)
    if not isinstance(copies, int) or isinstance(copies, bool) or copies < 1:
        return f"{where}: copies {copies!r} must be a whole number of at least 1 (repositories holding that output)"
    possible = value_range(record["quantity"])
    if possible and not possible[0] <= record["value"] <= possible[1]:
        return (f"{where}: value {record['value']!r} is outside the possible range "
                f"[{possible[0]:g}, {possible[1]:g}] of quantity '{record['quantity']}'")
    return None


MAX_RUNS_BYTES = 64 << 20  # readers' runs, one JSON line each: the largest read


@functools.lru_cache(maxsize=16)
def _load(path: str, stamp: tuple) -> tuple[dict, ...]:
    file = Path(path)
    try:
        text = read_bounded(file, MAX_RUNS_BYTES, "a readers' runs file").decode("utf-8")
    except FileRefused as exc:
        raise ReadersError(str(exc)) from None
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


def _same(value: float) -> float:
    return round(value, 6)  # 0.9785000085830688 printed by one run and 0.9785 by its copy


def distinct(runs: list[Run]) -> list[Run]:
    """The runs with repeats left out, first kept: a record whose repository and value, or whose
    commit, path and value, an earlier record has is a copy of that run."""
    seen: set = set()
    out = []
    for run in runs:
        keys = (("repo", run.repo.lower(), _same(run.value)), ("file", run.commit, run.path, _same(run.value)))
        if not seen.intersection(keys):
            out.append(run)
        seen.update(keys)
    return out


@dataclass(frozen=True)
class Environment:
    """One repository's distinct runs, combined into their median: one environment, one value."""

    repo: str
    value: float
    runs: tuple[Run, ...]

    def to_dict(self) -> dict:
        return {"repo": self.repo, "value": self.value, "runs": len(self.runs),
                "commits": sorted({r.commit for r in self.runs}), "values": [r.value for r in self.runs]}


def environments(runs: list[Run]) -> list[Environment]:
    """One environment per repository (in the order first seen), its value the median of its distinct runs."""
    groups: dict[str, list[Run]] = {}
    for run in distinct(runs):
        groups.setdefault(run.repo.lower(), []).append(run)
    return [Environment(rs[0].repo, float(statistics.median(r.value for r in rs)), tuple(rs))
            for rs in groups.values()]


def describe(runs: list[Run]) -> dict:
    """When and on what: how many records, distinct runs and environments (repositories) there are,
    each environment's repository, commits and value, the dates, and how many distinct runs ran on
    Colab, on a GPU, on each framework. ``runs``: the environments, the number of values used."""
    envs = environments(runs)
    about = _when_and_on_what(distinct(runs))
    return {**about, "runs": len(envs), "records": len(runs), "distinct": about["runs"],
            "environments": [e.to_dict() for e in envs]}


def _when_and_on_what(runs: list[Run]) -> dict:
    frameworks: dict[str, int] = {}
    for run in runs:
        frameworks[run.framework] = frameworks.get(run.framework, 0) + 1
    dates = sorted(r.date for r in runs)
    return {"runs": len(runs), "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
            "colab": sum(r.colab for r in runs), "gpu": sum(r.gpu for r in runs),
            "frameworks": dict(sorted(frameworks.items(), key=lambda kv: -kv[1]))}


def in_words(about: dict) -> str:
    """``17 reader runs (17 repositories; 23 records, 20 distinct runs), 2021-11-20 to 2025-07-10, 20 on
    Colab, 18 with a GPU; frameworks (inferred): TF 2.6-2.12 tf.keras 15, ...``"""
    frameworks = ", ".join(f"{name} {n}" for name, n in about.get("frameworks", {}).items())
    counted = (f" ({about['runs']} repositories, one environment each; {about['records']} records, "
               f"{about['distinct']} distinct runs, a repository's several runs counted once as their median)"
               if "records" in about else "")
    return (f"{about['runs']} reader runs{counted}, {about['first']} to {about['last']}, {about['colab']} on Colab, "
            f"{about['gpu']} with a GPU; frameworks (inferred): {frameworks}; each its seed unknown")
