"""errata.md: a Markdown draft for an author, from one run's results and the specs.

Four parts: the failed claims (where, what the text states, what was measured, a suggested
correction worded from the measurement); the claims readers' own runs do not bear out (what the
book promised, where readers land, a suggested wording); the quantities on which the sources
disagree; the listings that needed changes to run on today's Keras.
"""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from ..runners import stats
from ..runners.claim import notebooks
from ..runners.claim.listings import REVERSIBLE, read_listing
from ..runners.claim.verdict import Result, Status
from ..runners.core.errors import ClaimError
from ..runners.core.formatting import show
from ..runners.kinds import listings_of, registry
from . import markdown

_md = markdown.text


def suggestion(r: Result) -> str:
    """The kind's correction, worded from the measurement."""
    values = ((r.details or {}).get("reference") or {}).get("values") or []
    if r.evidence and values:
        return f"\"{_range_wording(r.expected, min(values), max(values))}\" (readers' runs; stated {show(r.expected)})"
    kind = registry().get(r.kind)
    return kind.suggestion(r) if kind else f"\"{show(r.observed)}\" (measured; stated {show(r.expected)})"


def measured(r: Result) -> str:
    summary = (r.details or {}).get("summary")
    if summary:
        low, high = summary["interval"]
        interval = (f", {summary['confidence']:.0%} interval [{low:.4f}, {high:.4f}]"
                    if low is not None else "")
        values = ", ".join(f"{v:.4f}" for v in summary["values"])
        if r.evidence:
            return (f"not measured in this run; mean {summary['mean']:.4f}{interval} over {summary['n']} {r.evidence} "
                    f"recorded ({(r.details.get('evidence') or {}).get('said', '')}){_sources(r)}")
        return f"mean {summary['mean']:.4f}{interval} over {summary['n']} seeds ({values})"
    return show(r.observed)


def _sources(r: Result) -> str:
    """``; the runs (repository@commit): a/b@1234567890, ...`` for a verdict decided from reader runs."""
    sources = ((r.details or {}).get("evidence") or {}).get("sources") or []
    return f"; the runs (repository@commit): {', '.join(sources)}" if sources else ""


def _entry(r: Result, verdict: str) -> list[str]:
    env = r.environment or {}
    where = [_md(r.book) if r.book else "",
             f"chapter {_md(r.chapter)}" if r.chapter else "", f"section {_md(r.section)}" if r.section else "",
             f"listing {_md(r.source.get('listing'))}" if r.source.get("listing") else ""]
    lines = [f"### {_md(r.title or r.id)}", "",
             f"- **Where:** {', '.join(w for w in where if w)} (claim {markdown.code(r.id)})"]
    for cite in r.source.get("cite", []):
        line = f", line {_md(cite['line'])}" if cite.get("line") else (
            f", cell {_md(cite['cell'])}" if cite.get("cell") is not None else "")
        lines.append(f"- **Text ({_md(cite.get('from'))}{line}):** \"{_md(cite.get('quote', ''))}\"")
    return lines + [
        f"- **States:** {_md(r.source.get('stated', show(r.expected)))}",
        f"- **Measured:** {_md(measured(r))}",
        f"- **Verdict:** {_said_once(verdict, r.reason)}",
        f"- **Environment:** Python {_md(env.get('python'))}, Keras {_md(env.get('keras'))} "
        f"({_md(env.get('backend'))}), TensorFlow {_md(env.get('tensorflow') or '-')}, {_md(env.get('device'))}"
        + "".join(f", {_md(d)} {_md(v)}" for d, v in (env.get("libraries") or {}).items()),
        *_stored(r),
        f"- **Suggested correction:** {_md(suggestion(r))}", "",
    ]


def stored_note(r: Result) -> str:
    """For a claim on a notebook's stored output: what the output was made with and what may have moved it
    since (the libraries its program imports, as here); '' for a claim that cites no notebook."""
    env = r.environment or {}
    stored = env.get("notebook")
    if not stored:
        return ""
    made = f"Python {stored['python']} (the notebook's metadata)" if stored.get("python") else \
        "versions its metadata does not name"
    here = ", ".join(f"{d} {v}" for d, v in (env.get("libraries") or {}).items())
    return (f"the notebook's outputs were stored with {made}; they may predate the libraries this run used"
            + (f" ({here})" if here else "") + ": a value a library changed since is not the book's error "
            "until a run on the book's own versions shows it")


