"""A run split into shards: which training runs and claims shard i of N takes.

``--shard i/N`` takes a deterministic, cost-balanced share of the planned training runs
(largest first, each to the least-loaded shard) and of the claims that need no training (every
N-th, by id). The split reads only what is the same on every host: each run's claim id, seed and
declared cost at the run's tier; never its cache key (which names the host's environment) nor
the device's own cost, so shards on different runner types cover every run exactly once. It decides no claim that reads a
training run, since one may read runs of several shards: those wait for ``claimcheck merge``
(service/shards.py), where every shard's runs are at hand.

The shard can come from whatever starts the jobs: ``--shard 2/4`` from a CI matrix, or
``--shard auto/4`` reading ``SLURM_ARRAY_TASK_ID`` (a Slurm array job), ``JOB_COMPLETION_INDEX``
(a Kubernetes Indexed Job) or ``CI_NODE_INDEX`` (GitLab's ``parallel``).
"""
from __future__ import annotations

import os

from .usage import UsageError


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
    for job in sorted(jobs, key=lambda j: (-j.share_s, j.label, j.seed, j.program.names())):
        i = min(range(count), key=lambda k: (loads[k], k))
        shards[i].append(job)
        loads[i] += max(job.share_s, 1.0)
    return shards


def share(plan, claims, index: int, count: int) -> tuple[list, list, list[str]]:
    """Shard ``index`` of ``count``: its training jobs, the claims it decides (those that read no
    planned run), and the claims left for the merge."""
    mine = split_jobs(plan.jobs, count)[index - 1]
    static = sorted(c.id for c in claims if c.id not in plan.training)
    decided = {cid for n, cid in enumerate(static) if n % count == index - 1}
    return mine, [c for c in claims if c.id in decided], sorted(plan.training)
