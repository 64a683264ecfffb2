"""param_count: parameters of a layer or model: total, trainable or non-trainable."""
from __future__ import annotations

import math

from ..claim.schema import Rule, is_type
from ..claim.verdict import Status, Verdict
from ._base import Kind
from ._model import MODEL_FIELDS, target_of

WHICH = ("total", "trainable", "non_trainable")


def count(weights) -> int:
    return int(sum(math.prod(int(d) for d in w.shape) for w in weights))


class ParamCount(Kind):
    name = "param_count"
    summary = "number of parameters (scalars) of a layer or of the model"
    measure_fields = {
        **MODEL_FIELDS,
        "which": Rule((str,), choices=WHICH, doc="total (default), trainable or non_trainable"),
    }

    def check(self, claim):
        problems = super().check(claim)
        if not is_type(claim.expected, (int,)) or claim.expected < 0:
            problems.append(f"expected: a non-negative whole number, got {claim.expected!r}")
        return problems

    def run(self, claim, ctx):
        target = target_of(claim, ctx)
        which = claim.measure.get("which", "total")
        weights = {
            "total": target.weights,
            "trainable": target.trainable_weights,
            "non_trainable": target.non_trainable_weights,
        }[which]
        observed = count(weights)
        ok = observed == claim.expected
        return Verdict(Status.PASSED if ok else Status.FAILED, observed,
                       "" if ok else f"{which} parameters: {observed:,}, the claim states {claim.expected:,}")

    def quantity(self, claim):
        m = claim.measure
        return ("param_count", self.listings(claim), m.get("object"), m.get("layer"), m.get("which", "total"))


KIND = ParamCount()
