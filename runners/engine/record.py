"""What a run was: the record results.json, the history and a shard's output carry beside the results."""
from __future__ import annotations

from pathlib import Path

from ..environment.machine import git_commit
from . import harness
from .stack import Stack


def run_record(settings, stack: Stack, *, run_id: str, runner: str, started, seconds: float,
               interrupted: bool, executor=None, confinement=None, canaries=None) -> dict:
    """The run's record: its settings, stack, selection and training, as plain data."""
    s = settings
    return {
        "run_id": run_id, "runner": runner, "claims_dir": str(s.claims), "tier": s.tier,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2), "environment": stack.environment(),
        "stack": stack.tags[0], "label": stack.label, "as_printed": stack.as_printed,
        "exploratory": s.exploratory, "seeds": s.seeds,
        "selection": {"keyword": list(s.keyword), "exclude": list(s.exclude)},
        "fail_on": sorted({"failed", "error", *s.fail_on}),
        "data_dir": str(s.data_dir) if s.data_dir else None,
        "commit": git_commit(Path(__file__).parent), "harness": harness.digest(),
        **({"interrupted": True} if interrupted else {}),
        "training": {"trained": executor.trained, "reused": executor.reused} if executor is not None else {},
        **({"shard": list(s.shard)} if s.shard else {}),
        **({"confinement": confinement.to_dict()} if confinement is not None else {}),
        **({"canary": [c.to_dict() for c in canaries]} if canaries is not None else {}),
    }
