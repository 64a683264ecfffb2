"""Whether a run can be what was asked for here; a usage error exits 2 before any claim runs."""
from __future__ import annotations

from ..environment import machine


class UsageError(Exception):
    """The run cannot be what was asked for here (exit 2), e.g. the gpu tier without a GPU."""


def check_usage(settings, claims) -> None:
    s = settings
    if s.seeds is not None and s.seeds < 2:
        raise UsageError(f"--seeds {s.seeds}: a verdict needs the spread of at least 2 seeds")
    if s.jobs < 0 or (s.jobs_per_gpu is not None and s.jobs_per_gpu < 1):
        raise UsageError("--jobs takes 0 or more, --jobs-per-gpu 1 or more")
    wants_gpu = s.tier == "gpu" or any("gpu" in c.requires and s.includes(c.tier) for c in claims)
    if wants_gpu and not s.allow_cpu and machine.accelerator() is None:
        raise UsageError(
            f"the gpu tier (or a claim that requires a GPU) needs an accelerator, and the "
            f"{machine.backend()} backend sees none here ({machine.describe()['device']}); install a CUDA build "
            "(docs/gpu-tier.md) or pass --allow-cpu to run it on the CPU anyway (by the claims' "
            "own cost, hours to days)")
