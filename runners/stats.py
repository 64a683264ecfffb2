"""The statistics of stochastic claims, all in one place.

A stochastic claim states a value (an accuracy) that one training run printed. Runs vary with
the seed, so the suite asks whether the *mean over seeds* of the book's code lies in the band
the claim allows, and decides with an equivalence test (two one-sided tests, TOST):

* the band is the stated value's rounding interval (``0.991`` printed means 0.9905-0.9915;
  ``99.1%`` the same) widened by the claim's tolerance on each side;
* from n seeds, the mean m, the sample standard deviation s and the two-sided
  ``1 - 2*alpha`` t-interval ``m ± t(1-alpha, n-1) * s / sqrt(n)`` (alpha = 0.05: a 90% interval);
* **passed** when the whole interval lies inside the band (both one-sided tests reject
  "the mean is outside": equivalence at level alpha);
* **failed** when the whole interval lies outside the band (a one-sided test rejects "the mean
  is inside" at level alpha);
* **inconclusive** otherwise: the seeds cannot tell. The estimate of how many seeds would
  decide assumes the mean and spread stay as measured and solves for the n at which the
  interval clears the nearer edge of the band.

Why TOST on a t-interval: seeds are few (3 on a CPU, 10 on a GPU), the test accuracy of a
fixed recipe is close to normal across seeds, and a plain "is the mean different from 0.991"
t-test would call a claim true merely because there were too few seeds to see a difference.
TOST puts the burden of proof on agreement.

Comparisons between two measurements use the same interval on the per-seed differences (or
statistics) of runs with the same seeds.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from statistics import mean, stdev

from scipy import stats as sps

ALPHA = 0.05
MAX_SEEDS_ESTIMATE = 1000


@dataclass(frozen=True)
class Stated:
    """A printed value and the interval its printed digits stand for."""

    value: float
    resolution: float  # one unit in the last printed place, as a fraction
    text: str

    @property
    def low(self) -> float:
        return self.value - self.resolution / 2

    @property
    def high(self) -> float:
        return self.value + self.resolution / 2


def parse_stated(expected) -> Stated:
    """``"0.991"`` -> 0.991 ± 0.0005; ``"99.1%"`` -> 0.991 ± 0.0005; ``0.9785`` -> ± 0.00005."""
    text = str(expected).strip()
    percent = text.endswith("%")
    number = text.rstrip("%").strip()
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", number):
        raise ValueError(f"not a printed number: {expected!r}")
    decimals = len(number.split(".")[1]) if "." in number else 0
    value = float(number)
    resolution = 10.0 ** -decimals
    if percent:
        value, resolution = value / 100, resolution / 100
    return Stated(value, resolution, text)


@dataclass
class Summary:
    n: int
    mean: float
    sd: float | None
    low: float | None  # the 1 - 2*alpha t-interval of the mean
    high: float | None
    values: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"n": self.n, "mean": self.mean, "sd": self.sd, "interval": [self.low, self.high],
                "confidence": 1 - 2 * ALPHA, "values": self.values}


def t_quantile(n: int) -> float:
    return float(sps.t.ppf(1 - ALPHA, n - 1))


def summarize(values: list[float]) -> Summary:
    values = [float(v) for v in values]
    n = len(values)
    m = mean(values)
    if n < 2:
        return Summary(n, m, None, None, None, values)
    sd = stdev(values)
    half = t_quantile(n) * sd / math.sqrt(n)
    return Summary(n, m, sd, m - half, m + half, values)


@dataclass
class Decision:
    status: str  # passed, failed, inconclusive
    reason: str
    seeds_needed: int | None = None


def seeds_to_decide(m: float, sd: float, margin: float) -> int | None:
    """Smallest n whose interval half-width is under ``margin`` (mean and spread as measured)."""
    if margin <= 0:
        return None  # the mean sits on an edge of the band: no number of seeds decides
    if sd == 0:
        return 2
    for n in range(2, MAX_SEEDS_ESTIMATE + 1):
        if t_quantile(n) * sd / math.sqrt(n) < margin:
            return n
    return None


def decide_band(summary: Summary, low: float, high: float, what: str = "the mean") -> Decision:
    """TOST of the mean against the band [low, high]."""
    band = f"[{low:.4f}, {high:.4f}]"
    if summary.n < 2:
        return Decision("inconclusive", f"one seed gives {summary.mean:.4f} but no spread; "
                                        "at least 2 seeds are needed", 2)
    lo, hi, m = summary.low, summary.high, summary.mean
    interval = f"{1 - 2 * ALPHA:.0%} interval [{lo:.4f}, {hi:.4f}] of {what} {m:.4f} over {summary.n} seeds"
    if low <= lo and hi <= high:
        return Decision("passed", f"the {interval} lies inside the band {band}")
    if hi < low or lo > high:
        return Decision("failed", f"the {interval} lies outside the band {band}")
    inside = low <= m <= high
    margin = min(m - low, high - m) if inside else max(low - m, m - high)
    needed = seeds_to_decide(m, summary.sd, margin)
    goal = "inside" if inside else "outside"
    estimate = (f"about {needed} seeds would show it {goal} if the mean and spread hold"
                if needed else "more seeds cannot decide while the mean sits on the band's edge")
    return Decision("inconclusive", f"the {interval} straddles an edge of the band {band}; "
                                    f"{estimate}", needed)


def decide_sign(summary: Summary, relation: str, what: str) -> Decision:
    """Is the mean of per-seed differences above zero (``greater``) or below (``less``)?"""
    if summary.n < 2:
        return Decision("inconclusive", "at least 2 seeds are needed", 2)
    lo, hi, m = summary.low, summary.high, summary.mean
    sign = 1 if relation == "greater" else -1
    interval = f"{1 - 2 * ALPHA:.0%} interval [{lo:.4f}, {hi:.4f}] of {what} (mean {m:.4f}, {summary.n} seeds)"
    if (lo > 0 and sign > 0) or (hi < 0 and sign < 0):
        return Decision("passed", f"the {interval} excludes 0 on the claimed side")
    if (hi < 0 and sign > 0) or (lo > 0 and sign < 0):
        return Decision("failed", f"the {interval} excludes 0 on the other side")
    needed = seeds_to_decide(m, summary.sd, abs(m))
    return Decision("inconclusive", f"the {interval} contains 0"
                    + (f"; about {needed} seeds would decide" if needed else ""), needed)
