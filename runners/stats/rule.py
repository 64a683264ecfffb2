"""The decision rule of stochastic claims and its constants.

What a stochastic claim means
-----------------------------
The book states what *one run* of its code gave: a printed output (``test_acc: 0.991``), or the
same figure in prose (``99.1%``, "about 60%", read off a plot). Runs differ with the seed, and
with the environment. So a stated value is true of today's code when it is a value a run of
that code could give: when it lies near the centre of the distribution of single runs.

Robust location and scale, and the one outlier rule
-------------------------------------------------
Chosen before looking at any verdict (issue 25): every reference's values (this machine's
recorded seeds, readers' runs, a comparison's paired statistic) are first **screened** by one
rule, :func:`screen`: a value more than ``OUTLIER_SD`` = 3.5 robust sd from the median, the robust
sd being the median absolute deviation scaled by 1.4826 (``MAD_TO_SD``, the sd of a normal
distribution), is excluded, and the exclusion is listed in the result's details (which seed or
run, its value, how many robust sd off), never decided by hand. The reference's **location and
scale are the mean and sample sd of the values kept** (Hampel's X84 rule: screen by median and
MAD, then estimate classically). References of fewer than ``MIN_SCREENED`` = 8 values are not
screened: their median absolute deviation rests on three or four values (of three normal runs,
the rule would call one odd 29% of the time). Why this estimate and not the MAD-based sd itself
or a Huber estimate: what is kept is estimated with the efficiency of the sample sd (a MAD sd of
10 runs is about 1.6 times as rough, which the targets would not survive); a single odd run (this
machine's seed 109 of the first edition's convnet, 0.9781 against 0.9886-0.9919) can no longer
set the scale (it made the paired error-reduction sd 0.206; screened: 0.050); and what was
excluded is a list anyone can check, which a weight inside an M-estimate is not. The screen is not
free on normal runs either: of 10 it leaves out 1.7% of values (12% of such references lose one),
of 20 0.7%, of 50 0.2%; the characteristic (characteristic.py) draws each simulated reference as
that many normal runs, screened by this same rule, so the cost is counted.

The rule
--------
* ``sd`` is the **reference spread**: the sample standard deviation of single runs kept by the
  screen, recorded before any verdict (``references.yaml`` beside the specs, with its
  environment). It is never taken from the run being judged.
* The stated value stands for an interval: its printed digits' rounding (``0.991`` is
  0.9905-0.9915), a printed range (``80%-85%``), or for a comparison the interval its figures
  allow (``99.1%`` vs ``97.8%``: a gap of 1.2-1.4 points).
* The **band** is the stated interval's centre ± ``max(half-width, K_SINGLE·sd) + DRIFT_SD·sd``:
  a single run lands within K_SINGLE = 2.5 sd of the mean 98.8% of the time; the rounding
  counts within that, unless it is wider; DRIFT_SD = 1 sd more allows for environment drift (an
  allowance above the drift measured between Keras 3 and Keras 2, not a fit to it: the measurement
  in docs/reproducibility.md, *Measurements behind the constants*). Where the reference is readers' runs, one
  run each in its own environment, and names this machine's recorded seeds (``within``), this
  machine's offset is *measured* (environments.py): the band is centred on the stated value moved
  by it (where this machine's runs are expected), and the drift allowance is the offset's 90%
  uncertainty in place of the assumed 1 sd. Where this machine lies beyond every readers'
  environment (more than 3 robust sd from their median), the result says so, as a finding about
  the stack, beside the verdict on the book.
* From the claim's n seeds (fixed in its spec before the run), the mean m, the sample sd s and
  the two-sided 90% t-interval ``m ± t(0.95, n-1)·s/√n``: **passed** when the interval lies
  inside the band (two one-sided tests at alpha 0.05: equivalence shown), **failed** when it lies
  wholly outside, **inconclusive** when it straddles an edge.
* Seeds that barely vary (s below a tenth of the reference sd) show no spread of their own. Where
  their values lie wholly outside the band, the claim is **failed** all the same (the stated value
  is clear-cut wrong); where they lie inside it, their agreement shows nothing: seeding may not
  work, an **error** of the harness or of the listing's seeding, never a quiet pass or exit 0.
* Before any run: the stated value must be on the scale of the reference runs' mean
  (:func:`scale_problem`): a printed "0.991%" against accuracies near 0.99 is **failed** with
  that reason, not an error of the measurement.

The operating characteristic of this rule is in characteristic.py.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from statistics import mean, median, stdev

from scipy import stats as sps

from .stated import Stated

ALPHA = 0.05  # each one-sided test; the interval is 1 - 2*ALPHA = 90%
K_SINGLE = 2.5  # single runs: the stated value may lie this many reference sd from the mean
DRIFT_SD = 1.0  # environment drift allowance, in reference sd
MIN_SPREAD = 0.1  # seeds whose sd is below this share of the reference sd decide nothing
OUTLIER_SD = 3.5  # a reference value this many robust sd from the median is excluded (screen)
MAD_TO_SD = 1.4826  # the median absolute deviation of a normal distribution, in its sd
MIN_SCREENED = 8  # fewer reference values are not screened (their MAD rests on 3-4 values)


def robust_sd(values) -> float:
    """The median absolute deviation from the median, scaled to a normal distribution's sd."""
    values = [float(v) for v in values]
    centre = median(values)
    return MAD_TO_SD * median(abs(v - centre) for v in values)


