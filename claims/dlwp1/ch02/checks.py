"""Named checks for the first edition's section 2.1 (see claims/dlwp2/ch08/checks.py for how they are used)."""
from __future__ import annotations

import re

# the last epoch's header, then its bar's complete line (steps done == steps in all) and the accuracy
# on it; evaluate()'s bar comes after and is not read
LAST_EPOCH = re.compile(r"Epoch (\d+)/\1\s*\n(?:.*\n)*?\s*(\d+)/\2\b.*?(?<![\w])acc(?:uracy)?: ([0-9.]+)")


def last_epoch_accuracy(stdout) -> float:
    """The training accuracy fit's bar prints for its last epoch: what the notebook's log shows.
    (Keras 2's evaluate() empties model.history, so the history cannot be read after cell 23.)"""
    found = LAST_EPOCH.findall(re.sub(r"\x1b\[[0-9;]*m|\x08", "", stdout).replace("\r", "\n"))
    if not found:
        raise ValueError("the cells printed no complete last training epoch with an accuracy")
    return float(found[-1][2])
