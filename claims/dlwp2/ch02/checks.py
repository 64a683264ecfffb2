"""Named checks for chapter 2's claims (see claims/dlwp2/ch08/checks.py for how they are used)."""
from __future__ import annotations

import re


def train_label_count(train_labels) -> int:
    """``len(train_labels)``, as the book prints it."""
    return len(train_labels)


def test_label_count(test_labels) -> int:
    """``len(test_labels)``, as the book prints it."""
    return len(test_labels)


def _ends(array) -> list:
    """The first and last three entries, as NumPy prints a long array: ``[5, 0, 4, ..., 5, 6, 8]``."""
    return [int(v) for v in array[:3]] + ["..."] + [int(v) for v in array[-3:]]


def train_labels_printed(train_labels) -> list:
    return _ends(train_labels)


def test_labels_printed(test_labels) -> list:
    return _ends(test_labels)


def first_prediction(predictions) -> int:
    """``predictions[0].argmax()``: the class the model gives the first test digit."""
    return int(predictions[0].argmax())


def last_epoch_accuracy(stdout) -> float:
    """The training accuracy fit's progress bar prints for the last epoch (the book's "reach ...").

    The line of the last ``Epoch N/N`` whose step count is complete (``469/469``); on Keras 2
    and Keras 3 alike (their bars differ in drawing, not in that).
    """
    plain = re.sub(r"\x1b\[[0-9;]*m|\x08", "", stdout)  # the bar's colours and backspaces
    lines = plain.replace("\r", "\n").splitlines()
    epochs = [n for n, line in enumerate(lines) if re.match(r"\s*Epoch \d+/\d+", line)]
    if not epochs:
        raise ValueError("the listings printed no training epoch")
    for line in lines[epochs[-1] + 1:]:
        done = re.match(r"\s*(\d+)/(\d+)\b", line)
        found = re.search(r"(?<![\w_])accuracy: ([0-9.]+)", line)
        if done and done.group(1) == done.group(2) and found:
            return float(found.group(1))
    raise ValueError("the last epoch printed no accuracy")
