"""The operating characteristic of every stochastic claim: how often its rule passes and fails.

For each stochastic claim and each tier's seed count, :func:`table` runs the simulation of runners/stats/characteristic.py
through the real decision rule, with the claim's own stated interval and reference spread, and
lists where it misses :data:`stats.TARGETS`. `claimcheck oc` prints it; docs/operating-characteristic.md
is its output; tests/test_operating_characteristic.py holds every claim to the targets.
"""
from __future__ import annotations

from ..runners import stats
from ..runners.claim.references import recorded
from ..runners.core.errors import ClaimError, Skip
from ..runners.kinds import environment_spread, registry


def table(claims) -> list[dict]:
    rows = []
    for claim in claims:
        kind = registry().get(claim.kind)
        if kind is None or not kind.stochastic or claim.problems:
            continue
        try:
            stated, ref = kind.scale(claim)
        except Skip as exc:  # a pending reference: no scale yet, so no characteristic
            rows.append({"id": claim.id, "tier": claim.tier, "n": None, "pending": exc.reason, "unmet": []})
            continue
        except (ClaimError, ValueError) as exc:
            rows.append({"id": claim.id, "tier": claim.tier, "n": None, "error": str(exc), "unmet": [str(exc)]})
            continue
        for tier, n in kind.seed_counts(claim).items():
            oc = stats.for_reference(stated.halfwidth, ref, n)
            known = stats.for_known_sd(stated.halfwidth, ref, n) if stats.unmet_targets(oc) else None
            rows.append({"id": claim.id, "tier": tier, "n": n, "stated": stated.text, "halfwidth": stated.halfwidth,
                         "sd": ref.sd, "reference": ref.name, "source": ref.source, "runs": ref.runs,
                         "drift": ref.drift, "offset_sd": ref.offset_sd, "within_sd": ref.within_sd,
                         "excluded": len(ref.excluded),
                         "allowance": stats.allowance(stated, ref.sd, ref.drift), "oc": oc,
                         "unmet": stats.unmet_targets(oc), "standing": stats.standing(oc, ref, known=known)})
            data = stats.from_data(stated.halfwidth, ref, n)
            cause = stats.data_cause(stated.halfwidth, ref, n) if data and stats.unmet_targets(data) else ""
            rows[-1].update({"data": data, "data_cause": cause, "data_standing": stats.data_standing(data, ref, cause)})
        rows += _evidence_rows(claim, kind)
    return rows


def _evidence_rows(claim, kind) -> list[dict]:
    """The claim as decided from its readers' runs alone, where it names them (``evidence``)."""
    try:
        found = kind.evidence(claim)
    except (ClaimError, ValueError) as exc:
        return [{"id": claim.id, "tier": "readers", "n": None, "error": str(exc), "unmet": [str(exc)]}]
    if found is None:
        return []
    stated, ref = found
    n = len(ref.values)
    oc = stats.for_evidence(stated.halfwidth, ref)
    odd = stats.for_evidence(stated.halfwidth, ref, contamination=stats.CONTAMINATION)
    missed = stats.unmet_targets(odd)
    k_in, k_out = stats.evidence.factors(n)
    return [{"id": claim.id, "tier": "readers", "n": n, "stated": stated.text, "halfwidth": stated.halfwidth,
             "sd": ref.sd, "reference": ref.name, "source": ref.source, "runs": n, "evidence": True,
             "allowance": None, "k": (k_in, k_out), "oc": oc, "unmet": stats.unmet_targets(oc),
             "standing": stats.standing(oc, ref, decided_by=f"{n} reader runs"), "data": odd,
             "data_standing": ("met" if not missed else
                               f"not met (the {n} runs, 5% of them odd, are too few): " + "; ".join(missed))}]


def environments(claims) -> list[dict]:
    """Each readers reference that names this machine's runs (``within``): the spread between
    environments measured from the two, the drift allowance it sets (stats/environments.py)."""
    seen, rows = set(), []
    for claim in claims:
        if claim.problems:
            continue
        for name, entry in recorded(claim.file).items():
            if entry.get("source") != "readers" or not entry.get("within") or (entry["file"], name) in seen:
                continue
            seen.add((entry["file"], name))
            spread = environment_spread(claim, name, entry)
            rows.append({"reference": name, "within": entry["within"], **spread.to_dict(),
                         "drift": spread.offset_allowance})
    return rows


