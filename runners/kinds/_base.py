"""What every kind is and what it may ask of the engine that runs it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..claim.schema import Rule, check_fields
from ..core.formatting import show

if TYPE_CHECKING:  # pragma: no cover
    from ..claim.schema import Claim
    from ..claim.verdict import Result, Verdict
    from ..core.settings import Settings
    from ..stats import Reference, Stated


class Context(Protocol):
    """What a kind may ask of the run it is measured in (the engine provides it: engine/context.py's ``RunContext``, or the sandbox's ``_SandboxContext``)."""

    settings: Settings

    def execution(self, claim: Claim) -> Any:
        """The claim's program run once in this run: its ``namespace``, ``stdout``, ``substitute``."""

    def again(self, claim: Claim) -> Any:
        """The claim's program run once more, apart from its first run (an ``Execution`` like
        :meth:`execution`'s): whether what it shows repeats."""

    def evaluate(self, claim: Claim, value) -> Any:
        """A value (a path or a named check) read after the claim's program ran."""

    def job(self, claim: Claim, item: dict, seed: int) -> Any:
        """The training run of one measurement (``item``) of the claim with one seed."""

    def record(self, job) -> dict:
        """A training run's record (trained now, or cached): ``values``, ``errors``, ``seconds``."""


class Kind:
    """A claim kind: the fields its ``measure`` takes, how it measures, how it decides.

    This class declares a kind's whole contract, as pytest's ``hookspec.py`` declares its hooks:
    every attribute and method anything outside the kind reads off it, each with its default and
    who calls it when. A kind overrides what applies to it and nothing else; the defaults say "not
    applicable" (``stochastic = False``, ``evidence`` and ``from_evidence`` return None), so callers
    call the hook and never probe for it. A kind's class defines no other public name
    (tests/test_kind_contract.py): a misspelt or renamed hook fails there, not silently here.
    """

    #: The ``kind:`` a spec names it by; the registry's key (``kinds.registry()``).
    name: str = ""
    #: One line on what the kind checks (docs/schema.md).
    summary: str = ""
    #: The fields its ``measure`` takes, checked by :meth:`check` (catalog/validation.py) and
    #: documented in docs/schema.md (tests/test_schema_doc.py holds the two together).
    measure_fields: dict[str, Rule] = {}
    #: What ``tolerance`` means for the kind (docs/schema.md).
    tolerance_doc: str = "none: the measurement must equal the expected value"
    #: Whether it decides over seeds by the rule of runners/stats/ from a reference's spread. Read by
    #: the characteristic table (reports/characteristic.py), the ``claimcheck reference`` command
    #: (service/reference.py) and the tests; where True, :meth:`seed_counts` and :meth:`scale` apply.
    stochastic: bool = False

    # --- every kind: the catalog, the planner, the session ---------------------------------------

    def check(self, claim: Claim) -> list[str]:
        """Problems with the claim's measure, expected and tolerance (no code is run). Called by the
        catalog (catalog/validation.py) when a spec is loaded; a problem makes the claim an error."""
        return check_fields(claim.measure, self.measure_fields, "measure")

    def measurements(self, claim: Claim) -> list[dict]:
        """The measurements a claim makes, each a mapping naming the ``listings`` it runs (and its
        ``value``, ``substitute``): the claim's ``measure`` for most kinds; a kind with another
        layout (comparison's ``a`` and ``b``) says so here, and nothing outside the kind knows it.
        Called by the catalog (validation), :meth:`listings` and ``claimcheck reference``."""
        return [claim.measure] if "listings" in claim.measure else []

    def listings(self, claim: Claim) -> tuple:
        """The listings the claim runs, as resolved paths, in the order its measurements run them.
        Called through ``kinds.listings_of`` by the pytest plugin, the errata and the matrix."""
        out = []
        for m in self.measurements(claim):
            listings = m.get("listings") if isinstance(m, dict) else None
            out += [str(claim.resolve(p)) for p in (listings if isinstance(listings, list) else []) if isinstance(p, str)]
        return tuple(out)

    def trains(self, claim: Claim) -> bool:
        """Whether the claim reads training runs (decided from their records) rather than a program it
        runs itself (decided in the sandbox, where that program runs). Called by the engine
        (engine/sandboxed.py, ``SandboxedClaims.wants``) to send the claim to the sandbox or not."""
        return False

    def plan(self, claim: Claim, ctx: Context) -> list:
        """The training runs (executor Jobs) the claim will read; none for most kinds. Called by the
        planner (engine/planning.py) before anything runs."""
        return []

    def run(self, claim: Claim, ctx: Context) -> Verdict:
        """Measure the claim in ``ctx`` and decide it. Called by the engine (engine/deciding.py) once
        the claim's tier and resources are there; raises ``Skip`` or ``ClaimError`` to say it cannot.
        Every kind defines it."""
        raise NotImplementedError

    def agrees(self, claim: Claim, observed) -> bool | None:
        """Whether ``observed`` (as plain data) bears out the stated value, by the kind's own rule: the
        engine (engine/deciding.py, ``confirm``) re-checks a verdict that came back from the sandbox
        with it, outside the listings' reach. None for a kind that decides otherwise (over seeds)."""
        return observed == claim.expected

    # --- the errata draft and coverage ----------------------------------------------------------

    def quantity(self, claim: Claim) -> tuple | None:
        """What the claim measures, so that claims stating one quantity can be compared (the errata's
        sources that disagree, reports/errata.py). None: comparable with no other claim."""
        return None

    def stated_interval(self, claim: Claim) -> tuple:
        """The values the stated one stands for: itself, for kinds compared exactly. Called by the
        errata (reports/errata.py) to tell whether two claims on one quantity disagree."""
        return (repr(claim.expected), repr(claim.expected))

    def coverage_values(self, claim: Claim) -> set:
        """The numbers a claim checks, as a source text's numbers are normalised. Called by
        ``claimcheck coverage`` (catalog/coverage.py)."""
        e = claim.expected
        if isinstance(e, list) and all(v is None or isinstance(v, int) for v in e):
            return {tuple(e), tuple(e[1:])} if e and e[0] is None else {tuple(e)}
        if isinstance(e, int) and not isinstance(e, bool):
            return {e}
        if isinstance(e, list) and e and all(isinstance(v, list) and all(isinstance(x, int) for x in v) for v in e):
            return {tuple(v) for v in e}  # sizes, one per layer: [[3, 3], [3, 3]]
        return set()

    def suggestion(self, result: Result) -> str:
        """A correction for the text, worded from the measurement. Called by the errata
        (reports/errata.py) for each failed claim."""
        return f"\"{show(result.observed)}\" (measured; stated {show(result.expected)})"

    # --- stochastic kinds (``stochastic = True``) --------------------------------------------------

    def seed_counts(self, claim: Claim) -> dict[str, int]:
        """The claim's seed count at each tier it runs on. Called by the characteristic table
        (reports/characteristic.py) for a row per tier. Default: none, a kind that takes no seeds."""
        return {}

    def scale(self, claim: Claim) -> tuple[Stated, Reference] | None:
        """The stated interval and the reference runs whose spread the verdict and its error rates
        use. Called by the characteristic table (reports/characteristic.py) and by the kind itself
        (:meth:`reference_problems`, ``run``); raises ``Skip`` for a pending reference, ``ClaimError``
        for a broken one. Default: None, a kind compared exactly has no scale."""
        return None

    def reference_problems(self, claim: Claim) -> list[str]:
        """Problems with the claim's reference runs, as spec problems. Called by the kind's own
        :meth:`check`. Default: none, a kind with no reference."""
        return []

    def recorded_runs(self, claim: Claim) -> list[tuple[dict, str]]:
        """Each measurement (an item of :meth:`measurements`) with the name of the references.yaml
        entry that recorded its runs on seeds of their own. Called by the canary (engine/canary.py),
        which trains the entry's first seed again. Default: none, a kind with no recorded runs."""
        return []

    # --- readers' runs (``evidence:``): a claim that cannot run here ------------------------------

    def evidence(self, claim: Claim) -> tuple[Stated, Reference] | None:
        """The stated interval and the readers' runs that decide the claim where it cannot run.
        Called by the characteristic table (reports/characteristic.py) for its "from N reader runs"
        rows. Default: None, the kind is never decided from readers' runs (nor is a claim that names
        none)."""
        return None

    def from_evidence(self, claim: Claim, not_run: str) -> Verdict | None:
        """The verdict from the readers' runs the claim names, for a claim that cannot run here
        (``not_run``: why). Called by the engine (engine/deciding.py) when ``run`` was skipped and the
        claim names ``evidence``. Default: None, the claim stays skipped."""
        return None
