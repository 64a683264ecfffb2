"""`claimcheck errata`: the Markdown errata draft of a run's results."""
from __future__ import annotations

from pathlib import Path

from ...reports import errata
from ..catalog.loader import load
from ..service.status import EXIT_OK
from ..stores import results as results_file
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("errata", help="write a Markdown errata draft from a run's results")
    p.add_argument("--results", default="build/verify/results.json")
    claims_arg(p)
    p.add_argument("--out", default="build/verify/errata.md")
    p.set_defaults(func=run)


def run(args) -> int:
    run, results = results_file.read(Path(args.results))
    path = errata.write(results, run, load(Path(args.claims)), Path(args.out))
    print(f"wrote {path}")
    return EXIT_OK
