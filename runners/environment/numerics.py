"""The numerics a training run runs under, set explicitly per backend and recorded with its values.

Left to their defaults, the backends differ by card and version: TensorFlow and JAX run float32
matmuls in TF32 on Ampere and Hopper GPUs, PyTorch its convolutions; none picks deterministic
kernels. A worker process sets one policy before the book's code runs (``apply``), and the
policy, with the environment flags and the ``keras.json`` that steer numerics (``settings``),
goes into every run's cache key and result:

* **TF32 off** everywhere: ``tf.config.experimental.enable_tensor_float_32_execution(False)``;
  ``torch.backends.cuda.matmul.allow_tf32`` and ``torch.backends.cudnn.allow_tf32`` False; JAX's
  ``jax_default_matmul_precision`` "highest".
* **Deterministic ops on a GPU**, where the backend offers them: ``tf.config.experimental.
  enable_op_determinism()``; ``torch.use_deterministic_algorithms(True, warn_only=True)`` with
  ``CUBLAS_WORKSPACE_CONFIG``, cuDNN deterministic and no autotuning. JAX offers no stable switch
  (XLA's flags change between releases, and an unknown one aborts the process): on a GPU its
  reductions and scatters may not repeat, and the references carry that spread (docs/gpu-tier.md).
* **The CPU kernels as they are.** On the CPU the backends' default kernels repeat bit for bit
  (tests/test_provenance.py trains one seed twice in fresh workers), and TensorFlow's op
  determinism would change the values, not their repeatability: the chapter 2 dense network's
  seed 0 gives 0.9794 without it and 0.9799 with it, each twice over (2026-12-01, TF 2.21,
  scripts/op-determinism.py); the references were recorded without it.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

# environment variables that change what a training run computes (threads, kernels, precision)
FLAGS = ("TF_ENABLE_ONEDNN_OPTS", "XLA_FLAGS", "TF_XLA_FLAGS", "TF_DETERMINISTIC_OPS", "TF_CUDNN_DETERMINISTIC",
         "NVIDIA_TF32_OVERRIDE", "CUBLAS_WORKSPACE_CONFIG", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
         "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
         "JAX_DEFAULT_MATMUL_PRECISION", "JAX_ENABLE_X64")

# what every worker process starts with, before any framework loads
WORKER_ENV = {"CUBLAS_WORKSPACE_CONFIG": ":4096:8", "NVIDIA_TF32_OVERRIDE": "0"}


def policy(backend: str, gpu: bool) -> dict:
    """The policy ``apply`` sets on ``backend`` (on a GPU, or on the CPU), as recorded."""
    if not gpu:
        deterministic = "cpu kernels (repeatable)"
    else:
        deterministic = "not offered" if backend == "jax" else "on"
    return {"tf32": "off", "deterministic_ops": deterministic}


def apply(backend: str, gpu: bool) -> dict:
    """Set the policy on the backend in this process (a worker, before the book's code runs)."""
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
        if gpu:
            tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        if gpu:
            torch.backends.cudnn.deterministic = True
            torch.backends.cudnn.benchmark = False
            torch.use_deterministic_algorithms(True, warn_only=True)
    elif backend == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
    return policy(backend, gpu)


def keras_config() -> str | None:
    """The digest of ``keras.json`` (floatx, epsilon, image data format), or None without one."""
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    try:
        return hashlib.sha256((home / "keras.json").read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def settings(backend: str, gpu: bool, env=None) -> dict:
    """Everything that steers a run's numerics: the policy, the flags as workers see them, keras.json."""
    env = {**(os.environ if env is None else env), **WORKER_ENV}
    return {"policy": policy(backend, gpu), "flags": {k: env[k] for k in FLAGS if k in env},
            "keras_json": keras_config()}
