"""output: everything a notebook cell shows, number by number, at the digits it was printed to.

The claim states a cell's output as the author's run stored it (its printed text and the
``text/plain`` of what it displayed); the program runs the cells the output needs, this cell last,
as Jupyter runs them (the last expression of a cell is displayed), and the cell's output is read
back. The two are compared as sequences of numbers (claim/printed.py): as many numbers, each
pair within the rounding their printed digits stand for (and a relative ``tolerance`` where the
spec gives one); the text between the numbers is not compared. Numbers that change on every run by
their nature (timings, addresses, versions, progress bars) are left out, and so is each number the
stated output marks ``{?}``.

A program of listing files (no notebook) has one output: everything it printed.

An output that differs from the stated one is looked at twice: the program runs once more, and where
the second run shows other numbers than the first (unseeded randomness, a clock), the verdict is
``inconclusive``, naming them, never ``failed``: what changes on every run is not the book's value.
"""
from __future__ import annotations

from ..claim import notebooks, printed
from ..claim.schema import Rule, is_type
from ..claim.verdict import Status, Verdict
from ..core.errors import ClaimError
from ._base import Kind

FIELDS = {
    "listings": Rule(("str_list",), required=True,
                      doc="listing files or notebook cells (`NOTEBOOK.ipynb#CELLS`), run in order in one namespace"),
    "cell": Rule((int,), doc="the notebook cell whose output is compared (one of the program's cells); absent: "
                             "everything the program printed"),
    "substitute": Rule((dict,), doc="text substitutions in the listings, `{old: new}`; recorded"),
}


class Output(Kind):
    name = "output"
    summary = "everything a cell shows, number by number at its printed digits"
    measure_fields = FIELDS
    tolerance_doc = ("optional: the relative difference allowed beyond the printed digits, for a library "
                     "known to move a value (`1e-6`)")

    def check(self, claim):
        problems = super().check(claim)
        e = claim.expected
        if not isinstance(e, str):
            return problems + [f"expected: the output as the notebook shows it (a string), got {type(e).__name__}"]
        try:
            found = printed.numbers(e)
        except ValueError as exc:
            return problems + [f"expected: {exc}"]
        if not any(not n.wildcard for n in found):
            problems.append("expected: the output shows no number it compares (every one is `{?}` or "
                            "masked as changing on every run): a claim that cannot fail")
        t = claim.tolerance
        if t is not None and (not is_type(t, ("number",)) or not 0 <= t < 1):
            problems.append(f"tolerance: a relative difference, 0 <= tolerance < 1, got {t!r}")
        cell = claim.measure.get("cell")
        if isinstance(cell, int) and not isinstance(cell, bool):
            problems += _cell_problems(claim, cell)
        return problems

    def run(self, claim, ctx):
        run = ctx.execution(claim)
        observed = shown(run, claim.measure.get("cell"))
        result = printed.compare(claim.expected, observed, claim.tolerance or 0.0)
        details = {"numbers": result.compared}
        if result.largest_relative is not None:
            details["largest_relative"] = result.largest_relative
        if result.differences and result.stated == result.measured:
            details["differing_at"] = [k for k, _, _ in result.differences]
        if run.substitute:
            details["substitute"] = run.substitute
        if result.agrees:
            return Verdict(Status.PASSED, observed, "", details)
        reason = printed.explain(result, claim.expected, observed)
        changing = _changing(claim, ctx, observed)
        if changing:  # not the book's: the program shows other numbers on every run
            details["changing_at"] = changing
            return Verdict(Status.INCONCLUSIVE, observed, (
                f"{reason}; but the output changes from run to run ({changing['said']}): unseeded randomness or a "
                "clock, not the book's value; seed the program, or mark those numbers {?} in `expected` "
                "(claimcheck draft does where it sees them change)"), details)
        return Verdict(Status.FAILED, observed, reason, details)

    def agrees(self, claim, observed):
        if not isinstance(observed, str) or not isinstance(claim.expected, str):
            return False
        try:
            return printed.compare(claim.expected, observed, claim.tolerance or 0.0).agrees
        except ValueError:
            return False

    def coverage_values(self, claim):
        """Each number the stated output compares (wildcards left out), as coverage reads an output."""
        if not isinstance(claim.expected, str):
            return set()
        try:
            return {printed.key(n) for n in printed.numbers(claim.expected) if not n.wildcard}
        except ValueError:
            return set()

    def stated_interval(self, claim):
        return (claim.expected, claim.expected)

    def suggestion(self, result):
        return f"the output as this run shows it:\n\n```\n{result.observed}\n```"

    def quantity(self, claim):
        return ("output", self.listings(claim), claim.measure.get("cell"))


def _changing(claim, ctx, observed: str) -> dict:
    """Where a second run of the program shows other numbers than the first (empty where it repeats):
    ``{positions, count, counts, said}`` (the numbers' indexes, how many the first run showed, whether
    the two runs showed as many, in words)."""
    again = printed.numbers(shown(ctx.again(claim), claim.measure.get("cell")))
    first = printed.numbers(observed)
    if len(again) != len(first):
        return {"positions": [], "count": len(first), "counts": True,
                "said": f"{len(first)} numbers on one run, {len(again)} on another"}
    moved = [k for k, (a, b) in enumerate(zip(first, again)) if a.text != b.text]
    if not moved:
        return {}
    said = ", ".join(f"number {k + 1}: {first[k].text} then {again[k].text}" for k in moved[:3])
    return {"positions": moved, "count": len(first), "counts": False,
            "said": said + (f" and {len(moved) - 3} more" if len(moved) > 3 else "")}


def shown(run, cell) -> str:
    """What the program's cell ``cell`` showed (everything it printed, for ``None``)."""
    if cell is None:
        text = run.stdout
    elif cell in run.outputs:
        text = run.outputs[cell]
    else:
        raise ClaimError(f"cell {cell} is not among the cells the program ran ({sorted(run.outputs) or 'none'})")
    if len(text) > printed.MAX_TEXT:
        raise ClaimError(f"cell {cell}'s output is {len(text):,} characters: over the {printed.MAX_TEXT:,} compared")
    return text


def _cell_problems(claim, cell: int) -> list[str]:
    """The output's cell must be one of the notebook cells the program runs."""
    listings = claim.measure.get("listings")
    if not isinstance(listings, list):
        return []
    for entry in listings:
        if not isinstance(entry, str):
            continue
        file, selector = notebooks.split(entry)
        if selector is None:
            continue
        try:
            if cell in notebooks.select(notebooks.read(claim.resolve(file)), selector, entry):
                return []
        except ClaimError:
            return []  # the listing's own problem, said where listings are checked
    return [f"measure.cell: cell {cell} is not among the program's notebook cells {listings}"]


KIND = Output()
