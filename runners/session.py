"""One verify session: the service `claimcheck verify` and the pytest plugin both use.

A session loads and selects the claims, checks the run makes sense here (usage errors exit 2),
plans the training runs the claims share, trains them (in worker processes, in parallel, or a
shard's share of them), decides each claim, and finishes: results.json, the history store, the
errata draft and the report, and the exit status. The kinds see the session as their context:
``settings``, ``execution(claim)``, ``evaluate(claim, value)``, ``job(claim, item, seed)`` and
``record(job)``.

How a claim flows: spec (specs.py) -> the kind's ``plan`` (jobs) -> the executor (in process,
or a worker with the disk cache) -> the kind's ``run`` (a measurement and a verdict, stats.py for
stochastic kinds) -> a Result -> results.json, history, report, errata.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
import traceback as tb
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from claimcheck.runners import resources, specs
from claimcheck.runners.executor import Executor, Job
from claimcheck.runners.kinds import registry
from claimcheck.runners.listings import Program
from claimcheck.runners.schema import Claim
from claimcheck.runners.verdict import BAD, ClaimError, Result, Skip, Status

EXIT_OK, EXIT_BAD_CLAIMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The run cannot be what was asked for here (exit 2), e.g. the gpu tier without a GPU."""


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    cached: int = 0
    device: str = "CPU"
    training: set[str] = field(default_factory=set)  # the claims that read these runs


