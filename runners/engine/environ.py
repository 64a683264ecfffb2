"""The environment a program sees: the frameworks' and the OS's variables, nothing else (no CI secret).

Settings travel to worker processes as arguments, never through variables, so everything else of
the caller's environment (tokens, passwords, cloud credentials) is left out.
"""
from __future__ import annotations

import contextlib
import os

# environment variables a program may see: the frameworks' own settings, the OS's, nothing else
KEPT_ENVIRONMENT = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP",
                    "LD_LIBRARY_PATH", "PYTHONHASHSEED", "PYTHONUNBUFFERED", "PYTHONPATH", "VIRTUAL_ENV")
KEPT_PREFIXES = ("LC_", "KERAS_", "TF_", "XLA_", "JAX_", "CUDA_", "NVIDIA_", "CUDNN_", "TORCH_", "PYTORCH_",
                 "OMP_", "MKL_", "OPENBLAS_", "GOTO_")
DROPPED_PREFIXES = ("TF_VAR_",)  # Terraform's variables, which CI systems fill with secrets


def scrubbed(env) -> dict:
    """The variables of ``env`` a program may see."""
    return {k: v for k, v in env.items()
            if (k in KEPT_ENVIRONMENT or k.startswith(KEPT_PREFIXES)) and not k.startswith(DROPPED_PREFIXES)}


def scrub(extra: dict | None = None) -> None:
    """This process's own environment scrubbed (in a worker, before any program runs), plus ``extra``."""
    kept = {**scrubbed(os.environ), **(extra or {})}
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
