"""One verify session: what `claimcheck verify`, `claimcheck merge` and the pytest plugin run claims in.

A session loads and selects the claims, plans the training runs they share (planning.py), trains
them (the executor: in worker processes, in parallel, or a shard's share of them), and decides
each claim (deciding.py), with progress on stderr (progress.py). It is the kinds' context
(kinds/_base.py ``Context``): ``settings``, ``execution(claim)``, ``evaluate(claim, value)``,
``job(claim, item, seed)`` and ``record(job)``. Writing what a run found (results.json, the
history, the report) is the service's (service/finish.py), not the engine's.

How a claim flows: spec (catalog/) -> the kind's ``plan`` (jobs) -> the executor (in process,
or a worker with the disk cache) -> the kind's ``run`` (a measurement and a verdict, stats/ for
stochastic kinds) -> a Result.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path

from ..catalog.loader import load
from ..catalog.selection import for_stack, select
from ..claim.listings import Program
from ..claim.schema import Claim
from ..claim.verdict import Result, Status
from ..environment.machine import git_commit
from ..kinds import registry
from . import harness, shards
from .deciding import confirm, decide
from .executor import Executor, Job
from .planning import Plan, Planner
from .progress import Progress
from .sandbox import Sandbox
from .stack import Stack
from .usage import UsageError, check_usage


def interrupted(claim: Claim) -> Result:
    """The result of a claim that Ctrl-C kept from running: an error of the run, never of the book."""
    result = Result.of(claim)
    result.status = Status.ERROR
    result.reason = f"{claim.where}: not decided: the run was interrupted (Ctrl-C) before this claim ran"
    return result


class Session:
    def __init__(self, settings, stream=None, runner: str = "cli", replay: dict | None = None):
        """``replay``: ``{"run": a shard's run record, "records": run records}``: decide claims from
        recorded training runs instead of running anything (``claimcheck merge``)."""
        self.settings = settings
        self.replay = replay
        self._stream = stream
        self.runner = runner
        self.run_id = uuid.uuid4().hex
        self.started = dt.datetime.now(dt.UTC)
        self._t0 = time.perf_counter()
        self._executor: Executor | None = None
        self.stack = Stack(settings, replay["run"] if replay else None)
        self.planner = Planner(settings, replaying=replay is not None)
        self.progress = Progress(settings, lambda: self.stream)
        self.pending: list[str] = []  # a shard's claims left for `claimcheck merge`
        self._sandbox: Sandbox | None = None
        self._unsandboxed: list[Claim] = []  # planned claims the sandbox decides when first asked
        self._sandboxed: dict[str, Result] = {}
        self._interrupted = False
        self.to_train: list[Job] | None = None  # prepared, not yet trained (the pytest plugin)

    @property
    def stream(self):
        """Where progress goes: the given stream, else whatever sys.stderr is now."""
        return self._stream or sys.stderr

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = Executor(self.settings, replay=self.replay["records"] if self.replay else None)
        return self._executor

    # -- the stack --------------------------------------------------------------------------
    @property
    def tags(self) -> tuple:
        return self.stack.tags

    @property
    def as_printed(self) -> bool:
        return self.stack.as_printed

    @property
    def label(self) -> str:
        return self.stack.label

    def environment(self) -> dict:
        return self.stack.environment()

    # -- claims ---------------------------------------------------------------------------
    def load(self) -> list[Claim]:
        root = Path(self.settings.claims)
        claims = select(load(root), self.settings.keyword, self.settings.exclude)
        if not claims:
            what = " matching " + ", ".join(self.settings.keyword) if self.settings.keyword else ""
            raise UsageError(f"no claims found under {root}{what}")
        return claims

    def check_usage(self, claims: list[Claim]) -> None:
        check_usage(self.settings, claims)

    # -- the kinds' context ------------------------------------------------------------------
    def program(self, claim: Claim, item: dict | None = None) -> Program:
        return Program.of(claim, item, self.as_printed)

    def execution(self, claim: Claim):
        return self.executor.execution(self.program(claim), claim.requires)

    def evaluate(self, claim: Claim, value):
        return self.executor.evaluate(self.program(claim), claim.requires, value)

    def cost(self, claim: Claim) -> float:
        if self.replay:
            return 0.0
        name = "gpu_s" if self.stack.device() != "CPU" else "cpu_s"
        return float(claim.cost.get(name, claim.cost.get("cpu_s", 0)))

    def declared_cost(self, claim: Claim) -> float:
        """The claim's declared cost at this run's tier: what every host of a sharded run agrees on."""
        name = "gpu_s" if self.settings.tier == "gpu" else "cpu_s"
        return float(claim.cost.get(name, claim.cost.get("cpu_s", 0)))

    def job(self, claim: Claim, item: dict, seed: int) -> Job:
        program = self.program(claim, item)
        fresh = self.executor.job(program, seed, claim.requires, [item["value"]], claim.id, self.cost(claim),
                                  self.declared_cost(claim))
        return self.planner.planned(fresh)

    def record(self, job: Job) -> dict:
        return self.executor.record(job, self.stream)

    # -- planning, training, deciding --------------------------------------------------------
    def plan(self, claims: list[Claim]) -> Plan:
        """The training runs the claims share: one per (listings, seed), every value they read."""
        self._unsandboxed = [c for c in claims if self.in_sandbox(c)]
        jobs, training = self.planner.plan(claims, self, self.tags)
        cached = sum(1 for j in jobs if self.executor.is_cached(j))
        return Plan(jobs, cached, self.stack.device(), training)

    @property
    def planned_jobs(self) -> list[Job]:
        """Every training run planned in this session."""
        return list(self.planner.jobs.values())

    def train(self, jobs: list[Job]) -> None:
        self.executor.run_jobs(jobs, self.stream)

    # -- the sandbox ---------------------------------------------------------------------------
    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            # static programs are small: two at a time (or --jobs, where more) keeps the cores busy
            self._sandbox = Sandbox(self.settings, workers=max(self.executor.worker_count(), min(2, os.cpu_count() or 1)))
        return self._sandbox

    def warm_up(self) -> None:
        """Start the sandbox's fork server early, unless nothing will run in it."""
        if self.replay is None and not self.executor.in_process:
            self.sandbox.start()

    def in_sandbox(self, claim: Claim) -> bool:
        """Whether the claim runs a program of its own (decided in the sandbox), rather than reading
        training runs, or nothing (a broken or skipped claim, decided here). ``--jobs 0``: nothing is."""
        if self.replay is not None or self.executor.in_process or claim.problems:
            return False
        claim, _ = for_stack(claim, self.tags)
        kind = registry().get(claim.kind)
        return kind is not None and not kind.trains(claim) and self.planner.usable(claim)

    def _program_of(self, claim: Claim):
        try:
            claim, _ = for_stack(claim, self.tags)
            return (self.program(claim), tuple(claim.requires))
        except Exception:  # a claim whose program cannot even be named runs alone, and says why
            return ("alone", claim.id)

    def decide_in_sandbox(self, claims: list[Claim], on_group=None) -> None:
        """Decide ``claims`` in the sandbox, one process per program they share."""
        if not claims:
            return
        groups: dict = {}
        for claim in claims:
            groups.setdefault(self._program_of(claim), []).append(claim)
        by_id = {c.id: c for c in claims}

        def confirmed(results):
            for result in results:
                confirm(by_id[result.id], result, self.tags)
            if on_group is not None:
                on_group(results)

        self._sandboxed.update(self.sandbox.decide(list(groups.values()), self.tags, self.as_printed, confirmed))

    def run_claim(self, claim: Claim) -> Result:
        """Measure and decide one claim. Never raises: a crash becomes an ``error`` result."""
        if claim.id in self._sandboxed:
            result = self._sandboxed.pop(claim.id)
        elif self.in_sandbox(claim):  # with the other planned claims on its program (the pytest plugin)
            key = self._program_of(claim)
            group = [c for c in self._unsandboxed if c.id != claim.id and self._program_of(c) == key]
            self._unsandboxed = [c for c in self._unsandboxed if c not in group and c.id != claim.id]
            self.decide_in_sandbox([claim, *group])
            result = self._sandboxed.pop(claim.id)
        else:
            result = decide(claim, self, self.tags, replaying=self.replay is not None)
        result.environment = self.environment()
        return result

    def prepare(self, claims: list[Claim]) -> tuple[Plan, list[Job], list[Claim]]:
        """Plan the claims' runs and take this run's share (``--shard``): the plan, the jobs to train
        here, and the claims decided here (the others wait for ``claimcheck merge``)."""
        plan = self.plan(claims)
        jobs, decided = plan.jobs, claims
        if self.settings.shard:
            index, count = shards.resolve_index(self.settings.shard)
            self.settings.shard = (index, count)
            jobs, decided, self.pending = shards.share(plan, claims, index, count)
        self.to_train = jobs
        return plan, jobs, decided

    def train_planned(self) -> None:
        """Train this run's share of the planned runs at once (``--jobs`` at a time); the pytest
        plugin calls it before its first claim."""
        if self.to_train is not None:
            jobs, self.to_train = self.to_train, None
            self.train(jobs)

    def run(self, claims: list[Claim]) -> list[Result]:
        """Plan, train what is missing, decide every claim; progress on the stream."""
        plan, jobs, decided = self.prepare(claims)
        self.to_train = None
        todo = [j for j in jobs if not self.executor.is_cached(j)]
        self.progress.plan(claims=len(claims), label=self.label, as_printed=self.as_printed,
                           planned=len(plan.jobs), cached=plan.cached, device=plan.device, todo=todo,
                           shard_jobs=len(jobs), workers=self.executor.worker_count(),
                           in_process=self.executor.in_process)
        self.train(jobs)
        done = 0

        def show(result):
            nonlocal done
            done += 1
            self.progress.claim(done, len(decided), result)

        if not self.interrupted:
            try:
                self.decide_in_sandbox([c for c in decided if self.in_sandbox(c)],
                                       on_group=lambda results: [show(r) for r in results])
            except KeyboardInterrupt:
                self.interrupted = True
        self._unsandboxed = []
        results = []
        for claim in decided:
            sandboxed = claim.id in self._sandboxed
            if self.interrupted and not sandboxed and claim.id not in plan.training:
                result = interrupted(claim)  # never run: Ctrl-C came first
            else:
                result = self.run_claim(claim)  # a training claim reads what finished (the rest: errors)
            results.append(result)
            if not sandboxed:
                show(result)
        return results

    @property
    def interrupted(self) -> bool:
        """Whether Ctrl-C stopped this run (its results are what finished before it)."""
        return self._interrupted or (self._executor is not None and self._executor.interrupted)

    @interrupted.setter
    def interrupted(self, value: bool) -> None:
        self._interrupted = value

    # -- what the run was -------------------------------------------------------------------
    def run_record(self) -> dict:
        s = self.settings
        return {
            "run_id": self.run_id, "runner": self.runner, "claims_dir": str(s.claims), "tier": s.tier,
            "started": self.started.isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - self._t0, 2), "environment": self.environment(),
            "stack": self.tags[0], "label": self.label, "as_printed": self.as_printed,
            "exploratory": s.exploratory, "seeds": s.seeds,
            "selection": {"keyword": list(s.keyword), "exclude": list(s.exclude)},
            "fail_on": sorted({"failed", "error", *s.fail_on}),
            "data_dir": str(s.data_dir) if s.data_dir else None,
            "commit": git_commit(Path(__file__).parent), "harness": harness.digest(),
            **({"interrupted": True} if self.interrupted else {}),
            "training": {"trained": self.executor.trained, "reused": self.executor.reused} if self._executor else {},
            **({"shard": list(s.shard)} if s.shard else {}),
        }

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
        if self._executor is not None:
            self._executor.close()
