"""Planning: the training runs the selected claims share, one per (listings, seed), every value they read.

Each claim's kind says which runs it will read (``Kind.plan``); runs with one key are joined into
one job that reads the union of their values. A claim that cannot run here (broken, unknown
kind, above the run's tier, missing a resource) plans nothing: it says why when it is decided.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..core.errors import ClaimError, Skip
from ..kinds import registry
from ..resources import registry as resources
from .jobs import Job


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    cached: int = 0
    device: str = "CPU"
    training: set[str] = field(default_factory=set)  # the claims that read these runs


class Planner:
    """Plans the runs; remembers every job planned, so a claim reads the joined job of its key."""

    def __init__(self, settings, replaying: bool = False):
        self.settings = settings
        self.replaying = replaying
        self.jobs: dict[str, Job] = {}

    def usable(self, claim) -> bool:
        if claim.problems or claim.kind not in registry() or not self.settings.includes(claim.tier):
            return False
        return self.replaying or not resources.missing(claim.requires, self.settings)

    def plan(self, claims, ctx) -> tuple[list[Job], set[str]]:
        """The jobs of ``claims`` (resolved for the stack, measured in ``ctx``), runs of one key joined
        into one job, and the claims that read them."""
        joined: dict[str, Job] = {}
        training = set()
        for claim in claims:
            if not self.usable(claim):
                continue
            try:
                jobs = registry()[claim.kind].plan(claim, ctx)
            except (ClaimError, Skip):
                continue  # the claim itself will say so when it runs
            if jobs:
                training.add(claim.id)
            for job in jobs:
                join(joined, job)
        self.jobs.update(joined)
        return list(joined.values()), training

    def planned(self, fresh: Job) -> Job:
        """The planned job of ``fresh``'s key where it reads at least what ``fresh`` reads, else ``fresh``."""
        planned = self.jobs.get(fresh.key)
        return planned if planned is not None and set(fresh.values) <= set(planned.values) else fresh


def join(joined: dict[str, Job], job: Job) -> None:
    """Add ``job`` to ``joined`` (jobs by key): a run of a key already there reads the union of both's values."""
    old = joined.get(job.key)
    if old is None:
        joined[job.key] = job
    else:
        union = tuple(sorted(set(old.values) | set(job.values), key=str))
        joined[job.key] = replace(old, values=union, cost_s=max(old.cost_s, job.cost_s),
                                  share_s=max(old.share_s, job.share_s), label=min(old.label, job.label))
