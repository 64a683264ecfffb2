"""layer_arithmetic: what one layer config does to an input size, run through the real Keras layer."""
from __future__ import annotations

import numpy as np

from runners.kinds import Kind
from runners.schema import Field, is_type
from runners.verdict import ClaimError, Status, Verdict


class LayerArithmetic(Kind):
    name = "layer_arithmetic"
    summary = "output size of one Keras layer on a given input size (channels-last)"
    measure_fields = {
        "layer": Field((str,), required=True, doc="a class of keras.layers, e.g. Conv2D"),
        "config": Field((dict,), required=True, doc="keyword arguments of the layer"),
        "input_shape": Field(("shape",), required=True, doc="input shape without the batch, e.g. [5, 5, 1]"),
        "dims": Field((str,), choices=("spatial", "all"),
                      doc="compare the spatial dims (default) or the whole shape without batch"),
    }

    def check(self, claim):
        problems = super().check(claim)
        if not is_type(claim.expected, ("shape",)) or None in (claim.expected or [None]):
            problems.append(f"expected: a list of sizes such as [3, 3], got {claim.expected!r}")
        return problems

    def run(self, claim, ctx):
        import keras

        m = claim.measure
        cls = getattr(keras.layers, m["layer"], None)
        if cls is None:
            raise ClaimError(f"keras.layers has no layer '{m['layer']}'")
        config = {k: v for k, v in m["config"].items() if k != "__line__"}
        layer = cls(**config)
        x = np.random.default_rng(0).random((1, *m["input_shape"]), dtype="float32")
        y = keras.ops.convert_to_numpy(layer(x))
        shape = [int(d) for d in y.shape[1:]]
        observed = shape[:-1] if m.get("dims", "spatial") == "spatial" else shape
        ok = observed == list(claim.expected)
        return Verdict(
            Status.PASSED if ok else Status.FAILED, observed,
            "" if ok else f"{m['layer']}({config}) on {m['input_shape']} gives {observed}, "
                          f"the claim states {claim.expected}",
            details={"output_shape": shape, "layer_config": config},
        )


KIND = LayerArithmetic()
