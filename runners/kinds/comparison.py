"""comparison: two measurements on the same seeds ("the convnet beats dense", "about 60% less error")."""
from __future__ import annotations

from runners import stats
from runners.kinds import Kind
from runners.kinds._stochastic import (MEASUREMENT_FIELDS, SEEDS_FIELD, check_seeds, measure,
                                       plan, seeds_for)
from runners.schema import Field, check_fields, is_type
from runners.verdict import Status, Verdict

STATISTICS = {
    "difference": lambda a, b: a - b,
    # of accuracies: how much of b's error rate a removes
    "relative_error_reduction": lambda a, b: 1 - (1 - a) / (1 - b),
}
RELATIONS = ("greater", "less", "approx")


class Comparison(Kind):
    name = "comparison"
    summary = "a statistic of two measurements per seed: greater/less than expected, or about it"
    measure_fields = {
        "a": Field((dict,), required=True, doc="{listings, value}: the first measurement"),
        "b": Field((dict,), required=True, doc="{listings, value}: the second measurement"),
        "statistic": Field((str,), required=True, choices=tuple(STATISTICS), doc="per seed"),
        "relation": Field((str,), required=True, choices=RELATIONS,
                          doc="greater/less: the statistic is above/below expected; approx: equals it"),
        "seeds": SEEDS_FIELD,
    }
    tolerance_doc = "approx only: as for metric; greater/less take none"

    def check(self, claim):
        m = claim.measure
        problems = super().check(claim) + check_seeds(m.get("seeds"))
        for side in ("a", "b"):
            if isinstance(m.get(side), dict):
                problems += check_fields(m[side], MEASUREMENT_FIELDS, f"measure.{side}")
        try:
            stats.parse_stated(claim.expected)
        except ValueError:
            problems.append(f"expected: a printed number such as \"0\" or \"60%\", got {claim.expected!r}")
        if m.get("relation") == "approx" and (not is_type(claim.tolerance, ("number",)) or claim.tolerance < 0):
            problems.append("tolerance: relation approx needs a non-negative number")
        return problems

    plan = staticmethod(plan)

    def run(self, claim, ctx):
        m = claim.measure
        seeds = seeds_for(claim, ctx)
        a, runs_a = measure(claim, ctx, m["a"], seeds)
        b, runs_b = measure(claim, ctx, m["b"], seeds)
        per_seed = [STATISTICS[m["statistic"]](x, y) for x, y in zip(a, b)]
        stated = stats.parse_stated(claim.expected)
        what = f"{m['statistic']} of '{m['a']['value']}' and '{m['b']['value']}'"
        details = {"a": runs_a, "b": runs_b, "per_seed": per_seed, "stated": stated.value}
        if m["relation"] == "approx":
            summary = stats.summarize(per_seed)
            low, high = stated.low - claim.tolerance, stated.high + claim.tolerance
            decision = stats.decide_band(summary, low, high, what)
            details.update(band=[low, high], stated_interval=[stated.low, stated.high])
        else:
            summary = stats.summarize([v - stated.value for v in per_seed])
            decision = stats.decide_sign(summary, m["relation"], f"{what} minus {stated.value}")
            summary = stats.summarize(per_seed)
        details.update(summary=summary.to_dict(), seeds_needed=decision.seeds_needed)
        return Verdict(Status(decision.status), round(summary.mean, 6), decision.reason, details=details)


KIND = Comparison()
