"""One verify session: what `claimcheck verify`, `claimcheck merge` and the pytest plugin run claims in.

A session takes the claims in (each resolved once for this run's stack: claim/variants.py), plans
the training runs they share (planning.py), trains them (the executor: in worker processes, or a
shard's share of them: shards.py), and decides each claim (deciding.py; the claims that run a program
of their own in the sandbox: sandboxed.py), with progress on stderr (progress.py). What a kind may
ask while it measures is the run's context (context.py); what the run was, its record (record.py).
Writing what a run found (results.json, the history, the report) is the service's, not the engine's.

How a claim flows: spec (catalog/) -> on_stack -> the kind's ``plan`` (jobs) -> the executor (in
process, or a worker with the disk cache) -> the kind's ``run`` (a measurement and a verdict, stats/
for stochastic kinds) -> a Result.

Its front-ends, and the calls each makes, in order (every one ends with ``close``):

=================  =========================================================================
verify             warm_up, load, check_usage, [canary], run, run_record (service/finish.py)
verify --shard     the same, then shard_records (service/shards.py ``finish_shard``)
pytest plugin      check_usage, prepare, train_planned, take + run_claim per test, run_record
merge              (replaying the shards' records) take, plan, run_claim per pending claim, run_record
reference          load, job per seed, train, record per job, environment
draft              warm_up, take, run (its probe of a drafted spec)
=================  =========================================================================
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
import uuid
from pathlib import Path

from ..catalog.loader import load, spec_files
from ..catalog.selection import select
from ..claim.schema import Claim
from ..claim.variants import ClaimOnStack, on_stack
from ..claim.verdict import Result, Status
from ..kinds import registry
from . import canary, imports, record, shards
from .context import RunContext
from .deciding import decide
from .executor import Executor, Job
from .planning import Plan, Planner
from .progress import Progress
from .sandboxed import SandboxedClaims
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
        recorded training runs instead of running anything (``claimcheck merge``). ``--shard auto/N``
        is resolved here (a UsageError when no job engine names the index)."""
        if settings.shard:
            settings = dataclasses.replace(settings, shard=shards.resolve_index(settings.shard))
        self.settings = settings
        self._stream = stream
        self.runner = runner
        self.run_id = uuid.uuid4().hex
        self.started = dt.datetime.now(dt.UTC)
        self._t0 = time.perf_counter()
        self.stack = Stack(settings, replay["run"] if replay else None)
        self.planner = Planner(settings, replaying=replay is not None)
        self.context = RunContext(settings, self.stack, self.planner, lambda: self.stream,
                                  replay["records"] if replay else None)
        self.sandboxed = SandboxedClaims(self.context)
        self.progress = Progress(settings, lambda: self.stream)
        self.pending: list[str] = []  # a shard's claims left for `claimcheck merge`
        self.shard_jobs: list[Job] = []  # a shard's share of the planned runs (their records go to the merge)
        self._interrupted = False
        self.to_train: list[Job] | None = None  # prepared, not yet trained (the pytest plugin)
        self.canaries: list[canary.Canary] | None = None  # --canary: the recorded first runs trained again

    @property
    def stream(self):
        """Where progress goes: the given stream, else whatever sys.stderr is now."""
        return self._stream or sys.stderr

    @property
    def executor(self) -> Executor:
        return self.context.executor

    @property
    def tags(self) -> tuple:
        return self.stack.tags

    def environment(self) -> dict:
        return self.stack.environment()

    # -- taking claims in ------------------------------------------------------------------
    def take(self, claims: list[Claim]) -> list[ClaimOnStack]:
        """The claims as they read on this run's stack: each claim's variant applied, once."""
        return [on_stack(c, self.tags) for c in claims]

    def load(self) -> list[ClaimOnStack]:
        root = Path(self.settings.claims)
        claims = select(load(root), self.settings.keyword, self.settings.exclude)
        if not claims:
            what = " matching " + ", ".join(self.settings.keyword) if self.settings.keyword else ""
            raise UsageError(f"no claims found under {root}{what}")
        return self.take(claims)

    def check_usage(self, claims: list[Claim]) -> None:
        check_usage(self.settings, claims)

    # -- planning and training --------------------------------------------------------------
    def plan(self, claims: list[Claim]) -> Plan:
        """The training runs the claims share: one per (listings, seed), every value they read."""
        claims = self.take(claims)
        self.sandboxed.expect(claims)
        jobs, training = self.planner.plan(claims, self.context)
        cached = sum(1 for j in jobs if self.executor.is_cached(j))
        return Plan(jobs, cached, self.stack.device(), training)

    def shard_records(self) -> list[tuple[Job, dict]]:
        """Each of this shard's runs with its record: the finished run's, or the failed run's with its
        reason (the merge needs both); runs with neither (interrupted) are left out."""
        failed = {r["key"]: r for r in self.executor.failed_records()}
        found = [(job, self.executor.cache.read(job.key) or failed.get(job.key)) for job in self.shard_jobs]
        return [(job, record) for job, record in found if record is not None]

    def job(self, claim: Claim, item: dict, seed: int) -> Job:
        return self.context.job(on_stack(claim, self.tags), item, seed)

    def record(self, job: Job) -> dict:
        return self.context.record(job)

    def train(self, jobs: list[Job]) -> None:
        self.executor.run_jobs(jobs, self.stream)

    def prepare(self, claims: list[Claim]) -> tuple[Plan, list[Job], list[ClaimOnStack]]:
        """Plan the claims' runs and take this run's share (``--shard``): the plan, the jobs to train
        here, and the claims decided here (the others wait for ``claimcheck merge``)."""
        claims = self.take(claims)
        plan = self.plan(claims)
        jobs, decided = plan.jobs, claims
        if self.settings.shard:
            jobs, decided, self.pending = shards.share(plan, claims, *self.settings.shard)
            self.shard_jobs = list(jobs)
            self.sandboxed.expect(decided)  # the other shards' claims are not this run's to decide
        self.to_train = jobs
        return plan, jobs, decided

    def train_planned(self) -> None:
        """Train this run's share of the planned runs at once (``--jobs`` at a time); the pytest
        plugin calls it before its first claim."""
        if self.to_train is not None:
            jobs, self.to_train = self.to_train, None
            self.train(jobs)

    def show_confinement(self) -> None:
        """At the run's top: whether programs run confined; always where they do not (never silently)."""
        if self.context.replaying:
            return
        confinement = self.sandboxed.confinement
        if self.settings.progress or not confinement.confined:
            print(confinement.line(), file=self.stream, flush=True)

    def warm_up(self) -> None:
        """Start the sandbox's fork server early (it imports the framework while the claims load); not
        where there is no spec to load (the run ends at once, and starts nothing it must stop)."""
        if spec_files(Path(self.settings.claims)):
            self.sandboxed.start()

    def canary(self, claims: list[Claim]) -> list[canary.Canary]:
        """``--canary``: each selected claim's recorded reference, its first seed trained again here
        (canary.py); said on the stream before anything else, kept in the run record."""
        say = lambda line: print(f"claimcheck: {line}", file=self.stream, flush=True)  # noqa: E731
        self.canaries = canary.check(self.take(claims), self.context, self.planner.usable, self.environment(), say)
        return self.canaries

    # -- deciding -----------------------------------------------------------------------------
    def run_claim(self, claim: Claim) -> Result:
        """Measure and decide one claim. Never raises: a crash becomes an ``error`` result."""
        claim = on_stack(claim, self.tags)
        result = self.sandboxed.result(claim)
        if result is None:
            result = decide(claim, self.context, replaying=self.context.replaying)
        result.environment = {**self.environment(), **self._program_environment(claim)}
        return result

    def _program_environment(self, claim: ClaimOnStack) -> dict:
        """The versions here of what the claim's program imports, and what its notebook's outputs were
        stored with (imports.py): a value a library moved is told apart from the book's error."""
        out: dict = {}
        try:
            found: dict = {}
            for item in registry()[claim.kind].measurements(claim):
                found.update(imports.libraries_of(self.context.program(claim, item)))
            if found:
                out["libraries"] = found
            stored = imports.stored_with(claim)
            if stored:
                out["notebook"] = stored
        except Exception:  # a claim whose program cannot be named says why in its own result
            pass
        return out

    def run(self, claims: list[Claim]) -> list[Result]:
        """Plan, train what is missing, decide every claim; progress on the stream."""
        plan, jobs, decided = self.prepare(claims)
        self.to_train = None
        self.show_confinement()
        todo = [j for j in jobs if not self.executor.is_cached(j)]
        self.progress.plan(claims=len(claims), label=self.stack.label, as_printed=self.stack.as_printed,
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
                self.sandboxed.run([c for c in decided if self.sandboxed.wants(c)],
                                   on_group=lambda results: [show(r) for r in results])
            except KeyboardInterrupt:
                self.interrupted = True
        self.sandboxed.forget_waiting()
        results = []
        for claim in decided:
            sandboxed = self.sandboxed.holds(claim)
            if self.interrupted and not sandboxed and claim.id not in plan.training:
                result = interrupted(claim)  # never run: Ctrl-C came first
            else:
                try:
                    result = self.run_claim(claim)  # a training claim reads what finished (the rest: errors)
                except KeyboardInterrupt:  # Ctrl-C while this claim ran here (--jobs 0): the rest are not run
                    self.interrupted = True
                    result = interrupted(claim)
            results.append(result)
            if not sandboxed:
                show(result)
        return results

    @property
    def interrupted(self) -> bool:
        """Whether Ctrl-C stopped this run (its results are what finished before it)."""
        return self._interrupted or (self.context.started and self.executor.interrupted)

    @interrupted.setter
    def interrupted(self, value: bool) -> None:
        self._interrupted = value

    # -- what the run was -------------------------------------------------------------------
    def run_record(self) -> dict:
        executor = self.executor if self.context.started else None
        return record.run_record(self.settings, self.stack, run_id=self.run_id, runner=self.runner,
                                 started=self.started, seconds=time.perf_counter() - self._t0,
                                 interrupted=self.interrupted, executor=executor, canaries=self.canaries,
                                 confinement=None if self.context.replaying else self.sandboxed.confinement)

    def close(self) -> None:
        self.sandboxed.close()
        self.context.close()
