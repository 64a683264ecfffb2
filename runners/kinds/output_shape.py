"""output_shape: the output shape of a named layer, or of the model, batch dimension included."""
from __future__ import annotations

from runners.kinds import Kind
from runners.kinds._model import MODEL_FIELDS, output_shape, target_of
from runners.schema import is_type
from runners.verdict import Status, Verdict


class OutputShape(Kind):
    name = "output_shape"
    summary = "a layer's (or the model's) symbolic output shape, e.g. [null, 26, 26, 32]"
    measure_fields = MODEL_FIELDS

    def check(self, claim):
        problems = super().check(claim)
        if not is_type(claim.expected, ("shape",)):
            problems.append(f"expected: a shape such as [null, 26, 26, 32], got {claim.expected!r}")
        return problems

    def run(self, claim, ctx):
        observed = output_shape(target_of(claim, ctx))
        ok = observed == list(claim.expected)
        return Verdict(Status.PASSED if ok else Status.FAILED, observed,
                       "" if ok else f"shape is {observed}, the claim states {claim.expected}")


KIND = OutputShape()
