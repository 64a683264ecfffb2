"""What the stochastic kinds (metric, comparison) share: seeds, measurements, plans, references.

Seeds are fixed in the spec, per tier (``seeds: {cpu: 5, gpu: 10}``: seeds 0..4 on the cpu
tier), before any run; that count is the verdict's. ``--seeds N`` makes a run *exploratory*.

A reference is a recorded set of single runs of the same code (``references.yaml`` in the spec's
folder or a folder above it): its per-seed values, where and how they were measured. Its spread
is the scale the verdict and its operating characteristic use (stats/).
"""
from __future__ import annotations

import dataclasses
import math
import statistics

from .. import stats
from ..claim import readers, values
from ..claim.references import elsewhere
from ..claim.schema import Rule, is_type
from ..claim.variants import references_of
from ..claim.verdict import Status, Verdict
from ..core.errors import ClaimError, Skip
from ..core.tiers import TIERS
from ..environment import machine

MIN_SEEDS = 2
MAX_SEEDS = 1000  # a bound checked before anything is built (issue 36: `seeds: 1000000000` ended in MemoryError)
SEEDS_FIELD = Rule((dict, int), required=True,
                   doc="seeds per tier, e.g. `{cpu: 5, gpu: 10}`; seeds `0..n-1`, at least 2, fixed before the run")
MEASUREMENT_FIELDS = {
    "listings": Rule(("str_list",), required=True, doc="listing files run in order, one namespace"),
    "value": Rule((str, "function"), required=True,
                  doc="what to read after they ran: a path (`test_acc`, `model.history.history['accuracy'][-1]`) "
                      "or a named check (`!function checks.name`)"),
    "substitute": Rule((dict,), doc="text substitutions in the listings, `{old: new}`; recorded"),
}


def check_seeds(seeds) -> list[str]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds > MAX_SEEDS:
            return [f"measure.seeds: at most {MAX_SEEDS} (a bound on what a spec may ask for), not {seeds}"]
        return [] if seeds >= MIN_SEEDS else [f"measure.seeds: at least {MIN_SEEDS} (a verdict needs a spread)"]
    if not isinstance(seeds, dict):
        return []
    problems = [f"measure.seeds: unknown tier '{k}'" for k in seeds if k != "__line__" and k not in TIERS]
    problems += [f"measure.seeds.{k}: a whole number of at least {MIN_SEEDS} (a verdict needs a spread), at most {MAX_SEEDS}"
                 for k, v in seeds.items()
                 if k in TIERS and (not is_type(v, (int,)) or not MIN_SEEDS <= v <= MAX_SEEDS)]
    return problems


def seed_counts(claim) -> dict[str, int]:
    """The claim's seed count at each tier it runs on."""
    spec = claim.measure["seeds"]
    if isinstance(spec, int):
        return {t: spec for t in TIERS if TIERS.index(t) >= TIERS.index(claim.tier)}
    counts, current = {}, None
    for tier in TIERS:
        current = spec.get(tier, current)
        if current is not None and TIERS.index(tier) >= TIERS.index(claim.tier):
            counts[tier] = current
    return counts


def seeds_for(claim, ctx) -> list[int]:
    """Seeds 0..n-1: n from the spec at the run's tier, or ``--seeds N`` (exploratory)."""
    if ctx.settings.seeds is not None:
        return list(range(ctx.settings.seeds))
    counts = seed_counts(claim)
    if ctx.settings.tier not in counts:
        raise ClaimError(f"measure.seeds names no tier at or below '{ctx.settings.tier}'")
    return list(range(counts[ctx.settings.tier]))


def pending(claim) -> bool:
    """Whether the claim's reference is still to be recorded (``source: pending``, as ``claimcheck draft``
    writes it): the claim is skipped with the command that records it, and nothing is trained for it."""
    names = claim.reference.values() if isinstance(claim.reference, dict) else [claim.reference]
    try:
        found = references_of(claim)
    except ClaimError:
        return False  # its problem is reported where the reference is read
    return any(isinstance(n, str) and (found.get(n) or {}).get("source") == "pending" for n in names)