def screen(values, labels=None) -> tuple[list, list, list[dict]]:
    """The one outlier rule: ``(kept values, their labels, excluded)``. A value more than
    OUTLIER_SD robust sd (:func:`robust_sd`) from the median is excluded; each exclusion is
    ``{"label", "value", "robust_sd_off"}`` (label: a seed, a run's name, or its index). Values
    whose robust sd is 0 (more than half of them equal), or fewer than MIN_SCREENED, exclude nothing."""
    values = [float(v) for v in values]
    labels = list(range(len(values))) if labels is None else list(labels)
    if len(values) < MIN_SCREENED:
        return values, labels, []
    centre, scale = median(values), robust_sd(values)
    if scale <= 0:
        return values, labels, []
    kept, kept_labels, excluded = [], [], []
    for label, v in zip(labels, values):
        off = (v - centre) / scale
        if abs(off) > OUTLIER_SD:
            excluded.append({"label": label, "value": v, "robust_sd_off": round(off, 2)})
        else:
            kept.append(v)
            kept_labels.append(label)
    return kept, kept_labels, excluded


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
    seeds: tuple = ()  # the seeds of the recorded runs, where known
    readers: dict | None = None  # readers' runs: when and on what (claim/readers.py describe); None: one machine
    drift_sd: float | None = None  # the drift allowance in this reference's sd, where measured (else DRIFT_SD)
    offset_sd: float = 0.0  # the between-environment sd, in this reference's sd (the characteristic's)
    within_sd: float = 1.0  # the sd of seeds on one machine, in this reference's sd (the characteristic's)
    excluded: tuple = ()  # what the outlier rule (screen) left out: {"label", "value", "robust_sd_off"} each
    shift: float = 0.0  # where this machine's runs lie from the reference's mean (measured offset), in its units
    stack: str | None = None  # this machine beyond the readers' environments, in words (environments.py)
    machine: tuple = ()  # this machine's recorded seeds of a readers reference (``within``), screened
    offset_unused: str | None = None  # why this machine's measured offset is not used here (another stack)

    @property
    def drift(self) -> float:
        """The drift allowance of this reference, in its sd."""
        return DRIFT_SD if self.drift_sd is None else self.drift_sd

    @property
    def sd(self) -> float:
        return self.assumed_sd if self.assumed_sd is not None else stdev(self.values)

    @property
    def mean(self) -> float | None:
        return mean(self.values) if self.values else None

    @property
    def runs(self) -> int | None:
        """How many recorded runs the spread is the sd of (None: an assumed sd, no runs behind it)."""
        return None if self.assumed_sd is not None else len(self.values)


