"""`claimcheck verify`: run the claims; write results.json, report.html, errata.md."""
from __future__ import annotations

from ..service.verify import verify
from .options import add_options, resolve


def add(sub) -> None:
    p = sub.add_parser("verify", help="run the claims; write results.json, report.html, errata.md")
    add_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    return verify(resolve(args))
