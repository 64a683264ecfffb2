"""The environment matrix: several verify runs (Keras 2 as printed; Keras 3 on TensorFlow, JAX,
PyTorch) joined into one report, a claim per row and an environment per column.

Rows where the environments disagree (another verdict, or another measurement of a structural
claim) come first, each with what explains it: the claim's variant for that stack (its `why`),
its known erratum, or the skip reason. The errata draft of the matrix says, per listing and
environment, whether it runs as printed, runs with its recorded changes, or raises.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..runners.claim import notebooks
from ..runners.claim.listings import read_listing
from ..runners.claim.verdict import Result
from ..runners.core.errors import ClaimError
from ..runners.core.formatting import show
from ..runners.kinds import listings_of
from ..runners.stores import results as results_file
from . import markdown
from .html import book_order, environment


@dataclass
class Run:
    label: str
    folder: Path
    run: dict
    results: dict[str, Result] = field(default_factory=dict)

    @property
    def environment(self) -> dict:
        return self.run.get("environment", {})


def load_runs(folders, key_file: Path | None = None) -> list[Run]:
    """Each folder's results.json, checked with its folder's key (``key_file``'s where given): a file
    edited, forged or moved after its run wrote it is refused (stores/results.py ``Refused``)."""
    runs = []
    for folder in map(Path, folders):
        run, results = results_file.read(folder / "results.json", key_file)
        label = run.get("label") or run.get("environment", {}).get("stack") or folder.name
        runs.append(Run(label, folder, run, {r.id: r for r in results}))
    return runs


def _cell(result: Result | None) -> dict | None:
    if result is None:
        return None
    observed = result.observed
    if result.details.get("summary"):
        observed = round(result.details["summary"]["mean"], 4)
    shown = show(observed) if observed is not None else ""
    if result.evidence:  # decided from recorded runs, the same on every stack: not a measurement of it
        shown += f" (from {(result.details.get('evidence') or {}).get('runs', '?')} {result.evidence}, not measured)"
    return {"status": result.status.value, "observed": shown,
            "reason": result.reason, "variant": result.details.get("variant")}


def _explain(cells: list, runs: list[Run]) -> list[str]:
    """Why a row differs: the variants' reasons, known errata and errors; where those say nothing,
    which runs did not run the claim."""
    why, quiet = [], []
    for run, cell in zip(runs, cells):
        if cell is None:
            quiet.append(f"{run.label}: not selected in this run")
        elif cell.get("variant"):
            why.append(f"{run.label}: {cell['variant']['why']}")
        elif cell["status"] == "known-erratum":
            why.append(f"{run.label}: {cell['reason'].split(': the ')[0]}")
        elif cell["status"] == "error":
            why.append(f"{run.label}: error: {cell['reason']}")
        elif cell["status"] == "skipped":
            quiet.append(f"{run.label}: skipped: {cell['reason']}")
    return list(dict.fromkeys(why or quiet))


def rows(runs: list[Run], claims) -> list[dict]:
    """One row per claim (in the specs' order, then any other id the runs hold)."""
    by_id = OrderedDict((c.id, c) for c in claims)
    ids = list(by_id) + [i for run in runs for i in run.results if i not in by_id]
    out = []
    for claim_id in dict.fromkeys(ids):
        results = [run.results.get(claim_id) for run in runs]
        if not any(results):
            continue
        cells = [_cell(r) for r in results]
        # what ran (skipped and unselected claims say nothing about the stack)
        ran = [c for c in cells if c is not None and c["status"] != "skipped"]
        statuses = {c["status"] for c in ran}
        exact = not any(r is not None and (r.details.get("summary") or r.tolerance is not None) for r in results)
        values = {c["observed"] for c in ran if c["status"] in ("passed", "failed", "known-erratum")}
        differs = len(statuses) > 1 or (exact and len(values) > 1)
        first = next(r for r in results if r is not None)
        out.append({"id": claim_id, "book": first.book, "section": first.section, "title": first.title, "kind": first.kind,
                    "cells": cells, "differs": differs,
                    "why": _explain(cells, runs) if differs else []})
    return sorted(out, key=lambda r: (r["book"] or "", book_order(r["section"]), r["section"]))


def listing_status(runs: list[Run], claims) -> list[dict]:
    """Per listing and environment: runs as printed, runs with its changes, raises, or not run."""
    users: dict[Path, list] = OrderedDict()
    for claim in claims:
        if claim.problems:
            continue
        for path in map(Path, listings_of(claim)):
            users.setdefault(path, []).append(claim.id)
    table = []
    for path, ids in sorted(users.items(), key=lambda kv: kv[0].name):
        if not Path(notebooks.split(str(path))[0]).is_file():
            continue
        try:
            listing = read_listing(path)
        except ClaimError:
            continue  # unreadable: its claims are errors that say so
        # undone as printed: a listing's `old` -> `new` comments, a notebook's sidecar changes
        reversible = [f"`{c.old}` -> `{c.new}`" for c in listing.changes if c.old is not None]
        cells = []
        for run in runs:
            results = [run.results[i] for i in ids if i in run.results]
            raised = [r for r in results if r.status.value == "error" and f"listing {path.name} raised" in r.reason]
            # a verdict from reader runs did not run the listing
            ran = [r for r in results if r.status.value not in ("skipped", "error") and not r.evidence]
            if raised:
                cells.append(f"raises: {raised[0].reason.split('raised: ', 1)[-1]}")
            elif not ran:
                first = results[0] if results else None
                why = ((first.details.get("evidence") or {}).get("not_run") or first.reason) if first and first.evidence \
                    else (first.reason if first else "")
                reason = why.split(";")[0] if first else "no claim on it selected"
                cells.append(f"not run ({reason})")
            elif run.run.get("as_printed") or not reversible:
                cells.append("runs as printed")
            else:
                cells.append("runs with its change: " + "; ".join(reversible))
        table.append({"listing": path.name, "claims": len(set(ids)), "cells": cells})
    return table


def render_html(runs: list[Run], table: list[dict], listings: list[dict]) -> str:
    template = environment().get_template("matrix.html.j2")
    differences = [r for r in table if r["differs"]]
    return template.render(runs=runs, rows=table, differences=differences, listings=listings)


def render_markdown(runs: list[Run], table: list[dict], listings: list[dict]) -> str:
    md = markdown.text

    labels = [r.label for r in runs]
    lines = ["# Errata draft: the listings and claims across environments", "",
             "Generated by `claimcheck matrix` from the runs below. Every figure was measured by running the "
             "book's code; check the wording before use.", "",
             "| environment | Keras | backend | TensorFlow | tier | listings |", "| --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        env = run.environment
        lines.append(f"| {run.label} | {env.get('keras')} | {env.get('backend')} | {env.get('tensorflow') or '-'} | "
                     f"{run.run.get('tier')} | {'as printed' if run.run.get('as_printed') else 'with recorded changes'} |")
    lines += ["", "## Each listing, per environment", "", "| listing | " + " | ".join(labels) + " |",
              "| --- | " + " | ".join("---" for _ in labels) + " |"]
    for row in listings:
        lines.append(f"| {markdown.code(row['listing'])} | " + " | ".join(md(c) for c in row["cells"]) + " |")
    lines += ["", "## Claims whose verdict or measurement differs between environments", ""]
    differences = [r for r in table if r["differs"]]
    if not differences:
        lines.append("None: every claim that ran agreed across the environments.")
    for row in differences:
        cells = ", ".join(f"{label}: {c['status']}{' ' + c['observed'] if c and c['observed'] else ''}" if c
                          else f"{label}: not run" for label, c in zip(labels, row["cells"]))
        lines.append(f"- {markdown.code(row['id'])} ({md(row['title'])}): {md(cells)}")
        lines += [f"  - {md(w)}" for w in row["why"]]
    return "\n".join(lines) + "\n"


def write(folders, claims, out: Path, key_file: Path | None = None) -> dict:
    runs = load_runs(folders, key_file)
    table = rows(runs, claims)
    listings = listing_status(runs, claims)
    out.mkdir(parents=True, exist_ok=True)
    (out / "matrix.html").write_text(render_html(runs, table, listings), encoding="utf-8")
    (out / "errata.md").write_text(render_markdown(runs, table, listings), encoding="utf-8")
    (out / "matrix.json").write_text(json.dumps({"environments": [r.label for r in runs], "rows": table,
                                                 "listings": listings}, indent=1, default=str), encoding="utf-8")
    return {"runs": runs, "rows": table, "differences": [r for r in table if r["differs"]], "listings": listings}

