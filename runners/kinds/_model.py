"""Helpers for kinds that look at a model a listing builds."""
from __future__ import annotations

from ..claim.schema import Rule
from ..core.errors import ClaimError

MODEL_FIELDS = {
    "listings": Rule(("str_list",), required=True,
                      doc="listing files, relative to the spec, run in order in one namespace"),
    "object": Rule((str,), required=True, doc="the variable the listings leave the model in"),
    "layer": Rule((str, int), doc="a layer name (as in a fresh session) or index; absent: the model"),
    "build_input_shape": Rule(("shape",), doc="build an unbuilt model with this input shape first"),
    "substitute": Rule((dict,), doc="text substitutions in the listings, {old: new}; recorded"),
}


def model_from(claim, ctx):
    """The object a claim names, from the namespace its listings left behind."""
    namespace = ctx.execution(claim).namespace
    name = claim.measure["object"]
    if name not in namespace:
        public = sorted(k for k in namespace if not k.startswith("_"))
        raise ClaimError(
            f"the listings {claim.measure['listings']} define no '{name}'; they define: {', '.join(public)}"
        )
    model = namespace[name]
    shape = claim.measure.get("build_input_shape")
    if shape is not None and not model.built:
        model.build(tuple(shape))
    return model


def target_of(claim, ctx):
    """The model, or the layer of it that ``measure.layer`` names."""
    model = model_from(claim, ctx)
    if "layer" not in claim.measure:
        return model
    return layer_of(model, claim.measure["layer"], claim.measure["object"])


def layer_of(model, key, model_name="model"):
    layers = list(getattr(model, "layers", []))
    if isinstance(key, int):
        if -len(layers) <= key < len(layers):
            return layers[key]
        raise ClaimError(f"layer index {key} is out of range: '{model_name}' has {len(layers)} layers")
    for layer in layers:
        if layer.name == key:
            return layer
    names = ", ".join(layer.name for layer in layers)
    raise ClaimError(f"layer '{key}' is not in '{model_name}'; its layers are: {names}")


def output_shape(target) -> list:
    """The symbolic output shape of a layer or model, batch dimension included."""
    outputs = getattr(target, "outputs", None)
    if outputs is None:
        outputs = [target.output]
    if len(outputs) != 1:
        raise ClaimError(f"'{target.name}' has {len(outputs)} outputs; name one layer")
    return [None if d is None else int(d) for d in outputs[0].shape]
