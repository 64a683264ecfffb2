"""What a result was measured on: Python, Keras and its backend, the stack, the device.

``stack()`` names the software stack a run is on (``keras3-tensorflow``, ``keras3-jax``,
``keras3-torch``, ``keras2-tensorflow``): claims' ``variants`` and the matrix report use it.
A GPU is described with its name, count, driver, and the CUDA and cuDNN versions the backend
uses, whichever backend that is.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from . import numerics


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu() -> dict:
    """What identifies the CPU a run computes on: its model, its instruction-set flags (a digest),
    and how many cores this process may use (the threads the frameworks start)."""
    flags = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line.split(":", 1)[1] for line in f if line.startswith("flags")), "")
    except OSError:
        pass
    try:
        threads = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        threads = os.cpu_count() or 1
    return {"model": _cpu_name(), "flags": hashlib.sha256(" ".join(sorted(flags.split())).encode()).hexdigest()[:12],
            "threads": threads}


def gpu_libraries() -> dict:
    """The versions of the ``nvidia-*`` wheels (cuBLAS, cuDNN, NCCL, ...) installed beside the backend."""
    found = {}
    for dist in metadata.distributions():
        name = (dist.metadata.get("Name") or "").lower()
        if name.startswith("nvidia-"):
            found[name] = dist.version
    return dict(sorted(found.items()))


def device_key() -> dict:
    """What identifies the device a run computes on, for cache keys: the GPU (model, driver, CUDA,
    cuDNN, the JAX CUDA plugin and the nvidia-* wheels) where the backend sees one, else the CPU."""
    gpu = gpus()
    if gpu:
        return {"gpu": {k: v for k, v in gpu.items() if k != "count"}, "gpu_libraries": gpu_libraries()}
    return {"cpu": cpu()}


def installed_version(*distributions: str) -> str | None:
    """An installed distribution's version, without importing it."""
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def keras_version() -> str:
    """Keras' version, read from its installed metadata (the module itself is not imported: the claimcheck
    process runs no book's code, and importing the framework costs seconds at every start)."""
    import keras  # noqa: F401 - where metadata is missing (a source checkout), the module says

    return keras.__version__


@functools.lru_cache(maxsize=1)
def _keras_version() -> str:
    return installed_version("keras") or keras_version()


def keras_major() -> int:
    return int(_keras_version().split(".")[0])


def backend() -> str:
    """The Keras backend this process would run: Keras 2 is TensorFlow's; Keras 3's is ``KERAS_BACKEND``,
    else its ``keras.json``'s, else TensorFlow, as Keras itself decides at import (nothing imported here)."""
    if keras_major() < 3:
        return "tensorflow"
    chosen = os.environ.get("KERAS_BACKEND")
    if chosen:
        return chosen
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    try:
        return str(json.loads((home / "keras.json").read_text()).get("backend") or "tensorflow")
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def stack() -> str:
    return f"keras{keras_major()}-{backend()}"


def _driver() -> str | None:
    text = None
    try:
        text = Path("/proc/driver/nvidia/version").read_text()
    except OSError:
        pass
    if text:
        m = re.search(r"Kernel Module\s+(?:for \S+\s+)?([\d.]+)", text)
        if m:
            return m.group(1)
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


def _gpus_tensorflow() -> dict | None:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    info = tf.sysconfig.get_build_info()
    name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
    models = sorted({tf.config.experimental.get_device_details(g).get("device_name", "GPU") for g in gpus})
    return {"name": name, "models": models, "count": len(gpus), "cuda": info.get("cuda_version"),
            "cudnn": info.get("cudnn_version")}


def _gpus_torch() -> dict | None:
    import torch

    if not torch.cuda.is_available():
        return None
    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    models = sorted({torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())})
    return {"name": torch.cuda.get_device_name(0), "models": models, "count": torch.cuda.device_count(),
            "cuda": torch.version.cuda, "cudnn": str(cudnn) if cudnn else None}


def _gpus_jax() -> dict | None:
    import jax

    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    if not gpus:
        return None
    cuda = cudnn = None
    try:
        from jax._src.lib import cuda_versions  # the CUDA plugin's own report

        if cuda_versions is not None:
            cuda = str(cuda_versions.cuda_runtime_get_version())
            cudnn = str(cuda_versions.cudnn_get_version())
    except Exception:  # an older or newer jaxlib without that module: record what is known
        pass
    return {"name": gpus[0].device_kind, "models": sorted({d.device_kind for d in gpus}), "count": len(gpus),
            "cuda": cuda, "cudnn": cudnn,
            "jax_cuda_plugin": installed_version("jax-cuda12-plugin", "jax-cuda13-plugin")}


def _no_gpu_here() -> bool:
    """No GPU device or driver on this machine at all (then no framework need be imported to ask)."""
    import glob

    return not (glob.glob("/dev/nvidia*") or glob.glob("/dev/dri/render*") or os.path.exists("/dev/kfd")
                or os.path.exists("/proc/driver/nvidia"))


@functools.lru_cache(maxsize=1)
def gpus() -> dict | None:
    """The GPUs the Keras backend sees: name, count, driver, CUDA, cuDNN; None without one."""
    if _no_gpu_here():
        return None
    probe = {"tensorflow": _gpus_tensorflow, "torch": _gpus_torch, "jax": _gpus_jax}.get(backend())
    try:
        found = probe() if probe else None
    except Exception:  # a broken driver means no usable GPU, not a crash
        return None
    if found:
        found["driver"] = _driver()
    return found


def device_in_use() -> dict:
    """Where the Keras backend computes in this process (a worker reports it with its values):
    ``{"platform": "gpu", "name": ...}`` or ``{"platform": "cpu", "name": ...}``."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    try:
        name = {"tensorflow": _in_use_tensorflow, "torch": _in_use_torch, "jax": _in_use_jax}[backend()]()
    except Exception:  # no usable GPU stack: the backend computes on the CPU
        name = None
    found = {"platform": "gpu", "name": name} if name else {"platform": "cpu", "name": _cpu_name()}
    return {**found, **({"cuda_visible_devices": visible} if visible is not None else {})}


def _in_use_tensorflow() -> str | None:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU") if gpus else None


def _in_use_torch() -> str | None:
    import torch

    return torch.cuda.get_device_name(torch.cuda.current_device()) if torch.cuda.is_available() else None


def _in_use_jax() -> str | None:
    import jax

    first = jax.devices()[0]
    return first.device_kind if first.platform == "gpu" else None


def accelerator() -> str | None:
    """The name of the GPU the Keras backend sees, or None."""
    found = gpus()
    return found["name"] if found else None


@functools.lru_cache(maxsize=1)
def describe() -> dict:
    gpu = gpus()
    return {
        "python": platform.python_version(),
        "tensorflow": installed_version("tensorflow", "tensorflow-cpu"),
        "keras": _keras_version(),
        "backend": backend(),
        "stack": stack(),
        "device": gpu["name"] if gpu else f"CPU: {_cpu_name()}",
        "platform": f"{sys.platform}-{platform.machine()}",
        "numerics": numerics.policy(backend(), gpu=gpu is not None),
        **({"gpu": gpu} if gpu else {}),
    }


def frameworks() -> dict:
    """numpy, and the active backend's own packages: versions that decide a training run."""
    names = {"jax": ("jax", "jaxlib"), "torch": ("torch",)}.get(backend(), ())
    return {name: v for name in ("numpy", *names) if (v := installed_version(name))}


def git_commit(cwd: Path | None = None) -> str:
    """The commit the checkout at ``cwd`` is at (the harness's own code), or "unknown"."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, cwd=cwd, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"
