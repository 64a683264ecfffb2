"""Pretrained weights from a configured local folder, where Keras would download them.

``keras.applications.vgg16.VGG16(weights="imagenet", ...)`` asks ``get_file`` for
``vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`` (or the file with the top). With
``--weights-dir DIR`` (or ``CLAIMCHECK_WEIGHTS_DIR``), a file of that name in DIR is used
instead of the download; Keras' own cache (``~/.keras/models``) works as it always does.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from pathlib import Path

from ..core.errors import Skip
from ..environment.compat import modules_with

ENV = "CLAIMCHECK_WEIGHTS_DIR"
VGG16_NOTOP = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
FIX = (f"put {VGG16_NOTOP} (Keras' ImageNet weights of VGG16, without the top) in a folder and "
       f"pass it with --weights-dir DIR (or ${ENV}), or in ~/.keras/models/")


def configured(config) -> Path | None:
    value = getattr(config, "weights_dir", None)  # --weights-dir or $CLAIMCHECK_WEIGHTS_DIR (settings.py)
    return Path(value) if value else None


def keras_cache(name: str) -> Path:
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return home / "models" / name


def check_vgg16(config) -> Path:
    folder = configured(config)
    for candidate in ([folder / VGG16_NOTOP] if folder else []) + [keras_cache(VGG16_NOTOP)]:
        if candidate.is_file():
            return candidate
    where = f" ({folder} has no {VGG16_NOTOP})" if folder else ""
    raise Skip(f"the ImageNet weights of VGG16 are not here{where}; they cannot be downloaded "
               "on this machine", FIX)


def fingerprint(config) -> str:
    """The SHA-256 of the VGG16 weights file a run would load (memoised per file state)."""
    try:
        path = check_vgg16(config)
    except Skip:
        return "absent"
    st = path.stat()
    return _sha256(str(path), (st.st_mtime_ns, st.st_size, st.st_ino))


@functools.lru_cache(maxsize=8)
def _sha256(path: str, stamp) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _get_file_modules() -> list:
    """The modules whose ``get_file`` the applications call, on Keras 3 and on Keras 2."""
    return modules_with(("keras.src.utils.file_utils", "keras.src.utils.data_utils", "keras.utils.data_utils"),
                        "get_file")


@contextlib.contextmanager
def mirrored(config):
    """While active, Keras' ``get_file`` returns configured files instead of downloading."""
    folder = configured(config)
    if folder is None:
        yield
        return
    modules = _get_file_modules()
    originals = [m.get_file for m in modules]

    def patched(original):
        def get_file(fname=None, origin=None, *args, **kwargs):
            local = folder / (fname or "")
            if fname and local.is_file():
                return str(local)
            return original(fname, origin, *args, **kwargs)
        return get_file

    for m, original in zip(modules, originals):
        m.get_file = patched(original)
    try:
        yield
    finally:
        for m, original in zip(modules, originals):
            m.get_file = original
