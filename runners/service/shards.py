"""Many hosts: a shard's output, and the shards' outputs merged into one run.

``claimcheck verify --shard i/N`` (engine/shards.py says which share it takes) writes its
results, and a copy of the record of each training run of its share, to ``--out``; it decides no
stochastic claim. ``claimcheck merge DIR...`` joins the shards' results, decides the stochastic
claims from the union of their run records (training nothing), and writes one results.json,
report and errata, and one run in the history store.

Each shard's ``--out`` folder is a store with its own key (stores/keys.py: ``<out>/key``; shards on
one machine each have theirs, and the merge reads each folder with its own), or the one given by
``--key-file`` to every shard and the merge (shards on separate machines). Its results.json and each
run record ``<out>/runs/<key>.json`` carry a MAC with that key, and a run record names the shard and
the run (``run_id``) that wrote it. The merge takes a run record only when its MAC matches, its file
is named as its shard names it, it was written by that folder's shard of that run, no other record
is of the same run, and the run is one of that shard's share of the merge's plan: a file dropped
into ``runs/`` is refused, named, and the merge exits 2.
"""
from __future__ import annotations

import dataclasses
import json
import shutil
import sys
import uuid
from pathlib import Path

from ..catalog.loader import load
from ..engine.jobs import recorded_match
from ..engine.session import Session
from ..engine.shards import split_jobs
from ..engine.usage import SHARD_MARK, UsageError, check_keys, check_out
from ..stores import keys, seal
from ..stores import results as results_file
from .finish import finish
from .status import exit_status, run_command


def run_file(key: str) -> str:
    """The name a shard gives the record of the run of ``key`` in ``<out>/runs/``."""
    return f"{key}.json"


def finish_shard(session: Session, results) -> int:
    """A shard's output: its results, the pending claims, the records of the runs of its share, each
    sealed with the ``--out`` folder's key and bound to this shard of this run."""
    out = Path(session.settings.out)
    runs = out / "runs"
    if (runs / SHARD_MARK).is_file():  # an earlier shard's records (check_out refused anything else)
        shutil.rmtree(runs)
    runs.mkdir(parents=True, exist_ok=True)
    (runs / SHARD_MARK).write_text("run records of a claimcheck shard; a new shard replaces this folder\n")
    copied = 0
    run = {**session.run_record(), "pending": session.pending}
    key = keys.store_key(out, create=True, key_file=session.settings.key_file)
    for job, record in session.shard_records():
        doc = seal.sealed({**record, "shard": run["shard"], "run_id": run["run_id"]}, key, seal.SHARD_RUN)
        (runs / run_file(job.key)).write_text(json.dumps(doc), encoding="utf-8")
        copied += 1
    path = results_file.write(results, run, out / "results.json", session.settings.key_file)
    print(f"shard {run['shard'][0]}/{run['shard'][1]}: {len(results)} claims decided, "
          f"{len(run['pending'])} left to merge, {copied} run records; wrote {path}", file=session.stream)
    return exit_status(session.settings, results)


def merge(dirs, settings, stream=None) -> int:
    """`claimcheck merge`: one run from the shards' outputs."""
    stream = stream or sys.stderr
    return run_command("claimcheck merge", lambda: _merge(dirs, settings, stream), stream)


