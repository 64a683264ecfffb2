"""references.yaml: recorded single runs of the book's code, which give stochastic claims their scale.

A claim names a reference; the file beside its spec or in a folder above holds it (the nearest
wins): ``references: {NAME: {values: [...], seeds: [...], source: ..., command: ...}}``. A
reference with ``source: readers`` names readers' runs instead of listing values:
``{source: readers, runs: readers/runs.jsonl, program: ..., quantity: ..., clean: true,
within: NAME, exclude: [...]}`` (the file relative to references.yaml; ``within``: a recorded
reference of the same quantity on one machine, from which the spread between environments is
measured; ``exclude``: phrases of the records' notes that leave a run out, e.g. ``ANOMALY``, where
the data set's ``clean`` flag judged the runs against another edition's code). Its values are one
a repository: the median of that repository's distinct runs (readers.py ``environments``). ``source:
pending, command: ...`` is a reference still to be recorded (``claimcheck draft`` writes them):
its claims are skipped with that command as the fix.
"""
from __future__ import annotations

import functools
from pathlib import Path

from ..core.errors import ClaimError
from . import readers
from .schema import is_type
from .values import file_stamp
from .yamlload import SpecSyntaxError, load_yaml, strip_lines


def files_for(spec_file: str) -> list[Path]:
    folder = Path(spec_file).resolve().parent
    return [p / "references.yaml" for p in (folder, *folder.parents) if (p / "references.yaml").is_file()]


def file_problems(path: Path, doc=None) -> list[str]:
    """What is wrong with one references.yaml (``doc``: it, as load_yaml read it, where read already),
    as ``FILE:LINE: message`` lines."""
    if doc is None:
        try:
            doc = load_yaml(path)
        except SpecSyntaxError as exc:
            return [str(exc)]
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("references", {}), dict):
        return [f"{path}: a mapping with `references: {{NAME: {{values: [...], seeds: [...], source: ...}}}}`"]
    problems = []
    for name, entry in doc["references"].items():
        if name == "__line__":
            continue
        where = f"{path}:{entry.get('__line__')}" if isinstance(entry, dict) else str(path)
        if not isinstance(entry, dict):
            problems.append(f"{where}: reference '{name}' must be a mapping")
            continue
        if entry.get("source") == "readers":
            problems += _readers_problems(path, name, entry, where)
            continue
        if entry.get("source") == "pending":  # drafted: to be recorded with its command
            if not isinstance(entry.get("command"), str) or "values" in entry:
                problems.append(f"{where}: reference '{name}' (source: pending) needs `command`, the command "
                                "that records it, and no values")
            continue
        vals, seeds = entry.get("values"), entry.get("seeds")
        if vals is not None and not (isinstance(vals, list) and all(is_type(v, ("number",)) for v in vals)):
            problems.append(f"{where}: reference '{name}': values must be a list of numbers")
        if seeds is not None and not (isinstance(seeds, list) and all(is_type(v, (int,)) for v in seeds)):
            problems.append(f"{where}: reference '{name}': seeds must be a list of whole numbers")
        elif isinstance(seeds, list) and isinstance(vals, list) and len(seeds) != len(vals):
            problems.append(f"{where}: reference '{name}': {len(seeds)} seeds for {len(vals)} values")
    return problems


READERS_FIELDS = ("runs", "program", "quantity")


