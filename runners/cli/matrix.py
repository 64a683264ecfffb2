"""`claimcheck matrix DIR...`: runs of several environments joined into one matrix report and errata draft."""
from __future__ import annotations

import sys
from pathlib import Path

from ...reports import matrix
from ..catalog.loader import load
from ..service.status import EXIT_OK, EXIT_USAGE
from .options import claims_arg


def add(sub) -> None:
    p = sub.add_parser("matrix", help="join verify runs of several environments into one matrix report and errata",
                       epilog='example: claimcheck matrix build/verify build/verify-keras2 --out build/matrix')
    p.add_argument("dirs", nargs="+", metavar="DIR", help="each run's --out folder (holding results.json)")
    claims_arg(p)
    p.add_argument("--out", default="build/matrix", help="output folder (default: build/matrix)")
    p.set_defaults(func=run)


def run(args) -> int:
    folders = [Path(d) for d in args.dirs if (Path(d) / "results.json").is_file()]
    for d in args.dirs:
        if Path(d) not in folders:
            print(f"claimcheck matrix: {d} has no results.json: left out", file=sys.stderr)
    if not folders:
        print("claimcheck matrix: no run to join", file=sys.stderr)
        return EXIT_USAGE
    out = matrix.write(folders, load(Path(args.claims)), Path(args.out))
    labels = ", ".join(r.label for r in out["runs"])
    print(f"{len(out['rows'])} claims in {len(out['runs'])} environments ({labels}): "
          f"{len(out['differences'])} differ")
    for row in out["differences"]:
        print(f"  {row['id']}: " + ", ".join(f"{r.label} {c['status'] if c else 'not run'}"
                                           for r, c in zip(out["runs"], row["cells"])))
    print(f"wrote {Path(args.out) / 'matrix.html'}, {Path(args.out) / 'errata.md'}")
    return EXIT_OK
