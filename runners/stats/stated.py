"""A stated value as the interval it stands for: its printed digits, a printed range, two figures.

Only strings: an unquoted YAML number has lost its printed digits (``0.990`` reads as 0.99).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER = r"[-+]?\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Stated:
    """A stated value as the interval it stands for."""

    low: float
    high: float
    text: str

    @property
    def value(self) -> float:
        return (self.low + self.high) / 2

    @property
    def halfwidth(self) -> float:
        return (self.high - self.low) / 2


def _printed(number: str, percent: bool) -> tuple[float, float]:
    decimals = len(number.split(".")[1]) if "." in number else 0
    value, resolution = float(number), 10.0 ** -decimals
    if percent:
        value, resolution = value / 100, resolution / 100
    return value - resolution / 2, value + resolution / 2


def parse_stated(expected) -> Stated:
    """``"0.991"`` is 0.9905-0.9915; ``"99.1%"`` the same; ``"80%-85%"`` is 0.80-0.85; ``"10"`` 9.5-10.5.

    Only strings: an unquoted YAML number has lost its printed digits (``0.990`` reads as 0.99).
    """
    if not isinstance(expected, str):
        raise ValueError(f"the stated value must be a quoted string, so its printed digits count "
                         f"(write \"{expected}\"), got the {type(expected).__name__} {expected!r}")
    text = expected.strip()
    m = re.fullmatch(rf"({NUMBER})\s*(%?)\s*[-–]\s*({NUMBER})\s*(%?)", text)
    if m and not text.startswith("-"):
        percent = bool(m.group(2) or m.group(4))
        low, high = float(m.group(1)), float(m.group(3))
        if percent:
            low, high = low / 100, high / 100
        if low >= high:
            raise ValueError(f"a range must go from low to high: {expected!r}")
        return Stated(low, high, text)
    m = re.fullmatch(rf"({NUMBER})\s*(%?)", text)
    if not m:
        raise ValueError(f"not a printed number or range: {expected!r}")
    return Stated(*_printed(m.group(1), bool(m.group(2))), text)


def from_figures(statistic, a: Stated, b: Stated, text: str) -> Stated:
    """The interval of ``statistic(a, b)`` over the intervals two printed figures stand for."""
    corners = [statistic(x, y) for x in (a.low, a.high) for y in (b.low, b.high)]
    return Stated(min(corners), max(corners), text)


def hedged(stated: Stated, within) -> Stated:
    """The interval the book promises where it hedges a printed value: ``within: "1%"`` (one
    percentage point) or ``within: "0.01"`` either side of the printed value's centre, unless its
    digits already allow more."""
    if not isinstance(within, str):
        raise ValueError(f"hedge.within must be a quoted string (\"1%\" or \"0.01\"), got {within!r}")
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", within)
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"hedge.within must be a positive number or percentage, got {within!r}")
    width = float(m.group(1)) / (100 if m.group(2) else 1)
    half = max(stated.halfwidth, width)
    return Stated(stated.value - half, stated.value + half, f"{stated.text} (within {within.strip()})")


def printed_like(expected, *values: float) -> str:
    """Values written in the stated value's own format and digits: ``printed_like("98.5%", 0.975,
    0.98)`` is ``97.5-98.0%``; ``printed_like("0.991", 0.9917)`` is ``0.992``."""
    text = str(expected).strip()
    number = text.rstrip("%")
    decimals = len(number.split(".")[1]) if "." in number else 0
    percent = text.endswith("%")
    out = "-".join(f"{v * 100 if percent else v:.{decimals}f}" for v in values)
    return out + ("%" if percent else "")
