"""comparison: a statistic of two measurements on the same seeds ("99.1% vs 97.8%", "about 60% less error").

The statistic is judged on the seeds pooled: a difference is the mean of a minus the mean of b;
an error reduction is ``1 - mean error of a / mean error of b`` (a per-seed ratio divides by
each seed's small error of b, and one seed with a low error of b swings it). Its spread over seeds
is that of its per-seed contributions (:func:`pooled_error_reduction`: the delta method, whose
values average to the pooled statistic), so the rule's t-interval is the pooled statistic's.
The reference's scale is the same statistic over its seeds, paired, after the outlier rule
(stats.screen) has left out (and listed) any odd seed.

A claim whose band covers more than half of its statistic's range (:data:`RANGES`) cannot fail
on any run: it is invalid at ``claimcheck validate``, naming the spec's file and line.

**An effect must show** (issue 38). A stated difference or error reduction says one side beats the
other; no effect (0) is its opposite. ``validate`` refuses a claim whose band holds 0 (a run where
a is no better than b would pass it: :func:`no_effect_problem`), and a verdict passes only where its
seeds' interval excludes 0 on the stated side; otherwise it is inconclusive, naming the interval
(:func:`effect_shown`). Zero spread (two sides that give the same values) is a verdict, not a division.
"""
from __future__ import annotations

from .. import stats
from ..claim import values
from ..claim.schema import Rule, check_fields
from ..claim.verdict import Status, Verdict
from ..core.errors import ClaimError, Skip
from ._base import Kind
from ._stochastic import (
    MEASUREMENT_FIELDS,
    SEEDS_FIELD,
    StochasticKind,
    check_seeds,
    measure,
    paired,
    seeds_for,
    stated_suggestion,
    verdict_over_seeds,
)

STATISTICS = {
    "difference": lambda a, b: a - b,
    # of accuracies: how much of b's error rate a removes
    "relative_error_reduction": lambda a, b: 1 - (1 - a) / (1 - b),
}


def pooled_error_reduction(a: list, b: list) -> list[float]:
    """Per-seed values whose mean is the pooled error reduction ``s = 1 - ea/eb`` (ea, eb the mean
    errors 1 - accuracy) and whose sd is its delta-method sd per seed: ``s - (ea_i - r·eb_i)/eb``,
    r = ea/eb."""
    ea, eb = [1 - x for x in a], [1 - y for y in b]
    mean_a, mean_b = sum(ea) / len(ea), sum(eb) / len(eb)
    r = mean_a / mean_b
    return [1 - r - (x - r * y) / mean_b for x, y in zip(ea, eb)]


# the per-seed values a verdict and a reference's scale use: their mean is the pooled statistic
POOLED = {
    "difference": lambda a, b: [x - y for x, y in zip(a, b)],
    "relative_error_reduction": pooled_error_reduction,
}

# the range of each statistic of two accuracies a band may cover at most half of: a difference runs
# from -1 to 1; an error reduction from none of b's error removed (0) to all of it (1)
RANGES = {"difference": (-1.0, 1.0), "relative_error_reduction": (0.0, 1.0)}
RANGE_SHARE = 0.5


def band_problem(claim, stated_: stats.Stated, ref: stats.Reference) -> str | None:
    """Why the claim's band leaves nothing to fail (it covers more than RANGE_SHARE of the
    statistic's range), or None."""
    low, high = stats.band(stated_, ref.sd, ref.drift)
    r_low, r_high = RANGES[claim.measure["statistic"]]
    covered = max(0.0, min(high, r_high) - max(low, r_low)) / (r_high - r_low)
    if covered <= RANGE_SHARE:
        return None
    return (f"expected: its band [{low:.4g}, {high:.4g}] (reference sd {ref.sd:.3g}, {ref.runs} runs) covers "
            f"{covered:.0%} of the {claim.measure['statistic']}'s range [{r_low:g}, {r_high:g}], more than "
            f"{RANGE_SHARE:.0%}: no run could fail it; record a reference whose spread lets it fail")


def no_effect_problem(claim, stated_: stats.Stated, ref: stats.Reference) -> str | None:
    """Why the claim's band holds no effect (0) though it states one, or None."""
    if stated_.value == 0:
        return None  # "no difference" is a claim of its own: its band is meant to hold 0
    low, high = stats.band(stated_, ref.sd, ref.drift)
    if not low <= 0.0 <= high:
        return None
    return (f"expected: its band [{low:.4g}, {high:.4g}] (reference sd {ref.sd:.3g}, {ref.runs} runs) holds 0, no "
            f"{claim.measure['statistic']} at all: a run where a is no better than b would pass it; state the "
            "effect the runs show, or record a reference whose spread lets its absence fail")


def effect_shown(per_seed: list, stated_: stats.Stated) -> tuple[bool, str]:
    """Whether the seeds' interval of the pooled statistic excludes 0 on the stated side, and in words."""
    summary = stats.summarize(per_seed)
    low, high = (summary.low, summary.high) if summary.sd is not None else (summary.mean, summary.mean)
    shown = low > 0 if stated_.value > 0 else high < 0
    side = "above" if stated_.value > 0 else "below"
    return shown, (f"the seeds' {1 - 2 * stats.ALPHA:.0%} interval of the statistic, [{low:.4g}, {high:.4g}], "
                   f"{'lies' if shown else 'does not lie'} wholly {side} 0")


