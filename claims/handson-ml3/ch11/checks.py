"""Named checks for Hands-On ML 3rd ed., chapter 11: test accuracies the notebook shows by calling
``evaluate`` without assigning its result (cells 64, 74, 174)."""
from __future__ import annotations


def model_B_test_accuracy(model_B, X_test_B, y_test_B) -> float:
    """Cell 64 ends with ``model_B.evaluate(X_test_B, y_test_B)``: [loss, accuracy]."""
    return float(model_B.evaluate(X_test_B, y_test_B, verbose=0)[1])


def model_B_on_A_test_accuracy(model_B_on_A, X_test_B, y_test_B) -> float:
    """Cell 74: ``model_B_on_A.evaluate(X_test_B, y_test_B)``."""
    return float(model_B_on_A.evaluate(X_test_B, y_test_B, verbose=0)[1])


def test_accuracy(model, X_test, y_test) -> float:
    """Cell 174: ``model.evaluate(X_test, y_test)``, the dropout model's test accuracy."""
    return float(model.evaluate(X_test, y_test, verbose=0)[1])
