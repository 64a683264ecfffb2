"""Settling a draft on what its programs did when run: which numbers repeat, which program raised,
which is slow, and which values are stochastic.

``claimcheck draft`` runs every static proposal's program once in the sandbox (service/drafting.py),
as ``verify --tier static`` would; the output kind looks twice where a value differs from the
notebook's. What came back settles each proposal (:func:`settle`):

* it **passed** (it shows what the notebook stored) or **failed** on a program that repeats: kept, as
  the exact claim it is (a failure is a finding for the author: it says what this run shows); where
  every number it shows lies within 1e-5 (relative) of the notebook's, the difference is float rounding
  of another library version, and the claim is given the relative ``tolerance`` that admits it (a power
  of ten, at least twice the difference), said in its comment;
* it is **inconclusive** because some numbers changed between two runs of the same program: those
  numbers are written ``{?}`` (not compared), and where the cell shows a value after a fit, that
  value becomes a metric claim (stochastic, with a pending reference); an output every number of
  which changes is no claim;
* its program **raised**: no claim (verify would only report claimcheck's error); it is listed as not
  placed with the error, for the author to fix and draft again;
* it was **skipped** (a library not installed, data or a download not here): kept, skipped the same way
  in verify with the same fix, and said once at the end of the draft;
* it ran longer than :data:`STATIC_SECONDS`, or past the timeout: tier ``cpu`` (the static tier runs in
  seconds).

Where nothing ran (``--no-run``), an output whose program fits a model is drafted in the cpu tier, and a
value it shows after a fit in a program that seeds nothing as the metric it would be, beside the output
claim (whose own verdict is ``inconclusive``, never ``failed``, where a second run shows other numbers).
"""
from __future__ import annotations

from ..claim import printed
from .notebook import DraftNotebook
from .outputs import metric_from
from .proposals import Draft, Proposal
from .yamlwriter import Block

STATIC_SECONDS = 120.0  # a program slower than this in the draft's run is drafted in the cpu tier
TIMED_OUT = "gave no result after"


def settle(nbk: DraftNotebook, d: Draft, findings: dict | None) -> None:
    """Each proposal settled on ``findings`` ({claim id: result as a dict}, None: nothing ran)."""
    kept = []
    for p in d.proposals:
        found = None if findings is None else findings.get(p.id)
        if p.kind == "output":
            kept += _output(nbk, d, p, found)
        elif found is not None and found.get("status") == "error":
            _not_run(d, p, found)
        else:
            if found is not None:
                _timing(p, found)
            kept.append(p)
    d.proposals = kept
    if findings is not None:
        _share_slow_programs(d, findings)


SHARE_SECONDS = 5.0  # an output whose program took longer shares a larger program that holds it, where one ran


def _share_slow_programs(d: Draft, findings: dict) -> None:
    """An output claim whose program took more than :data:`SHARE_SECONDS` and lies whole inside another
    claim's program that ran (cell 28's training inside cell 32's) reads its cell from that larger
    program's run: one run instead of two. What the larger program runs before the cell is what the
    notebook ran before it, and the draft's run saw it run."""
    ran = {p.id: p for p in d.proposals if p.kind == "output"
           and (findings.get(p.id) or {}).get("status") in ("passed", "failed")}
    by_size = sorted(ran.values(), key=lambda p: -len(p.cells))
    for p in by_size:
        seconds = float((findings.get(p.id) or {}).get("program_s") or 0.0)
        if seconds <= SHARE_SECONDS:
            continue
        mine = set(p.cells)
        host = next((q for q in by_size if len(q.cells) > len(p.cells) and mine <= set(q.cells)), None)
        if host is not None:
            p.cells = list(host.cells)
            p.why += f"; its program ({seconds:.0f} s) runs inside cell {host.measure['cell']}'s, shared"


def _output(nbk: DraftNotebook, d: Draft, p: Proposal, found: dict | None) -> list[Proposal]:
    cell = p.measure["cell"]
    if found is None:  # not run: what the program looks like
        metrics = [] if p.seeded or not p.trains else [metric_from(nbk, d, p, c) for c in p.stochastic]
        if p.trains:
            p.tier = "cpu"
            p.why += "; its program fits a model (not run by the draft): tier cpu"
        return [p, *metrics]
    status = found.get("status")
    if status == "error":
        _not_run(d, p, found)
        return []
    if status == "skipped":
        p.review.append(f"not run by the draft: {found.get('reason', '')}; fix: {found.get('fix', '')}")
        return [p]
    _timing(p, found)
    changing = (found.get("details") or {}).get("changing_at")
    differing = (found.get("details") or {}).get("differing_at")
    unseeded = nbk.unseeded(p.cells)
    if status == "failed" and unseeded and differing:  # two runs agreed by chance: still a draw, not the book's
        changing = {"positions": differing, "count": len(printed.numbers(str(p.expected))), "counts": False,
                    "said": f"its program draws from {unseeded}"}
        status = "inconclusive"
    if status != "inconclusive" or not changing:
        tolerance = printed.rounding_tolerance((found.get("details") or {}).get("largest_relative"))
        if status == "failed" and tolerance is not None:  # the last digits only: float rounding of another version
            p.tolerance = tolerance
            p.why += (f"; this run differs from the notebook in the last digits only (relative "
                      f"{found['details']['largest_relative']:.1e}: float rounding of another library version): "
                      f"compared within {tolerance:g}, relative")
        elif status == "failed":
            p.why += f"; this run shows otherwise ({found.get('reason', '')[:160]})"
        return [p]
    # the program shows other numbers on every run
    stated = printed.numbers(str(p.expected))
    positions = set(changing.get("positions") or [])
    # a number that changes takes its line's numbers with it: those of one array or tensor may agree by chance
    lines = {stated[k].line for k in positions if k < len(stated)}
    positions |= {k for k, n in enumerate(stated) if n.line in lines}
    metrics = [metric_from(nbk, d, p, c) for c in p.stochastic]
    if changing.get("counts") or len(stated) != changing.get("count") or len(positions) >= len(stated):
        d.not_placed(cell, str(p.stated), "changes", f"{changing.get('said', 'its numbers change')} between two "
                     "runs of the same program" + (f"; drafted as {len(metrics)} metric claims" if metrics else ""))
        return metrics
    p.changing = [n.text for k, n in enumerate(stated) if k in positions]
    p.expected = Block(printed.with_wildcards(str(p.expected), positions))
    p.why += (f"; {len(positions)} of its numbers change from run to run ({changing.get('said', '')}): written "
              "{?}, not compared")
    return [p, *metrics]


def _timing(p: Proposal, found: dict) -> None:
    seconds = float(found.get("program_s") or found.get("duration_s") or 0.0)
    if seconds > STATIC_SECONDS and p.tier == "static":
        p.tier = "cpu"
        p.why += f"; its program took {seconds:.0f} s in the draft's run: tier cpu"


def _not_run(d: Draft, p: Proposal, found: dict) -> None:
    reason = " ".join(str(found.get("reason", "")).split())
    cell = p.cite[0][0] if p.cite else (p.cells[-1][0] if p.cells else 0)
    if TIMED_OUT in reason:
        d.not_placed(cell, str(p.stated)[:80], "not run", f"its program {reason.split(': ', 1)[-1][:120]}; "
                     "give it more time (`claimcheck draft --timeout S`), or claim what a long training shows as "
                     "a metric")
        return
    d.not_placed(cell, str(p.stated)[:80], "not run", f"its program raised here: {reason.split(': ', 1)[-1][:160]}")
