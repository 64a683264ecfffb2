"""`claimcheck errata`: the Markdown errata draft of a run's results."""
from __future__ import annotations

from pathlib import Path

from ...reports import errata
from ..catalog.loader import load
from ..engine.usage import UsageError
from ..service.status import EXIT_OK
from ..stores import results as results_file
from .options import claims_arg, key_file, key_file_arg


def add(sub) -> None:
    p = sub.add_parser("errata", help="write a Markdown errata draft from a run's results",
                       epilog='example: claimcheck errata --results build/verify/results.json > errata.md')
    p.add_argument("--results", default="build/verify/results.json",
                   help="a run's results.json, checked with its folder's key (or --key-file's)")
    claims_arg(p)
    p.add_argument("--out", default="build/verify/errata.md")
    key_file_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        run, results = results_file.read(Path(args.results), key_file(args))
    except results_file.Refused as exc:
        raise UsageError(f"refused {exc}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{args.results}: cannot read ({exc})") from None
    path = errata.write(results, run, load(Path(args.claims)), Path(args.out))
    print(f"wrote {path}")
    return EXIT_OK
