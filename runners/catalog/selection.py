"""Which claims a run takes (``-k``, ``--exclude``), and a claim as it reads on a stack (its ``variants``)."""
from __future__ import annotations

import fnmatch
from dataclasses import replace

from ..claim.schema import Claim
from .loader import merge


def matches(claim_id: str, pattern: str) -> bool:
    return pattern in claim_id or fnmatch.fnmatch(claim_id, pattern)


def select(claims: list[Claim], keywords=(), exclude=()) -> list[Claim]:
    """Claims whose id matches any keyword (all without one), minus the excluded."""
    chosen = [c for c in claims if not keywords or any(matches(c.id, k) for k in keywords)]
    return [c for c in chosen if not any(matches(c.id, x) for x in exclude)]


def for_stack(claim: Claim, tags) -> tuple[Claim, dict | None]:
    """The claim as it reads on a stack (its variant merged in), and which variant applied."""
    for tag in tags:
        variant = claim.variants.get(tag)
        if isinstance(variant, dict):
            changed = {k: v for k, v in variant.items() if k != "why"}
            measure = merge(claim.measure, changed.get("measure", {}))
            updated = replace(claim, measure=measure, expected=changed.get("expected", claim.expected),
                              requires=list(changed.get("requires", claim.requires)),
                              known_erratum=changed.get("known_erratum", claim.known_erratum))
            return updated, {"stack": tag, "why": variant["why"]}
    return claim, None
