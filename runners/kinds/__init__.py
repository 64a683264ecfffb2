"""Claim kinds: the one extension point. Each public module here defines ``KIND``, a :class:`Kind`.

A kind owns everything about its claims: the fields its ``measure`` takes and its checks of a
spec, the training runs it needs (``plan``), how it measures and decides (``run``), the
interval its stated value stands for and the quantity it measures (for the errata's
disagreements), the numbers of a source text it covers, and the correction it suggests when a
claim fails. Adding a kind is one module in this package plus its tests; modules whose names
start with ``_`` are helpers shared by kinds.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import TYPE_CHECKING

from claimcheck.runners.formatting import show
from claimcheck.runners.schema import Rule, check_fields

if TYPE_CHECKING:  # pragma: no cover
    from claimcheck.runners.schema import Claim
    from claimcheck.runners.session import Session
    from claimcheck.runners.verdict import Result, Verdict


class Kind:
    """A claim kind: the fields its ``measure`` takes, how it measures, how it decides."""

    name: str = ""
    summary: str = ""
    measure_fields: dict[str, Rule] = {}
    tolerance_doc: str = "none: the measurement must equal the expected value"
    stochastic: bool = False

    def check(self, claim: Claim) -> list[str]:
        """Problems with the claim's measure, expected and tolerance (no code is run)."""
        return check_fields(claim.measure, self.measure_fields, "measure")

    def plan(self, claim: Claim, ctx: Session) -> list:
        """The training runs (executor Jobs) the claim will read; none for most kinds."""
        return []

    def run(self, claim: Claim, ctx: Session) -> Verdict:
        raise NotImplementedError

    def quantity(self, claim: Claim) -> tuple | None:
        """What the claim measures, so that claims stating one quantity can be compared."""
        return None

    def stated_interval(self, claim: Claim) -> tuple:
        """The values the stated one stands for: itself, for kinds compared exactly."""
        return (repr(claim.expected), repr(claim.expected))

    def coverage_values(self, claim: Claim) -> set:
        """The numbers a claim checks, as a source text's numbers are normalised (coverage.py)."""
        e = claim.expected
        if isinstance(e, list) and all(v is None or isinstance(v, int) for v in e):
            return {tuple(e), tuple(e[1:])} if e and e[0] is None else {tuple(e)}
        if isinstance(e, int) and not isinstance(e, bool):
            return {e}
        if isinstance(e, list) and e and all(isinstance(v, list) and all(isinstance(x, int) for x in v) for v in e):
            return {tuple(v) for v in e}  # sizes, one per layer: [[3, 3], [3, 3]]
        return set()

    def suggestion(self, result: Result) -> str:
        """A correction for the text, worded from the measurement."""
        return f"\"{show(result.observed)}\" (measured; stated {show(result.expected)})"


def listings_of(claim: Claim, item: dict | None = None) -> tuple:
    """The listings a claim (or one of its measurements) runs, as resolved paths."""
    item = claim.measure if item is None else item
    return tuple(str(claim.resolve(p)) for p in item.get("listings", []) if isinstance(p, str))


@lru_cache(maxsize=1)
def registry() -> dict[str, Kind]:
    kinds = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, Kind):
            kinds[kind.name] = kind
    return kinds
