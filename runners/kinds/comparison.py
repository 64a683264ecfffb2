"""comparison: a statistic of two measurements on the same seeds ("99.1% vs 97.8%", "about 60% less error")."""
from __future__ import annotations

from .. import stats
from ..claim import values
from ..claim.schema import Rule, check_fields
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
                          doc="per seed: `difference` (a - b) or `relative_error_reduction` (1 - (1-a)/(1-b))"),
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
            problems += self.reference_problems(claim)
        return problems

    def measurements(self, claim):
        """Two measurements, ``a`` and ``b``, on the same seeds."""
        m = claim.measure
        return [m[k] for k in ("a", "b") if isinstance(m.get(k), dict)]

    def scale(self, claim) -> tuple[stats.Stated, stats.Reference]:
        """The stated interval and the reference runs (paired by seed) of the statistic."""
        return stated(claim), paired(claim, claim.reference, STATISTICS[claim.measure["statistic"]])

    def run(self, claim, ctx):
        m = claim.measure
        fn = STATISTICS[m["statistic"]]
        seeds = seeds_for(claim, ctx)
        a, runs_a = measure(claim, ctx, m["a"], seeds)
        b, runs_b = measure(claim, ctx, m["b"], seeds)
        per_seed = [fn(x, y) for x, y in zip(a, b)]
        verdict = verdict_over_seeds(claim, ctx, *self.scale(claim), per_seed,
                         {"a": runs_a, "b": runs_b},
                         f"{m['statistic']} of {values.describe(m['a']['value'])} and "
                         f"{values.describe(m['b']['value'])}")
        verdict.details["per_seed"] = per_seed
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
