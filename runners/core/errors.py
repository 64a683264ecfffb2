"""The two ways a claim stops short of a verdict: it cannot run here, or something other than the book is wrong."""
from __future__ import annotations


class Skip(Exception):
    """Raised where a claim cannot run here; carries the reason and the fix."""

    def __init__(self, reason: str, fix: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


class ClaimError(Exception):
    """A problem with the spec or the harness (never a failure of the book)."""
