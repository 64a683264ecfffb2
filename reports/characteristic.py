"""The operating characteristic of every stochastic claim: how often its rule passes and fails.

For each stochastic claim and each tier's seed count, :func:`table` runs the simulation of runners/stats/characteristic.py
through the real decision rule, with the claim's own stated interval and reference spread, and
lists where it misses :data:`stats.TARGETS`. `claimcheck oc` prints it; docs/operating-characteristic.md
is its output; tests/test_operating_characteristic.py holds every claim to the targets.
"""
from __future__ import annotations

from ..runners import stats
from ..runners.core.errors import ClaimError
from ..runners.kinds import registry


def table(claims) -> list[dict]:
    rows = []
    for claim in claims:
        kind = registry().get(claim.kind)
        if kind is None or not kind.stochastic or claim.problems:
            continue
        try:
            stated, ref = kind.scale(claim)
        except (ClaimError, ValueError) as exc:
            rows.append({"id": claim.id, "tier": claim.tier, "n": None, "error": str(exc), "unmet": [str(exc)]})
            continue
        for tier, n in kind.seed_counts(claim).items():
            oc = stats.for_reference(stated.halfwidth, ref, n)
            rows.append({"id": claim.id, "tier": tier, "n": n, "stated": stated.text, "halfwidth": stated.halfwidth,
                         "sd": ref.sd, "reference": ref.name, "source": ref.source, "runs": ref.runs,
                         "allowance": stats.allowance(stated, ref.sd), "oc": oc, "unmet": stats.unmet_targets(oc),
                         "standing": stats.standing(oc, ref)})
    return rows


def markdown(rows) -> str:
    deltas = " | ".join(f"{d} sd" for d in stats.DELTAS)
    lines = [f"| claim | tier, seeds | stated | reference sd | allowance | {deltas} | targets |",
             "| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in stats.DELTAS) + " | --- |"]
    for row in rows:
        if row.get("error"):
            lines.append(f"| `{row['id']}` | {row['tier']} | | | | " + " | ".join("" for _ in stats.DELTAS)
                         + f" | error: {row['error']} |")
            continue
        cells = " | ".join(f"{r['passed']:.2f} / {r['failed']:.2f} / {r['inconclusive']:.2f}" for r in row["oc"])
        size = "assumed" if row["runs"] is None else f"{row['runs']} runs"
        lines.append(f"| `{row['id']}` | {row['tier']}, {row['n']} | {row['stated']} | {row['sd']:.4g} "
                     f"({row['reference']}, {size}) | ±{row['allowance']:.4g} | {cells} | {row['standing']} |")
    lines.append("")
    lines.append("Each cell: P(passed) / P(failed) / P(inconclusive) when the stated value lies that many "
                 f"true sd from the mean ({stats.SIMULATIONS} simulated verdicts of the claim's seed count each, "
                 "decided by stats.decide, the reference sd drawn as the sd of its own number of runs; an "
                 "assumed sd is taken as exact).")
    return "\n".join(lines)