def _stored(r: Result) -> list[str]:
    note = stored_note(r)
    return [f"- **Stored output:** {_md(note)}"] if note else []


def _said_once(verdict: str, reason: str) -> str:
    """The verdict and its reason, the verdict's words once: a reason that opens with them (a known
    erratum's does) follows the verdict directly."""
    text = reason or ""
    if text.lower().startswith(verdict.lower()):
        return f"{verdict}{_md(text[len(verdict):])}"
    return f"{verdict}. {_md(text)}"


def failed_section(results: list[Result]) -> list[str]:
    """New errata (failed claims), then the known ones the specs already mark."""
    failed = [r for r in results if r.status is Status.FAILED]
    known = [r for r in results if r.status is Status.KNOWN_ERRATUM]
    lines = ["## New: claims the code does not bear out", ""]
    if not failed:
        lines += ["None: every claim that ran agreed with the text, or is a known erratum.", ""]
    for r in failed:
        lines += _entry(r, "failed")
    lines += ["## Known errata (marked in the specs)", ""]
    if not known:
        lines += ["None ran in this run." if not any(r.details.get("known_erratum") for r in results)
                  else "None failed in this run.", ""]
    for r in known:
        # the engine's reason opens with "known erratum (why)": the verdict says it once
        said = (r.reason or "").lower().startswith("known erratum")
        lines += _entry(r, "known erratum" if said else f"known erratum ({_md(r.details.get('known_erratum', ''))})")
    return lines


def _range_wording(expected: str, low: float, high: float) -> str:
    """``readers get 97.5-98.0%``, in the stated value's own format and digits."""
    return f"readers get {stats.printed_like(expected, low, high)}"


def readers_entries(results: list[Result]) -> list[dict]:
    """Each claim with readers' runs whose printed value they do not bear out: the printed value
    alone, as the kind judged it from the readers' runs (``printed_alone``, stats/evidence.py), is
    not passed."""
    out = []
    for r in results:
        details = r.details or {}
        alone = details.get("printed_alone")
        values = (details.get("reference") or {}).get("values") or []
        if not alone or not values or alone["status"] == "passed" or r.status is Status.KNOWN_ERRATUM:
            continue
        low, high = min(values), max(values)
        out.append({"result": r, "status": alone["status"], "reason": alone["reason"], "n": len(values),
                    "mean": sum(values) / len(values), "low": low, "high": high,
                    "below": alone["below"], "wording": _range_wording(r.expected, low, high)})
    return out


def readers_section(results: list[Result]) -> list[str]:
    lines = ["## Claims readers' runs do not bear out", "",
             "Judged from readers' own published runs of the book's code (one run each, seed unknown, each its "
             "own machine), the printed value alone, without the text's hedge.", ""]
    entries = readers_entries(results)
    if not entries:
        return lines + ["None: every claim with readers' runs states a value they give.", ""]
    for e in entries:
        r = e["result"]
        stated = r.source.get("stated", show(r.expected))
        promised = (f"{_md(stated)}; judged as promised, the claim is {r.status.value}"
                    + (f" from {_md(r.evidence)}, not measured here{_md(_sources(r))}" if r.evidence else " (measured)"))
        reaches = f"{e['below']:.0%} of readers below the printed value"
        lines += [f"### {_md(r.title or r.id)}", "",
                  f"- **Claim:** {markdown.code(r.id)} (listing {_md(r.source.get('listing', '-'))})",
                  f"- **The book promised:** {promised}",
                  f"- **Where readers land:** {e['low']:.4f}-{e['high']:.4f}, mean {e['mean']:.4f} over "
                  f"{e['n']} runs; {reaches}",
                  f"- **The printed value alone:** {e['status']}. {_md(e['reason'])}",
                  f"- **Suggested wording:** \"{_md(e['wording'])}\"", ""]
    return lines


def _interval(claim) -> tuple:
    try:
        return registry()[claim.kind].stated_interval(claim)
    except (ValueError, KeyError, TypeError):
        return (repr(claim.expected),) * 2