def plan(claim, ctx, items: list[dict]) -> list:
    """One training run per measurement and seed (none while its reference is pending)."""
    if pending(claim):
        return []
    return [ctx.job(claim, item, seed) for item in items for seed in seeds_for(claim, ctx)]


def measure(claim, ctx, item: dict, seeds: list[int]) -> tuple[list, list]:
    """The value per seed and how each run went (seconds, reused from the cache or trained)."""
    values_, runs = [], []
    for seed in seeds:
        record = ctx.record(ctx.job(claim, item, seed))
        k = values.key(item["value"])
        if k in record.get("errors", {}):
            raise ClaimError(record["errors"][k])
        value = record["values"][k]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ClaimError(f"'{item['value']}' is not a number after the listings ran: {value!r}")
        if not math.isfinite(value):
            raise ClaimError(f"'{item['value']}' is {value} with seed {seed}: not a finite number")
        values_.append(float(value))
        runs.append({"seed": seed, "value": float(value), "cached": record.get("cached", False),
                     "seconds": record.get("seconds"), "numerics": record.get("numerics")})
    return values_, runs


# --- the claim's own seeds screened (issue 38, item 4) ----------------------------------------

SEED_SCREEN_SD = 5.0  # a seed further than this many of the reference's seed sd from its median is odd
SEED_REPLACE_SHARE = 4  # at most one seed in this many replaced (at least 1): more odd seeds are a shift


def seed_scale(ref: stats.Reference) -> tuple[float, float] | None:
    """Where one seed of this machine is expected and its spread: the median and sd of this machine's
    recorded seeds (a readers reference's ``within`` runs), else of the reference's runs; None for a
    stand-in sd (no runs to place a seed against)."""
    runs = ref.machine if len(ref.machine) >= 2 else ref.values
    if len(runs) < 2 or ref.assumed_sd is not None:
        return None
    sd = statistics.stdev(runs)
    return (statistics.median(runs), sd) if sd > 0 else None


