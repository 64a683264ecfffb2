"""The gradient of a scalar function of a model's input, on whichever Keras backend runs."""
from __future__ import annotations

import numpy as np


def input_gradient(fn, x: np.ndarray) -> np.ndarray:
    """d fn(x) / d x as a NumPy array; ``fn`` maps a backend tensor to a scalar."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        t = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
        return tape.gradient(y, t).numpy()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(fn)(jax.numpy.asarray(x)))
    if backend == "torch":
        import torch

        t = torch.tensor(x, requires_grad=True, device=keras.backend.get_device() if hasattr(
            keras.backend, "get_device") else None)
        fn(t).backward()
        return t.grad.detach().cpu().numpy()
    raise NotImplementedError(f"no input gradient for the {backend} backend")
