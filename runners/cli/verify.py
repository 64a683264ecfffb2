"""`claimcheck verify`: run the claims; write results.json, report.html, errata.md."""
from __future__ import annotations

import argparse

from ..service.status import help_text
from ..service.verify import verify
from .options import add_options, resolve


def add(sub) -> None:
    p = sub.add_parser("verify", help="run the claims; write results.json, report.html, errata.md",
                       epilog=help_text() + "\n\nexample: claimcheck verify --tier static --claims claims/dlwp2/ch02",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    return verify(resolve(args))
