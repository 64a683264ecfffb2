"""`claimcheck validate`: every spec against the schema, and every references.yaml and coverage.yaml;
each problem as ``FILE:LINE: [ID] message``."""
from __future__ import annotations

import sys
from pathlib import Path

from ..catalog.loader import load
from ..catalog.validation import indistinct_pairs, problems_of, support_file_problems
from ..core.formatting import one_line
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("validate", help="check every spec against the schema; exit 1 on problems",
                       epilog='example: claimcheck validate --claims claims')
    claims_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    claims = load(Path(args.claims))
    problems = [*map(str, problems_of(claims)), *support_file_problems(Path(args.claims))]
    for p in problems:
        print(one_line(p, 1000))
    for note in indistinct_pairs(claims):  # flagged, not a problem: the exit status is the problems'
        print(one_line(note, 1000))
    files = len({c.file for c in claims})
    if problems:
        print(f"{len(problems)} problems in {len(claims)} claims from {files} files", file=sys.stderr)
        return EXIT_BAD_CLAIMS
    print(f"{len(claims)} claims in {files} files: valid", file=sys.stderr)
    return EXIT_OK
