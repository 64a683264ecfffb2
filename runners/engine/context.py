"""The kinds' context for one run (kinds/_base.py ``Context``): what a kind may ask while it measures.

A claim's program runs through the executor (in process for the static tier's claims, in a worker
with the disk cache for training runs); a training run a kind asks for is the planned one of its
key (planning.py), so claims that read one run share it.
"""
from __future__ import annotations

from ..claim.listings import Program
from ..claim.variants import ClaimOnStack
from .executor import Executor, Job
from .planning import Planner
from .stack import Stack


class RunContext:
    def __init__(self, settings, stack: Stack, planner: Planner, stream_of, replay_records: dict | None = None):
        self.settings = settings
        self.stack = stack
        self.planner = planner
        self._stream_of = stream_of  # looked up when used (pytest swaps sys.stderr)
        self._replay_records = replay_records
        self._executor: Executor | None = None

    @property
    def replaying(self) -> bool:
        """Whether claims are decided from recorded training runs (``claimcheck merge``)."""
        return self._replay_records is not None

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = Executor(self.settings, replay=self._replay_records)
        return self._executor

    @property
    def started(self) -> bool:
        """Whether the executor exists (it starts when first asked for)."""
        return self._executor is not None

    def program(self, claim: ClaimOnStack, item: dict | None = None) -> Program:
        return Program.of(claim, item, self.stack.as_printed)

    def execution(self, claim: ClaimOnStack):
        return self.executor.execution(self.program(claim), claim.requires)

    def again(self, claim: ClaimOnStack):
        return self.executor.again(self.program(claim), claim.requires)

    def evaluate(self, claim: ClaimOnStack, value):
        return self.executor.evaluate(self.program(claim), claim.requires, value)

    def cost(self, claim: ClaimOnStack) -> float:
        """The claim's declared cost on this run's device (none when replaying)."""
        if self.replaying:
            return 0.0
        name = "gpu_s" if self.stack.device() != "CPU" else "cpu_s"
        return float(claim.cost.get(name, claim.cost.get("cpu_s", 0)))

    def declared_cost(self, claim: ClaimOnStack) -> float:
        """The claim's declared cost at this run's tier: what every host of a sharded run agrees on."""
        name = "gpu_s" if self.settings.tier == "gpu" else "cpu_s"
        return float(claim.cost.get(name, claim.cost.get("cpu_s", 0)))

    def job(self, claim: ClaimOnStack, item: dict, seed: int) -> Job:
        program = self.program(claim, item)
        fresh = self.executor.job(program, seed, claim.requires, [item["value"]], claim.id, self.cost(claim),
                                  self.declared_cost(claim))
        return self.planner.planned(fresh)

    def record(self, job: Job) -> dict:
        return self.executor.record(job, self._stream_of())

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
