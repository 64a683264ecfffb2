"""Which claims a run takes (``-k``, ``--exclude``)."""
from __future__ import annotations

import fnmatch

from ..claim.schema import Claim


def matches(claim_id: str, pattern: str) -> bool:
    return pattern in claim_id or fnmatch.fnmatch(claim_id, pattern)


def select(claims: list[Claim], keywords=(), exclude=()) -> list[Claim]:
    """Claims whose id matches any keyword (all without one), minus the excluded."""
    chosen = [c for c in claims if not keywords or any(matches(c.id, k) for k in keywords)]
    return [c for c in chosen if not any(matches(c.id, x) for x in exclude)]