class Session:
    def __init__(self, settings, stream=None, runner: str = "cli", replay: dict | None = None):
        """``replay``: ``{"run": a shard's run record, "records": run records}``: decide claims from
        recorded training runs instead of running anything (``claimcheck merge``)."""
        self.settings = settings
        self.replay = replay
        self._stream = stream
        self.runner = runner
        self.run_id = uuid.uuid4().hex
        self.started = dt.datetime.now(dt.timezone.utc)
        self._t0 = time.perf_counter()
        self._executor: Executor | None = None
        self._jobs: dict[str, Job] = {}
        self._tags: tuple | None = None
        self.pending: list[str] = []  # a shard's claims left for `claimcheck merge`

    @property
    def stream(self):
        """Where progress goes: the given stream, else whatever sys.stderr is now."""
        return self._stream or sys.stderr

    # -- the environment --------------------------------------------------------------------
    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = Executor(self.settings, replay=self.replay["records"] if self.replay else None)
        return self._executor

    @property
    def tags(self) -> tuple:
        """The stack's names, most specific first: keras3-tensorflow, keras3, tensorflow."""
        if self._tags is None and self.replay:
            env = self.replay["run"]["environment"]
            self._tags = (env["stack"], f"keras{env['keras'].split('.')[0]}", env["backend"])
        if self._tags is None:
            from claimcheck.runners.environment import backend, keras_major, stack

            self._tags = (stack(), f"keras{keras_major()}", backend())
        return self._tags

    @property
    def as_printed(self) -> bool:
        if self.replay:
            return bool(self.replay["run"].get("as_printed"))
        return self.settings.as_printed or self.tags[1] == "keras2"

    @property
    def label(self) -> str:
        return self.settings.label or self.tags[0] + ("-as-printed" if self.settings.as_printed else "")

    # -- claims ---------------------------------------------------------------------------
    def load(self) -> list[Claim]:
        root = Path(self.settings.claims)
        claims = specs.select(specs.load(root), self.settings.keyword, self.settings.exclude)
        if not claims:
            what = " matching " + ", ".join(self.settings.keyword) if self.settings.keyword else ""
            raise UsageError(f"no claims found under {root}{what}")
        return claims

    def check_usage(self, claims: list[Claim]) -> None:
        s = self.settings
        if s.seeds is not None and s.seeds < 2:
            raise UsageError(f"--seeds {s.seeds}: a verdict needs the spread of at least 2 seeds")
        if s.jobs < 0 or (s.jobs_per_gpu is not None and s.jobs_per_gpu < 1):
            raise UsageError("--jobs takes 0 or more, --jobs-per-gpu 1 or more")
        wants_gpu = s.tier == "gpu" or any("gpu" in c.requires and s.includes(c.tier) for c in claims)
        if wants_gpu and not s.allow_cpu:
            from claimcheck.runners.environment import accelerator, backend, describe

            if accelerator() is None:
                raise UsageError(
                    f"the gpu tier (or a claim that requires a GPU) needs an accelerator, and the "
                    f"{backend()} backend sees none here ({describe()['device']}); install a CUDA build "
                    "(docs/gpu-tier.md) or pass --allow-cpu to run it on the CPU anyway (by the claims' "
                    "own cost, hours to days)")

    def _usable(self, claim: Claim) -> bool:
        if claim.problems or claim.kind not in registry() or not self.settings.includes(claim.tier):
            return False
        return self.replay is not None or not resources.missing(claim.requires, self.settings)

    # -- the kinds' context ------------------------------------------------------------------
    def program(self, claim: Claim, item: dict | None = None) -> Program:
        return Program.of(claim, item, self.as_printed)

    def execution(self, claim: Claim):
        return self.executor.execution(self.program(claim), claim.requires)

    def evaluate(self, claim: Claim, value):
        return self.executor.evaluate(self.program(claim), claim.requires, value)

    def cost(self, claim: Claim) -> float:
        from claimcheck.runners.environment import accelerator

        if self.replay:
            return 0.0
        name = "gpu_s" if accelerator() else "cpu_s"
        return float(claim.cost.get(name, claim.cost.get("cpu_s", 0)))

    def job(self, claim: Claim, item: dict, seed: int) -> Job:
        program = self.program(claim, item)
        fresh = self.executor.job(program, seed, claim.requires, [item["value"]], claim.id, self.cost(claim))
        planned = self._jobs.get(fresh.key)
        return planned if planned is not None and set(fresh.values) <= set(planned.values) else fresh

    def record(self, job: Job) -> dict:
        return self.executor.record(job, self.stream)

    # -- planning and training ---------------------------------------------------------------
    def plan(self, claims: list[Claim]) -> Plan:
        """The training runs the claims share: one per (listings, seed), every value they read."""
        merged: dict[str, Job] = {}
        training = set()
        for claim in claims:
            claim, _ = specs.for_stack(claim, self.tags) if not claim.problems else (claim, None)
            if not self._usable(claim):
                continue
            try:
                jobs = registry()[claim.kind].plan(claim, self)
            except (ClaimError, Skip):
                continue  # the claim itself will say so when it runs
            if jobs:
                training.add(claim.id)
            for job in jobs:
                old = merged.get(job.key)
                if old is None:
                    merged[job.key] = job
                else:
                    union = tuple(sorted(set(old.values) | set(job.values), key=str))
                    merged[job.key] = replace(old, values=union, cost_s=max(old.cost_s, job.cost_s))
        self._jobs.update(merged)
        jobs = list(merged.values())
        cached = sum(1 for j in jobs if self.executor.is_cached(j))
        if self.replay:
            device = "recorded runs"
        else:
            from claimcheck.runners.environment import accelerator

            device = accelerator() or "CPU"
        return Plan(jobs, cached, device, training)

    @property
    def planned_jobs(self) -> list[Job]:
        """Every training run planned in this session."""
        return list(self._jobs.values())

    def train(self, jobs: list[Job]) -> None:
        self.executor.run_jobs(jobs, self.stream)

    # -- deciding -------------------------------------------------------------------------
    def run_claim(self, claim: Claim) -> Result:
        """Measure and decide one claim. Never raises: a crash becomes an ``error`` result."""
        result = Result.of(claim)
        start = time.perf_counter()
        try:
            if claim.problems:
                raise ClaimError(f"invalid spec at {claim.where}: " + "; ".join(claim.problems))
            claim, variant = specs.for_stack(claim, self.tags)
            if not self.settings.includes(claim.tier):
                missing = resources.missing(claim.requires, self.settings)
                raise Skip(f"tier '{claim.tier}' claim; this run is tier '{self.settings.tier}'"
                           + "".join(f"; also: {m.reason}" for m in missing),
                           "; ".join([f"run `claimcheck verify --tier {claim.tier}`"] + [m.fix for m in missing]))
            if self.replay is None:
                resources.ensure(claim.requires, self.settings)
            verdict = registry()[claim.kind].run(claim, self)
            result.status, result.observed = verdict.status, verdict.observed
            result.reason, result.details = verdict.reason, dict(verdict.details)
            if variant:
                result.details["variant"] = variant
            self._known_erratum(claim, result)
        except Skip as skip:
            result.status, result.reason, result.fix = Status.SKIPPED, skip.reason, skip.fix
        except ClaimError as exc:
            result.status, result.reason = Status.ERROR, f"{claim.where}: {exc}"
            result.traceback = getattr(exc, "traceback", "") or "".join(tb.format_exception(exc))
        except Exception as exc:  # a crash of the harness or the book's code: an error, with traceback
            result.status = Status.ERROR
            result.reason = f"{claim.where}: {type(exc).__name__}: {exc}"
            result.traceback = "".join(tb.format_exception(exc))
        result.duration_s = round(time.perf_counter() - start, 4)
        result.environment = self.environment()
        return result

    def environment(self) -> dict:
        if self.replay:
            return self.replay["run"]["environment"]
        from claimcheck.runners.environment import describe

        return describe()

    @staticmethod
    def _known_erratum(claim: Claim, result: Result) -> None:
        if not claim.known_erratum:
            return
        result.details["known_erratum"] = claim.known_erratum
        if result.status is Status.FAILED:
            result.status = Status.KNOWN_ERRATUM
            result.reason = f"known erratum ({claim.known_erratum}): {result.reason}"
        elif result.status is Status.PASSED:  # strict, like pytest's xfail(strict=True)
            result.status = Status.ERROR
            result.reason = (f"marked as a known erratum ({claim.known_erratum}) but the measurement "
                             "agrees with it: the erratum is fixed, or the mark is wrong; remove known_erratum")

    def run(self, claims: list[Claim]) -> list[Result]:
        """Plan, train what is missing, decide every claim; progress on the stream."""
        from claimcheck.runners import shards

        plan = self.plan(claims)
        jobs, decided = plan.jobs, claims
        if self.settings.shard:
            jobs, decided = shards.share(plan, claims, self, *self.settings.shard)
        if self.settings.progress:
            self._print_plan(claims, plan, jobs)
        self.train(jobs)
        results = []
        for n, claim in enumerate(decided, 1):
            result = self.run_claim(claim)
            results.append(result)
            if self.settings.progress:
                note = f" ({result.reason})" if result.status is not Status.PASSED and result.reason else ""
                print(f"[{n}/{len(decided)}] {result.status.value.upper():13} {claim.id} "
                      f"{result.duration_s:.2f}s{note}", file=self.stream, flush=True)
        return results

    def _print_plan(self, claims, plan: Plan, jobs) -> None:
        """What the run will do, before it starts: the training runs, how many are cached, the time."""
        s = self.settings
        todo = [j for j in jobs if not self.executor.is_cached(j)]
        workers = self.executor.worker_count()
        where = f"{len(todo)} to train on the {plan.device}" + (
            ", in this process" if self.executor.in_process else f", {workers} at a time" if workers > 1 else "")
        shard = f"; shard {s.shard[0]}/{s.shard[1]}: {len(jobs)} of them" if s.shard else ""
        estimate = sum(j.cost_s for j in todo) / max(1, workers)  # from each claim's cost on this device
        print(f"claimcheck: {len(claims)} claim{'s' if len(claims) != 1 else ''}, tier {s.tier}, {self.label}"
              f"{' (as printed)' if self.as_printed else ''}; {len(plan.jobs)} training runs ({plan.cached} "
              f"cached; {where}){shard}, estimated {estimate / 60:.1f} min of training"
              + (" [exploratory: --seeds]" if s.exploratory else ""), file=self.stream, flush=True)

    # -- finishing ------------------------------------------------------------------------
    def run_record(self) -> dict:
        from claimcheck.runners import history

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
            "commit": history.git_commit(Path(__file__).parent),
            "training": {"trained": self.executor.trained, "reused": self.executor.reused} if self._executor else {},
            **({"shard": list(s.shard)} if s.shard else {}),
        }

    def finish(self, results: list[Result], claims: list[Claim] | None = None, run: dict | None = None) -> int:
        """Write results.json, history, errata and report; return the exit status."""
        from claimcheck.reports import errata, html
        from claimcheck.runners import coverage, history
        from claimcheck.runners import results as results_file

        s = self.settings
        run = run or self.run_record()
        out = Path(s.out)
        json_path = results_file.write(results, run, out / "results.json")
        extra = {}
        if not s.no_history and not s.shard:
            store = Path(s.history)
            history.append(run, json.loads(json_path.read_text())["results"], store)
            df = history.table(store)
            extra["changes"] = {c.id: c for c in history.changes(df, run["run_id"])}
            extra["series"] = {r.id: history.series(df, r.id) for r in results}
            extra["store"] = str(store)
        all_claims = claims if claims is not None else specs.load(Path(s.claims))
        errata_path = errata.write(results, run, all_claims, out / "errata.md")
        extra["coverage"] = coverage.for_claims(Path(s.claims))
        html_path = html.write(results, run, out / "report.html", errata="errata.md", **extra)
        counts = results_file.counts(results)
        if self.runner != "pytest":  # the summary is the command's output; progress went to stderr
            print(", ".join(f"{n} {k}" for k, n in counts.items() if n) + f" in {run['seconds']:.1f}s")
            print(f"wrote {json_path}, {html_path} and {errata_path}")
        return self.exit_status(results, extra.get("changes"))

    def exit_status(self, results: list[Result], changes: dict | None = None) -> int:
        bad = {*BAD, *(Status(x) for x in self.settings.fail_on)}
        if self.settings.new_failures_only and changes is not None:
            new = [c for c in changes.values() if c.new_failure]
            known = [c for c in changes.values() if c.flag == "known-failure"]
            print(f"{len(new)} new failures, {len(known)} known failures")
            return EXIT_BAD_CLAIMS if new else EXIT_OK
        return EXIT_BAD_CLAIMS if any(r.status in bad for r in results) else EXIT_OK

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()


def verify(settings, stream=None) -> int:
    """`claimcheck verify`: the whole session, with its exit status."""
    session = Session(settings, stream)
    try:
        claims = session.load()
        session.check_usage(claims)
        results = session.run(claims)
        if settings.shard:
            from claimcheck.runners import shards

            return shards.finish_shard(session, results)
        return session.finish(results)
    except UsageError as exc:
        print(f"claimcheck: {exc}", file=stream or sys.stderr)
        return EXIT_USAGE
    finally:
        session.close()
