"""Named checks for chapter 8's claims: what a claim reads after the book's listings ran.

A spec names one as ``value: !function checks.NAME``. Each parameter names what the function
reads: a variable the listings left (``history``, ``new_base_dir``, ``data_augmentation``), or
``stdout`` (what they printed). Plain Python, linted and tested (tests/test_checks.py); the
engine never evaluates spec text.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

SUBSETS = ("train", "validation", "test")
AUGMENTATION_SAMPLES = 400


# --- listing 8.6 and 8.9: the data -------------------------------------------------------

def split_sizes(new_base_dir) -> list[int]:
    """Images in each of the subsets listing 8.6 makes."""
    return [sum(1 for _ in (Path(new_base_dir) / s).rglob("*.jpg")) for s in SUBSETS]


def class_counts(new_base_dir) -> list[int]:
    """Images per subset and class: train cat, train dog, validation cat, ..."""
    return [sum(1 for _ in (Path(new_base_dir) / s / c).rglob("*.jpg")) for s in SUBSETS for c in ("cat", "dog")]


def undecodable(new_base_dir) -> list[str]:
    """The images that do not decode (an empty list: every one does)."""
    from PIL import Image

    bad = []
    for path in sorted(Path(new_base_dir).rglob("*.jpg")):
        try:
            with Image.open(path) as image:
                np.asarray(image.convert("RGB"))
        except (OSError, ValueError, SyntaxError):  # PIL: cannot identify or decode the file
            bad.append(str(path))
    return bad


def found_files(stdout) -> list[int]:
    """The counts image_dataset_from_directory printed: "Found 2000 files belonging to 2 classes"."""
    return [int(n) for n in re.findall(r"Found (\d+) files belonging to 2 classes", stdout)]


def printed_shapes(stdout) -> list[str]:
    """The shapes the tf.data demonstration printed, one per line: "(16,)", "(32, 16)", ..."""
    return [line.strip() for line in stdout.splitlines() if re.fullmatch(r"\(\d+(, \d+)*,?\)", line.strip())]


# --- listings 8.2 and 8.5: the summary as printed ------------------------------------------

def summary_first_row(stdout) -> list[str]:
    """The first layer row of the first model summary printed: [layer (type), output shape, params].

    Reads both formats: Keras 2's columns separated by spaces under a ``====`` rule, and Keras
    3's table drawn with box characters.
    """
    lines = stdout.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("│"):  # Keras 3: the first row of the table's body
            return [cell.strip() for cell in line.strip().strip("│").split("│")]
        if line.startswith("====="):  # Keras 2: the first line under the rule
            row = next(row for row in lines[n + 1:] if row.strip())
            return re.split(r"\s{2,}", row.strip())
    raise ValueError("the listings printed no model summary")


# --- listings 8.1 and 8.5: the convolution windows ----------------------------------------

def _window(layer) -> list[int]:
    """The spatial extent of one layer's response to a single lit pixel: the window it slides."""
    from claimcheck.runners.environment.compat import to_numpy

    height, width, channels = (int(d) for d in layer.input.shape[1:])
    impulse = np.zeros((1, height, width, channels), "float32")
    impulse[0, height // 2, width // 2, :] = 1.0
    zero = to_numpy(layer(np.zeros_like(impulse)))
    # +impulse and -impulse: whatever the activation cuts on one side shows on the other
    response = np.abs(to_numpy(layer(impulse)) - zero) + np.abs(to_numpy(layer(-impulse)) - zero)
    lit = np.nonzero(response[0].max(axis=-1) > 0)
    return [int(lit[0].max() - lit[0].min() + 1), int(lit[1].max() - lit[1].min() + 1)]


def conv_windows(model) -> list[list[int]]:
    """The window of every Conv2D layer of a model, measured by its response to one lit pixel."""
    return [_window(layer) for layer in model.layers if type(layer).__name__ == "Conv2D"]


def conv_windows_no_max_pool(model_no_max_pool) -> list[list[int]]:
    return conv_windows(model_no_max_pool)


# --- training curves ---------------------------------------------------------------------

def peak_val_accuracy(history) -> float:
    """The highest validation accuracy over the epochs (the peak of the curve)."""
    return max(history.history["val_accuracy"])


def epoch_of_lowest_val_loss(history) -> int:
    """The epoch (from 1) whose validation loss is the lowest."""
    losses = history.history["val_loss"]
    return losses.index(min(losses)) + 1


def median_val_accuracy_last_50(history) -> float:
    """The median validation accuracy over the last 50 of the 100 epochs."""
    return float(np.median(history.history["val_accuracy"][-50:]))


# --- listings 8.24-8.27: trainable weights -----------------------------------------------

def _printed_after(stdout, label: str) -> int:
    found = re.findall(re.escape(label) + r"\s*(\d+)", stdout)
    if not found:
        raise ValueError(f"the listings printed nothing after '{label}'")
    return int(found[-1])


def trainable_before_freezing(stdout) -> int:
    return _printed_after(stdout, "before freezing the conv base:")


def trainable_after_freezing(stdout) -> int:
    return _printed_after(stdout, "after freezing the conv base:")


def model_trainable_weights(model) -> int:
    return len(model.trainable_weights)


def conv_base_trainable_weights(conv_base) -> int:
    return len(conv_base.trainable_weights)


# --- listing 8.14: what the augmentation layers do to real tensors -----------------------

def _apply(layer, images: np.ndarray) -> np.ndarray:
    from claimcheck.runners.environment.compat import to_numpy

    return np.asarray(to_numpy(layer(images.astype("float32"), training=True)))


def share_flipped(data_augmentation) -> float:
    """The share of images RandomFlip("horizontal") mirrors left-right, over 400 asymmetric images."""
    flip = data_augmentation.layers[0]
    images = np.random.default_rng(0).random((AUGMENTATION_SAMPLES, 8, 8, 3))
    out = _apply(flip, images)
    mirrored = np.all(np.isclose(out, images[:, :, ::-1, :], atol=1e-5), axis=(1, 2, 3))
    kept = np.all(np.isclose(out, images, atol=1e-5), axis=(1, 2, 3))
    if np.any(~mirrored & ~kept):
        raise ValueError("RandomFlip changed some images in another way than a horizontal flip")
    return float(mirrored.mean())


def _polar(size: int):
    c = (size - 1) / 2
    y, x = np.mgrid[0:size, 0:size]
    return np.arctan2(c - y, x - c), np.hypot(x - c, y - c) / c


def rotation_range(data_augmentation) -> list[float]:
    """The smallest and largest rotation RandomRotation applies, in full turns (0.1 = 36 degrees).

    Each image encodes the angle of its pixels (cos and sin channels, in a ring around the
    centre); after rotating, the circular mean of (angle before - angle read back) is the angle
    of the rotation.
    """
    rotate = data_augmentation.layers[1]
    size = 48
    theta, radius = _polar(size)
    ring = (radius > 0.3) & (radius < 0.85)
    image = np.stack([np.cos(theta), np.sin(theta), ring.astype(float)], axis=-1)
    out = _apply(rotate, np.repeat(image[None], AUGMENTATION_SAMPLES, axis=0))
    read = np.arctan2(out[..., 1], out[..., 0])
    turns = []
    for angles in read:
        turn = np.angle(np.sum(np.exp(1j * (theta[ring] - angles[ring])))) / (2 * np.pi)
        turns.append(float(turn))
    return [round(min(turns), 4), round(max(turns), 4)]


def zoom_range(data_augmentation) -> list[float]:
    """The smallest and largest zoom RandomZoom applies, as a fraction (-0.2 = 20% in).

    Each image is a centred Gaussian spot; its size after the layer, against its size before,
    is the zoom factor z (content appears 1/z as large); the zoom is z - 1. Sizes are measured
    within 40 pixels of the centre, where the layer's border filling (reflection) never reaches
    for zooms up to 1.5; a large spot (sd 8 pixels) keeps the interpolation's blur negligible.
    """
    zoom = data_augmentation.layers[2]
    size = 128
    y, x = np.mgrid[0:size, 0:size] - (size - 1) / 2
    spot = np.exp(-(x ** 2 + y ** 2) / (2 * 8.0 ** 2))
    image = np.repeat(spot[..., None], 3, axis=-1)
    out = _apply(zoom, np.repeat(image[None], AUGMENTATION_SAMPLES, axis=0))[..., 0]
    centre = (x ** 2 + y ** 2) < 40 ** 2

    def spread(img):
        return np.sqrt(np.sum((img * y ** 2)[centre]) / np.sum(img[centre]))

    before = spread(spot)
    zooms = [before / spread(img) - 1 for img in out]
    return [round(float(min(zooms)), 4), round(float(max(zooms)), 4)]
