"""`claimcheck oc`: the operating characteristic of every stochastic claim, as a Markdown table."""
from __future__ import annotations

import sys
from pathlib import Path

from ...reports import characteristic
from ..catalog.loader import load
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("oc", help="the operating characteristic of every stochastic claim, as a Markdown table; "
                                  "exit 1 if one misses its targets",
                       epilog='example: claimcheck oc --claims claims > docs/operating-characteristic.md')
    claims_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    claims = load(Path(args.claims))
    table = characteristic.table(claims)
    print(characteristic.markdown(table))
    spreads = characteristic.environments(claims)
    if spreads:
        print("\nSpread between environments, measured (runners/stats/environments.py): each readers reference "
              "against this machine's recorded runs of the same quantity. The claims on that reference have their "
              "band placed at this machine's measured offset, its 90% uncertainty their drift allowance; a machine "
              "more than 3 robust sd from the readers' median is beyond their environments (a finding about the "
              "stack, stated beside the verdict).\n")
        print(characteristic.environments_markdown(spreads))
    missed = [row for row in table if row["unmet"]]
    for row in missed:
        print(f"{row['id']} ({row['tier']}, {row['n']} seeds): " + "; ".join(row["unmet"]), file=sys.stderr)
    return EXIT_BAD_CLAIMS if missed else EXIT_OK
