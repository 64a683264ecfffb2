"""Where worker processes train: how many there are, and the GPU (if any) each pool of them is pinned to.

``--jobs N``: one pool of N workers. ``--jobs-per-gpu K``: one pool of K workers per GPU this
process may use, each pinned with ``CUDA_VISIBLE_DEVICES`` to one entry of the machine's own view:
where the parent's ``CUDA_VISIBLE_DEVICES`` is set (by Slurm, Kubernetes, tox passing it through,
a person), its entries as they are: indices (``2,3``), UUIDs (``GPU-8f1c...``) or MIG instances
(``MIG-4b2e...``, ``MIG-GPU-<uuid>/1/0``), each a pool of its own; where it is unset, the backend's
GPUs by index; where it is empty or ``-1``, none. A pinned worker is told so
(``CLAIMCHECK_EXPECT_GPU``): one that finds itself on the CPU fails its run, naming itself
(training.py). Every worker gets the GPU-sharing settings, so that no framework takes a whole
GPU's memory from the others, and the numerics environment (environment/numerics.py).
"""
from __future__ import annotations

import os

from ..environment import machine, numerics

# where a worker process shares a GPU with others: no framework takes all of its memory
GPU_SHARING_ENV = {"TF_FORCE_GPU_ALLOW_GROWTH": "true", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}
EXPECT_GPU = "CLAIMCHECK_EXPECT_GPU"


def share_gpus(environ=None) -> None:
    """Let several processes share a GPU (unless the user said otherwise): set in the process that
    starts the run, the CLI or the pytest plugin, before any framework loads."""
    environ = os.environ if environ is None else environ
    for name, value in GPU_SHARING_ENV.items():
        environ.setdefault(name, value)


def visible(env=None, count=None) -> list[str]:
    """The GPUs this process may hand to workers, as ``CUDA_VISIBLE_DEVICES`` entries.

    ``env``: the parent's environment (default os.environ); ``count``: how many GPUs the backend
    sees (default: ask it), used only where ``CUDA_VISIBLE_DEVICES`` is unset.
    """
    env = os.environ if env is None else env
    given = env.get("CUDA_VISIBLE_DEVICES")
    if given is None:
        if count is None:
            found = machine.gpus()
            count = found["count"] if found else 0
        return [str(i) for i in range(count)]
    entries = [e.strip() for e in given.split(",")]
    out = []
    for entry in entries:
        if not entry or entry == "-1":  # CUDA stops at the first invalid entry
            break
        out.append(entry)
    return out


def worker_count(settings, env=None, count=None) -> int:
    """How many training runs go at once."""
    per_gpu = settings.jobs_per_gpu
    if per_gpu:  # --jobs-per-gpu wins over --jobs
        return per_gpu * max(1, len(visible(env, count)))
    return max(1, settings.jobs)


def pools(settings, env=None, count=None) -> list[tuple[int, dict]]:
    """Each pool of workers: its size and the environment its workers start with."""
    base = {**GPU_SHARING_ENV, **numerics.WORKER_ENV}
    per_gpu = settings.jobs_per_gpu
    if not per_gpu:
        return [(settings.jobs, base)]
    devices = visible(env, count)
    if not devices:
        return [(per_gpu, base)]
    return [(per_gpu, {**base, "CUDA_VISIBLE_DEVICES": d, EXPECT_GPU: d}) for d in devices]
