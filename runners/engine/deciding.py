"""Deciding one claim: measured by its kind, as a Result. Never raises: a crash is an ``error`` result.

A claim above the run's tier, or missing a resource, is ``skipped`` with the reason and the fix,
unless it names readers' runs (``evidence``): then it is decided from them, and the result says
so (``evidence: reader runs``, counted apart from measured verdicts), with the fix that would
measure it here.
A known erratum that fails is ``known-erratum``; one that passes is an ``error`` (the erratum
is fixed, or the mark is wrong), like pytest's strict xfail.
"""
from __future__ import annotations

import json
import math
import time
import traceback as tb

from ..claim.schema import Claim
from ..claim.variants import ClaimOnStack
from ..claim.verdict import Result, Status
from ..core.errors import ClaimError, Skip
from ..kinds import registry
from ..resources import registry as resources


def decide(claim: ClaimOnStack, ctx, replaying: bool = False) -> Result:
    """Measure and decide ``claim`` (resolved for this run's stack) in ``ctx`` (the kinds' context)."""
    settings = ctx.settings
    result = Result.of(claim)
    start = time.perf_counter()
    try:
        if claim.problems:
            raise ClaimError(f"invalid spec at {claim.where}: " + "; ".join(claim.problems))
        if not settings.includes(claim.tier):
            missing = resources.missing(claim.requires, settings)
            raise Skip(f"tier '{claim.tier}' claim; this run is tier '{settings.tier}'"
                       + "".join(f"; also: {m.reason}" for m in missing),
                       "; ".join([f"run `claimcheck verify --tier {claim.tier}`"] + [m.fix for m in missing]))
        if not replaying:
            resources.ensure(claim.requires, settings)
        verdict = registry()[claim.kind].run(claim, ctx)
        result.status, result.observed = verdict.status, verdict.observed
        result.reason, result.details = verdict.reason, dict(verdict.details)
        if claim.variant:
            result.details["variant"] = claim.variant
        known_erratum(claim, result)
    except Skip as skip:
        result.status, result.reason, result.fix = Status.SKIPPED, skip.reason, skip.fix
        _from_evidence(claim, result, skip)
    except ClaimError as exc:
        result.status, result.reason = Status.ERROR, f"{claim.where}: {exc}"
        result.traceback = getattr(exc, "traceback", "") or "".join(tb.format_exception(exc))
    except Exception as exc:  # a crash of the harness or the book's code: an error, with traceback
        result.status = Status.ERROR
        result.reason = f"{claim.where}: {type(exc).__name__}: {exc}"
        result.traceback = "".join(tb.format_exception(exc))
    result.duration_s = round(time.perf_counter() - start, 4)
    return result


def _from_evidence(claim: Claim, result: Result, skip: Skip) -> None:
    """A claim that cannot run here, decided from the readers' runs it names (if it names any)."""
    kind = registry().get(claim.kind)
    if not claim.evidence or kind is None:
        return
    try:
        verdict = kind.from_evidence(claim, skip.reason)
    except ClaimError as exc:
        result.status, result.reason = Status.ERROR, f"{claim.where}: evidence: {exc}"
        return
    if verdict is None:  # the kind is never decided from readers' runs: the claim stays skipped
        return
    result.status, result.observed = verdict.status, verdict.observed
    result.reason, result.details = verdict.reason, dict(verdict.details)
    result.evidence = "reader runs"
    result.fix = f"to measure it here: {skip.fix}" if skip.fix else ""
    known_erratum(claim, result)


def known_erratum(claim: Claim, result: Result) -> None:
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


MAX_SENT_TEXT = 64 << 10  # characters of a reason, fix or traceback a program's process sends back
MAX_SENT_DATA = 1 << 20  # bytes of its observed value and details, as JSON
SET_HERE = ("evidence", "stack")  # details only this process sets (claims decided over recorded runs)


def _text(value) -> str:
    """A text the process sent, at most MAX_SENT_TEXT characters: its head and its tail (where a
    reason ends with what the claim states) kept, the middle cut and counted."""
    text = value if isinstance(value, str) else ""
    if len(text) <= MAX_SENT_TEXT:
        return text
    half = MAX_SENT_TEXT // 2
    return f"{text[:half]} [{len(text) - 2 * half:,} characters cut] {text[-half:]}"


def _plain(value, what: str):
    """``value`` where it is plain JSON data of at most MAX_SENT_DATA bytes; else a ClaimError."""
    try:
        size = len(json.dumps(value, allow_nan=True))
    except (TypeError, ValueError) as exc:
        raise ClaimError(f"its {what} is not plain data ({exc})") from None
    if size > MAX_SENT_DATA:
        raise ClaimError(f"its {what} is {size:,} bytes as JSON, over {MAX_SENT_DATA:,}")
    return value


def confirm(claim: ClaimOnStack, sent: Result) -> Result:
    """A result that came back from a program's process (the sandbox), made here (issue 36, item 3):
    what the claim states (id, title, expected, source, ...) from its spec, never from the process;
    from the process only its measurement (``observed``, plain and bounded), its words (reason, fix,
    traceback: text, bounded), its details (plain data, bounded, without what only this process sets)
    and its time; and its verdict checked here against that measurement by the kind's rule, so that a
    listing that changed the harness in its process cannot pass a wrong claim."""
    result = Result.of(claim)
    result.reason, result.fix, result.traceback = _text(sent.reason), _text(sent.fix), _text(sent.traceback)
    duration = sent.duration_s
    result.duration_s = float(duration) if isinstance(duration, (int, float)) and not isinstance(duration, bool) \
        and math.isfinite(duration) and duration >= 0 else 0.0
    try:
        details = sent.details if isinstance(sent.details, dict) else {}
        result.details = _plain({k: v for k, v in details.items() if k not in SET_HERE}, "details")
        result.observed = _plain(sent.observed, "measurement")
        result.status = sent.status if isinstance(sent.status, Status) else Status(sent.status)
    except (ClaimError, ValueError) as exc:
        result.status = Status.ERROR
        result.reason = f"{claim.where}: the program's process sent back a result claimcheck cannot take: {exc}"
        return result
    if result.status not in (Status.PASSED, Status.FAILED, Status.KNOWN_ERRATUM) or claim.problems:
        return result
    kind = registry().get(claim.kind)
    ok = kind.agrees(claim, result.observed) if kind is not None else None
    if ok is None:
        return result
    expected = Status.PASSED if ok else Status.FAILED
    if claim.known_erratum:
        expected = Status.KNOWN_ERRATUM if expected is Status.FAILED else Status.ERROR
    if expected is not result.status:
        told = result.status.value
        result.status = Status.ERROR
        result.reason = (f"{claim.where}: the program's process said {told}, but its measurement "
                         f"{result.observed!r} gives {expected.value} by the {claim.kind} rule: a listing "
                         "changed the harness while it ran, so this claim cannot be decided")
    return result
