"""The named checks beside the specs: linted, and each measuring what it says on known inputs."""
import importlib.util
import shutil
import subprocess
import sys

import numpy as np
import pytest

from claimcheck.runners.catalog import loader
from claimcheck.runners.claim import values

from helpers import CLAIMS, write


def load(rel):
    spec = importlib.util.spec_from_file_location(rel.replace("/", "_"), CLAIMS / rel)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CH08 = load("dlwp2/ch08/checks.py")
CH02 = load("dlwp2/ch02/checks.py")


def test_the_check_modules_pass_the_linter():
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(__import__("pathlib").Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed (pip install 'claimcheck[test]')")
    paths = sorted(str(p) for p in CLAIMS.rglob("checks.py"))
    proc = subprocess.run([ruff, "check", "--no-cache", *paths], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_function_a_spec_names_exists_and_takes_named_parameters():
    refs = []
    for claim in loader.load(CLAIMS):
        for item in [claim.measure] + [claim.measure.get(s) or {} for s in ("a", "b")]:
            if isinstance(item.get("value"), values.FunctionRef):
                refs.append(item["value"])
    assert len(refs) >= 15
    for ref in refs:
        assert values.problems(ref) == [], ref


class History:
    def __init__(self, **curves):
        self.history = curves


def test_training_curve_checks():
    h = History(val_accuracy=[0.6, 0.75, 0.7] + [0.8] * 48 + [0.85] * 49, val_loss=[0.7, 0.5, 0.45, 0.6])
    assert CH08.peak_val_accuracy(h) == 0.85
    assert CH08.epoch_of_lowest_val_loss(h) == 3
    assert CH08.median_val_accuracy_last_50(h) == 0.85


def test_printed_output_checks():
    out = ("This is the number of trainable weights before freezing the conv base: 26\n"
           "This is the number of trainable weights after freezing the conv base: 0\n"
           "Found 2000 files belonging to 2 classes.\nFound 1000 files belonging to 2 classes.\n"
           "(16,)\n(32, 16)\n(4, 4)\nnot a shape (1)\n")
    assert (CH08.trainable_before_freezing(out), CH08.trainable_after_freezing(out)) == (26, 0)
    assert CH08.found_files(out) == [2000, 1000]
    assert CH08.printed_shapes(out) == ["(16,)", "(32, 16)", "(4, 4)"]
    with pytest.raises(ValueError):
        CH08.trainable_before_freezing("nothing printed")


def test_folder_checks(tmp_path):
    from PIL import Image

    for subset, n in (("train", 2), ("validation", 1), ("test", 1)):
        for label in ("cat", "dog"):
            for i in range(n):
                folder = tmp_path / subset / label
                folder.mkdir(parents=True, exist_ok=True)
                Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(folder / f"{label}.{i}.jpg")
    write(tmp_path / "test/cat", "broken.jpg", "not a jpeg")
    assert CH08.split_sizes(tmp_path) == [4, 2, 3]
    assert CH08.class_counts(tmp_path) == [2, 2, 1, 1, 2, 1]
    assert [p.endswith("broken.jpg") for p in CH08.undecodable(tmp_path)] == [True]


def augmentation(*stages):
    import keras

    return keras.Sequential(list(stages))


def test_augmentation_checks_measure_what_the_layers_do():
    from keras import layers

    stage = augmentation(layers.RandomFlip("horizontal"), layers.RandomRotation(0.2), layers.RandomZoom(0.4))
    assert 0.4 < CH08.share_flipped(stage) < 0.6
    low, high = CH08.rotation_range(stage)
    assert low == pytest.approx(-0.2, abs=0.01) and high == pytest.approx(0.2, abs=0.01)
    low, high = CH08.zoom_range(stage)
    assert low == pytest.approx(-0.4, abs=0.03) and high == pytest.approx(0.4, abs=0.03)


def test_a_flip_of_another_kind_is_not_counted_as_horizontal():
    from keras import layers

    with pytest.raises(ValueError, match="another way"):
        CH08.share_flipped(augmentation(layers.RandomFlip("vertical")))


def test_chapter_2_checks():
    labels = np.array([5, 0, 4, 1, 9, 2, 5, 6, 8], dtype=np.uint8)
    assert CH02.train_labels_printed(labels) == [5, 0, 4, "...", 5, 6, 8]
    assert CH02.train_label_count(labels) == 9
    assert CH02.first_prediction(np.eye(10)[[7, 2]]) == 7


def test_first_edition_checks_read_the_last_epoch_not_evaluates_bar():
    """The training accuracy of the last epoch, in the 2017 notebook's log, Keras 2's and Keras 3's
    bars; evaluate()'s bar after it (complete too) is not read. Keras 2's evaluate() empties
    model.history, so the claims read the log."""
    import importlib.util

    import nbformat

    for folder in ("ch02", "ch05"):
        spec = importlib.util.spec_from_file_location(f"dlwp1_{folder}", CLAIMS / "dlwp1" / folder / "checks.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        nb = nbformat.read(str(CLAIMS / "dlwp1" / "notebooks" / "2.1-a-first-look-at-a-neural-network.ipynb"), 4)
        assert module.last_epoch_accuracy(nb.cells[21].outputs[0]["text"]) == 0.9890
        keras2 = ("Epoch 5/5\n 10/469 [..] - ETA: 1s - loss: 0.04 - accuracy: 0.9800\r469/469 [=====] - 2s 4ms/step"
                  " - loss: 0.0378 - accuracy: 0.9887\n313/313 [=====] - 0s 1ms/step - loss: 0.07 - accuracy: 0.9780\n")
        keras3 = ("Epoch 5/5\n\x1b[1m469/469\x1b[0m \x1b[32m━━━━\x1b[0m 4ms/step - accuracy: 0.9904 - loss: 0.0350\n"
                  "\x1b[1m313/313\x1b[0m ━━━ 0s - accuracy: 0.9775 - loss: 0.07\n")
        assert module.last_epoch_accuracy(keras2) == 0.9887 and module.last_epoch_accuracy(keras3) == 0.9904
        with pytest.raises(ValueError, match="no complete last training epoch"):
            module.last_epoch_accuracy("313/313 [=====] - accuracy: 0.9780\n")
