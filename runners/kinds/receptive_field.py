"""receptive_field: the window of the input that one unit of a named layer sees.

Computed twice and cross-checked: analytically, by mapping the unit's index back through the
built model's own layer configs (kernel, stride, dilation, padding, pooling), and empirically,
from the gradient of that unit with respect to the input. A disagreement is an error of the
harness, never a verdict on the book.
"""
from __future__ import annotations

import numpy as np

from ..claim.schema import Rule, is_type
from ..claim.verdict import Status, Verdict
from ..core.errors import ClaimError
from ..environment.compat import total
from ._base import Kind
from ._grad import input_gradient
from ._model import MODEL_FIELDS, layer_of, model_from

# Layers that keep every spatial position where it is.
POINTWISE = {
    "InputLayer", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Dropout",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "BatchNormalization", "Rescaling", "Normalization",
}
WINDOWED = {
    "Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D",
    "DepthwiseConv2D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
    "AveragePooling2D", "AveragePooling3D",
}
GRADIENT_SAMPLES = 32


def chain_to(model, layer) -> list:
    """The layers from the model's input to ``layer``, in order; only plain chains."""
    chain = [layer]
    current = layer
    while type(current).__name__ != "InputLayer":
        inputs = current.input if isinstance(current.input, list) else [current.input]
        if len(inputs) != 1:
            raise ClaimError(f"'{current.name}' has {len(inputs)} inputs: receptive fields are "
                             "computed for chains of layers only")
        current = inputs[0]._keras_history[0]
        chain.append(current)
    return chain[::-1]


def _window(layer):
    cfg = layer.get_config()
    if "kernel_size" in cfg:
        kernel = cfg["kernel_size"]
        dilation = cfg.get("dilation_rate", 1)
    else:
        kernel = cfg["pool_size"]
        dilation = 1
    strides = cfg.get("strides") or kernel
    n = len(kernel)
    as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else (v,) * n  # noqa: E731
    if cfg.get("data_format", "channels_last") != "channels_last":
        raise ClaimError(f"'{layer.name}': only channels_last is supported")
    return as_tuple(kernel), as_tuple(strides), as_tuple(dilation), cfg.get("padding", "valid")


def analytic_window(chain, unit) -> list[tuple[int, int]]:
    """Map the unit's index back to an inclusive [start, end] range per spatial axis."""
    ranges = [(u, u) for u in unit]
    for layer in reversed(chain[1:]):
        kind = type(layer).__name__
        if kind in POINTWISE:
            continue
        if kind not in WINDOWED:
            raise ClaimError(f"'{layer.name}' ({kind}) has no receptive-field rule; "
                             "supported: convolutions, pooling and pointwise layers")
        kernel, strides, dilation, padding = _window(layer)
        n_in = [int(d) for d in layer.input.shape[1:-1]]
        n_out = [int(d) for d in layer.output.shape[1:-1]]
        new = []
        for axis, (a, b) in enumerate(ranges):
            k, s, d = kernel[axis], strides[axis], dilation[axis]
            span = d * (k - 1) + 1
            if padding == "valid":
                before = 0
            elif padding == "same":
                before = max((n_out[axis] - 1) * s + span - n_in[axis], 0) // 2
            else:
                raise ClaimError(f"'{layer.name}': padding '{padding}' is not supported")
            lo = max(a * s - before, 0)
            hi = min(b * s - before + span - 1, n_in[axis] - 1)
            new.append((lo, hi))
        ranges = new
    return ranges


def empirical_window(model, layer, unit) -> list[tuple[int, int]]:
    """The bounding box of the input positions with a non-zero gradient for the unit."""
    import keras

    sub = keras.Model(model.inputs, layer.output)
    shape = [int(d) for d in model.inputs[0].shape[1:]]
    x = np.random.default_rng(0).normal(size=(GRADIENT_SAMPLES, *shape)).astype("float32")
    index = (slice(None), *unit, slice(None))

    def unit_sum(t):
        return total(sub(t)[index])

    grad = np.abs(input_gradient(unit_sum, x))
    support = grad.max(axis=(0, grad.ndim - 1)) > 0  # over samples and input channels
    if not support.any():
        raise ClaimError(f"the gradient of unit {unit} of '{layer.name}' is zero everywhere")
    ranges = []
    for axis in range(support.ndim):
        other = tuple(i for i in range(support.ndim) if i != axis)
        hit = np.nonzero(support.any(axis=other))[0]
        ranges.append((int(hit[0]), int(hit[-1])))
    return ranges


class ReceptiveField(Kind):
    name = "receptive_field"
    summary = "size of the input window one unit of a layer sees, e.g. [7, 7]"
    measure_fields = {
        **MODEL_FIELDS,
        "layer": Rule((str, int), required=True, doc="the layer whose unit is looked at"),
        "unit": Rule(("shape",), doc="the unit's spatial index; default: the centre unit"),
    }

    def check(self, claim):
        problems = super().check(claim)
        if not is_type(claim.expected, ("shape",)) or None in (claim.expected or [None]):
            problems.append(f"expected: window sizes such as [7, 7], got {claim.expected!r}")
        return problems

    def run(self, claim, ctx):
        model = model_from(claim, ctx)
        layer = layer_of(model, claim.measure["layer"], claim.measure["object"])
        out = [int(d) for d in layer.output.shape[1:-1]]
        unit = claim.measure.get("unit") or [n // 2 for n in out]
        if len(unit) != len(out) or any(not 0 <= u < n for u, n in zip(unit, out)):
            raise ClaimError(f"unit {unit} is outside the output of '{layer.name}' ({out})")
        analytic = analytic_window(chain_to(model, layer), unit)
        empirical = empirical_window(model, layer, unit)
        if analytic != empirical:
            raise ClaimError(f"receptive field of unit {unit} of '{layer.name}': the layer configs "
                             f"give {analytic}, the gradient gives {empirical}")
        observed = [hi - lo + 1 for lo, hi in analytic]
        ok = observed == list(claim.expected)
        window = {"unit": unit, "input_window": [list(r) for r in analytic],
                  "checked_by": "layer configs and input gradient agree"}
        return Verdict(
            Status.PASSED if ok else Status.FAILED, observed,
            "" if ok else f"unit {unit} of '{layer.name}' sees {observed} of the input, "
                          f"the claim states {claim.expected}",
            details=window,
        )


KIND = ReceptiveField()
