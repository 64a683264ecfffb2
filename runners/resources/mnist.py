"""MNIST for the book's listings: Keras' own loader, or a verified local mirror.

The listings call ``keras.datasets.mnist.load_data()`` as the book does. Where a mirror is
configured (``--data-dir`` or ``CLAIMCHECK_DATA_DIR``, a folder holding ``mnist/`` with the
four IDX ``.gz`` files and ``SHA256SUMS``), :func:`mirrored` makes that same call return the
mirror's arrays, each file checked against its SHA-256 first. With no mirror, Keras' loader runs
unchanged: from its cache, or by download where the machine is online.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
from pathlib import Path

from ..core.errors import Skip
from ..environment.compat import modules_with
from ._idx import MirrorError, answering, read_idx  # noqa: F401 (MirrorError, read_idx: MNIST's own names too)

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
FIX = ("point --data-dir (or CLAIMCHECK_DATA_DIR) at a folder with mnist/ holding the four IDX "
       ".gz files and SHA256SUMS, or run once online so Keras caches ~/.keras/datasets/mnist.npz")


def mirror_dir(data_dir: Path | None) -> Path | None:
    if data_dir is None:
        return None
    folder = Path(data_dir) / "mnist"
    return folder if folder.is_dir() else None


def fingerprint(data_dir: Path | None) -> str:
    """Identifies the data a listing gets: the mirror's SHA256SUMS, or Keras' own loader."""
    folder = mirror_dir(data_dir)
    if folder is not None and (folder / "SHA256SUMS").is_file():
        return "mirror:" + hashlib.sha256((folder / "SHA256SUMS").read_bytes()).hexdigest()[:16]
    return "keras-loader"


def keras_cache() -> Path:
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return home / "datasets" / "mnist.npz"


def availability(data_dir: Path | None, allow_download: bool = False) -> str:
    """Where MNIST will come from; Skip when from nowhere on this offline machine."""
    if data_dir is not None:
        if mirror_dir(data_dir) is None:
            raise Skip(f"the MNIST mirror {Path(data_dir) / 'mnist'} does not exist", FIX)
        return f"mirror {mirror_dir(data_dir)}"
    if keras_cache().is_file():
        return f"keras cache {keras_cache()}"
    if not allow_download:
        raise Skip("MNIST is not available: no mirror is configured and Keras has no cached copy",
                   FIX + "; or pass --allow-download (or CLAIMCHECK_ALLOW_DOWNLOAD=1) to let Keras download it")
    return "keras download"


def _sums(folder: Path) -> dict[str, str]:
    path = folder / "SHA256SUMS"
    if not path.is_file():
        raise MirrorError(f"{path} is missing: the mirror's files cannot be checked")
    sums = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, name = line.split()[:2]
            sums[name.lstrip("*")] = digest
    return sums


def load_mirror(data_dir: Path):
    """``((x_train, y_train), (x_test, y_test))`` from the mirror, as Keras returns them."""
    folder = mirror_dir(data_dir)
    if folder is None:
        raise MirrorError(f"no mnist/ folder in {data_dir}")
    sums = _sums(folder)
    arrays = {}
    for key, name in FILES.items():
        path = folder / name
        if not path.is_file():
            raise MirrorError(f"{path} is missing from the mirror")
        # SHA256SUMS lists the digest of the raw bytes, under the name with or without .gz
        arrays[key] = read_idx(path, sums.get(name[:-3], sums.get(name)))
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def _loader_modules() -> list:
    """Every module a listing may call ``mnist.load_data`` through, on Keras 3 or Keras 2."""
    names = ["keras.datasets.mnist", "keras.src.datasets.mnist"]
    if importlib.util.find_spec("tensorflow") is not None:
        names.append("tensorflow.keras.datasets.mnist")  # as printed: from tensorflow.keras.datasets import mnist
    return modules_with(names, "load_data")


@contextlib.contextmanager
def mirrored(data_dir: Path | None):
    """While active, ``mnist.load_data()`` reads the mirror (when one is set), on any stack."""
    if data_dir is None:
        yield
        return
    with answering(_loader_modules(), lambda: load_mirror(data_dir)):
        yield
