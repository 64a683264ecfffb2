"""Deciding a stated value from recorded runs alone: readers' runs, where the code cannot run here.

What is decided is what rule.py decides: the stated value is true of the code when it lies near
the centre of the distribution of single runs, ``|c - mu| <= max(h, K_SINGLE·sigma)`` (c the
stated interval's centre, h its half-width: printed digits, a range, or the book's own hedge).
Here mu and sigma are unknown and the n recorded runs are all there is; each ran in its own
environment, so their spread already holds the environments' and no drift allowance is added.

The rule, two one-sided tests at ALPHA each, with the runs' size counted:

* ``T = sqrt(n)·(c - mean)/s`` has a noncentral t distribution with n - 1 degrees of freedom and
  noncentrality ``sqrt(n)·delta``, delta = (c - mu)/sigma. ``|T| < nct.ppf(ALPHA, n-1, sqrt(n)·K)``
  shows |delta| < K; ``|T| > nct.ppf(1 - ALPHA, n-1, sqrt(n)·K)`` shows |delta| > K. In the runs'
  own units: c inside ``mean ± k_in·s`` is inside the central region, c outside ``mean ± k_out·s``
  (a 95% tolerance interval of the central 98.8% of runs) is outside it.
* A wide stated interval (a hedge "within one percentage point", a printed range) is also judged
  by the runs' mean: its 90% t-interval inside ``[c - h, c + h]`` shows ``|c - mu| <= h``.
* **passed** when either shows the claim true; **failed** when both show it false (c outside the
  tolerance interval, and the mean's interval wholly outside the stated one); else
  **inconclusive**.

* **One run cannot decide it** (:func:`pivotal`): the rule is applied again with each run left out
  in turn; a passed or failed verdict that any one run's absence changes (to another verdict, or to
  nothing, where one run would be left) becomes **inconclusive**, naming that run.

The runs are distinct environments: repeats already counted once and a repository's several runs
combined into their median (claim/readers.py). Its operating characteristic is characteristic.py's
:func:`evidence_characteristic`: the same targets as the measured rule, for the procedure as
verdicts use it (the outlier rule, this rule, the leave-one-out), from normal runs and from runs
of which 5% are odd (Tukey's contaminated normal, 5 times as wide). The leave-one-out costs power:
the targets are met from 16 runs (tests/test_readers.py).
"""
from __future__ import annotations

import functools
import math

from scipy import stats as sps

from .rule import ALPHA, K_SINGLE, Decision, summarize, t_quantile
from .stated import Stated


@functools.cache
def factors(n: int) -> tuple[float, float]:
    """(k_in, k_out): the stated value is shown inside the central region when it lies within
    mean ± k_in·s of n runs, outside it beyond mean ± k_out·s."""
    nc = math.sqrt(n) * K_SINGLE
    return (float(sps.nct.ppf(ALPHA, n - 1, nc)) / math.sqrt(n),
            float(sps.nct.ppf(1 - ALPHA, n - 1, nc)) / math.sqrt(n))


def outcome(n: int, m: float, s: float, stated: Stated) -> str:
    k_in, k_out = factors(n)
    c, h = stated.value, stated.halfwidth
    half = t_quantile(n) * s / math.sqrt(n)
    if abs(c - m) < k_in * s or (stated.low <= m - half and m + half <= stated.high):
        return "passed"
    if abs(c - m) > k_out * s and (m + half < c - h or m - half > c + h):
        return "failed"
    return "inconclusive"


def _outcome_of(values, stated: Stated) -> str:
    summary = summarize(values)
    if summary.n < 2 or not summary.sd:
        return "nothing"
    return outcome(summary.n, summary.mean, summary.sd, stated)


def pivotal(values, stated: Stated) -> tuple[int, str] | None:
    """The first run whose leaving out changes the verdict, and the verdict without it; None where
    no single run does (or the verdict is inconclusive already)."""
    values = [float(v) for v in values]
    status = _outcome_of(values, stated)
    if status not in ("passed", "failed"):
        return None
    for i in range(len(values)):
        without = _outcome_of(values[:i] + values[i + 1:], stated)
        if without != status:
            return i, without
    return None


def judge_runs(values, stated: Stated, what: str = "runs", labels=None) -> tuple[Decision, dict]:
    """The verdict on ``stated`` from recorded single runs, and its figures; ``labels`` name the runs
    (a repository each) where one run alone would decide it."""
    summary = summarize(values)
    n = summary.n
    if n < 2 or not summary.sd:
        return Decision("error", f"{n} recorded runs that do not vary decide nothing"), {}
    m, s = summary.mean, summary.sd
    k_in, k_out = factors(n)
    status = outcome(n, m, s, stated)
    flips = pivotal(values, stated)
    figures = {"inner": [m - k_in * s, m + k_in * s], "tolerance": [m - k_out * s, m + k_out * s],
               "k_in": k_in, "k_out": k_out, "distance_sd": (stated.value - m) / s,
               "below": sum(v < stated.value for v in summary.values) / n, "range": [min(values), max(values)]}
    where = (f"{n} {what}: mean {m:.4f}, sd {s:.4f}, range {min(values):.4f}-{max(values):.4f}; "
             f"the stated {stated.text} lies {figures['distance_sd']:+.1f} sd from their mean")
    inside = f"mean ± {k_in:.2f} sd = [{figures['inner'][0]:.4f}, {figures['inner'][1]:.4f}]"
    outside = (f"their 95% tolerance interval of the central 98.8% of runs, mean ± {k_out:.2f} sd = "
               f"[{figures['tolerance'][0]:.4f}, {figures['tolerance'][1]:.4f}]")
    if flips is not None:
        i, without = flips
        run = f"{labels[i]} ({float(values[i]):.4f})" if labels else f"the run {float(values[i]):.4f}"
        figures["flipped_by"] = {"index": i, "run": labels[i] if labels else None, "value": float(values[i]),
                                 "was": status, "without": without}
        became = "decides nothing" if without == "nothing" else f"is {without}"
        return Decision("inconclusive", f"{where}: {status} from all {n}, but without {run} the rule {became}: "
                                        "one run decides it, so it is inconclusive; more runs would decide"), figures
    if status == "passed":
        if abs(stated.value - m) < k_in * s:
            why = f"{where}, inside {inside}: a value a run of this code gives"
        else:
            why = (f"{where}; their mean's 90% interval lies inside the stated {stated.low:.4f}-{stated.high:.4f}")
        return Decision("passed", why), figures
    if status == "failed":
        return Decision("failed", f"{where}, outside {outside}: not a value a run of this code gives"), figures
    return Decision("inconclusive", f"{where}: between {inside} and {outside}; more runs would decide"), figures
