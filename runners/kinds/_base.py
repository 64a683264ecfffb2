"""What every kind is and what it may ask of the engine that runs it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..claim.schema import Rule, check_fields
from ..core.formatting import show

if TYPE_CHECKING:  # pragma: no cover
    from ..claim.schema import Claim
    from ..claim.verdict import Result, Verdict
    from ..core.settings import Settings


class Context(Protocol):
    """What a kind may ask of the run it is measured in (the engine's session provides it)."""

    settings: Settings

    def execution(self, claim: Claim) -> Any:
        """The claim's program run once in this run: its ``namespace``, ``stdout``, ``substitute``."""

    def evaluate(self, claim: Claim, value) -> Any:
        """A value (a path or a named check) read after the claim's program ran."""

    def job(self, claim: Claim, item: dict, seed: int) -> Any:
        """The training run of one measurement (``item``) of the claim with one seed."""

    def record(self, job) -> dict:
        """A training run's record (trained now, or cached): ``values``, ``errors``, ``seconds``."""


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

    def measurements(self, claim: Claim) -> list[dict]:
        """The measurements a claim makes, each a mapping naming the ``listings`` it runs (and its
        ``value``, ``substitute``): the claim's ``measure`` for most kinds; a kind with another
        layout (comparison's ``a`` and ``b``) says so here, and nothing outside the kind knows it."""
        return [claim.measure] if "listings" in claim.measure else []

    def listings(self, claim: Claim) -> tuple:
        """The listings the claim runs, as resolved paths, in the order its measurements run them."""
        out = []
        for m in self.measurements(claim):
            listings = m.get("listings") if isinstance(m, dict) else None
            out += [str(claim.resolve(p)) for p in (listings if isinstance(listings, list) else []) if isinstance(p, str)]
        return tuple(out)

    def trains(self, claim: Claim) -> bool:
        """Whether the claim reads training runs (decided from their records) rather than a program it
        runs itself (decided in the sandbox, where that program runs)."""
        return False

    def plan(self, claim: Claim, ctx: Context) -> list:
        """The training runs (executor Jobs) the claim will read; none for most kinds."""
        return []

    def run(self, claim: Claim, ctx: Context) -> Verdict:
        raise NotImplementedError

    def agrees(self, claim: Claim, observed) -> bool | None:
        """Whether ``observed`` (as plain data) bears out the stated value, by the kind's own rule: the
        engine re-checks a verdict that came back from the sandbox with it, outside the listings' reach.
        None for a kind that decides otherwise (over seeds)."""
        return observed == claim.expected

    def quantity(self, claim: Claim) -> tuple | None:
        """What the claim measures, so that claims stating one quantity can be compared."""
        return None

    def stated_interval(self, claim: Claim) -> tuple:
        """The values the stated one stands for: itself, for kinds compared exactly."""
        return (repr(claim.expected), repr(claim.expected))

    def coverage_values(self, claim: Claim) -> set:
        """The numbers a claim checks, as a source text's numbers are normalised (catalog/coverage.py)."""
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
