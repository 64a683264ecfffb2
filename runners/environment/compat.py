"""The few calls the harness makes that differ between Keras 3 and Keras 2 (tf.keras 2.15).

The book's own code is never adapted here (that is what ``claimcheck-change`` records are for);
only the harness's measurements are.
"""
from __future__ import annotations

import importlib

import numpy as np


def _keras3() -> bool:
    import keras

    return int(keras.__version__.split(".")[0]) >= 3


def to_numpy(x) -> np.ndarray:
    """A backend tensor (or NumPy array) as a NumPy array."""
    if _keras3():
        import keras

        return keras.ops.convert_to_numpy(x)
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def total(x):
    """The sum of a backend tensor, as a backend scalar (differentiable)."""
    if _keras3():
        import keras

        return keras.ops.sum(x)
    import tensorflow as tf

    return tf.reduce_sum(x)


def modules_with(names, attribute: str) -> list:
    """The modules among ``names`` that import here and have ``attribute`` (each once): where a
    Keras function lives differs between Keras 3, Keras 2 and tf.keras."""
    found = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception:  # not on this stack
            continue
        if hasattr(module, attribute) and module not in found:
            found.append(module)
    return found