def measure_screened(claim, ctx, item: dict, seeds: list[int], ref: stats.Reference) -> tuple[list, list, dict]:
    """The claim's seeds measured, an odd one (further than SEED_SCREEN_SD seed sd from where this
    machine's seeds lie) left out, named, and replaced by the next seed after the claim's own in a
    fixed order (n, n+1, ...), so the count stays the claim's. At most one seed in SEED_REPLACE_SHARE:
    where more are odd, none is left out (the whole machine has moved, and the result says so)."""
    values_, runs = measure(claim, ctx, item, seeds)
    scale = seed_scale(ref)
    if scale is None:
        return values_, runs, {}
    centre, sd = scale
    off = [(v - centre) / sd for v in values_]
    odd = [k for k, x in enumerate(off) if abs(x) > SEED_SCREEN_SD]
    if not odd:
        return values_, runs, {}
    screen = {"rule": f"a seed more than {SEED_SCREEN_SD:g} sd of this machine's seeds ({sd:.3g}) from their "
                      f"median ({centre:.4f}) is left out and replaced by the next seed after the claim's own "
                      "(runners/kinds/_stochastic.py)",
              "odd": [{"seed": seeds[k], "value": values_[k], "sd_off": round(off[k], 2)} for k in odd]}
    if len(odd) > max(1, len(seeds) // SEED_REPLACE_SHARE):
        screen["text"] = (f"{len(odd)} of {len(seeds)} seeds lie beyond {SEED_SCREEN_SD:g} sd: all kept (more than "
                          "the rule replaces: this machine's values have moved, not one seed)")
        return values_, runs, screen
    candidate, replaced = max(seeds) + 1, []
    for k in odd:
        for _ in range(2):  # a replacement that is odd too is passed over, once
            try:
                [value], [run] = measure(claim, ctx, item, [candidate])
            except Exception as exc:  # noqa: BLE001 (not trained here: a shard's merge has only planned runs)
                replaced.append(f"seed {seeds[k]} kept (its replacement, seed {candidate}, did not run: {exc})")
                break
            candidate += 1
            if abs(value - centre) / sd <= SEED_SCREEN_SD:
                replaced.append(f"seed {seeds[k]} ({values_[k]:.4f}, {off[k]:+.1f} sd) by seed {run['seed']}")
                values_[k], runs[k] = value, run
                break
        else:
            replaced.append(f"seed {seeds[k]} kept (its two replacements were odd too)")
    screen["text"] = "odd seeds replaced: " + "; ".join(replaced)
    return values_, runs, screen


# --- references --------------------------------------------------------------------------

def reference(claim, name: str) -> stats.Reference:
    entry = references_of(claim).get(name)
    if entry is None:
        raise ClaimError(f"reference '{name}' is in no references.yaml beside or above {claim.file}")
    if entry.get("source") == "pending":
        raise Skip(f"its reference '{name}' is not recorded yet (references.yaml: source: pending)",
                   f"record it: {entry.get('command', 'claimcheck reference')}, and paste the entry it prints "
                   "over the pending one")
    vals = entry.get("values") or []
    sd = entry.get("sd")
    if sd is not None:
        if not isinstance(sd, (int, float)) or sd <= 0 or vals:
            raise ClaimError(f"reference '{name}': sd must be a positive number, with no values beside it")
        return stats.Reference(name, (), str(entry.get("source", "")), float(sd))
    if len(vals) < 2 or not all(isinstance(v, (int, float)) for v in vals):
        raise ClaimError(f"reference '{name}' needs at least 2 numeric values (or a stand-in sd), has {vals!r}")
    seeds = tuple(entry.get("seeds") or ())
    kept, labels, excluded = stats.screen(vals, seeds if len(seeds) == len(vals) else None)
    ref = stats.Reference(name, tuple(kept), str(entry.get("source", "")),
                          seeds=tuple(labels) if seeds else (), readers=entry.get("readers"),
                          excluded=tuple(excluded))
    if len(ref.values) < 2 or ref.sd <= 0:
        raise ClaimError(f"reference '{name}': its values do not vary, so they give no scale")
    within = references_of(claim).get(entry.get("within") or "") or {}
    apart = other_stack(within.get("environment")) or other_numerics(within)
    if entry.get("within") and apart:
        ref = dataclasses.replace(ref, offset_unused=apart)
    elif entry.get("within"):
        spread = environment_spread(claim, name, entry)
        ref = dataclasses.replace(ref, drift_sd=spread.offset_allowance, offset_sd=spread.offset_se,
                                  within_sd=spread.within_sd / spread.across_sd, shift=spread.shift,
                                  stack=spread.stack, machine=tuple(stats.screen(references_of(claim)[
                                      entry["within"]]["values"])[0]))
    return ref


# what a result says when this machine's measured offset is not used (other_stack, other_numerics)
NOT_USED = "not used (the band is on the stated value, with the drift allowance of a random environment)"


def other_stack(recorded_env) -> str | None:
    """Why this machine's offset, measured by runs recorded on one stack (a ``within`` reference's
    ``environment``), does not hold for this run: another Keras, backend or TensorFlow (major.minor),
    in words; None where it is the same stack (or the runs do not say theirs)."""
    if not isinstance(recorded_env, dict):
        return None

    def minor(version) -> str | None:
        return ".".join(str(version).split(".")[:2]) if version else None

    here = {"keras": minor(machine.installed_version("keras", "tf-keras")), "backend": machine.backend(),
            "tensorflow": minor(machine.installed_version("tensorflow", "tensorflow-cpu"))}
    there = {"keras": minor(recorded_env.get("keras")), "backend": recorded_env.get("backend"),
             "tensorflow": minor(recorded_env.get("tensorflow"))}
    differ = [k for k in here if there[k] and here[k] != there[k] and (k != "tensorflow" or "tensorflow" in
                                                                      (here["backend"], there["backend"]))]
    if not differ:
        return None
    said = ", ".join(f"{k} {there[k]}" for k in differ)
    now = ", ".join(f"{k} {here[k]}" for k in differ)
    return f"this machine's offset from the readers was measured on {said} and this run is {now}: {NOT_USED}"


def other_numerics(entry: dict) -> str | None:
    """Why this machine's offset, measured by the runs a ``within`` reference recorded, does not hold
    for this run's numerics (issue 38); None where they are this run's."""
    why = elsewhere(entry, machine.describe())
    return f"this machine's offset from the readers was recorded under {why}: {NOT_USED}" if why else None


def environment_spread(claim, name: str, entry: dict) -> stats.Spread:
    """The spread between environments: a readers reference's runs against the recorded seeds it names."""
    within = references_of(claim).get(entry["within"])
    if within is None or not within.get("values") or within.get("source") == "readers":
        raise ClaimError(f"reference '{name}': within names '{entry['within']}', which must be recorded runs "
                         "of one machine in references.yaml")
    try:
        seeds = within.get("seeds") or None
        return stats.spread(entry["values"], within["values"],
                            seeds if seeds and len(seeds) == len(within["values"]) else None)
    except ValueError as exc:
        raise ClaimError(f"reference '{name}': {exc}") from None


def readers_reference(claim, name: str) -> stats.Reference:
    """A reference that must be readers' runs (a claim's ``evidence``)."""
    ref = reference(claim, name)
    if ref.readers is None:
        raise ClaimError(f"evidence '{name}' must be a `source: readers` reference (readers' runs), "
                         f"not {ref.source or 'recorded'} runs")
    return ref


def paired(claim, names: dict, statistic, pooled=None) -> stats.Reference:
    """A comparison's reference: the statistic of two references' values, paired by seed; the seeds
    whose statistic the outlier rule (stats.screen) excludes are left out, and listed. ``pooled``
    (a's values, b's values -> per-seed values whose mean is the pooled statistic): the values the
    scale is the sd of, computed over the seeds kept."""
    entries = references_of(claim)
    a, b = (entries.get(names.get(side)) for side in ("a", "b"))
    if a is None or b is None:
        raise ClaimError(f"reference {names!r}: both a and b must name entries of references.yaml")
    for side, entry in (("a", a), ("b", b)):
        if entry.get("source") == "pending":  # drafted or written in review: skipped until recorded
            reference(claim, names[side])
    seeds_a, seeds_b = a.get("seeds") or [], b.get("seeds") or []
    common = [s for s in seeds_a if s in seeds_b]
    if len(common) < 2:
        raise ClaimError(f"references {names['a']} and {names['b']} share fewer than 2 seeds")
    va = dict(zip(seeds_a, a["values"]))
    vb = dict(zip(seeds_b, b["values"]))
    per_seed, kept, excluded = stats.screen([statistic(va[s], vb[s]) for s in common], common)
    if pooled is not None and len(kept) >= 2:
        per_seed = pooled([va[s] for s in kept], [vb[s] for s in kept])
    for e in excluded:
        e.update({"a": va[e["label"]], "b": vb[e["label"]]})
    return stats.Reference(f"{names['a']} vs {names['b']}", tuple(per_seed),
                           f"{a.get('source', '')}; paired by seed", seeds=tuple(kept), excluded=tuple(excluded))


class StochasticKind:
    """What metric and comparison share as kinds: their plan, and checking their reference."""

    stochastic = True

    def trains(self, claim):
        return True

    def agrees(self, claim, observed):
        return None  # decided over seeds, from training records, never in a sandbox

    def plan(self, claim, ctx):
        return plan(claim, ctx, self.measurements(claim))

    def seed_counts(self, claim) -> dict[str, int]:
        """The claim's seed count at each tier it runs on."""
        return seed_counts(claim)

    def scale(self, claim) -> tuple[stats.Stated, stats.Reference]:
        raise NotImplementedError

    def recorded_runs(self, claim) -> list[tuple[dict, str]]:
        """Each measurement with the name of the reference that recorded its runs: one for a metric
        (``reference: NAME``), one a side for a comparison (``reference: {a: NAME, b: NAME}``); none
        while a reference is pending."""
        if pending(claim):
            return []
        items, ref = self.measurements(claim), claim.reference
        if isinstance(ref, dict):
            return [(claim.measure[k], ref[k]) for k in ("a", "b")
                    if isinstance(claim.measure.get(k), dict) and isinstance(ref.get(k), str)]
        return [(items[0], ref)] if len(items) == 1 and isinstance(ref, str) else []

    def reference_problems(self, claim) -> list[str]:
        try:
            self.scale(claim)
        except Skip:
            return []  # a pending reference: the claim is skipped with the command that records it
        except ClaimError as exc:
            return [f"reference: {exc}"]
        except (ValueError, KeyError, TypeError, AttributeError):
            return []  # the stated value or the measure is wrong: its own check says so
        return []


def reference_details(ref: stats.Reference) -> dict:
    details = {"name": ref.name, "n": len(ref.values), "runs": ref.runs, "seeds": list(ref.seeds), "mean": ref.mean,
               "sd": ref.sd, "source": ref.source, "assumed": ref.runs is None, "drift_sd": ref.drift}
    if ref.excluded:
        details["excluded"] = [dict(e) for e in ref.excluded]
        details["outlier_rule"] = (f"a value more than {stats.OUTLIER_SD} robust sd (median absolute deviation "
                                   f"x {stats.MAD_TO_SD}) from the median is left out (runners/stats/rule.py)")
    if ref.readers is not None:
        details["readers"] = ref.readers
        details["values"] = list(ref.values)
        details["offset_se_sd"] = ref.offset_sd
        details["shift"] = ref.shift
        details["stack"] = ref.stack
    return details


def printed_alone(claim, ref: stats.Reference) -> dict:
    """On a reference of readers' runs, the printed value alone (without the book's hedge) judged from
    them (stats/evidence.py), as ``{"printed_alone": ...}``: every verdict on such a reference records
    it, and the errata's readers section reads it. Nothing on other references."""
    if ref.readers is None:
        return {}
    try:
        printed = stats.parse_stated(claim.expected)
    except ValueError:
        return {}
    alone, figures = stats.evidence.judge_runs(ref.values, printed, "reader runs", reader_labels(ref))
    return {"printed_alone": {"stated": printed.text, "status": alone.status, "reason": alone.reason,
                              "below": figures.get("below")}}


def off_scale(claim, stated: stats.Stated, ref: stats.Reference) -> Verdict | None:
    """A stated value on another scale than its reference runs: failed before anything runs."""
    why = stats.scale_problem(stated, ref.mean)
    if why is None:
        return None
    return Verdict(Status.FAILED, None, why, {"stated": stated.value, "reference": reference_details(ref),
                                              **printed_alone(claim, ref)})


def verdict_over_seeds(claim, ctx, stated: stats.Stated, ref: stats.Reference, per_seed: list, runs, what: str):
    """The verdict and its details, shared by metric and comparison."""
    summary = stats.summarize(per_seed)
    decision = stats.judge_mean(summary, stated, ref.sd, what, drift=ref.drift, shift=ref.shift)
    low, high = stats.band(stated, ref.sd, ref.drift, ref.shift)
    oc = stats.for_reference(stated.halfwidth, ref, len(per_seed))
    passing = passes_for(claim, stats.passing_values(summary, stated, ref.sd, ref.drift, ref.shift))
    details = {
        "summary": summary.to_dict(), "stated": stated.value, "stated_interval": [stated.low, stated.high],
        "band": [low, high], "allowance": stats.allowance(stated, ref.sd, ref.drift), "reference": reference_details(ref),
        "distance_sd": stats.distance_sd(stated, summary, ref.sd), "runs": runs,
        "seeds_needed": decision.seeds_needed, "operating_characteristic": oc,
        "targets": stats.standing(oc, ref, known=stats.for_known_sd(stated.halfwidth, ref, len(per_seed))
                                  if stats.unmet_targets(oc) else None),
        "rule": {"k_single": stats.K_SINGLE, "drift_sd": ref.drift, "alpha": stats.ALPHA},
        "passes_for": passing,
    }
    details.update(printed_alone(claim, ref))
    if ctx.settings.exploratory:
        details["exploratory"] = (f"--seeds {ctx.settings.seeds}: the spec fixes "
                                  f"{seed_counts(claim).get(ctx.settings.tier)} seeds at this tier")
    reason = f"{decision.reason}; {passing['text']}"
    if ref.stack:
        details["stack"] = ref.stack
        reason = f"{ref.stack}; the book's value judged where this machine's runs lie: {reason}"
    if ref.offset_unused:
        details["offset_unused"] = ref.offset_unused
        reason = f"{reason} ({ref.offset_unused})"
    return Verdict(Status(decision.status), round(summary.mean, 6), reason, details)


def in_units(claim, value: float) -> str:
    """A value of the claim's quantity in the stated value's own units: ``98.2%`` for a stated
    "98.5%", ``0.9912`` for a stated "0.991" (a digit more than printed, so a range shows), points
    for a difference of two printed percentages, percent for an error reduction."""
    e = claim.expected
    if isinstance(e, dict):
        if claim.measure.get("statistic") == "difference":
            return f"{value * 100:.2f} points"
        return f"{value * 100:.1f}%"
    text = str(e).strip().split("(")[0].strip()
    number = text.rstrip("%")
    decimals = (len(number.split(".")[1]) if "." in number else 0) + 1
    return f"{value * 100:.{decimals}f}%" if text.endswith("%") else f"{value:.{decimals}f}"


def passes_for(claim, values_: tuple[float, float] | None) -> dict:
    """Which stated values these seeds would pass, in the claim's own units (details' ``passes_for``)."""
    if values_ is None:
        return {"low": None, "high": None, "text": "no stated value passes on these seeds"}
    low, high = values_
    return {"low": low, "high": high,
            "text": f"passes here for stated values from {in_units(claim, low)} to {in_units(claim, high)}"}


def reader_labels(ref: stats.Reference) -> list[str] | None:
    """Each value's repository (``owner/name@commit``), in the values' order, or None."""
    envs = (ref.readers or {}).get("environments") or []
    if len(envs) != len(ref.values):
        return None
    return [f"{e['repo']}@{','.join(c[:10] for c in e['commits'])}" for e in envs]


def from_readers(claim, stated: stats.Stated, ref: stats.Reference, not_run: str) -> Verdict:
    """The verdict from readers' runs alone, for a claim that cannot run here (``not_run``: why)."""
    labels = reader_labels(ref)
    decision, figures = stats.evidence.judge_runs(ref.values, stated, "reader runs", labels)
    summary = stats.summarize(ref.values)
    oc = stats.for_evidence(stated.halfwidth, ref)
    said = readers.in_words(ref.readers)
    details = {
        "evidence": {"type": "reader runs", "reference": ref.name, "runs": len(ref.values), "about": ref.readers,
                     "said": said, "not_run": not_run, "sources": labels or [],
                     "records": (ref.readers or {}).get("records"), "distinct": (ref.readers or {}).get("distinct")},
        "summary": summary.to_dict(), "stated": stated.value, "stated_interval": [stated.low, stated.high],
        "band": [stated.low, stated.high], "readers": figures, "reference": reference_details(ref),
        "operating_characteristic": oc,
        "operating_characteristic_odd_runs": stats.for_evidence(stated.halfwidth, ref,
                                                                contamination=stats.CONTAMINATION),
        "targets": stats.standing(oc, ref, decided_by=f"{len(ref.values)} reader runs"),
        "rule": {"k_single": stats.K_SINGLE, "alpha": stats.ALPHA, "decided_by": "runners/stats/evidence.py"},
    }
    details.update(printed_alone(claim, ref))  # without a hedge, the verdict's own decision again
    reason = f"{decision.status} from {len(ref.values)} reader runs, not measured here ({not_run}): {decision.reason}"
    return Verdict(Status(decision.status), round(summary.mean, 6), reason, details)


def stated_suggestion(expected, observed: float) -> str:
    """A correction in the stated value's own format (percent or decimal, same digits)."""
    return f"\"{stats.printed_like(expected, observed)}\" (measured mean; stated {str(expected).strip()})"
