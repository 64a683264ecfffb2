"""Named checks for Hands-On ML 3rd ed., chapter 4: the values a cell shows by calling something
(``lin_reg.intercept_, lin_reg.coef_``, ``ridge_reg.predict([[1.5]])``) or prints in a loop."""
from __future__ import annotations

import re


def _plain(a) -> list:
    return a.tolist()


def lin_reg_params(lin_reg) -> list:
    """Cells 20 and 45 display ``lin_reg.intercept_, lin_reg.coef_``."""
    return [_plain(lin_reg.intercept_), _plain(lin_reg.coef_)]


def sgd_reg_params(sgd_reg) -> list:
    """Cell 36 displays ``sgd_reg.intercept_, sgd_reg.coef_``."""
    return [_plain(sgd_reg.intercept_), _plain(sgd_reg.coef_)]


def ridge_reg_params(ridge_reg) -> list:
    """Cell 62 displays ``ridge_reg.intercept_, ridge_reg.coef_``: the two numbers, whatever the arrays'
    shapes (``coef_`` was (1, 1) for a one-column y in the notebook's scikit-learn, is (1,) in 1.9)."""
    return [float(ridge_reg.intercept_.ravel()[0]), float(ridge_reg.coef_.ravel()[0])]


def pinv_solution(X_b, y) -> list:
    """Cell 25 displays ``np.linalg.pinv(X_b) @ y``."""
    import numpy as np

    return _plain(np.linalg.pinv(X_b) @ y)


def ridge_prediction(ridge_reg) -> float:
    """Cells 57 and 60 display ``ridge_reg.predict([[1.5]])``: the number, whatever the array's shape
    ((1, 1) for a one-column y in the notebook's scikit-learn, (1,) in 1.9)."""
    return float(ridge_reg.predict([[1.5]]).ravel()[0])


def sgd_prediction(sgd_reg) -> list:
    """Cell 59 displays ``sgd_reg.predict([[1.5]])``."""
    return _plain(sgd_reg.predict([[1.5]]))


def lasso_prediction(lasso_reg) -> list:
    """Cell 64 displays ``lasso_reg.predict([[1.5]])``."""
    return _plain(lasso_reg.predict([[1.5]]))


def elastic_net_prediction(elastic_net) -> list:
    """Cell 68 displays ``elastic_net.predict([[1.5]])``."""
    return _plain(elastic_net.predict([[1.5]]))


def log_reg_predictions(log_reg) -> list:
    """Cell 86 displays ``log_reg.predict([[1.7], [1.5]])``."""
    return _plain(log_reg.predict([[1.7], [1.5]]))


def softmax_prediction(softmax_reg) -> list:
    """Cell 90 displays ``softmax_reg.predict([[5, 2]])``."""
    return _plain(softmax_reg.predict([[5, 2]]))


def softmax_proba(softmax_reg) -> list:
    """Cell 91 displays ``softmax_reg.predict_proba([[5, 2]]).round(2)``."""
    return _plain(softmax_reg.predict_proba([[5, 2]]).round(2))


def printed_losses(stdout) -> list:
    """The ``epoch loss`` lines the training loop of cell 117 prints (epochs 0, 1000, ..., 5000)."""
    return [float(loss) for _, loss in re.findall(r"^(\d+) ([0-9.]+)$", stdout, re.M)]


def early_stopping_epoch(stdout) -> int:
    """The epoch cell 128 prints beside ``early stopping!``."""
    found = re.findall(r"^(\d+) [0-9.]+ early stopping!$", stdout, re.M)
    if not found:
        raise ValueError("the cells printed no 'early stopping!' line")
    return int(found[-1])


def ridge_closed_form(X_b, alpha, A, y) -> list:
    """Cell 61 displays ``np.linalg.inv(X_b.T @ X_b + alpha * A) @ X_b.T @ y``."""
    import numpy as np

    return _plain(np.linalg.inv(X_b.T @ X_b + alpha * A) @ X_b.T @ y)
