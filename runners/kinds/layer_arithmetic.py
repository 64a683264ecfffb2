"""layer_arithmetic: what one layer config does to an input size, run through the real Keras layer."""
from __future__ import annotations

import numpy as np

from ..claim.schema import Rule, is_type
from ..claim.verdict import Status, Verdict
from ..core.errors import ClaimError
from ..environment.compat import to_numpy
from ._base import Kind


class LayerArithmetic(Kind):
    name = "layer_arithmetic"
    summary = "output size of one Keras layer on a given input size (channels-last)"
    measure_fields = {
        "layer": Rule((str,), required=True, doc="a class of keras.layers, e.g. Conv2D"),
        "config": Rule((dict,), required=True, doc="keyword arguments of the layer"),
        "input_shape": Rule(("shape",), required=True, doc="input shape without the batch, e.g. [5, 5, 1]"),
        "dims": Rule((str,), choices=("spatial", "all"),
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
        y = to_numpy(layer(x))
        shape = [int(d) for d in y.shape[1:]]
        observed = shape[:-1] if m.get("dims", "spatial") == "spatial" else shape
        ok = observed == list(claim.expected)
        return Verdict(
            Status.PASSED if ok else Status.FAILED, observed,
            "" if ok else f"{m['layer']}({config}) on {m['input_shape']} gives {observed}, "
                          f"the claim states {claim.expected}",
            details={"output_shape": shape, "layer_config": config},
        )


    def coverage_values(self, claim):
        """The output size, and the input size and window the claim states it for."""
        found = super().coverage_values(claim)
        shape, kernel = claim.measure.get("input_shape"), (claim.measure.get("config") or {}).get("kernel_size")
        if isinstance(shape, list) and len(shape) >= 2:
            found.add(tuple(shape[:2]))
        if isinstance(kernel, int):
            found.add((kernel, kernel))
        return found


KIND = LayerArithmetic()
