"""The statistics of stochastic claims, all in one place: the rule, its constants, its error rates.

What a stochastic claim means
-----------------------------
The book states what *one run* of its code gave: a printed output (``test_acc: 0.991``), or the
same figure in prose (``99.1%``, "about 60%", read off a plot). Runs differ with the seed, and
with the environment. So a stated value is true of today's code when it is a value a run of
that code could give: when it lies near the centre of the distribution of single runs.

The rule
--------
* ``sd`` is the **reference spread**: the sample standard deviation of single runs, recorded
  before any verdict (``references.yaml`` beside the specs, with its environment). It is never
  taken from the run being judged.
* The stated value stands for an interval: its printed digits' rounding (``0.991`` is
  0.9905-0.9915), a printed range (``80%-85%``), or for a comparison the interval its figures
  allow (``99.1%`` vs ``97.8%``: a gap of 1.2-1.4 points).
* The **band** is the stated interval's centre ± ``max(half-width, K_SINGLE·sd) + DRIFT_SD·sd``:
  a single run lands within K_SINGLE = 2.5 sd of the mean 98.8% of the time; the rounding
  counts within that, unless it is wider; DRIFT_SD = 1 sd more allows for environment drift
  (measured: the same five convnet seeds on two machines differed by 1.2 sd in the mean).
* From the claim's n seeds (fixed in its spec before the run), the mean m, the sample sd s and
  the two-sided 90% t-interval ``m ± t(0.95, n-1)·s/√n``: **passed** when the interval lies
  inside the band (two one-sided tests at alpha 0.05: equivalence shown), **failed** when it lies
  wholly outside, **inconclusive** when it straddles an edge.
* Seeds that barely vary (s below a tenth of the reference sd) decide nothing: seeding may not
  work. That is inconclusive, with the reason.

The operating characteristic
----------------------------
:func:`operating_characteristic` simulates the rule: n runs drawn from a normal distribution
with the reference sd, the stated value (with its own interval) placed 0, 1, 2, 4, 6 and 8 sd
from the mean, each draw decided by :func:`decide`, the very function verdicts use. It gives
P(passed), P(failed), P(inconclusive) at each distance. :data:`TARGETS` are what every claim's
characteristic must meet (tests/test_operating_characteristic.py checks them for every
stochastic claim under claims/).
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from statistics import mean, stdev

import numpy as np
from scipy import stats as sps

ALPHA = 0.05  # each one-sided test; the interval is 1 - 2*ALPHA = 90%
K_SINGLE = 2.5  # single runs: the stated value may lie this many reference sd from the mean
DRIFT_SD = 1.0  # environment drift allowance, in reference sd
MIN_SPREAD = 0.1  # seeds whose sd is below this share of the reference sd decide nothing
DELTAS = (0, 1, 2, 4, 6, 8)
SIMULATIONS = 4000
# (delta range, outcome, bound): within 1 sd passed >= 0.85 and failed <= 0.02; at 2 sd failed
# <= 0.05; from 4 sd passed <= 0.05; from 6 sd failed >= 0.90.
TARGETS = (
    ((0, 1), "passed", ">=", 0.85),
    ((0, 1), "failed", "<=", 0.02),
    ((2, 2), "failed", "<=", 0.05),
    ((4, 8), "passed", "<=", 0.05),
    ((6, 8), "failed", ">=", 0.90),
)
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


@functools.cache
def t_quantile(n: int) -> float:
    return float(sps.t.ppf(1 - ALPHA, n - 1))


def summarize(values) -> Summary:
    values = [float(v) for v in values]
    n = len(values)
    m = mean(values)
    if n < 2:
        return Summary(n, m, None, None, None, values)
    sd = stdev(values)
    half = t_quantile(n) * sd / math.sqrt(n)
    return Summary(n, m, sd, m - half, m + half, values)


def _from_moments(n: int, m: float, sd: float) -> Summary:
    half = t_quantile(n) * sd / math.sqrt(n)
    return Summary(n, m, sd, m - half, m + half)


@dataclass(frozen=True)
class Reference:
    """Recorded single runs of the same code: their spread is the claim's scale."""

    name: str
    values: tuple
    source: str = ""
    assumed_sd: float | None = None  # a stand-in spread with no recorded values behind it

    @property
    def sd(self) -> float:
        return self.assumed_sd if self.assumed_sd is not None else stdev(self.values)

    @property
    def mean(self) -> float | None:
        return mean(self.values) if self.values else None


