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
  determinism would change the values, not their repeatability (measured: docs/reproducibility.md);
  the references were recorded without it.
* **The CPU's arithmetic pinned** (``pinned``): oneDNN's instruction set (``ONEDNN_MAX_CPU_ISA``) and
  the threads (TensorFlow's intra- and inter-op pools, OpenMP's for PyTorch and the BLAS) are set by
  claimcheck in every program's process, static or training, whatever the caller's environment says:
  left to the machine, oneDNN picks the widest instruction set the CPU has, and the same seed gives
  another rounding (docs/reproducibility.md). ``CLAIMCHECK_CPU_ISA`` and
  ``CLAIMCHECK_THREADS`` change them for a fleet whose machines share another level; a CPU without the
  level runs the widest it has, and the record says which (``cpu_isa``: ``supported`` false). JAX's
  XLA offers no stable switch for either (an unknown flag aborts the process): not pinned.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

# environment variables that change what a training run computes (threads, kernels, precision)
FLAGS = ("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "ONEDNN_DEFAULT_FPMATH_MODE", "TF_ENABLE_ONEDNN_OPTS", "XLA_FLAGS", "TF_XLA_FLAGS", "TF_DETERMINISTIC_OPS", "TF_CUDNN_DETERMINISTIC",
         "NVIDIA_TF32_OVERRIDE", "CUBLAS_WORKSPACE_CONFIG", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
         "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
         "JAX_DEFAULT_MATMUL_PRECISION", "JAX_ENABLE_X64")

# what every worker process starts with, before any framework loads
WORKER_ENV = {"CUBLAS_WORKSPACE_CONFIG": ":4096:8", "NVIDIA_TF32_OVERRIDE": "0"}

# the CPU arithmetic every program runs with (``pinned``): a level every x86-64 machine of the fleet
# has (the CI machines and the GPU hosts are AVX-512), threads fixed rather than the core count
CPU_ISA = "AVX512_CORE"
THREADS = 2
# the /proc/cpuinfo flag each oneDNN level needs
_ISA_FLAGS = {"SSE41": "sse4_1", "AVX": "avx", "AVX2": "avx2", "AVX2_VNNI": "avx_vnni", "AVX512_CORE": "avx512f",
              "AVX512_CORE_VNNI": "avx512_vnni", "AVX512_CORE_BF16": "avx512_bf16",
              "AVX512_CORE_AMX": "amx_tile", "ALL": ""}


def pinned(env=None) -> dict:
    """The variables that fix a program's CPU arithmetic: oneDNN's instruction set and the threads,
    from ``CLAIMCHECK_CPU_ISA`` and ``CLAIMCHECK_THREADS`` where set, else the defaults above."""
    env = os.environ if env is None else env
    isa = (env.get("CLAIMCHECK_CPU_ISA") or CPU_ISA).strip().upper()
    if isa not in _ISA_FLAGS:
        raise ValueError(f"CLAIMCHECK_CPU_ISA={isa!r}: one of {', '.join(_ISA_FLAGS)}")
    threads = (env.get("CLAIMCHECK_THREADS") or str(THREADS)).strip()
    if not threads.isdigit() or not 1 <= int(threads) <= 256:
        raise ValueError(f"CLAIMCHECK_THREADS={threads!r}: a whole number from 1 to 256")
    return {"ONEDNN_MAX_CPU_ISA": isa, "TF_ENABLE_ONEDNN_OPTS": "1", "TF_NUM_INTRAOP_THREADS": threads,
            "TF_NUM_INTEROP_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
            "OPENBLAS_NUM_THREADS": threads}


def cpu_isa(env=None) -> dict:
    """The pinned instruction set and whether this CPU has it (without it, oneDNN runs the widest it has)."""
    isa = pinned(env)["ONEDNN_MAX_CPU_ISA"]
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), None)
    except OSError:
        flags = None
    need = _ISA_FLAGS[isa]
    return {"level": isa, "supported": None if flags is None else (not need or need in flags)}


def policy(backend: str, gpu: bool) -> dict:
    """The policy ``apply`` sets on ``backend`` (on a GPU, or on the CPU), as recorded."""
    if not gpu:
        deterministic = "cpu kernels (repeatable)"
    else:
        deterministic = "not offered" if backend == "jax" else "on"
    pins = pinned()
    return {"tf32": "off", "deterministic_ops": deterministic, "cpu_isa": cpu_isa(),
            "threads": int(pins["TF_NUM_INTRAOP_THREADS"])}


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
    env = {**(os.environ if env is None else env), **WORKER_ENV, **pinned(env)}
    return {"policy": policy(backend, gpu), "flags": {k: env[k] for k in FLAGS if k in env},
            "keras_json": keras_config()}