def placed(delta: float, h: float) -> Stated:
    """A stated interval of half-width h (in sd) whose claim is ``delta`` sd from true: its centre
    delta sd from the mean, or, where it is wider than K_SINGLE sd (a range, a hedge), that much
    further, so delta counts from the edge of what it allows."""
    centre = delta + max(0.0, h - K_SINGLE)
    return Stated(centre - h, centre + h, f"{centre:.4g}")


def allowance(stated: Stated, sd: float, drift: float = DRIFT_SD) -> float:
    """How far (either side of the stated value's centre) the mean may lie; ``drift`` in sd."""
    return max(stated.halfwidth, K_SINGLE * sd) + drift * sd


def band(stated: Stated, sd: float, drift: float = DRIFT_SD, shift: float = 0.0) -> tuple[float, float]:
    """The band the seeds' interval must lie in: the stated value, moved by ``shift`` (where this
    machine's runs lie from the readers', measured), ± the allowance."""
    a = allowance(stated, sd, drift)
    return stated.value + shift - a, stated.value + shift + a


def passing_values(summary: Summary, stated: Stated, sd: float, drift: float = DRIFT_SD,
                   shift: float = 0.0) -> tuple[float, float] | None:
    """The stated values (centres, with ``stated``'s own half-width) that :func:`judge_mean` would
    pass on these seeds: the band ``c ± allowance`` holds the seeds' interval when c lies in
    ``[high - allowance, low + allowance]``. None where no stated value would pass (fewer than 2
    seeds, seeds that barely vary, or an interval wider than the band)."""
    if summary.n < 2 or summary.sd is None or summary.sd < MIN_SPREAD * sd:
        return None
    a = allowance(stated, sd, drift)
    low, high = summary.high - a - shift, summary.low + a - shift
    return (low, high) if low <= high else None


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


def judge_mean(summary: Summary, stated: Stated, reference_sd: float, what: str = "the mean",
           drift: float = DRIFT_SD, shift: float = 0.0) -> Decision:
    """The verdict on a stated value from the seeds' summary, on the scale of the reference spread
    (``drift``: the drift allowance, in reference sd; ``shift``: this machine's measured offset)."""
    low, high = band(stated, reference_sd, drift, shift)
    moved = f" {shift:+.4f} where this machine's runs lie" if shift else ""
    where = (f"band [{low:.4f}, {high:.4f}] (stated {stated.text}{moved} ± "
             f"{allowance(stated, reference_sd, drift):.4f})")
    if summary.n < 2:
        return Decision("inconclusive", f"{summary.n} seed gives no spread; a verdict needs at least 2", 2)
    lo, hi, m = summary.low, summary.high, summary.mean
    if summary.sd < MIN_SPREAD * reference_sd:
        flat = (f"the {summary.n} seeds' values barely vary (sd {summary.sd:.2g}, the reference runs' "
                f"{reference_sd:.2g})")
        if min(summary.values or [m]) > high or max(summary.values or [m]) < low:
            return Decision("failed", f"every seed's value ({m:.4f}) lies outside the {where}; {flat}, "
                            "so seeding may not work either")
        return Decision("error", f"{flat}: seeding may not work, so their agreement with the {where} "
                        "shows nothing (a fault of the harness or of the listing's seeding, not of the book)")
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


SCALE_RATIO = 20  # a stated value this many times the reference mean (or a 20th of it) is on another scale


def scale_problem(stated: Stated, reference_mean: float | None) -> str | None:
    """Why the stated value cannot be about the quantity the reference runs measured (a percentage
    against a fraction, a typo of the decimal point), or None; decided before any run."""
    if reference_mean is None:
        return None
    ref, value = abs(reference_mean), abs(stated.value)
    if ref > 0 and value > 0 and (value / ref >= SCALE_RATIO or ref / value >= SCALE_RATIO):
        return (f"the stated {stated.text} is on another scale than the reference runs of this code "
                f"(mean {reference_mean:.4g}): as a value of this quantity it is wrong; if it is a misprint, "
                "the errata say so (write the stated value as printed, e.g. \"99.1%\" or \"0.991\")")
    return None


def distance_sd(stated: Stated, summary: Summary, reference_sd: float) -> float:
    """Where the stated value lies in the distribution of single runs, in reference sd."""
    return (stated.value - summary.mean) / reference_sd
