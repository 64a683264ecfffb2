"""The operating characteristic of the rule: how often it passes and fails a stated value.

:func:`operating_characteristic` simulates the rule: n runs drawn from a normal distribution
with the true sd, the stated value (with its own interval) placed 0, 1, 2, 4, 6 and 8 sd from the
mean, and the reference sd the rule is given drawn as the sd of the reference's own k runs, k
normal runs screened by the outlier rule as references are (rule.py's ``screen``; so a reference
of 3 runs counts as the rough scale it is, and the runs a screen leaves out of normal data count; a stated interval
wider than K_SINGLE sd is placed so that delta counts from the edge of what it allows), each draw
decided by :func:`judge_mean`, the very function verdicts use, with its pre-checks (seeds that do
not vary). Where the reference is readers' runs and names this machine's seeds, the band is
placed at this machine's measured offset (environments.py), so the characteristic is conditional
on that offset: the machine's mean is drawn off where the band expects it by the offset's
standard error (``offset_sd``), its seeds spread by the within-machine sd, and the allowance is
the rule's (the offset's 90% uncertainty). A claim decided from readers' runs alone (evidence.py) has
:func:`for_evidence` (:func:`evidence_characteristic`). :func:`standing` says "met" or "not met with a reference of k runs" and why. It gives
P(passed), P(failed), P(inconclusive) at each distance. :data:`TARGETS` are what every claim's
characteristic must meet (tests/test_operating_characteristic.py checks them for every
stochastic claim under claims/).
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

from . import evidence
from .rule import DRIFT_SD, MAD_TO_SD, MIN_SCREENED, OUTLIER_SD, _from_moments, judge_mean, placed, t_quantile

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
                             simulations: int = SIMULATIONS, seed: int = 0, reference_n: int | None = None,
                             drift: float = DRIFT_SD, offset_sd: float = 0.0, within_sd: float = 1.0) -> list[dict]:
    """P(passed), P(failed), P(inconclusive), P(error) of :func:`judge_mean` with the stated value
    ``delta`` true sd from the mean, for a stated interval of ``halfwidth``, true spread ``sd`` and
    n seeds. ``reference_n``: the reference is that many runs, so the sd the rule is given is
    itself drawn (the sd of k normal runs screened by the outlier rule, each simulation its own); None: the sd is
    known exactly. ``drift``: the rule's drift allowance; ``offset_sd``, ``within_sd``: the
    verifying machine's offset and its seeds' spread, in true sd (0 and 1: one machine, the
    reference's). The rule is scale-free, so the result is cached per (halfwidth / sd, n, k, ...)."""
    key = (round(halfwidth / sd, 6) if sd > 0 else halfwidth, n, reference_n, tuple(deltas), simulations, seed,
           round(drift, 6), round(offset_sd, 6), round(within_sd, 6))
    return [dict(row) for row in _characteristic(*key)]


@functools.lru_cache(maxsize=256)
def _characteristic(h: float, n: int, reference_n, deltas, simulations: int, seed: int,
                    drift: float = DRIFT_SD, offset_sd: float = 0.0, within_sd: float = 1.0) -> tuple:
    rng = np.random.default_rng(seed)
    draws = rng.normal(0.0, 1.0, size=(simulations, n))
    means, sds = draws.mean(axis=1) * within_sd, draws.std(axis=1, ddof=1) * within_sd
    if reference_n is None:
        ref_sds = np.ones(simulations)
    else:
        ref_sds = screened_sds(rng, reference_n, simulations)
    if offset_sd:
        means = means + rng.normal(0.0, offset_sd, size=simulations)
    return _rows(deltas, h, simulations, lambda stated: (
        judge_mean(_from_moments(n, float(m), float(s)), stated, float(r), drift=drift).status
        for m, s, r in zip(means, sds, ref_sds)))


def screened_sds(rng, k: int, simulations: int) -> np.ndarray:
    """The sd a reference of k normal runs (true sd 1) gives once screened by the outlier rule
    (rule.py's :func:`~.rule.screen`, vectorized): one per simulation."""
    return _screened_rows(rng.normal(0.0, 1.0, size=(simulations, k)))


def _rows(deltas, h: float, simulations: int, outcomes) -> tuple:
    """P(passed), P(failed), P(inconclusive), P(error) at each delta: ``outcomes(stated)`` yields the
    status of every simulated verdict on the stated interval placed there."""
    rows = []
    for delta in deltas:
        counts = {"passed": 0, "failed": 0, "inconclusive": 0, "error": 0}
        for status in outcomes(placed(delta, h)):
            counts[status] += 1
        rows.append({"delta_sd": delta, **{k: round(v / simulations, 4) for k, v in counts.items()}})
    return tuple(rows)


CONTAMINATION = 0.05  # the share of runs drawn from the wide component in the contaminated scenario
CONTAMINATION_SD = 5.0  # its sd, in the true sd (Tukey's contaminated normal)


def evidence_characteristic(halfwidth: float, sd: float, n: int, deltas=DELTAS, simulations: int = SIMULATIONS,
                            seed: int = 0, contamination: float = 0.0) -> list[dict]:
    """P(passed), P(failed), P(inconclusive) of the procedure verdicts from recorded runs use: the n
    runs screened by the outlier rule (rule.py's ``screen``), the rule of evidence.py on what is kept,
    and a passed or failed verdict that leaving out any one kept run changes made inconclusive
    (evidence.pivotal); the stated value delta sd from the true mean. ``contamination``: the share
    of runs drawn instead with CONTAMINATION_SD times the sd (odd runs, as readers' data has them).
    Cached per halfwidth / sd, n: scale-free."""
    key = (round(halfwidth / sd, 6) if sd > 0 else halfwidth, n, tuple(deltas), simulations, seed,
           float(contamination))
    return [dict(row) for row in _evidence_characteristic(*key)]


def _vector_outcomes(n, m, s, stated) -> np.ndarray:
    """evidence.outcome over arrays (n, m, s of the same shape): 0 passed, 1 failed, 2 inconclusive,
    3 nothing (fewer than 2 runs, or runs that do not vary)."""
    n = np.asarray(n)
    k_in, k_out, t = (np.zeros(n.shape) for _ in range(3))
    for size in np.unique(n):
        if size >= 2:
            at = n == size
            k_in[at], k_out[at] = evidence.factors(int(size))
            t[at] = t_quantile(int(size))
    c, h = stated.value, stated.halfwidth
    half = t * s / np.sqrt(np.maximum(n, 1))
    passed = (np.abs(c - m) < k_in * s) | ((stated.low <= m - half) & (m + half <= stated.high))
    failed = ~passed & (np.abs(c - m) > k_out * s) & ((m + half < c - h) | (m - half > c + h))
    codes = np.where(passed, 0, np.where(failed, 1, 2))
    return np.where((n < 2) | ~(s > 0), 3, codes)


@functools.lru_cache(maxsize=64)
def _evidence_characteristic(h: float, n: int, deltas, simulations: int, seed: int, contamination: float) -> tuple:
    rng = np.random.default_rng(seed)
    draws = rng.normal(0.0, 1.0, size=(simulations, n))
    if contamination:
        wide = rng.random(size=(simulations, n)) < contamination
        draws = np.where(wide, draws * CONTAMINATION_SD, draws)
    kept = _screened(draws)
    k = np.sum(~np.isnan(kept), axis=1)
    total, squares = np.nansum(kept, axis=1), np.nansum(kept ** 2, axis=1)
    means = total / k
    sds = np.sqrt(np.maximum(squares - k * means ** 2, 0) / np.maximum(k - 1, 1))
    # each kept run left out in turn: the mean and sd of the others, in closed form
    k1 = (k - 1)[:, None]
    loo_means = (total[:, None] - kept) / np.maximum(k1, 1)
    loo_sds = np.sqrt(np.maximum(squares[:, None] - kept ** 2 - k1 * loo_means ** 2, 0) / np.maximum(k1 - 1, 1))
    names = ("passed", "failed", "inconclusive", "inconclusive")

    def outcomes(stated):
        full = _vector_outcomes(k, means, sds, stated)
        without = _vector_outcomes(np.broadcast_to(k1, kept.shape), loo_means, loo_sds, stated)
        flips = np.any(~np.isnan(kept) & (without != full[:, None]), axis=1) & (full <= 1)
        return (names[c] for c in np.where(flips, 2, full))
    return _rows(deltas, h, simulations, outcomes)


def for_reference(halfwidth: float, ref, n: int) -> list[dict]:
    """The characteristic of a claim as verdicts use it: its reference's own size counted (an
    assumed sd, with no runs behind it, is taken as exact, and said so where it is shown)."""
    recorded_runs = None if ref.runs is None else ref.runs + len(ref.excluded)  # the screen is simulated
    return operating_characteristic(halfwidth, ref.sd, n, reference_n=recorded_runs, drift=ref.drift,
                                    offset_sd=ref.offset_sd, within_sd=ref.within_sd)


def for_known_sd(halfwidth: float, ref, n: int) -> list[dict]:
    """The same characteristic with the reference's sd known exactly (its drift allowance and this
    machine's offset as they are): what remains once the reference's size is no cause."""
    return operating_characteristic(halfwidth, ref.sd, n, reference_n=None, drift=ref.drift,
                                    offset_sd=ref.offset_sd, within_sd=ref.within_sd)


BOOTSTRAP = 2000  # draws per distance of the characteristic from the data


def from_data(halfwidth: float, ref, n: int, deltas=DELTAS, simulations: int = BOOTSTRAP, seed: int = 0) -> list[dict] | None:
    """The characteristic from the recorded data, beside the normal model's: each simulated verdict
    resamples the reference's recorded values (those the outlier rule left out included, so heavy
    tails count) as its reference, screened as references are, and draws the claim's n seeds from
    this machine's recorded runs (a readers reference's ``within``; else the reference's own runs),
    centred; on a readers reference with this machine's offset placed, the offset's error is the
    bootstrap's (both means resampled). In units of the reference's sd. None for an assumed sd."""
    if ref.runs is None:
        return None
    raw = np.array(list(ref.values) + [e["value"] for e in ref.excluded], dtype=float)
    centre, unit = float(np.mean(ref.values)), float(ref.sd)
    recorded_runs = (raw - centre) / unit
    machine = np.array(ref.machine if ref.machine else ref.values, dtype=float)
    machine_runs = (machine - machine.mean()) / unit
    rng = np.random.default_rng(seed)
    k = len(recorded_runs)
    resampled = recorded_runs[rng.integers(0, k, size=(simulations, k))]
    ref_sds = _screened_rows(resampled)
    seeds = machine_runs[rng.integers(0, len(machine_runs), size=(simulations, n))]
    means, sds = seeds.mean(axis=1), seeds.std(axis=1, ddof=1)
    if ref.machine:  # the offset placed: its error is that of the two means, resampled
        again = machine_runs[rng.integers(0, len(machine_runs), size=(simulations, len(machine_runs)))]
        means = means + again.mean(axis=1) - resampled.mean(axis=1)
    rows = _rows(deltas, round(halfwidth / unit, 6), simulations, lambda stated: (
        judge_mean(_from_moments(n, float(m), float(s)), stated, float(r), drift=ref.drift).status
        if s > 0 else "error" for m, s, r in zip(means, sds, ref_sds)))
    return [dict(row) for row in rows]


CAUSES = {
    "tails": "the recorded runs' tails ({excluded} beyond the outlier rule) are heavier than a normal's",
    "model": "the normal model of the same {k} runs misses them too: the cause its standing names",
    "shape": "the recorded runs (this machine's, resampled as its seeds) are not normal",
}


def confirms(cause: str, halfwidth: float, ref, n: int) -> bool:
    """Whether the simulation that takes ``cause`` away meets the targets where the characteristic
    from the data misses them (issue 38, item 7): "tails", the data without the runs the outlier
    rule left out; "model", the normal model of as many runs (the reference's size, the drift, the offset) misses
    as well; "shape", it meets."""
    if cause == "tails":
        if not ref.excluded:
            return False
        light = dataclasses.replace(ref, excluded=())
        return not unmet_targets(from_data(halfwidth, light, n))
    normal_misses = bool(unmet_targets(for_reference(halfwidth, ref, n)))
    if cause == "model":
        return normal_misses
    if cause == "shape":
        return not normal_misses
    return False


def data_cause(halfwidth: float, ref, n: int) -> str:
    """The cause of the data's missed targets that its own simulation confirms: its tails, what the
    normal model misses too, or its shape, tried in that order (the last holds wherever the normal
    model meets them)."""
    if confirms("tails", halfwidth, ref, n):
        return "tails"
    return "model" if unmet_targets(for_reference(halfwidth, ref, n)) else "shape"  # one simulation for both


def data_standing(data: list[dict] | None, ref, cause: str = "") -> str:
    """"met" or "not met (CAUSE): ..." for the characteristic from the data, ``cause`` a key of
    CAUSES (:func:`data_cause`)."""
    if data is None:
        return "none (an assumed sd has no runs to resample)"
    missed = unmet_targets(data)
    if not missed:
        return "met"
    words = CAUSES[cause].format(excluded=len(ref.excluded), k=len(ref.values) + len(ref.excluded))
    return f"not met ({words}): " + "; ".join(missed)


def _screened(runs: np.ndarray) -> np.ndarray:
    """Each row as the outlier rule (rule.py's ``screen``, vectorized) leaves it: excluded runs NaN."""
    if runs.shape[1] < MIN_SCREENED:
        return runs
    centre = np.median(runs, axis=1, keepdims=True)
    scale = MAD_TO_SD * np.median(np.abs(runs - centre), axis=1, keepdims=True)
    return np.where((scale <= 0) | (np.abs(runs - centre) <= OUTLIER_SD * scale), runs, np.nan)


def _screened_rows(runs: np.ndarray) -> np.ndarray:
    """Each row's sd once screened by the outlier rule."""
    if runs.shape[1] < MIN_SCREENED:
        return runs.std(axis=1, ddof=1)
    return np.nanstd(_screened(runs), axis=1, ddof=1)


def for_evidence(halfwidth: float, ref, contamination: float = 0.0) -> list[dict]:
    """The characteristic of a claim decided from its readers' runs alone (evidence.py), their number
    counted (the runs as recorded, before the screen), clean or with a share of odd runs."""
    return evidence_characteristic(halfwidth, ref.sd, len(ref.values) + len(ref.excluded),
                                   contamination=contamination)


def standing(oc: list[dict], ref, decided_by: str = "", known: list[dict] | None = None) -> str:
    """"met", or "not met with a reference of k runs: ..." with the targets it misses, in words.
    ``known``: the characteristic with the sd known (:func:`for_known_sd`); where it misses targets
    too, the reference's size is not the cause, and the standing says what is (this machine one
    more environment of the readers', or the drift allowance)."""
    missed = unmet_targets(oc)
    if decided_by:
        size = decided_by
    else:
        size = "an assumed sd" if ref.runs is None else (
            f"a reference of {ref.runs} reader runs" if ref.readers else f"a reference of {ref.runs} runs")
        if ref.offset_sd:
            size += (f", this machine's measured offset placed (its uncertainty {ref.offset_sd:.2f} sd of theirs, "
                     f"allowance {ref.drift:.2f} sd)")
    if not missed:
        return "met" + (" (with an assumed sd, taken as exact)" if ref.runs is None else "")
    if known is not None and ref.runs is not None and unmet_targets(known):
        cause = (f"the uncertainty of this machine's measured offset ({ref.offset_sd:.2f} of the readers' sd)"
                 if ref.offset_sd else f"the drift allowance of {ref.drift:.2f} sd")
        size += f"; not met even with the sd known, the cause being {cause}"
    return f"not met with {size}: " + "; ".join(missed)


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
