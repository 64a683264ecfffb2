"""metric: a value a training listing produces (test accuracy), decided over seeds (stats/rule.py).

Where the text hedges the value (``hedge: {within: "1%"}``), the stated interval is the one the
book promises. Where the claim cannot run here and names readers' runs (``evidence``), it is
decided from them (stats/evidence.py), and the verdict says so.
"""
from __future__ import annotations

import re

from .. import stats
from ..claim import values
from ..core.errors import ClaimError
from ._base import Kind
from ._stochastic import (
    MEASUREMENT_FIELDS,
    SEEDS_FIELD,
    StochasticKind,
    check_seeds,
    from_readers,
    measure_screened,
    off_scale,
    readers_reference,
    reference,
    seeds_for,
    stated_suggestion,
    verdict_over_seeds,
)


def stated(claim) -> stats.Stated:
    """The stated interval: the printed value's, or the one the book's hedge promises."""
    printed = stats.parse_stated(claim.expected)
    return stats.hedged(printed, claim.hedge["within"]) if isinstance(claim.hedge, dict) else printed


class Metric(StochasticKind, Kind):
    name = "metric"
    summary = "a measured value over seeds against a stated one, on the scale of recorded single runs"
    measure_fields = {**MEASUREMENT_FIELDS, "seeds": SEEDS_FIELD}
    tolerance_doc = ("none: the allowance comes from the reference spread (`reference`, required) "
                     "and the rule in runners/stats/rule.py")
    def check(self, claim):
        problems = super().check(claim) + check_seeds(claim.measure.get("seeds"))
        problems += values.problems(claim.measure.get("value")) if "value" in claim.measure else []
        try:
            stats.parse_stated(claim.expected)
        except ValueError as exc:
            problems.append(f"expected: {exc}")
        if claim.tolerance is not None:
            problems.append("tolerance: a metric takes none; its allowance comes from `reference` (docs/schema.md)")
        if not isinstance(claim.reference, str):
            problems.append("reference: required, the name of recorded runs in references.yaml")
        else:
            problems += self.reference_problems(claim)
        problems += hedge_problems(claim)
        if claim.evidence:
            try:
                readers_reference(claim, claim.evidence)
            except ClaimError as exc:
                problems.append(f"evidence: {exc}")
        return problems

    def scale(self, claim) -> tuple[stats.Stated, stats.Reference]:
        """The stated interval and the reference runs: what the verdict and its error rates use."""
        return stated(claim), reference(claim, claim.reference)

    def evidence(self, claim) -> tuple[stats.Stated, stats.Reference] | None:
        """The stated interval and the readers' runs that decide the claim where it cannot run, or None."""
        if not claim.evidence:
            return None
        return stated(claim), readers_reference(claim, claim.evidence)

    def from_evidence(self, claim, not_run: str):
        """The verdict from readers' runs, for a claim that cannot run here (``not_run``: why)."""
        found = self.evidence(claim)
        return None if found is None else from_readers(claim, *found, not_run)

    def run(self, claim, ctx):
        interval, ref = self.scale(claim)
        wrong_scale = off_scale(claim, interval, ref)
        if wrong_scale is not None:
            return wrong_scale
        per_seed, runs, screen = measure_screened(claim, ctx, claim.measure, seeds_for(claim, ctx), ref)
        verdict = verdict_over_seeds(claim, ctx, interval, ref, per_seed, runs, values.describe(claim.measure["value"]))
        if screen:
            verdict.details["seed_screen"] = screen
            verdict.reason = f"{verdict.reason} ({screen['text']})"
        return verdict

    def quantity(self, claim):
        return ("metric", self.listings(claim), values.key(claim.measure.get("value")))

    def stated_interval(self, claim):
        s = stats.parse_stated(claim.expected)  # as printed: the errata compare the sources' figures
        return (s.low, s.high)

    def coverage_values(self, claim):
        """The stated value; for a range ("70-72%") also its ends, as the text writes them."""
        try:
            found = {round(stats.parse_stated(claim.expected).value, 6)}
        except ValueError:
            return set()
        text = str(claim.expected)
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*-\s*\d+(\.\d+)?\s*%?\s*", text):
            scale = 100 if text.strip().endswith("%") else 1
            found |= {round(float(n) / scale, 6) for n in re.findall(r"\d+(?:\.\d+)?", text)}
        return found

    def suggestion(self, result):
        if isinstance(result.observed, (int, float)):
            return stated_suggestion(result.expected, result.observed)
        return super().suggestion(result)


def hedge_problems(claim) -> list[str]:
    hedge = claim.hedge
    if hedge is None:
        return []
    if not isinstance(hedge, dict) or set(hedge) - {"within", "cite", "__line__"}:
        return ["hedge: a mapping `{within: \"1%\", cite: {from: book, quote: ...}}`"]
    problems = []
    try:
        stats.hedged(stats.parse_stated(claim.expected), hedge.get("within"))
    except ValueError as exc:
        problems.append(f"hedge: {exc}")
    cite = hedge.get("cite")
    if not (isinstance(cite, dict) and isinstance(cite.get("quote"), str) and cite.get("quote", "").strip()
            and cite.get("from") == "book"):
        problems.append("hedge.cite: the book's words, `{from: book, quote: ...}` (a hedge is the book's own)")
    return problems


KIND = Metric()