def _agree(a, b) -> bool:
    if isinstance(a[0], str) or isinstance(b[0], str):
        return a == b
    return max(a[0], b[0]) < min(a[1], b[1])  # the printed intervals overlap: 0.9785 and 97.8% agree


def disagreements(claims) -> list[list]:
    """Groups of claims on one quantity whose stated values cannot all be the same number."""
    groups: dict = OrderedDict()
    for c in claims:
        kind = registry().get(c.kind)
        key = kind.quantity(c) if kind is not None and not c.problems else None
        if key is not None:
            groups.setdefault(key, []).append(c)
    return [g for g in groups.values()
            if any(not _agree(_interval(x), _interval(y)) for x in g for y in g)]


def disagreement_section(claims, results: dict[str, Result]) -> list[str]:
    lines = ["## Sources that disagree on one quantity", ""]
    groups = disagreements(claims)
    if not groups:
        return lines + ["None found.", ""]
    for group in groups:
        lines.append(f"- **{_md(group[0].title or group[0].source.get('stated') or group[0].id)}**")
        for c in group:
            origins = ", ".join(dict.fromkeys(
                f"{ci.get('from')}{' line ' + str(ci['line']) if ci.get('line') else ''}"
                f"{' cell ' + str(ci['cell']) if ci.get('cell') is not None else ''}"
                for ci in c.source.get("cite", []) if ci.get("from") != "ko-runs"))
            r = results.get(c.id)
            verdict = f"; measured {_md(measured(r))}: {r.status.value}" if r and r.observed is not None else (
                f"; {r.status.value}" if r else "")
            lines.append(f"  - {_md(origins)}: \"{_md(c.expected)}\" ({markdown.code(c.id)}{verdict})")
    return lines + [""]


def changes_section(claims) -> list[str]:
    lines = ["## Listings changed to run on today's Keras", ""]
    users: dict = OrderedDict()
    for c in claims:
        if c.problems:
            continue  # a broken claim's files are not read
        for path in map(Path, listings_of(c)):
            if Path(notebooks.split(str(path))[0]).is_file():
                users.setdefault(path, []).append(c.id)
    found = False
    for path, ids in sorted(users.items(), key=lambda kv: kv[0].name):
        try:
            changes = read_listing(path).changes
        except ClaimError:
            continue  # unreadable: its claims are errors that say so
        if not changes:
            continue
        found = True
        lines.append(f"- {markdown.code(path.name)} ({len(set(ids))} claims):")
        lines += [f"  - {_change(change)}" for change in changes]
    return lines + ([""] if found else ["None.", ""])


def _change(change) -> str:
    if change.old is not None:
        rest = REVERSIBLE.sub("", change.text).strip()
        return f"{markdown.code(change.old)} -> {markdown.code(change.new)} {_md(rest)}".rstrip()
    return _md(change.text)


def render(results: list[Result], run: dict, claims) -> str:
    env = run.get("environment", {})
    by_id = {r.id: r for r in results}
    head = [
        "# Errata draft", "",
        f"Generated by `claimcheck` from the run of {run.get('started', '?')} (tier {run.get('tier')}, "
        f"Keras {env.get('keras')} on the {env.get('backend')} backend, {env.get('device')}). "
        "Every figure below was measured by running the book's code; check the wording before use.", "",
    ]
    return "\n".join(head + failed_section(results) + readers_section(results) + disagreement_section(claims, by_id)
                     + stack_section(results) + changes_section(claims)) + "\n"


def stack_section(results: list[Result]) -> list[str]:
    """Where this machine's runs lie beyond every readers' environment: a finding about the stack
    that verified, never an erratum of the book (the book's value was judged where these runs lie)."""
    found = [r for r in results if r.details.get("stack")]
    if not found:
        return []
    lines = ["## This stack, not the book (not errata)", "",
             "This machine's runs lie beyond every readers' environment for these quantities; the book's "
             "value was judged where this machine's runs lie, and its verdict is the one shown.", ""]
    for r in found:
        lines.append(f"- {markdown.code(r.id)} ({r.status.value}): {_md(str(r.details['stack']))}")
    return lines + [""]


def write(results: list[Result], run: dict, claims, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, run, claims), encoding="utf-8")
    return path
