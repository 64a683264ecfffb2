"""The environment a program sees: the exact variables the frameworks and the OS read, nothing else
(no CI secret).

An allowlist of exact names, never of prefixes: ``TF_*`` would let Terraform's ``TF_TOKEN_<host>`` and
``TF_HTTP_PASSWORD`` through, ``CUDA_*`` or ``KERAS_*`` whatever a CI system names so. Settings travel
to worker processes as arguments, never through variables, so everything else of the caller's
environment (tokens, passwords, cloud credentials) is left out.
"""
from __future__ import annotations

import contextlib
import os

from ..environment.numerics import FLAGS, pinned

# the OS's and Python's
SYSTEM = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME",
          "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "TZ", "TMPDIR", "TEMP", "TMP", "LD_LIBRARY_PATH",
          "PYTHONHASHSEED", "PYTHONUNBUFFERED", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV")
# the frameworks' own settings (Keras, TensorFlow, JAX/XLA, PyTorch, CUDA, the BLAS libraries)
FRAMEWORKS = ("KERAS_BACKEND", "KERAS_HOME", "KERAS_TORCH_DEVICE", "KERAS_NNX_ENABLED",
              "TF_CPP_MIN_LOG_LEVEL", "TF_CPP_MAX_VLOG_LEVEL", "TF_CPP_VMODULE", "TF_FORCE_GPU_ALLOW_GROWTH",
              "TF_GPU_ALLOCATOR", "TF_USE_LEGACY_KERAS", "TF_FORCE_UNIFIED_MEMORY",
              "XLA_PYTHON_CLIENT_PREALLOCATE", "XLA_PYTHON_CLIENT_MEM_FRACTION", "XLA_PYTHON_CLIENT_ALLOCATOR",
              "JAX_PLATFORMS", "JAX_PLATFORM_NAME", "JAX_TRACEBACK_FILTERING", "JAX_COMPILATION_CACHE_DIR",
              "TORCH_HOME", "PYTORCH_CUDA_ALLOC_CONF", "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER",
              "CUDA_HOME", "CUDA_LAUNCH_BLOCKING", "NVIDIA_VISIBLE_DEVICES", "CUDNN_PATH")
# FLAGS: what changes a run's numerics (environment/numerics.py): threads, kernels, precision
KEPT_ENVIRONMENT = frozenset(SYSTEM + FRAMEWORKS + FLAGS)


def scrubbed(env) -> dict:
    """The variables of ``env`` a program may see."""
    return {k: v for k, v in env.items() if k in KEPT_ENVIRONMENT}


def scrub(extra: dict | None = None) -> None:
    """This process's own environment scrubbed (in a worker, before any program runs), with the CPU
    arithmetic pinned (environment/numerics.py ``pinned``), plus ``extra``."""
    kept = {**scrubbed(os.environ), **pinned(), **(extra or {})}
    os.environ.clear()
    os.environ.update(kept)


@contextlib.contextmanager
def scrubbed_environment():
    """``os.environ`` scrubbed while active (processes started meanwhile inherit only that)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(scrubbed(saved))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