def _readers_problems(path: Path, name: str, entry: dict, where: str) -> list[str]:
    problems = [f"{where}: reference '{name}' (source: readers) needs `{k}`, a string"
                for k in READERS_FIELDS if not isinstance(entry.get(k), str)]
    problems += [f"{where}: reference '{name}' (source: readers) takes its values from the runs file, not `{k}`"
                 for k in ("values", "seeds", "sd") if k in entry]
    if "clean" in entry and not isinstance(entry["clean"], bool):
        problems.append(f"{where}: reference '{name}': clean must be true or false")
    exclude = entry.get("exclude", [])
    if not (isinstance(exclude, list) and all(isinstance(x, str) and x.strip() for x in exclude)):
        problems.append(f"{where}: reference '{name}': exclude must be a list of phrases (strings) of the runs' notes")
    if "within" in entry and not isinstance(entry["within"], str):
        problems.append(f"{where}: reference '{name}': within must name a recorded reference")
    if problems:
        return problems
    runs_file = (path.parent / entry["runs"]).resolve()
    if not runs_file.is_relative_to(path.parent.resolve()):
        return [f"{where}: reference '{name}': runs must be a file beside or below {path.name}"]
    try:
        runs, _ = _selection(runs_file, entry)
    except readers.ReadersError as exc:
        return [f"{where}: reference '{name}': {exc}"]
    if len(runs) < 2:
        return [f"{where}: reference '{name}': {len(runs)} runs of program '{entry['program']}', quantity "
                f"'{entry['quantity']}' in {entry['runs']} (repositories, repeats counted once); a spread needs at least 2"]
    return []


def _resolved(path: Path, entry: dict) -> dict:
    """A readers reference with its values and what they are: the runs file's selected runs."""
    if entry.get("source") != "readers":
        return entry
    runs_file = (path.parent / entry["runs"]).resolve()
    values, about = _selection(runs_file, entry)
    return {**entry, "values": list(values), "readers": about, "runs_file": str(runs_file)}


def _selection(runs_file: Path, entry: dict) -> tuple[tuple, dict]:
    """The selected runs' values and what they are (a fresh dict), read once per version of the file."""
    values, about = _selected(str(runs_file), file_stamp(runs_file), entry["program"], entry["quantity"],
                              entry.get("clean", True), tuple(entry.get("exclude", [])))
    return values, {**about, "frameworks": dict(about["frameworks"]),
                    "environments": [dict(e) for e in about["environments"]]}


@functools.lru_cache(maxsize=64)
def _selected(runs_file: str, stamp, program: str, quantity: str, clean: bool, exclude: tuple) -> tuple[tuple, dict]:
    runs = readers.select(Path(runs_file), program, quantity, clean, exclude)
    return tuple(e.value for e in readers.environments(runs)), readers.describe(runs)


def recorded(spec_file: str) -> dict:
    """Every recorded reference a claim of ``spec_file`` can name (the nearest file wins); a malformed
    file is a ClaimError naming it."""
    found = {}
    for path in reversed(files_for(spec_file)):
        try:
            doc = load_yaml(path)
        except SpecSyntaxError as exc:
            raise ClaimError(str(exc)) from None
        problems = file_problems(path, doc)
        if problems:
            raise ClaimError("; ".join(problems))
        doc = strip_lines(doc) or {}
        for name, entry in (doc.get("references") or {}).items():
            found[name] = {**_resolved(path, entry), "file": str(path)}
    return found


def elsewhere(entry: dict, here: dict) -> str | None:
    """Why the runs a recorded reference holds were made under other numerics than ``here``'s (the
    machine's description, environment/machine.py): another pinned instruction set or thread count,
    or, for runs recorded before claimcheck pinned them (they name only their device), another device;
    None where they are this machine's."""
    there = entry.get("numerics") if isinstance(entry.get("numerics"), dict) else None
    if there and "cpu_isa" in there:
        now = here.get("numerics") or {}
        differ = [f"{k} {there.get(k)!r} (this run {now.get(k)!r})" for k in ("cpu_isa", "threads")
                  if there.get(k) != now.get(k)]
        return f"other numerics ({'; '.join(differ)})" if differ else None
    device = str((entry.get("environment") or {}).get("device") or "")
    if device and (device == here["device"] or device.startswith(here["device"] + " (")):
        return None  # recorded on this device model before the pin: its default level, measured equal (docs/reproducibility.md)
    return f"{device or 'an unnamed device'}, before claimcheck pinned the numerics (this run: {here['device']})"
