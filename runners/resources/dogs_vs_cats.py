"""Kaggle's dogs-vs-cats for listing 8.6, from a folder the user configures.

Listing 8.6 reads ``train/`` (Kaggle's 25,000 images) and writes ``cats_vs_dogs_small/`` in
the current folder. The suite runs it as printed, in the program's own fresh working folder, in
which :func:`workspace` makes ``train`` the configured Kaggle folder. Where the user has only an existing
``cats_vs_dogs_small`` folder, ``train`` is made of links to its files under their Kaggle
names, so listing 8.6 still runs and rebuilds the same subsets.

Configure with ``--dogs-vs-cats DIR`` or ``CLAIMCHECK_DOGS_VS_CATS=DIR``.
"""
from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from ..core.errors import Skip

ENV = "CLAIMCHECK_DOGS_VS_CATS"
FIX = (f"download Kaggle's dogs-vs-cats train.zip, unzip it and pass its train/ folder with "
       f"--dogs-vs-cats DIR (or ${ENV}); an existing cats_vs_dogs_small/ folder works too")
SUBSETS = ("train", "validation", "test")


def configured(config) -> Path | None:
    value = getattr(config, "dogs_vs_cats", None)  # --dogs-vs-cats or $CLAIMCHECK_DOGS_VS_CATS (settings.py)
    return Path(value) if value else None


def layout(folder: Path) -> str:
    """'kaggle' (cat.0.jpg ... in one folder) or 'small' (train/cat/cat.0.jpg ...)."""
    if (folder / "cat.0.jpg").is_file():
        return "kaggle"
    if all((folder / s / c).is_dir() for s in SUBSETS for c in ("cat", "dog")):
        return "small"
    raise Skip(f"{folder} is neither Kaggle's train/ folder (cat.0.jpg, ...) nor a "
               "cats_vs_dogs_small/ folder (train|validation|test/cat|dog)", FIX)


def check(config) -> Path:
    folder = configured(config)
    if folder is None:
        raise Skip("Kaggle's dogs-vs-cats images are not here (they cannot be downloaded on this machine)", FIX)
    if not folder.is_dir():
        raise Skip(f"the configured dogs-vs-cats folder {folder} does not exist", FIX)
    layout(folder)
    return folder


def fingerprint(config) -> str:
    """Identifies the images: names and sizes, cheaply (no image is read)."""
    folder = configured(config)
    if folder is None or not folder.is_dir():
        return "none"
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.jpg")):
        h.update(f"{path.relative_to(folder)}:{path.stat().st_size}\n".encode())
    return h.hexdigest()[:16]


def _link_small_as_kaggle(small: Path, train: Path) -> None:
    train.mkdir()
    for path in small.rglob("*.jpg"):
        target = train / path.name
        if not target.exists():
            target.symlink_to(path.resolve())


@contextlib.contextmanager
def workspace(config, folder: Path):
    """Makes ``train`` in the (fresh) working folder the configured images, while listings run."""
    source = check(config)
    train = Path(folder) / "train"
    if not train.exists():
        if layout(source) == "kaggle":
            train.symlink_to(source.resolve())
        else:
            _link_small_as_kaggle(source, train)
    yield folder
