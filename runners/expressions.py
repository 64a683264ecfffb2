"""Evaluating a spec's ``value`` expression in the namespace a program left behind.

Besides the listings' own variables, an expression sees ``stdout`` (what the listings printed)
and ``cc``, a few helpers for what the book states about files and printed output.
"""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from runners.verdict import ClaimError


def printed(stdout: str, label: str):
    """The number printed right after ``label`` (the last such line): ``printed(stdout, 'before freezing')``."""
    found = re.findall(re.escape(label) + r"[^\d\-]*(-?\d+(?:\.\d+)?)", stdout)
    if not found:
        raise ClaimError(f"the listings printed nothing after '{label}'")
    text = found[-1]
    return float(text) if "." in text else int(text)


def count_files(folder, pattern: str = "*.jpg") -> int:
    return sum(1 for _ in Path(folder).rglob(pattern))


def undecodable(folder, pattern: str = "*.jpg") -> list[str]:
    """The images under ``folder`` that do not decode (an empty list: every one does)."""
    import numpy as np
    from PIL import Image

    bad = []
    for path in sorted(Path(folder).rglob(pattern)):
        try:
            with Image.open(path) as image:
                np.asarray(image.convert("RGB"))
        except Exception:  # any failure to decode counts, whatever the cause
            bad.append(str(path))
    return bad


HELPERS = SimpleNamespace(printed=printed, count_files=count_files, undecodable=undecodable)


def evaluate(expression: str, run):
    scope = {**run.namespace, "stdout": run.stdout, "cc": HELPERS}
    scope["printed"] = lambda label: printed(run.stdout, label)
    try:
        return eval(expression, scope)  # noqa: S307 - expressions come from the specs, like listings
    except ClaimError:
        raise
    except Exception as exc:
        raise ClaimError(f"cannot evaluate '{expression}' after the listings ran: "
                         f"{type(exc).__name__}: {exc}") from exc
