"""Named checks for the first edition's chapter 5 (see claims/dlwp2/ch08/checks.py for how they are used)."""
from __future__ import annotations

import re


def printed_counts(stdout) -> list:
    """The image counts cells 8-13 print (``total training cat images: 1000``), in order."""
    return [int(n) for n in re.findall(r"^total [a-z ]+ images: (\d+)$", stdout, re.M)]


def found_images(stdout) -> list:
    """What ``flow_from_directory`` reports per generator: ``Found 2000 images belonging to 2 classes.``"""
    return [[int(a), int(b)] for a, b in re.findall(r"Found (\d+) images belonging to (\d+) classes", stdout)]
