"""`claimcheck validate`: every spec against the schema; each problem as ``FILE:LINE: [ID] message``."""
from __future__ import annotations

import sys
from pathlib import Path

from ..catalog.loader import load
from ..catalog.validation import problems_of
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("validate", help="check every spec against the schema; exit 1 on problems")
    claims_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    claims = load(Path(args.claims))
    problems = problems_of(claims)
    for p in problems:
        print(p)
    files = len({c.file for c in claims})
    if problems:
        print(f"{len(problems)} problems in {len(claims)} claims from {files} files", file=sys.stderr)
        return EXIT_BAD_CLAIMS
    print(f"{len(claims)} claims in {files} files: valid", file=sys.stderr)
    return EXIT_OK
