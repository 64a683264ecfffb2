"""Running claims: one claim to one Result, whatever happens. Shared by the CLI and pytest."""
from __future__ import annotations

import sys
import time
import traceback as tb

from runners import requirements
from runners.context import RunContext
from runners.environment import describe
from runners.kinds import registry
from runners.kinds._stochastic import measurements, seeds_for
from runners.listings import ListingFailed, Program
from runners.schema import Claim
from runners.verdict import ClaimError, Result, Skip, Status


def _base(claim: Claim) -> Result:
    return Result(
        id=claim.id, kind=claim.kind, status=Status.ERROR, expected=claim.expected,
        tolerance=claim.tolerance, source=dict(claim.source), section=claim.section,
        section_title=claim.section_title, book=claim.book, chapter=claim.chapter,
        title=claim.title or claim.source.get("stated", ""), tier=claim.tier,
        file=str(claim.file), line=claim.line,
    )


def run_claim(claim: Claim, ctx: RunContext) -> Result:
    """Measure and decide one claim. Never raises: a crash becomes an ``error`` result."""
    result = _base(claim)
    start = time.perf_counter()
    try:
        if claim.problems:
            raise ClaimError(f"invalid spec at {claim.where}: " + "; ".join(claim.problems))
        if not ctx.config.includes(claim.tier):
            missing = requirements.missing(claim.requires, ctx)
            raise Skip(f"tier '{claim.tier}' claim; this run is tier '{ctx.config.tier}'"
                       + "".join(f"; also: {m.reason}" for m in missing),
                       "; ".join([f"run `claimcheck verify --tier {claim.tier}`"] + [m.fix for m in missing]))
        requirements.ensure(claim.requires, ctx)
        verdict = registry()[claim.kind].run(claim, ctx)
        result.status = verdict.status
        result.observed = verdict.observed
        result.reason = verdict.reason
        result.details = verdict.details
    except Skip as skip:
        result.status, result.reason, result.fix = Status.SKIPPED, skip.reason, skip.fix
    except ListingFailed as exc:
        result.status, result.reason, result.traceback = Status.ERROR, str(exc), exc.traceback
    except ClaimError as exc:
        result.status, result.reason = Status.ERROR, f"{claim.where}: {exc}"
        result.traceback = "".join(tb.format_exception(exc))
    except Exception as exc:  # a crash of the harness or the book's code: an error, with traceback
        result.status = Status.ERROR
        result.reason = f"{claim.where}: {type(exc).__name__}: {exc}"
        result.traceback = "".join(tb.format_exception(exc))
    result.duration_s = round(time.perf_counter() - start, 4)
    result.environment = describe()
    return result


def plan(claims: list[Claim], ctx: RunContext) -> dict:
    """Tell shared training runs what claims will read; estimate what the run will cost."""
    runs: dict[tuple, float] = {}
    for claim in claims:
        kind = registry().get(claim.kind)
        if claim.problems or kind is None or not hasattr(kind, "plan") or not ctx.config.includes(claim.tier):
            continue
        try:
            requirements.ensure(claim.requires, ctx)
        except Skip:
            continue  # it will be skipped, not trained
        kind.plan(claim, ctx)
        per_run = float(claim.cost.get("gpu_s" if ctx.config.tier == "gpu" else "cpu_s", 0))
        for item in measurements(claim):
            program = Program.of(claim, item)
            for seed in seeds_for(claim, ctx):
                key = (program, seed, tuple(claim.requires))
                runs[key] = max(runs.get(key, 0.0), per_run)
    cached = {k for k in runs if _cached(ctx, *k)}
    todo = {k: v for k, v in runs.items() if k not in cached}
    return {"training_runs": len(runs), "cached_runs": len(cached),
            "estimated_s": round(sum(todo.values()))}


def _cached(ctx, program, seed, requires) -> bool:
    try:
        return ctx.runs.is_cached(program, seed, requires)
    except Exception:  # a missing listing or resource: the claim itself will say so
        return False


def run_all(claims: list[Claim], ctx: RunContext, stream=sys.stderr) -> list[Result]:
    results = []
    total = len(claims)
    estimate = plan(claims, ctx)
    if ctx.config.progress:
        print(f"claimcheck: {total} claim{'s' if total != 1 else ''}, tier {ctx.config.tier}; {estimate['training_runs']} training "
              f"runs ({estimate['cached_runs']} cached), estimated {estimate['estimated_s'] / 60:.1f} min "
              "of training", file=stream, flush=True)
    for n, claim in enumerate(claims, 1):
        result = run_claim(claim, ctx)
        results.append(result)
        if ctx.config.progress:
            note = f" ({result.reason})" if result.status is not Status.PASSED and result.reason else ""
            print(f"[{n}/{total}] {result.status.value.upper():12} {claim.id} "
                  f"{result.duration_s:.2f}s{note}", file=stream, flush=True)
    return results
