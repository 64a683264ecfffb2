"""The tiers a claim runs at, cheapest first: a run at one tier includes the tiers below it."""
from __future__ import annotations

TIERS = ("static", "cpu", "gpu")


def includes(run_tier: str, claim_tier: str) -> bool:
    """Whether a claim of ``claim_tier`` runs at ``run_tier`` (static < cpu < gpu)."""
    return TIERS.index(claim_tier) <= TIERS.index(run_tier)
