"""Many hosts: a run split into shards, and the shards' outputs merged into one run.

``claimcheck verify --shard i/N`` takes a deterministic, cost-balanced share of the planned
training runs (largest first, each to the least-loaded shard: the same plan gives every host the
same split) and of the claims that need no training (every N-th, by id). It writes its results,
and a copy of the record of each training run it made, to ``--out``; it decides no stochastic
claim, since one may read runs of several shards. ``claimcheck merge DIR...`` joins the shards'
results, decides the stochastic claims from the union of their run records (training nothing),
and writes one results.json, report and errata, and one run in the history store.

The shard can come from whatever starts the jobs: ``--shard 2/4`` from a CI matrix, or
``--shard auto/4`` reading ``SLURM_ARRAY_TASK_ID`` (a Slurm array job), ``JOB_COMPLETION_INDEX``
(a Kubernetes Indexed Job) or ``CI_NODE_INDEX`` (GitLab's ``parallel``).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from pathlib import Path

from claimcheck.runners import results as results_file
from claimcheck.runners.session import EXIT_USAGE, Session, UsageError


def resolve_index(shard, env=None) -> tuple[int, int]:
    """``(i, N)`` with i from 1; ``auto`` reads the index the job engine sets."""
    index, count = shard
    if index != "auto":
        return index, count
    env = os.environ if env is None else env
    if env.get("SLURM_ARRAY_TASK_ID"):
        i = int(env["SLURM_ARRAY_TASK_ID"]) - int(env.get("SLURM_ARRAY_TASK_MIN", "0")) + 1
    elif env.get("JOB_COMPLETION_INDEX"):
        i = int(env["JOB_COMPLETION_INDEX"]) + 1
    elif env.get("CI_NODE_INDEX"):
        i = int(env["CI_NODE_INDEX"])
    else:
        raise UsageError("--shard auto/N: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, CI_NODE_INDEX is set")
    if not 1 <= i <= count:
        raise UsageError(f"--shard auto/{count}: the engine's index gives shard {i}, outside 1..{count}")
    return i, count


def split_jobs(jobs, count: int) -> list[list]:
    """Longest-processing-time first: each job, costliest first, to the least-loaded shard."""
    shards, loads = [[] for _ in range(count)], [0.0] * count
    for job in sorted(jobs, key=lambda j: (-j.cost_s, j.key)):
        i = min(range(count), key=lambda k: (loads[k], k))
        shards[i].append(job)
        loads[i] += max(job.cost_s, 1.0)
    return shards


def share(plan, claims, session: Session, index, count):
    """This shard's training jobs and the claims it decides: those that read no planned run
    (the others wait for the merge, where every shard's runs are at hand)."""
    index, count = resolve_index((index, count))
    session.settings.shard = (index, count)
    mine = split_jobs(plan.jobs, count)[index - 1]
    static = sorted(c.id for c in claims if c.id not in plan.training)
    decided = {cid for n, cid in enumerate(static) if n % count == index - 1}
    session.pending = sorted(plan.training)
    return mine, [c for c in claims if c.id in decided]


def finish_shard(session: Session, results) -> int:
    """A shard's output: its results, the pending claims, the records of the runs it made."""
    out = Path(session.settings.out)
    runs = out / "runs"
    if runs.exists():
        shutil.rmtree(runs)
    runs.mkdir(parents=True)
    executor = session.executor
    copied = 0
    for key in (j.key for j in session.planned_jobs):
        record = executor.cache.read(key)
        if record is not None:
            (runs / f"{key}.json").write_text(json.dumps(record), encoding="utf-8")
            copied += 1
    run = {**session.run_record(), "pending": session.pending}
    path = results_file.write(results, run, out / "results.json")
    print(f"shard {run['shard'][0]}/{run['shard'][1]}: {len(results)} claims decided, "
          f"{len(run['pending'])} left to merge, {copied} run records; wrote {path}", file=session.stream)
    return session.exit_status(results)


def merge(dirs, settings, stream=None) -> int:
    """`claimcheck merge`: one run from the shards' outputs."""
    stream = stream or sys.stderr
    shards = []
    for d in map(Path, dirs):
        try:
            run, results = results_file.read(d / "results.json")
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
    stacks = {run["environment"].get("stack") for _, run, _ in shards}
    if len(stacks) != 1:
        print(f"claimcheck merge: the shards ran on different stacks {sorted(stacks)}", file=stream)
        return EXIT_USAGE
    records = []
    for d, _, _ in shards:
        for path in sorted((d / "runs").glob("*.json")):
            records.append(json.loads(path.read_text(encoding="utf-8")))
    first = shards[0][1]
    settings.tier = first["tier"]
    settings.shard = None
    session = Session(settings, stream, runner="merge", replay={"run": first, "records": records})
    try:
        from claimcheck.runners import specs

        all_claims = specs.load(Path(settings.claims))
        pending = {cid for _, run, _ in shards for cid in run.get("pending", [])}
        claims = [c for c in all_claims if c.id in pending]
        session.plan(claims)
        decided = [r for _, _, results in shards for r in results]
        decided += [session.run_claim(c) for c in claims]
        order = {c.id: n for n, c in enumerate(all_claims)}
        decided.sort(key=lambda r: order.get(r.id, len(order)))
        run = {**session.run_record(), "run_id": uuid.uuid4().hex, "tier": first["tier"],
               "started": min(r["started"] for _, r, _ in shards),
               "seconds": round(sum(r["seconds"] for _, r, _ in shards), 2),
               "merged": [{"dir": str(d), "run_id": r["run_id"], "shard": r["shard"]} for d, r, _ in shards]}
        return session.finish(decided, all_claims, run)
    except UsageError as exc:
        print(f"claimcheck merge: {exc}", file=stream)
        return EXIT_USAGE
    finally:
        session.close()
