"""`claimcheck history`: the runs in the results store and, per claim, its verdicts over runs and what changed."""
from __future__ import annotations

import sys

from ..core.settings import resolve as resolve_settings
from ..engine.usage import UsageError
from ..service.status import EXIT_OK
from ..stores import history
from .options import key_file_arg


def add(sub) -> None:
    p = sub.add_parser("history", help="verdicts and values over runs; what changed in the newest",
                       epilog='example: claimcheck history -k dlwp2.ch08 --changed')
    p.add_argument("--store", help="results store (default build/history, or $CLAIMCHECK_HISTORY)")
    p.add_argument("-k", metavar="TEXT", help="only claims whose id contains TEXT")
    p.add_argument("--run", help="compare this run (an id the listing shows) instead of the newest")
    p.add_argument("--changed", action="store_true", help="only the claims that changed")
    key_file_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    settings = resolve_settings({"history": args.store, "key_file": args.key_file})
    store = settings.history
    df = history.table(store, settings.key_file)
    for name, why in history.refused(df):
        print(f"claimcheck history: refused {store / name}: {why}", file=sys.stderr)
    if df.empty:
        raise UsageError(f"no runs in {store}")
    if args.k:
        df = df[df["id"].str.contains(args.k, regex=False)]
    runs = list(dict.fromkeys(df["run_id"]))
    print(f"{len(runs)} runs in {store}:")
    for run_id in runs:
        row = df[df["run_id"] == run_id].iloc[0]
        note = "  exploratory" if row.get("exploratory") else ""
        print(f"  {run_id}  {row['time']}  commit {row['commit']}  tier {row['tier']}  "
              f"{row.get('env.backend')} on {row.get('env.device')}{note}")
    glyph = {"passed": "P", "failed": "F", "error": "E", "skipped": ".", "inconclusive": "?", "known-erratum": "K"}
    flagged = 0
    print(f"\n{'claim':58} {'runs (oldest first)':22} latest  change")
    for change in history.changes(df, args.run):
        marks = "".join(glyph.get(s["status"], "?") for s in history.series(df, change.id))
        note = "" if change.flag in ("unchanged", "skipped", "first") else f"{change.flag.upper()}: {change.reason}"
        flagged += bool(note)
        if note or not args.changed:
            print(f"{change.id:58} {marks[-22:]:22} {change.status:7} {note}")
    print(f"\n{flagged} claims changed in the newest run", file=sys.stderr)
    return EXIT_OK
