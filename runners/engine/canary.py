"""The canary (issue 38, item 3): a recorded reference's first run, trained again here, must give the
value it recorded, to the last digit.

`claimcheck reference` records a claim's runs under named numerics (the stack's versions, the
pinned instruction set and thread count, the device). Where this machine's are the same, the
program on the same seed must repeat its value exactly: the cache key and the references' offsets
lean on it. A difference is a finding about this machine's numerics, printed before anything else
and kept in the run record (results.json, the top of the report); it is never a verdict of the book
and leaves the exit status to the claims. ``claimcheck verify --canary`` runs it (the nightly does);
a reference recorded under other numerics is named as not comparable, never compared.
"""
from __future__ import annotations

import concurrent.futures
from dataclasses import asdict, dataclass

from ..claim import values
from ..claim.references import elsewhere
from ..claim.variants import references_of
from ..core.errors import ClaimError, Skip
from ..kinds import registry
from .planning import join

SAME, DIFFERS, NOT_COMPARABLE, FAILED = "same", "differs", "not comparable", "failed"
STACK = ("python", "keras", "tensorflow", "backend")  # what a recorded run names of the stack it ran on
DIGITS = 6  # `claimcheck reference` records values at 6 decimals: the canary compares at the same


@dataclass
class Canary:
    reference: str  # its name in references.yaml
    file: str  # that references.yaml
    claim: str  # the claim whose program is trained again
    seed: int
    recorded: float
    outcome: str = ""
    measured: float | None = None
    why: str = ""

    def line(self) -> str:
        what = f"{self.reference} ({self.claim}), seed {self.seed}: recorded {self.recorded:g}"
        if self.outcome == SAME:
            return f"{what}, the same here"
        if self.outcome == DIFFERS:
            return (f"{what}, {self.measured!r} here: this machine's numerics differ from the recording's "
                    "(a finding about the machine, not the book)")
        return f"{what}: {self.outcome}: {self.why}"

    def to_dict(self) -> dict:
        return asdict(self)


def not_comparable(entry: dict, here: dict) -> str | None:
    """Why a recorded run need not repeat on ``here`` (the machine's description), or None."""
    env = entry.get("environment") or {}
    differ = [f"{k} {env.get(k)} (this run {here.get(k)})" for k in STACK if str(env.get(k)) != str(here.get(k))]
    if differ:
        return "recorded on another stack: " + ", ".join(differ)
    why = elsewhere(entry, here)
    return f"recorded under {why}" if why else None


def _first_runs(claims, ctx, usable, here) -> tuple[list[Canary], dict, dict]:
    """The canaries of ``claims`` (on the run's stack), each recorded reference once; the jobs to
    train (by key, runs of one program and seed joined); each comparable canary's (key, value key)."""
    canaries, jobs, reads, seen = [], {}, {}, set()
    for claim in claims:
        kind = registry().get(claim.kind)
        if kind is None or not kind.stochastic or not usable(claim):
            continue
        try:
            entries = references_of(claim)
        except ClaimError:
            continue  # the claim says so when it is decided
        for item, name in kind.recorded_runs(claim):
            entry = entries.get(name) or {}
            seeds, vals = entry.get("seeds") or [], entry.get("values") or []
            if entry.get("source") != "recorded" or not seeds or len(seeds) != len(vals):
                continue  # readers' runs, or values without their seeds: nothing this machine can repeat
            if (entry["file"], name) in seen:
                continue
            seen.add((entry["file"], name))
            canary = Canary(name, entry["file"], claim.id, int(seeds[0]), float(vals[0]))
            canaries.append(canary)
            why = not_comparable(entry, here)
            if why:
                canary.outcome, canary.why = NOT_COMPARABLE, why
                continue
            try:
                job = ctx.job(claim, item, canary.seed)
            except (ClaimError, Skip) as exc:
                canary.outcome, canary.why = FAILED, str(exc)
                continue
            join(jobs, job)
            reads[id(canary)] = (job.key, values.key(item["value"]))
    return canaries, jobs, reads


def _train(executor, jobs: dict) -> dict:
    """Each job trained now (``--jobs`` at a time), no cache: its record, or the exception it raised."""
    done: dict = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, executor.worker_count())) as threads:
        futures = {threads.submit(executor.fresh, job): key for key, job in jobs.items()}
        for future in concurrent.futures.as_completed(futures):
            try:
                done[futures[future]] = future.result()
            except Exception as exc:  # noqa: BLE001 - a canary that cannot train says why, the run goes on
                done[futures[future]] = exc
    return done


def check(claims, ctx, usable, here: dict, say) -> list[Canary]:
    """Train each comparable recorded reference's first seed again and compare; ``say`` prints a line."""
    canaries, jobs, reads = _first_runs(claims, ctx, usable, here)
    if not canaries:
        say("canary: no recorded reference among the selected claims")
        return []
    if jobs:
        say(f"canary: training {len(jobs)} recorded first run(s) again, no cache")
    trained = _train(ctx.executor, jobs) if jobs else {}
    for canary in canaries:
        if id(canary) not in reads:
            continue
        key, value_key = reads[id(canary)]
        record = trained.get(key)
        if isinstance(record, Exception) or record is None or record.get("failed"):
            canary.outcome = FAILED
            canary.why = str(record if isinstance(record, Exception) else (record or {}).get("failed", "not trained"))
            continue
        value = record.get("values", {}).get(value_key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            canary.outcome, canary.why = FAILED, str(record.get("errors", {}).get(value_key) or f"no value: {value!r}")
            continue
        canary.measured = float(value)
        canary.outcome = SAME if round(float(value), DIGITS) == round(canary.recorded, DIGITS) else DIFFERS
    for canary in sorted(canaries, key=lambda c: c.outcome != DIFFERS):  # a difference first
        say("canary: " + canary.line())
    return canaries
