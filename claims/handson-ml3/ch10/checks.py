"""Named checks for Hands-On ML 3rd ed., chapter 10: values the notebook shows by calling something."""
from __future__ import annotations


def first_class_name(class_names, y_train) -> str:
    """Cell 46 displays ``class_names[y_train[0]]``."""
    return class_names[int(y_train[0])]


def test_accuracy(model, X_test, y_test) -> float:
    """Cells 74 and 207 end with ``model.evaluate(X_test, y_test)``: [loss, accuracy]."""
    return float(model.evaluate(X_test, y_test, verbose=0)[1])
