"""The operating characteristic of the rule: how often it passes and fails a stated value.

:func:`operating_characteristic` simulates the rule: n runs drawn from a normal distribution
with the reference sd, the stated value (with its own interval) placed 0, 1, 2, 4, 6 and 8 sd
from the mean, each draw decided by :func:`decide`, the very function verdicts use. It gives
P(passed), P(failed), P(inconclusive) at each distance. :data:`TARGETS` are what every claim's
characteristic must meet (tests/test_operating_characteristic.py checks them for every
stochastic claim under claims/).
"""
from __future__ import annotations

import numpy as np

from .rule import _from_moments, decide
from .stated import Stated

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
