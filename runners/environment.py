"""What a result was measured on: Python, TensorFlow, Keras, backend, device."""
from __future__ import annotations

import functools
from importlib import metadata
import platform
import sys


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def accelerator() -> str | None:
    """The name of the GPU the Keras backend sees, or None."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            if gpus:
                return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
        elif backend == "jax":
            import jax

            gpus = [d for d in jax.devices() if d.platform == "gpu"]
            if gpus:
                return gpus[0].device_kind
        elif backend == "torch":
            import torch

            if torch.cuda.is_available():
                return torch.cuda.get_device_name(0)
    except Exception:  # a broken driver means no usable GPU, not a crash
        return None
    return None


def _version(*distributions: str) -> str | None:
    """An installed distribution's version, without importing it."""
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def cuda_version() -> str | None:
    """The CUDA version the backend was built with, where a GPU is in use."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return tf.sysconfig.get_build_info().get("cuda_version")
        if backend == "torch":
            import torch

            return torch.version.cuda
        if backend == "jax":
            import jax

            return getattr(jax.lib, "cuda_versions", None) and str(jax.lib.cuda_versions.cuda_runtime_get_version())
    except Exception:  # no CUDA build: nothing to record
        return None
    return None


@functools.lru_cache(maxsize=1)
def describe() -> dict:
    import keras

    gpu = accelerator()
    extra = {"cuda": cuda_version()} if gpu else {}
    return {
        "python": platform.python_version(),
        "tensorflow": _version("tensorflow", "tensorflow-cpu"),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "device": gpu or f"CPU: {_cpu_name()}",
        "platform": f"{sys.platform}-{platform.machine()}",
        **extra,
    }
