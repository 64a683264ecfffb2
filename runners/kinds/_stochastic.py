"""What the stochastic kinds (metric, comparison) share: seeds, measurements, plans."""
from __future__ import annotations

from runners.listings import Program
from runners.schema import TIERS, Field, is_type
from runners.verdict import ClaimError

SEEDS_FIELD = Field((dict, int), required=True,
                    doc="seeds per tier, e.g. {cpu: 3, gpu: 10}; seeds 0..n-1 are used")
MEASUREMENT_FIELDS = {
    "listings": Field(("str_list",), required=True, doc="listing files run in order, one namespace"),
    "value": Field((str,), required=True, doc="a Python expression evaluated in that namespace"),
    "substitute": Field((dict,), doc="text substitutions in the listings, {old: new}; recorded"),
}


def check_seeds(seeds) -> list[str]:
    if isinstance(seeds, int):
        return [] if seeds >= 1 else ["measure.seeds: at least 1"]
    if not isinstance(seeds, dict):
        return []
    problems = [f"measure.seeds: unknown tier '{k}'" for k in seeds if k != "__line__" and k not in TIERS]
    problems += [f"measure.seeds.{k}: a whole number of at least 1" for k, v in seeds.items()
                 if k in TIERS and (not is_type(v, (int,)) or v < 1)]
    return problems


def seeds_for(claim, ctx) -> list[int]:
    """Seeds 0..n-1, n from the run's tier (the highest tier the claim lists at or below it)."""
    if ctx.config.seeds:
        return list(range(ctx.config.seeds))
    spec = claim.measure["seeds"]
    if isinstance(spec, int):
        return list(range(spec))
    usable = [t for t in TIERS if t in spec and ctx.config.includes(t)]
    if not usable:
        raise ClaimError(f"measure.seeds names no tier at or below '{ctx.config.tier}'")
    return list(range(spec[usable[-1]]))


def measurements(claim) -> list[dict]:
    """The (listings, value) pairs a stochastic claim measures."""
    m = claim.measure
    return [m[k] for k in ("a", "b") if k in m] or [m]


def plan(claim, ctx) -> None:
    """Tell the shared training runs which values this claim will read."""
    for item in measurements(claim):
        ctx.runs.want(Program.of(claim, item), [item["value"]])


def measure(claim, ctx, item: dict, seeds: list[int]) -> tuple[list, list]:
    """The value per seed and how each run went (seconds, reused from cache or trained)."""
    program = Program.of(claim, item)
    values, runs = [], []
    for seed in seeds:
        got = ctx.runs.values(program, seed, [item["value"]], label=claim.id, requires=claim.requires)
        value = got[item["value"]]
        if not isinstance(value, (int, float)):
            raise ClaimError(f"'{item['value']}' is not a number after the listings ran: {value!r}")
        values.append(float(value))
        runs.append({"seed": seed, "value": float(value), "cached": got["__cached__"],
                     "seconds": got["__seconds__"]})
    return values, runs
