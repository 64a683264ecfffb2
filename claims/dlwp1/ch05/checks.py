"""Named checks for the first edition's chapter 5 (see claims/dlwp2/ch08/checks.py for how they are used)."""
from __future__ import annotations

import re

# the last epoch's header, then its bar's complete line (steps done == steps in all) and the accuracy
# on it; evaluate()'s bar comes after and is not read
LAST_EPOCH = re.compile(r"Epoch (\d+)/\1\s*\n(?:.*\n)*?\s*(\d+)/\2\b.*?(?<![\w])acc(?:uracy)?: ([0-9.]+)")


def last_epoch_accuracy(stdout) -> float:
    """The training accuracy fit's bar prints for its last epoch (5.1's cell 11). Keras 2's
    evaluate() empties model.history, so it cannot be read after cell 13."""
    found = LAST_EPOCH.findall(re.sub(r"\x1b\[[0-9;]*m|\x08", "", stdout).replace("\r", "\n"))
    if not found:
        raise ValueError("the cells printed no complete last training epoch with an accuracy")
    return float(found[-1][2])


def printed_counts(stdout) -> list:
    """The image counts cells 8-13 print (``total training cat images: 1000``), in order."""
    return [int(n) for n in re.findall(r"^total [a-z ]+ images: (\d+)$", stdout, re.M)]


def found_images(stdout) -> list:
    """What ``flow_from_directory`` reports per generator: ``Found 2000 images belonging to 2 classes.``"""
    return [[int(a), int(b)] for a, b in re.findall(r"Found (\d+) images belonging to (\d+) classes", stdout)]