def stated(claim) -> stats.Stated:
    """The statistic's stated interval: printed as such, or implied by two printed figures."""
    e = claim.expected
    if isinstance(e, dict):
        fn = STATISTICS[claim.measure["statistic"]]
        a, b = stats.parse_stated(e.get("a")), stats.parse_stated(e.get("b"))
        return stats.from_figures(fn, a, b, f"{claim.measure['statistic']} of {a.text} and {b.text}")
    return stats.parse_stated(e)


class Comparison(StochasticKind, Kind):
    name = "comparison"
    summary = "a statistic of two measurements per seed against the stated one (or the one two stated figures imply)"
    measure_fields = {
        "a": Rule((dict,), required=True, doc="`{listings, value}`: the first measurement"),
        "b": Rule((dict,), required=True, doc="`{listings, value}`: the second measurement"),
        "statistic": Rule((str,), required=True, choices=tuple(STATISTICS),
                          doc="`difference` (mean of a - mean of b) or `relative_error_reduction` (1 - mean error of a / "
                              "mean error of b), on the seeds pooled"),
        "seeds": SEEDS_FIELD,
    }
    tolerance_doc = "none, as for metric"

    def check(self, claim):
        m = claim.measure
        problems = super().check(claim) + check_seeds(m.get("seeds"))
        for side in ("a", "b"):
            if isinstance(m.get(side), dict):
                problems += check_fields(m[side], MEASUREMENT_FIELDS, f"measure.{side}")
                problems += values.problems(m[side].get("value"), f"measure.{side}.value")
        if m.get("statistic") in STATISTICS:
            try:
                stated(claim)
            except (ValueError, AttributeError) as exc:
                problems.append(f"expected: a printed value of the statistic, or {{a, b}}: the two printed "
                                f"figures it compares ({exc})")
        if claim.tolerance is not None:
            problems.append("tolerance: a comparison takes none; its allowance comes from `reference`")
        ref = claim.reference
        if not (isinstance(ref, dict) and {"a", "b"} <= set(ref)):
            problems.append("reference: required, {a: NAME, b: NAME} of recorded runs in references.yaml")
        elif m.get("statistic") in STATISTICS:
            found = self.reference_problems(claim)
            problems += found
            if not found and not problems:
                try:
                    scale = self.scale(claim)
                except (ClaimError, Skip, ValueError, KeyError, TypeError, AttributeError):
                    scale = None  # the reference's own check reports it (a pending one is skipped)
                if scale is not None:
                    problems += [why for why in (band_problem(claim, *scale), no_effect_problem(claim, *scale)) if why]
        return problems

    def measurements(self, claim):
        """Two measurements, ``a`` and ``b``, on the same seeds."""
        m = claim.measure
        return [m[k] for k in ("a", "b") if isinstance(m.get(k), dict)]

    def scale(self, claim) -> tuple[stats.Stated, stats.Reference]:
        """The stated interval and the reference runs (paired by seed) of the statistic."""
        statistic = claim.measure["statistic"]
        return stated(claim), paired(claim, claim.reference, STATISTICS[statistic], POOLED[statistic])

    def run(self, claim, ctx):
        m = claim.measure
        fn = STATISTICS[m["statistic"]]
        seeds = seeds_for(claim, ctx)
        a, runs_a = measure(claim, ctx, m["a"], seeds)
        b, runs_b = measure(claim, ctx, m["b"], seeds)
        per_seed = [fn(x, y) for x, y in zip(a, b)]
        verdict = verdict_over_seeds(claim, ctx, *self.scale(claim), POOLED[m["statistic"]](a, b),
                         {"a": runs_a, "b": runs_b},
                         f"{m['statistic']} of {values.describe(m['a']['value'])} and "
                         f"{values.describe(m['b']['value'])}")
        verdict.details["per_seed"] = per_seed  # each seed's own statistic; the verdict is on the pooled one
        verdict.details["pooled"] = verdict.observed
        stated_ = stated(claim)
        if stated_.value != 0:
            shown, words = effect_shown(POOLED[m["statistic"]](a, b), stated_)
            verdict.details["effect_shown"] = {"shown": shown, "text": words}
            if verdict.status == Status.PASSED and not shown:
                verdict = Verdict(Status.INCONCLUSIVE, verdict.observed,
                                  f"the stated effect does not show on these seeds: {words} ({verdict.reason})",
                                  verdict.details)
        return verdict

    def stated_interval(self, claim):
        s = stated(claim)
        return (s.low, s.high)

    def coverage_values(self, claim):
        e = claim.expected
        texts = [e.get("a"), e.get("b")] if isinstance(e, dict) else [e]
        out = set()
        for text in texts:
            try:
                out.add(round(stats.parse_stated(text).value, 6))
            except (ValueError, TypeError):
                pass
        return out

    def suggestion(self, result):
        if isinstance(result.observed, (int, float)) and isinstance(result.expected, str):
            return stated_suggestion(result.expected, result.observed)
        return f"the measured {result.observed:.4f} (stated: {result.source.get('stated', '')})"


KIND = Comparison()
