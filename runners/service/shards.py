"""Many hosts: a shard's output, and the shards' outputs merged into one run.

``claimcheck verify --shard i/N`` (engine/shards.py says which share it takes) writes its
results, and a copy of the record of each training run it made, to ``--out``; it decides no
stochastic claim. ``claimcheck merge DIR...`` joins the shards' results, decides the stochastic
claims from the union of their run records (training nothing), and writes one results.json,
report and errata, and one run in the history store.
"""
from __future__ import annotations

import dataclasses
import json
import shutil
import sys
import uuid
from pathlib import Path

from ..catalog.loader import load
from ..engine.session import Session
from ..engine.usage import SHARD_MARK, UsageError, check_out
from ..stores import results as results_file
from ..stores import seal
from .finish import finish
from .status import EXIT_USAGE, exit_status


def finish_shard(session: Session, results) -> int:
    """A shard's output: its results, the pending claims, the records of the runs it made."""
    out = Path(session.settings.out)
    runs = out / "runs"
    if (runs / SHARD_MARK).is_file():  # an earlier shard's records (check_out refused anything else)
        shutil.rmtree(runs)
    runs.mkdir(parents=True, exist_ok=True)
    (runs / SHARD_MARK).write_text("run records of a claimcheck shard; a new shard replaces this folder\n")
    executor = session.executor
    copied = 0
    shard = list(session.settings.shard)
    failed = {r["key"]: r for r in executor.failed_records()}
    for key in (j.key for j in session.planned_jobs):
        record = executor.cache.read(key) or failed.get(key)
        if record is not None:  # a finished run, or a failed one with its reason: the merge needs both
            (runs / f"{key}.json").write_text(json.dumps(seal.sealed({**record, "shard": shard})), encoding="utf-8")
            copied += 1
    run = {**session.run_record(), "pending": session.pending}
    path = results_file.write(results, run, out / "results.json")
    print(f"shard {run['shard'][0]}/{run['shard'][1]}: {len(results)} claims decided, "
          f"{len(run['pending'])} left to merge, {copied} run records; wrote {path}", file=session.stream)
    return exit_status(session.settings, results)


def merge(dirs, settings, stream=None) -> int:
    """`claimcheck merge`: one run from the shards' outputs."""
    stream = stream or sys.stderr
    try:
        check_out(settings)
    except UsageError as exc:
        print(f"claimcheck merge: {exc}", file=stream)
        return EXIT_USAGE
    shards = []
    for d in map(Path, dirs):
        try:
            run, results = results_file.read(d / "results.json")
        except results_file.Refused as exc:
            print(f"claimcheck merge: refused {exc}", file=stream)
            return EXIT_USAGE
        except (OSError, ValueError, KeyError) as exc:
            print(f"claimcheck merge: {d / 'results.json'}: cannot read ({exc})", file=stream)
            return EXIT_USAGE
        if "shard" not in run:
            print(f"claimcheck merge: {d} is not the output of a --shard run", file=stream)
            return EXIT_USAGE
        shards.append((d, run, results))
    counts = {run["shard"][1] for _, run, _ in shards}
    indexes = sorted(run["shard"][0] for _, run, _ in shards)
    if len(counts) != 1 or indexes != list(range(1, counts.pop() + 1)):
        print(f"claimcheck merge: the shards given are {indexes} of {sorted({r['shard'][1] for _, r, _ in shards})}: "
              "every shard 1..N of one run is needed", file=stream)
        return EXIT_USAGE
    differ = _differences([(d, run.get("environment")) for d, run, _ in shards])
    if differ:
        print(f"claimcheck merge: the shards ran in different environments ({differ}): one run's shards "
              "run on one stack and one kind of machine", file=stream)
        return EXIT_USAGE
    records, seen = [], []
    for d, _, _ in shards:
        for path in sorted((d / "runs").glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                print(f"claimcheck merge: refused {path}: not a run record ({exc})", file=stream)
                return EXIT_USAGE
            why = seal.problem(record)
            if not why and (not isinstance(record.get("key_parts"), dict) or not isinstance(record.get("key"), str)
                            or not isinstance(record["key_parts"].get("environment"), dict)):
                why = "not a run record (no key and key_parts)"
            if not why and not record.get("failed") and not isinstance(record.get("values"), dict):
                why = "a finished run record without values"
            if why:
                print(f"claimcheck merge: refused {path}: {why}", file=stream)
                return EXIT_USAGE
            records.append(record)
            seen.append((path, record["key_parts"]["environment"]))
    differ = _differences(seen)
    if differ:
        print(f"claimcheck merge: the shards' training runs were keyed in different environments ({differ})",
              file=stream)
        return EXIT_USAGE
    first = shards[0][1]
    settings = dataclasses.replace(settings, tier=first["tier"], shard=None)
    session = Session(settings, stream, runner="merge", replay={"run": first, "records": records})
    try:
        all_claims = load(Path(settings.claims))
        pending = {cid for _, run, _ in shards for cid in run.get("pending", [])}
        claims = session.take([c for c in all_claims if c.id in pending])
        session.plan(claims)
        decided = [r for _, _, results in shards for r in results]
        decided += [session.run_claim(c) for c in claims]
        order = {c.id: n for n, c in enumerate(all_claims)}
        decided.sort(key=lambda r: order.get(r.id, len(order)))
        run = {**session.run_record(), "run_id": uuid.uuid4().hex, "tier": first["tier"],
               "started": min(r["started"] for _, r, _ in shards),
               "seconds": round(sum(r["seconds"] for _, r, _ in shards), 2),
               "merged": [{"dir": str(d), "run_id": r["run_id"], "shard": r["shard"]} for d, r, _ in shards]}
        return finish(session, decided, all_claims, run)
    except UsageError as exc:
        print(f"claimcheck merge: {exc}", file=stream)
        return EXIT_USAGE
    finally:
        session.close()


def _differences(named) -> str:
    """What differs between the environments ``[(where, environment), ...]``, or "" if nothing does."""
    if not named:
        return ""
    first_where, first = named[0]
    for where, env in named[1:]:
        if env != first:
            a, b = first or {}, env or {}
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            return "; ".join(f"{k}: {a.get(k)!r} in {first_where}, {b.get(k)!r} in {where}" for k in keys[:4])
    return ""
