"""Named checks for chapter 2's claims (see claims/dlwp2/ch08/checks.py for how they are used)."""
from __future__ import annotations


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
