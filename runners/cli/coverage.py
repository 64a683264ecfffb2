"""`claimcheck coverage SOURCE_FILE`: which checkable numbers of a chapter's text the claims check."""
from __future__ import annotations

import sys
from pathlib import Path

from ..catalog import coverage
from ..catalog.loader import load
from ..core.errors import ClaimError
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK, EXIT_USAGE
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("coverage", help="which checkable numbers of a source text the claims check",
                       epilog='example: claimcheck coverage claims/ml-pytorch-sklearn/notebooks/ch12_part2.ipynb --claims claims')
    p.add_argument("source", help="the chapter's text, e.g. ../shared/sources/dlwp2-ch08-notes-ko.md")
    claims_arg(p)
    p.add_argument("--min-share", type=float, default=0.0, help="exit 1 when the covered share is below this (0-1)")
    p.set_defaults(func=run)


def run(args) -> int:
    source = Path(args.source)
    if not source.is_file():
        print(f"claimcheck coverage: {source}: no such file", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = coverage.measure(source, load(Path(args.claims)), coverage.load_notes(Path(args.claims), source))
    except (ClaimError, UnicodeDecodeError, ValueError) as exc:
        print(f"claimcheck coverage: {source}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(coverage.render_text(report))
    return EXIT_OK if report.share >= args.min_share else EXIT_BAD_CLAIMS
