"""`claimcheck list`: the claims with kind, tier and section."""
from __future__ import annotations

import sys
from pathlib import Path

from ..catalog.loader import load
from ..catalog.selection import select
from ..core.formatting import one_line
from ..service.status import EXIT_OK
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("list", help="list the claims",
                       epilog='example: claimcheck list -k handson-ml3.ch04')
    claims_arg(p)
    p.add_argument("-k", dest="keyword", action="append", metavar="PATTERN")
    p.set_defaults(func=run)


def run(args) -> int:
    claims = select(load(Path(args.claims)), args.keyword or ())
    for c in claims:
        broken = "  [INVALID]" if c.problems else ""
        print(f"{one_line(c.id, 120):60} {one_line(c.kind, 40):17} {c.tier:7} {one_line(c.section, 20):6}{broken}")
    print(f"{len(claims)} claims", file=sys.stderr)
    return EXIT_OK
