"""Fashion-MNIST for the book's code: Keras' own loader, reading verified local files.

The code calls ``keras.datasets.fashion_mnist.load_data()`` (or ``tf.keras.datasets...``) as the
book prints it. Where the four original IDX ``.gz`` files are here, :func:`mirrored` makes that same
call return their arrays, each file's raw (gunzipped) bytes checked against the SHA-256 pinned
below first: a file that does not match is refused. The files are looked for in
``<data dir>/fashion-mnist/`` (``--data-dir`` or ``CLAIMCHECK_DATA_DIR``), then where Debian's
package ``dataset-fashion-mnist`` installs them (``/usr/share/datasets/fashion-mnist/``; a book
names the package in its ``apt.txt``). With neither, Keras' own cache (``~/.keras/datasets/
fashion-mnist/``) is used as Keras uses it; with none of the three, the claims that need it are
skipped with the fix.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
from pathlib import Path

from ..core.errors import Skip
from ..environment.compat import modules_with
from ._idx import MirrorError, answering, read_idx

NAME = "fashion-mnist"
APT_PACKAGE = "dataset-fashion-mnist"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# SHA-256 of each file's raw IDX bytes (after gunzip, so a recompressed copy such as Debian's still
# matches): zalandoresearch/fashion-mnist's data/fashion files, as dataset-fashion-mnist
# 0.0~git20200523.55506a9-1 ships them (60,000 and 10,000 images, 6,000 and 1,000 of each class).
SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
FIX = (f"apt-get install {APT_PACKAGE} (the book's apt.txt names it; scripts/apt-packages.sh), or put "
       f"the four IDX .gz files of Fashion-MNIST in <data dir>/{NAME}/ (--data-dir or CLAIMCHECK_DATA_DIR)")


def keras_cache() -> Path:
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return home / "datasets" / NAME


def _complete(folder: Path | None) -> bool:
    return folder is not None and all((folder / name).is_file() for name in FILES.values())


def _looked(data_dir: Path | None, system_dir: Path | None) -> list[Path]:
    """Where the files are looked for, in order: the data dir's ``fashion-mnist/``, then Debian's folder."""
    return ([Path(data_dir) / NAME] if data_dir is not None else []) + [Path(system_dir or DEBIAN_DIR)]


def local_dir(data_dir: Path | None, system_dir: Path | None = None) -> Path | None:
    """The folder whose files the loader will read: the data dir's ``fashion-mnist/``, else Debian's."""
    for folder in _looked(data_dir, system_dir):
        if _complete(folder):
            return folder
    return None


def _missing(folder: Path) -> list[str]:
    return [name for name in FILES.values() if not (folder / name).is_file()]


def availability(data_dir: Path | None, system_dir: Path | None = None) -> str:
    """Where Fashion-MNIST will come from; Skip (with the apt line) when from nowhere."""
    folder = local_dir(data_dir, system_dir)
    if folder is not None:
        return f"local files {folder}"
    if _complete(keras_cache()):
        return f"keras cache {keras_cache()}"
    where = "; ".join(f"{f}: " + ("no such folder" if not f.is_dir() else "lacks " + ", ".join(_missing(f)))
                      for f in _looked(data_dir, system_dir))
    raise Skip(f"Fashion-MNIST is not here ({where}) and cannot be downloaded on this machine", FIX)


def fingerprint(data_dir: Path | None, system_dir: Path | None = None) -> str:
    """Identifies the data the code gets: the pinned files (refused unless they match), or Keras' loader."""
    if local_dir(data_dir, system_dir) is not None:
        pins = "".join(f"{name}={SHA256[name]}\n" for name in sorted(SHA256))
        return "sha256:" + hashlib.sha256(pins.encode()).hexdigest()[:16]
    return "keras-loader"


def load(folder: Path):
    """``((x_train, y_train), (x_test, y_test))`` from the four files, as Keras returns them."""
    arrays = {}
    for key, name in FILES.items():
        path = Path(folder) / name
        if not path.is_file():
            raise MirrorError(f"{path} is missing")
        arrays[key] = read_idx(path, SHA256[name])
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def _loader_modules() -> list:
    """Every module the code may call ``fashion_mnist.load_data`` through, on Keras 3 or Keras 2."""
    names = ["keras.datasets.fashion_mnist", "keras.src.datasets.fashion_mnist"]
    if importlib.util.find_spec("tensorflow") is not None:  # tf.keras.datasets.fashion_mnist, as printed
        names += ["tensorflow.keras.datasets.fashion_mnist", "keras._tf_keras.keras.datasets.fashion_mnist"]
    return modules_with(names, "load_data")


@contextlib.contextmanager
def mirrored(data_dir: Path | None, system_dir: Path | None = None):
    """While active, ``fashion_mnist.load_data()`` reads the local files (when they are here)."""
    folder = local_dir(data_dir, system_dir)
    if folder is None:
        yield
        return
    with answering(_loader_modules(), lambda: load(folder)):
        yield
