"""output_shape: the output shape of a named layer, or of the model, batch dimension included."""
from __future__ import annotations

from ..claim.schema import is_type
from ..claim.verdict import Status, Verdict
from ._base import Kind
from ._model import MODEL_FIELDS, output_shape, target_of


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

    def coverage_values(self, claim):
        """The shape, and what it is made of: the spatial size and the channel count."""
        found = super().coverage_values(claim)
        e = claim.expected
        if isinstance(e, list) and len(e) == 4 and all(isinstance(v, int) for v in e[1:]):
            found |= {(e[1], e[2]), e[3]}
        if isinstance(e, list) and len(e) == 2 and isinstance(e[1], int):
            found.add(e[1])  # a flat vector's size: (None, 576) is "576"
        return found

    def quantity(self, claim):
        m = claim.measure
        return ("output_shape", self.listings(claim), m.get("object"), m.get("layer"))


KIND = OutputShape()