def environments_markdown(rows) -> str:
    lines = ["| reference (readers) | readers: n, mean, sd | this machine (`within`): n, mean, sd | variance ratio (90% CI) "
             "| between-environment sd, in readers' sd (90% CI) | this machine's mean, in readers' sd from theirs "
             "(± se) | in robust sd from their median | drift allowance (the offset's 90% uncertainty) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lo, mid, hi = r["variance_ratio"]
        blo, b, bhi = r["between_sd"]
        lines.append(f"| `{r['reference']}` | {r['readers']}, {r['readers_mean']:.4f}, {r['readers_sd']:.5f} "
                     f"| {r['seeds']}, {r['seeds_mean']:.4f}, {r['seeds_sd']:.5f} ({r['within']}) "
                     f"| {mid:.2f} ({lo:.2f}-{hi:.2f}) | {b:.2f} ({blo:.2f}-{bhi:.2f}) | {r['offset_sd']:+.2f} "
                     f"± {r['offset_se']:.2f} | {r['beyond_robust_sd']:+.1f}{' (beyond the readers: the stack)' if r['stack'] else ''} "
                     f"| {r['drift']:.2f} sd |")
    return "\n".join(lines)


def _data_cells(data) -> str:
    if data is None:
        return ""
    by = {r["delta_sd"]: r for r in data}
    return ", ".join(f"{by[d]['passed']:.2f} / {by[d]['failed']:.2f}" for d in (1, 2, 4, 6))


def markdown(rows) -> str:
    deltas = " | ".join(f"{d} sd" for d in stats.DELTAS)
    lines = [f"| claim | tier, seeds | stated | reference sd | allowance | {deltas} | targets | from the data "
             "(bootstrap): P(passed) / P(failed) at 1, 2, 4, 6 sd | targets from the data |",
             "| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in stats.DELTAS) + " | --- | --- | --- |"]
    for row in rows:
        if row.get("pending"):
            lines.append(f"| `{row['id']}` | {row['tier']} | | | | " + " | ".join("" for _ in stats.DELTAS)
                         + " | none yet: skipped until its reference is recorded | | |")
            continue
        if row.get("error"):
            lines.append(f"| `{row['id']}` | {row['tier']} | | | | " + " | ".join("" for _ in stats.DELTAS)
                         + f" | error: {row['error']} | | |")
            continue
        cells = " | ".join(f"{r['passed']:.2f} / {r['failed']:.2f} / {r['inconclusive']:.2f}" for r in row["oc"])
        size = "assumed" if row["runs"] is None else f"{row['runs']} runs"
        if row.get("excluded"):
            size += f", {row['excluded']} left out by the outlier rule"
        if row.get("evidence"):
            k_in, k_out = row["k"]
            lines.append(f"| `{row['id']}` | from {row['n']} reader runs | {row['stated']} | {row['sd']:.4g} "
                         f"({row['reference']}) | inside ±{k_in:.2f} sd, outside ±{k_out:.2f} sd | {cells} "
                         f"| {row['standing']} | {_data_cells(row['data'])} | {row['data_standing']} |")
            continue
        lines.append(f"| `{row['id']}` | {row['tier']}, {row['n']} | {row['stated']} | {row['sd']:.4g} "
                     f"({row['reference']}, {size}) | ±{row['allowance']:.4g} ({row['drift']:.2f} sd drift) | {cells} "
                     f"| {row['standing']} | {_data_cells(row['data'])} | {row['data_standing']} |")
    lines.append("")
    lines.append("Each cell: P(passed) / P(failed) / P(inconclusive) when the stated value lies that many "
                 f"true sd from the mean ({stats.SIMULATIONS} simulated verdicts of the claim's seed count each, "
                 "decided by stats.judge_mean, the reference sd drawn as the sd of its own number of normal runs "
                 "screened by the outlier rule; the allowance is the rule's, with the reference's own drift "
                 "allowance; an "
                 "assumed sd is taken as exact; on a reference of readers' runs that names this machine's seeds "
                 "the band is placed at this machine's measured offset, and its mean is drawn off it by that "
                 "offset's standard error: the characteristic conditional on the measured offset). "
                 "The last two columns: the same rule on the recorded data (stats.from_data: the reference "
                 f"resampled with the runs the outlier rule left out, this machine's seeds resampled from its "
                 f"recorded runs, {stats.BOOTSTRAP} draws), the realistic characteristic the targets are judged on "
                 "beside the normal model's. "
                 "Rows \"from N reader runs\": the claim decided from readers' runs alone "
                 "(runners/stats/evidence.py) by the procedure verdicts use (the outlier rule, the rule, and "
                 "inconclusive where leaving out one run changes the verdict), N normal runs drawn for each "
                 "verdict; their last two columns: the same with each run drawn, with probability "
                 f"{stats.CONTAMINATION:g}, from a normal 5 times as wide (odd runs, Tukey's contaminated normal).")
    return "\n".join(lines)
