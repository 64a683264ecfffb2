"""Where worker processes train: how many there are, and the GPU (if any) each pool of them is pinned to.

``--jobs N``: one pool of N workers. ``--jobs-per-gpu K``: one pool of K workers per GPU the
backend sees, each pinned with ``CUDA_VISIBLE_DEVICES``. Every worker gets the GPU-sharing
settings, so that no framework takes a whole GPU's memory from the others.
"""
from __future__ import annotations

from ..environment import machine

# where a worker process shares a GPU with others: no framework takes all of its memory
GPU_SHARING_ENV = {"TF_FORCE_GPU_ALLOW_GROWTH": "true", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}


def worker_count(settings) -> int:
    """How many training runs go at once."""
    per_gpu = settings.jobs_per_gpu
    if per_gpu:  # --jobs-per-gpu wins over --jobs
        found = machine.gpus()
        return per_gpu * (found["count"] if found else 1)
    return max(1, settings.jobs)


def pools(settings) -> list[tuple[int, dict]]:
    """Each pool of workers: its size and the environment its workers start with."""
    per_gpu = settings.jobs_per_gpu
    if not per_gpu:
        return [(settings.jobs, dict(GPU_SHARING_ENV))]
    found = machine.gpus()
    devices = [str(i) for i in range(found["count"])] if found else [None]
    out = []
    for device in devices:
        env = dict(GPU_SHARING_ENV)
        if device is not None:
            env["CUDA_VISIBLE_DEVICES"] = device
        out.append((per_gpu, env))
    return out
