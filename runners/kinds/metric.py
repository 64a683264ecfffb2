"""metric: a value a training listing produces (test accuracy), decided over seeds (stats/rule.py)."""
from __future__ import annotations

from .. import stats
from ..spec import values
from ._base import Kind
from ._stochastic import (
    MEASUREMENT_FIELDS,
    SEEDS_FIELD,
    StochasticKind,
    check_seeds,
    decide,
    measure,
    off_scale,
    reference,
    seeds_for,
    stated_suggestion,
)


class Metric(StochasticKind, Kind):
    name = "metric"
    summary = "a measured value over seeds against a stated one, on the scale of recorded single runs"
    measure_fields = {**MEASUREMENT_FIELDS, "seeds": SEEDS_FIELD}
    tolerance_doc = ("none: the allowance comes from the reference spread (`reference`, required) "
                     "and the rule in runners/stats/rule.py")
    def check(self, claim):
        problems = super().check(claim) + check_seeds(claim.measure.get("seeds"))
        problems += values.problems(claim.measure.get("value")) if "value" in claim.measure else []
        try:
            stats.parse_stated(claim.expected)
        except ValueError as exc:
            problems.append(f"expected: {exc}")
        if claim.tolerance is not None:
            problems.append("tolerance: a metric takes none; its allowance comes from `reference` (docs/schema.md)")
        if not isinstance(claim.reference, str):
            problems.append("reference: required, the name of recorded runs in references.yaml")
        else:
            problems += self.reference_problems(claim)
        return problems

    def scale(self, claim) -> tuple[stats.Stated, stats.Reference]:
        """The stated interval and the reference runs: what the verdict and its error rates use."""
        return stats.parse_stated(claim.expected), reference(claim, claim.reference)

    def run(self, claim, ctx):
        stated, ref = self.scale(claim)
        wrong_scale = off_scale(stated, ref)
        if wrong_scale is not None:
            return wrong_scale
        per_seed, runs = measure(claim, ctx, claim.measure, seeds_for(claim, ctx))
        return decide(claim, ctx, stated, ref, per_seed, runs, values.describe(claim.measure["value"]))

    def quantity(self, claim):
        return ("metric", self.listings(claim), values.key(claim.measure.get("value")))

    def stated_interval(self, claim):
        s = stats.parse_stated(claim.expected)
        return (s.low, s.high)

    def coverage_values(self, claim):
        try:
            return {round(stats.parse_stated(claim.expected).value, 6)}
        except ValueError:
            return set()

    def suggestion(self, result):
        if isinstance(result.observed, (int, float)):
            return stated_suggestion(result.expected, result.observed)
        return super().suggestion(result)


KIND = Metric()
