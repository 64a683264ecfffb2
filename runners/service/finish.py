"""Finishing a run: results.json, the history store, the errata draft and the report, then the exit status.

The engine hands over what it decided; the stores record it (stores/) and the writers render it
(reports/). The one finish step for `claimcheck verify`, `claimcheck merge` and the pytest plugin.
"""
from __future__ import annotations

import json
import sys
import traceback
from collections import Counter
from pathlib import Path

from ...reports import errata, html
from ..catalog.coverage import for_claims
from ..catalog.loader import load
from ..claim.schema import Claim
from ..claim.verdict import Result
from ..stores import history
from ..stores import results as results_file
from .status import EXIT_INTERNAL, Ended, exit_status


def finish(session, results: list[Result], claims: list[Claim] | None = None, run: dict | None = None) -> int:
    """Write results.json, history, errata and report of ``session``'s run; return the exit status."""
    s = session.settings
    run = run or session.run_record()
    out = Path(s.out)
    json_path = results_file.write(results, run, out / "results.json", s.key_file)
    extra, status_changes = {}, None
    if not s.no_history and not s.shard:
        store = Path(s.history)
        history.append(run, json.loads(json_path.read_text())["results"], store, s.key_file)
        df = history.table(store, s.key_file)
        for name, why in history.refused(df):
            print(f"claimcheck: the history store's {store / name} is refused: {why}", file=sys.stderr)
        extra["changes"] = {c.id: c for c in history.changes(df, run["run_id"])}
        if history.refused(df) and s.new_failures_only:
            # a refused run may be the one a claim passed in: what is new cannot be told, so none is known
            print(f"claimcheck: --new-failures-only: the history store {store} holds refused files (above), so "
                  "which failures are new cannot be told: every failure counts; move the refused files away "
                  "to compare again", file=sys.stderr)
        else:
            status_changes = extra["changes"]
        extra["series"] = {r.id: history.series(df, r.id) for r in results}
        extra["store"] = str(store)
    all_claims = claims if claims is not None else load(Path(s.claims))
    broken = []  # a writer's fault is claimcheck's: the other outputs are still written, then exit 3

    def write(name, writer):
        try:
            return writer()
        except Exception:
            broken.append(f"writing {name}:\n{traceback.format_exc()}")
            return out / name

    errata_path = write("errata.md", lambda: errata.write(results, run, all_claims, out / "errata.md"))
    extra["coverage"] = write("coverage", lambda: for_claims(Path(s.claims), all_claims))
    if not isinstance(extra["coverage"], list):
        extra["coverage"] = []
    html_path = write("report.html", lambda: html.write(results, run, out / "report.html", errata="errata.md", **extra))
    counts = results_file.counts(results)
    if session.runner != "pytest":  # the summary is the command's output; progress went to stderr
        print(", ".join(f"{n} {k}" for k, n in counts.items() if n) + f" in {run['seconds']:.1f}s")
        if run.get("canary"):
            told = Counter(c["outcome"] for c in run["canary"])
            print("canary: " + ", ".join(f"{n} {k}" for k, n in told.items())
                  + (" (this machine's numerics: see the first lines)" if told.get("differs") else ""))
        print(f"wrote {json_path}, {html_path} and {errata_path}")
    if broken:  # said by status.run_command, with the exit status of claimcheck's own fault
        raise Ended(f"internal error (exit {EXIT_INTERNAL}), please report it:\n" + "\n".join(broken), EXIT_INTERNAL)
    return exit_status(s, results, status_changes)