def _merge(dirs, settings, stream) -> int:
    check_out(settings)
    shards = []
    for d in map(Path, dirs):
        try:
            run, results = results_file.read(d / "results.json", settings.key_file)
        except results_file.Refused as exc:
            raise UsageError(f"refused {exc}") from None
        except (OSError, ValueError, KeyError) as exc:
            raise UsageError(f"{d / 'results.json'}: cannot read ({exc})") from None
        if "shard" not in run:
            raise UsageError(f"{d} is not the output of a --shard run")
        shards.append((d, run, results))
    counts = {run["shard"][1] for _, run, _ in shards}
    indexes = sorted(run["shard"][0] for _, run, _ in shards)
    if len(counts) != 1 or indexes != list(range(1, counts.pop() + 1)):
        raise UsageError(f"the shards given are {indexes} of {sorted({r['shard'][1] for _, r, _ in shards})}: "
                         "every shard 1..N of one run is needed")
    differ = _differences([(d, run.get("environment")) for d, run, _ in shards])
    if differ:
        raise UsageError(f"the shards ran in different environments ({differ}): one run's shards "
                         "run on one stack and one kind of machine")
    records, seen, owners = [], [], {}
    for d, run, _ in shards:
        try:
            found = _run_records(d, run, settings.key_file)
        except Refusal as exc:
            raise UsageError(f"refused {exc}") from None
        for path, record in found:
            match = recorded_match(record)
            if match in owners:
                raise UsageError(f"refused {path}: a record of the same run (listings, seed and data) as "
                                 f"{owners[match][0]}: one of them is not this run's")
            owners[match] = (path, run["shard"][0])
            records.append(record)
            seen.append((path, record["key_parts"]["environment"]))
    differ = _differences(seen)
    if differ:
        raise UsageError(f"the shards' training runs were keyed in different environments ({differ})")
    first = shards[0][1]
    settings = dataclasses.replace(settings, tier=first["tier"], shard=None)
    check_keys(settings, [settings.out] + ([settings.history] if not settings.no_history else []))
    session = Session(settings, stream, runner="merge", replay={"run": first, "records": records})
    try:
        all_claims = load(Path(settings.claims))
        pending = {cid for _, run, _ in shards for cid in run.get("pending", [])}
        claims = session.take([c for c in all_claims if c.id in pending])
        plan = session.plan(claims)
        foreign = _foreign(plan.jobs, len(shards), {rec["key"]: owners[recorded_match(rec)] for rec in records})
        if foreign:
            raise UsageError(f"refused {foreign}")
        decided = [r for _, _, results in shards for r in results]
        decided += [session.run_claim(c) for c in claims]
        order = {c.id: n for n, c in enumerate(all_claims)}
        decided.sort(key=lambda r: order.get(r.id, len(order)))
        run = {**session.run_record(), "run_id": uuid.uuid4().hex, "tier": first["tier"],
               "started": min(r["started"] for _, r, _ in shards),
               "seconds": round(sum(r["seconds"] for _, r, _ in shards), 2),
               "merged": [{"dir": str(d), "run_id": r["run_id"], "shard": r["shard"]} for d, r, _ in shards]}
        return finish(session, decided, all_claims, run)
    finally:
        session.close()


class Refusal(Exception):
    """A file of a shard's output the merge does not take: the message names it and why."""


def _run_records(d: Path, run: dict, key_file) -> list[tuple[Path, dict]]:
    """The run records in shard output ``d`` (whose results.json holds ``run``), each checked: sealed
    with ``d``'s key, a run record, under the name the shard gives it, written by this shard of this run."""
    try:
        key = keys.store_key(d, create=False, key_file=key_file)
    except keys.KeyProblem as exc:
        raise Refusal(f"{d / 'runs'}: {exc}") from None
    found = []
    for path in sorted((d / "runs").glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise Refusal(f"{path}: not a run record ({exc})") from None
        why = seal.problem(record, key, seal.SHARD_RUN)
        if not why and (not isinstance(record.get("key_parts"), dict) or not isinstance(record.get("key"), str)
                        or not isinstance(record["key_parts"].get("environment"), dict)):
            why = "not a run record (no key and key_parts)"
        if not why and not record.get("failed") and not isinstance(record.get("values"), dict):
            why = "a finished run record without values"
        if not why and path.name != run_file(record["key"]):
            why = f"not the name its shard gives it ({run_file(record['key'])}): a file put there"
        if not why and (record.get("run_id") != run.get("run_id") or record.get("shard") != run.get("shard")):
            why = (f"written by shard {record.get('shard')} of run {record.get('run_id')}, not by this folder's "
                   f"shard {run.get('shard')} of run {run.get('run_id')}")
        if why:
            raise Refusal(f"{path}: {why}")
        found.append((path, record))
    return found


def _foreign(jobs, count: int, owners: dict) -> str:
    """The first record (``owners``: key -> (path, shard index)) that is not a run of its shard's share
    of ``jobs``, named with why; "" when every record is its shard's."""
    share = {job.key: i for i, part in enumerate(split_jobs(jobs, count), 1) for job in part}
    for key, (path, index) in owners.items():
        if key not in share:
            return f"{path}: the run of no pending claim of this merge (a file of another run)"
        if share[key] != index:
            return f"{path}: a run of shard {share[key]}'s share, not of shard {index}'s (a file put there)"
    return ""


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
