"""metric: a value a training listing produces (test accuracy), decided over several seeds."""
from __future__ import annotations

from runners import stats
from runners.kinds import Kind
from runners.kinds._stochastic import (MEASUREMENT_FIELDS, SEEDS_FIELD, check_seeds, measure,
                                       plan, seeds_for)
from runners.schema import is_type
from runners.verdict import Status, Verdict


class Metric(Kind):
    name = "metric"
    summary = "a measured value over seeds against a printed value, by an equivalence test"
    measure_fields = {**MEASUREMENT_FIELDS, "seeds": SEEDS_FIELD}
    tolerance_doc = ("required: how far (absolute, as a fraction) the mean over seeds may lie "
                     "outside the printed value's rounding interval")

    def check(self, claim):
        problems = super().check(claim) + check_seeds(claim.measure.get("seeds"))
        try:
            stats.parse_stated(claim.expected)
        except ValueError:
            problems.append(f"expected: a printed number such as \"0.991\" or \"99.1%\", got {claim.expected!r}")
        if not is_type(claim.tolerance, ("number",)) or claim.tolerance < 0:
            problems.append(f"tolerance: a non-negative number is required, got {claim.tolerance!r}")
        return problems

    plan = staticmethod(plan)

    def run(self, claim, ctx):
        stated = stats.parse_stated(claim.expected)
        seeds = seeds_for(claim, ctx)
        values, runs = measure(claim, ctx, claim.measure, seeds)
        summary = stats.summarize(values)
        low, high = stated.low - claim.tolerance, stated.high + claim.tolerance
        decision = stats.decide_band(summary, low, high, f"'{claim.measure['value']}'")
        return Verdict(Status(decision.status), round(summary.mean, 6), decision.reason, details={
            "summary": summary.to_dict(), "stated": stated.value, "stated_interval": [stated.low, stated.high],
            "band": [low, high], "tolerance": claim.tolerance, "runs": runs,
            "seeds_needed": decision.seeds_needed,
        })


KIND = Metric()
