"""The statistics of stochastic claims, all in one place: what a stated value stands for (stated.py),
the rule that decides it (rule.py) and how often that rule errs (characteristic.py); deciding from
recorded runs alone (evidence.py) and how far environments move a result (environments.py).

The names below are the statistics' public face: the kinds, the reports and the tests use them as
``stats.judge_mean``, ``stats.parse_stated``, ...
"""
from . import evidence
from .characteristic import (
    BOOTSTRAP,
    CAUSES,
    CONTAMINATION,
    DELTAS,
    SIMULATIONS,
    TARGETS,
    confirms,
    data_cause,
    data_standing,
    evidence_characteristic,
    for_evidence,
    for_known_sd,
    for_reference,
    from_data,
    operating_characteristic,
    standing,
    unmet_targets,
)
from .environments import Spread, spread
from .rule import (
    ALPHA,
    DRIFT_SD,
    K_SINGLE,
    MAD_TO_SD,
    MIN_SPREAD,
    OUTLIER_SD,
    Decision,
    Reference,
    Summary,
    allowance,
    band,
    distance_sd,
    judge_mean,
    passing_values,
    robust_sd,
    scale_problem,
    screen,
    seeds_to_decide,
    summarize,
    t_quantile,
)
from .stated import Stated, from_figures, hedged, parse_stated, printed_like

__all__ = ["ALPHA", "BOOTSTRAP", "DELTAS", "DRIFT_SD", "K_SINGLE", "MAD_TO_SD", "MIN_SPREAD", "OUTLIER_SD", "SIMULATIONS", "TARGETS", "CAUSES", "Decision", "confirms", "data_cause", "data_standing",
           "CONTAMINATION", "Reference", "Stated", "Summary", "allowance", "band", "judge_mean", "distance_sd", "evidence_characteristic", "for_evidence", "for_known_sd", "for_reference", "from_data", "from_figures", "evidence", "hedged",
           "operating_characteristic", "parse_stated", "passing_values", "printed_like", "robust_sd", "screen", "scale_problem", "seeds_to_decide", "Spread", "spread", "standing", "summarize", "t_quantile",
           "unmet_targets"]