def allowance(stated: Stated, sd: float) -> float:
    """How far (either side of the stated value's centre) the mean may lie."""
    return max(stated.halfwidth, K_SINGLE * sd) + DRIFT_SD * sd


def band(stated: Stated, sd: float) -> tuple[float, float]:
    a = allowance(stated, sd)
    return stated.value - a, stated.value + a


@dataclass
class Decision:
    status: str  # passed, failed, inconclusive
    reason: str
    seeds_needed: int | None = None


def seeds_to_decide(sd: float, margin: float, most: int = 1000) -> int | None:
    """Smallest n whose interval half-width is under ``margin`` (mean and spread as measured)."""
    if margin <= 0:
        return None  # the mean sits on an edge of the band: no number of seeds decides
    for n in range(2, most + 1):
        if t_quantile(n) * sd / math.sqrt(n) < margin:
            return n
    return None


def decide(summary: Summary, stated: Stated, reference_sd: float, what: str = "the mean") -> Decision:
    """The verdict on a stated value from the seeds' summary, on the scale of the reference spread."""
    low, high = band(stated, reference_sd)
    where = f"band [{low:.4f}, {high:.4f}] (stated {stated.text} ± {allowance(stated, reference_sd):.4f})"
    if summary.n < 2:
        return Decision("inconclusive", f"{summary.n} seed gives no spread; a verdict needs at least 2", 2)
    if summary.sd < MIN_SPREAD * reference_sd:
        return Decision("inconclusive", f"the {summary.n} seeds' values barely vary (sd {summary.sd:.2g}, "
                        f"the reference runs' {reference_sd:.2g}): seeding may not work, so their agreement "
                        "shows nothing")
    lo, hi, m = summary.low, summary.high, summary.mean
    interval = f"{1 - 2 * ALPHA:.0%} interval [{lo:.4f}, {hi:.4f}] of {what} {m:.4f} over {summary.n} seeds"
    if low <= lo and hi <= high:
        return Decision("passed", f"the {interval} lies inside the {where}")
    if hi < low or lo > high:
        return Decision("failed", f"the {interval} lies outside the {where}")
    inside = low <= m <= high
    margin = min(m - low, high - m) if inside else max(low - m, m - high)
    needed = seeds_to_decide(summary.sd, margin)
    estimate = (f"about {needed} seeds would show it {'inside' if inside else 'outside'} if the mean and "
                "spread hold" if needed else "more seeds cannot decide while the mean sits on the band's edge")
    return Decision("inconclusive", f"the {interval} straddles an edge of the {where}; {estimate}", needed)


def distance_sd(stated: Stated, summary: Summary, reference_sd: float) -> float:
    """Where the stated value lies in the distribution of single runs, in reference sd."""
    return (stated.value - summary.mean) / reference_sd


def operating_characteristic(halfwidth: float, sd: float, n: int, deltas=DELTAS,
                             simulations: int = SIMULATIONS, seed: int = 0) -> list[dict]:
    """P(passed), P(failed), P(inconclusive) of :func:`decide` with the stated value ``delta`` sd
    from the mean, for a stated interval of ``halfwidth``, reference spread ``sd`` and n seeds."""
    rng = np.random.default_rng(seed)
    draws = rng.normal(0.0, sd, size=(simulations, n))
    means, sds = draws.mean(axis=1), draws.std(axis=1, ddof=1)
    rows = []
    for delta in deltas:
        centre = delta * sd
        stated = Stated(centre - halfwidth, centre + halfwidth, f"{centre:.4g}")
        counts = {"passed": 0, "failed": 0, "inconclusive": 0}
        for m, s in zip(means, sds):
            counts[decide(_from_moments(n, float(m), float(s)), stated, sd).status] += 1
        rows.append({"delta_sd": delta, **{k: round(v / simulations, 4) for k, v in counts.items()}})
    return rows


def unmet_targets(oc: list[dict]) -> list[str]:
    """The targets an operating characteristic misses, in words (empty: it meets them all)."""
    missed = []
    for (lo, hi), outcome, op, bound in TARGETS:
        for row in oc:
            if lo <= row["delta_sd"] <= hi:
                p = row[outcome]
                if (op == ">=" and p < bound) or (op == "<=" and p > bound):
                    missed.append(f"at {row['delta_sd']} sd P({outcome}) = {p:.3f}, target {op} {bound}")
    return missed
