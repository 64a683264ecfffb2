"""listing_value: a value the book's code leaves or prints, compared exactly (or within a tolerance).

For what the book prints that needs no statistics: a tensor's shape, a dtype, the number of
trainable weights a listing prints, the sizes of the data splits, what an augmentation layer
does to real tensors (a named check measures it). With ``seeds``, the value is read from the
shared training runs (one per seed), and must hold on every seed: the prediction a trained model
makes for one image, for instance.
"""
from __future__ import annotations

import math

from ..claim import values
from ..claim.schema import Rule, is_type
from ..claim.verdict import Status, Verdict
from ..core.errors import ClaimError
from ..core.formatting import plain
from ._base import Kind
from ._stochastic import MEASUREMENT_FIELDS, SEEDS_FIELD, check_seeds, plan, seeds_for

FIELDS = {**MEASUREMENT_FIELDS,
          "seeds": Rule(SEEDS_FIELD.types, doc="read the value from the training runs of these seeds; it must "
                                               "hold on every one")}


def agree(observed, expected, tolerance) -> bool:
    """Equal; numbers (and lists of numbers, element by element) within ``tolerance`` when given."""
    if tolerance is not None:
        if is_type(observed, ("number",)) and is_type(expected, ("number",)):
            return math.isclose(observed, expected, rel_tol=0, abs_tol=tolerance)
        if isinstance(observed, list) and isinstance(expected, list) and len(observed) == len(expected):
            return all(agree(o, e, tolerance) for o, e in zip(observed, expected))
    return observed == expected


class ListingValue(Kind):
    name = "listing_value"
    summary = "a value the listings leave or print (a path or a named check), equal to the stated one"
    measure_fields = FIELDS
    tolerance_doc = "optional: the absolute difference allowed for numbers (element by element for lists)"

    def check(self, claim):
        problems = super().check(claim) + check_seeds(claim.measure.get("seeds"))
        if "value" in claim.measure:
            problems += values.problems(claim.measure["value"])
        t = claim.tolerance
        if t is not None and (not is_type(t, ("number",)) or t < 0):
            problems.append(f"tolerance: a non-negative number, got {t!r}")
        return problems

    def trains(self, claim):
        return "seeds" in claim.measure

    def agrees(self, claim, observed):
        return None if self.trains(claim) else agree(observed, plain(claim.expected), claim.tolerance)

    def plan(self, claim, ctx):
        return plan(claim, ctx, self.measurements(claim)) if self.trains(claim) else []

    def run(self, claim, ctx):
        expected = plain(claim.expected)
        m = claim.measure
        if "seeds" in m:
            return self._per_seed(claim, ctx, expected)
        observed = plain(ctx.evaluate(claim, m["value"]))
        ok = agree(observed, expected, claim.tolerance)
        run = ctx.execution(claim)
        details = {"substitute": run.substitute} if run.substitute else {}
        return Verdict(Status.PASSED if ok else Status.FAILED, observed,
                       "" if ok else f"'{m['value']}' is {observed!r}, the claim states {expected!r}",
                       details=details)

    def _per_seed(self, claim, ctx, expected):
        key = values.key(claim.measure["value"])
        per_seed = {}
        for seed in seeds_for(claim, ctx):
            record = ctx.record(ctx.job(claim, claim.measure, seed))
            if key in record.get("errors", {}):
                raise ClaimError(record["errors"][key])
            per_seed[seed] = plain(record["values"][key])
        hits = sum(agree(v, expected, claim.tolerance) for v in per_seed.values())
        n = len(per_seed)
        details = {"per_seed": per_seed, "agreeing_seeds": hits}
        observed = max(per_seed.values(), key=lambda v: sum(v == w for w in per_seed.values()))
        if hits == n:
            return Verdict(Status.PASSED, observed, "", details)
        reason = (f"'{claim.measure['value']}' equals {expected!r} on {hits} of {n} seeds "
                  f"({', '.join(f'seed {s}: {v!r}' for s, v in per_seed.items())})")
        return Verdict(Status.FAILED if hits * 2 < n else Status.INCONCLUSIVE, observed, reason, details)

    def coverage_values(self, claim):
        """The value, and each number in it: a list of counts (``[1000, 1000, 500, ...]``) checks each
        count it lists, an array each of its entries, where the claim cites it."""
        found = super().coverage_values(claim)

        def walk(v):
            if isinstance(v, list):
                for x in v:
                    yield from walk(x)
            elif isinstance(v, int) and not isinstance(v, bool):
                yield v
            elif isinstance(v, float) and math.isfinite(v):
                yield float(f"{v:.9g}")  # as coverage reads a number an output shows (claim/printed.py)
        return found | set(walk(claim.expected))

    def quantity(self, claim):
        m = claim.measure
        return ("listing_value", self.listings(claim), values.key(m.get("value")))


KIND = ListingValue()
