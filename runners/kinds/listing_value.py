"""listing_value: a value the book's code leaves or prints, compared exactly (or within a tolerance).

For what needs no seeds: the number of trainable weights a listing prints, the sizes of the
data splits listing 8.6 makes, the shape of a batch listing 8.10 prints, a layer's setting.
"""
from __future__ import annotations

import math

from runners.kinds import Kind
from runners.kinds._stochastic import MEASUREMENT_FIELDS
from runners.schema import is_type
from runners.verdict import Status, Verdict


def normalize(value):
    """Tuples as lists, NumPy scalars as numbers, TensorShapes as lists, so JSON compares."""
    if hasattr(value, "as_list"):
        value = value.as_list()
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    return value


class ListingValue(Kind):
    name = "listing_value"
    summary = "a value the listings leave or print (an expression), equal to the stated one"
    measure_fields = MEASUREMENT_FIELDS
    tolerance_doc = "optional, numbers only: the absolute difference allowed"

    def check(self, claim):
        problems = super().check(claim)
        if claim.tolerance is not None and (not is_type(claim.tolerance, ("number",)) or claim.tolerance < 0):
            problems.append(f"tolerance: a non-negative number, got {claim.tolerance!r}")
        return problems

    def run(self, claim, ctx):
        observed = normalize(ctx.evaluate(claim, claim.measure["value"]))
        expected = normalize(claim.expected)
        if claim.tolerance is not None and is_type(observed, ("number",)) and is_type(expected, ("number",)):
            ok = math.isclose(observed, expected, rel_tol=0, abs_tol=claim.tolerance)
        else:
            ok = observed == expected
        run = ctx.run_of(claim)
        details = {"substitute": run.substitute} if run.substitute else {}
        return Verdict(Status.PASSED if ok else Status.FAILED, observed,
                       "" if ok else f"'{claim.measure['value']}' is {observed!r}, the claim states {expected!r}",
                       details=details)


KIND = ListingValue()
