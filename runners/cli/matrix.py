"""`claimcheck matrix DIR...`: runs of several environments joined into one matrix report and errata draft."""
from __future__ import annotations

import sys
from pathlib import Path

from ...reports import matrix
from ..catalog.loader import load
from ..engine.usage import UsageError
from ..service.status import EXIT_OK
from ..stores import results as results_file
from .options import claims_arg, key_file, key_file_arg


def add(sub) -> None:
    p = sub.add_parser("matrix", help="join verify runs of several environments into one matrix report and errata",
                       epilog='example: claimcheck matrix build/verify build/verify-keras2 --out build/matrix')
    p.add_argument("dirs", nargs="+", metavar="DIR", help="each run's --out folder (holding results.json)")
    claims_arg(p)
    p.add_argument("--out", default="build/matrix", help="output folder (default: build/matrix)")
    key_file_arg(p)
    p.set_defaults(func=run)


def run(args) -> int:
    folders = [Path(d) for d in args.dirs if (Path(d) / "results.json").is_file()]
    for d in args.dirs:
        if Path(d) not in folders:
            print(f"claimcheck matrix: {d} has no results.json: left out", file=sys.stderr)
    if not folders:
        raise UsageError("no run to join")
    try:
        out = matrix.write(folders, load(Path(args.claims)), Path(args.out), key_file(args))
    except results_file.Refused as exc:  # edited, forged or moved after its run wrote it
        raise UsageError(f"refused {exc}") from None
    labels = ", ".join(r.label for r in out["runs"])
    print(f"{len(out['rows'])} claims in {len(out['runs'])} environments ({labels}): "
          f"{len(out['differences'])} differ")
    for row in out["differences"]:
        print(f"  {row['id']}: " + ", ".join(f"{r.label} {c['status'] if c else 'not run'}"
                                           for r, c in zip(out["runs"], row["cells"])))
    print(f"wrote {Path(args.out) / 'matrix.html'}, {Path(args.out) / 'errata.md'}")
    return EXIT_OK
