"""`claimcheck coverage SOURCE_FILE`: which checkable numbers of a chapter's text the claims check."""
from __future__ import annotations

from pathlib import Path

from ..catalog import coverage
from ..catalog.loader import load
from ..core.errors import ClaimError
from ..engine.usage import UsageError
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK
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
        raise UsageError(f"{source}: no such file")
    try:
        report = coverage.measure(source, load(Path(args.claims)), coverage.load_notes(Path(args.claims), source))
    except (ClaimError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{source}: {exc}") from None
    print(coverage.render_text(report))
    return EXIT_OK if report.share >= args.min_share else EXIT_BAD_CLAIMS
