"""What a claim may need of the machine itself: a GPU the backend sees, TensorFlow beside the backend."""
from __future__ import annotations

import importlib.util

from ..core.errors import Skip
from ..environment import machine


def check_gpu(settings) -> None:
    if machine.accelerator() is None:
        raise Skip("needs a GPU; this machine has none visible to Keras",
                   "run on a machine with a CUDA GPU (the nightly `tox -e nightly` job)")


def check_tensorflow(settings) -> None:
    if importlib.util.find_spec("tensorflow") is None:
        raise Skip("needs TensorFlow (tf.data), which this environment does not have",
                   "install TensorFlow beside the backend: pip install 'claimcheck[jax-gpu]' or tensorflow-cpu")
