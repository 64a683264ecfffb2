"""How far environments move a result: readers' runs (one each, many machines) against one machine's seeds.

Model: a run's value is its environment's mean plus seed noise. Readers' runs, one per
environment, spread with sd ``s_across`` (both parts); one machine's recorded seeds spread with
``s_within`` (seed noise only). The between-environment sd is ``sqrt(s_across² - s_within²)``
(0 where the readers spread less). Its 90% confidence interval comes from the F distribution of
the variance ratio ``s_across² / s_within²`` with (readers - 1, seeds - 1) degrees of freedom.
The upper bound, in readers' sd, is the drift allowance of a claim whose reference is those
readers' runs (rule.py): how far the verifying machine's own mean may lie from the readers'.

**This machine's offset is used, not averaged away** (issue 25). The readers' location plus the
measured offset of this machine's recorded seeds (``shift``: their mean minus the readers') is
where this machine's runs are expected, so a claim on a readers reference has its band centred
there (rule.py: the stated value moved by the shift), and its drift allowance is the offset's own
uncertainty, ``z(0.95)·se`` with ``se = sqrt(s_within²/n_within + s_across²/n_across)`` (90%, in
readers' sd: :attr:`Spread.offset_allowance`). The characteristic is then conditional on that
offset: the verifying machine is off by the offset's measurement error, not by a random
environment's. Where this machine's mean lies more than ``STACK_SD`` = 3 robust sd of the
readers (MAD-based) from their median, it is beyond what the readers' environments show: the
result says so as a finding about this stack (:attr:`Spread.stack`), beside the verdict on the
book's value, which is judged where this machine's runs lie.

Both sides are screened first by the one outlier rule (rule.py's :func:`~.rule.screen`: more than
3.5 robust sd from the median is left out, and listed): one odd seed here (seed 109 of the first
edition's convnet) or one odd reader's run no longer sets the ratio, the offset or its interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import mean, median, stdev

from scipy import stats as sps

from .rule import robust_sd, screen

CONFIDENCE = 0.90
STACK_SD = 3.0  # this machine's mean this many robust sd of the readers from their median: another stack


@dataclass(frozen=True)
class Spread:
    """The between-environment spread of one quantity, measured."""

    across_n: int
    across_mean: float
    across_sd: float
    within_n: int
    within_mean: float
    within_sd: float
    ratio: float  # s_across² / s_within²
    ratio_low: float
    ratio_high: float
    across_median: float = 0.0
    across_robust_sd: float = 0.0  # the readers' MAD-based sd (before the screen)
    across_excluded: tuple = ()  # what the outlier rule left out of the readers' runs
    within_excluded: tuple = ()  # ... and of this machine's seeds

    @staticmethod
    def _between(ratio: float) -> float:
        """The between-environment sd in readers' sd, for a variance ratio."""
        return math.sqrt(max(0.0, 1.0 - 1.0 / ratio)) if ratio > 0 else 0.0

    @property
    def between(self) -> float:
        """Point estimate of the between-environment sd, in readers' sd."""
        return self._between(self.ratio)

    @property
    def between_high(self) -> float:
        """Its upper confidence bound, in readers' sd: the drift allowance."""
        return self._between(self.ratio_high)

    @property
    def between_low(self) -> float:
        return self._between(self.ratio_low)

    @property
    def offset(self) -> float:
        """Where the one machine's mean lies from the readers' mean, in readers' sd."""
        return (self.within_mean - self.across_mean) / self.across_sd

    @property
    def shift(self) -> float:
        """This machine's mean minus the readers', in the quantity's units: where its runs are expected."""
        return self.within_mean - self.across_mean

    @property
    def offset_se(self) -> float:
        """The standard error of the measured offset, in readers' sd."""
        return math.sqrt(self.within_sd ** 2 / self.within_n + self.across_sd ** 2 / self.across_n) / self.across_sd

    @property
    def offset_allowance(self) -> float:
        """The drift allowance of a claim on these readers: the offset's 90% uncertainty, in readers' sd."""
        return float(sps.norm.ppf(1 - (1 - CONFIDENCE) / 2)) * self.offset_se

    @property
    def beyond(self) -> float:
        """This machine's mean from the readers' median, in their robust sd."""
        scale = self.across_robust_sd or self.across_sd
        return (self.within_mean - self.across_median) / scale

    @property
    def stack(self) -> str | None:
        """A finding about this stack where its mean lies beyond the readers' environments, else None."""
        if abs(self.beyond) <= STACK_SD:
            return None
        return (f"this stack gives {self.within_mean:.4f} (its {self.within_n} recorded seeds), {abs(self.beyond):.1f} "
                f"robust sd {'above' if self.beyond > 0 else 'below'} the median of {self.across_n} readers' runs "
                f"({self.across_median:.4f}), beyond what their environments show: a finding about this stack, "
                "not about the book")

    def to_dict(self) -> dict:
        return {"readers": self.across_n, "readers_mean": self.across_mean, "readers_sd": self.across_sd,
                "seeds": self.within_n, "seeds_mean": self.within_mean, "seeds_sd": self.within_sd,
                "variance_ratio": [self.ratio_low, self.ratio, self.ratio_high], "confidence": CONFIDENCE,
                "between_sd": [self.between_low, self.between, self.between_high],
                "offset_sd": self.offset, "offset_se": self.offset_se, "offset_allowance": self.offset_allowance,
                "shift": self.shift, "beyond_robust_sd": self.beyond, "stack": self.stack, "excluded": {"readers": [dict(e) for e in self.across_excluded],
                                                       "seeds": [dict(e) for e in self.within_excluded]}}


def spread(across, within, within_seeds=None) -> Spread:
    """The spread between environments from readers' values (``across``) and one machine's
    (``within``, on ``within_seeds`` where known), each screened by the outlier rule."""
    raw = [float(v) for v in across]
    across, _, across_out = screen(raw)
    within, _, within_out = screen(within, within_seeds)
    if len(across) < 2 or len(within) < 2:
        raise ValueError("the spread between environments needs at least 2 values on each side")
    sa, sw = stdev(across), stdev(within)
    if sa <= 0 or sw <= 0:
        raise ValueError("values that do not vary give no spread")
    ratio = (sa / sw) ** 2
    dfa, dfw = len(across) - 1, len(within) - 1
    tail = (1 - CONFIDENCE) / 2
    low = ratio / float(sps.f.ppf(1 - tail, dfa, dfw))
    high = ratio / float(sps.f.ppf(tail, dfa, dfw))
    return Spread(len(across), mean(across), sa, len(within), mean(within), sw, ratio, low, high,
                  median(raw), robust_sd(raw), tuple(across_out), tuple(within_out))
