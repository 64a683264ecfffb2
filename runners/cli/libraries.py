"""`claimcheck libraries`: every book's own libraries (``claims/<book>/requirements.txt``), listed or installed.

``--install`` hands pip the requirements the running interpreter does not meet yet, as arguments
(never a file pip would read itself, so nothing but the checked requirements reaches it); when
every one is met, pip is not called, so a tox env that has them needs no network. The tox envs run
it before their commands (``commands_pre``). Exit 1 when a file holds a line that is not a plain
requirement (each named with file and line: claim/libraries.py) or pip fails.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..claim import libraries
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK


def add(sub) -> None:
    p = sub.add_parser("libraries", help="list (or --install) every book's libraries, claims/<book>/requirements.txt",
                       epilog='example: claimcheck libraries --install --claims claims --constraint constraints.txt')
    p.add_argument("--claims", default="claims", help="the claims tree whose books to read (default: claims)")
    p.add_argument("--install", action="store_true",
                   help="pip-install those the running Python does not have (nothing runs when it has them all)")
    p.add_argument("--constraint", metavar="FILE",
                   help="a pip constraints file for the install (tox passes constraints.txt: torch's CPU build)")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        found = libraries.collect(Path(args.claims))
    except libraries.RequirementsProblem as exc:
        print(f"claimcheck libraries: {exc}", file=sys.stderr)
        return EXIT_BAD_CLAIMS
    for req in found:
        print(f"{req.text}    ({req.file}:{req.line})")
    if not args.install:
        return EXIT_OK
    todo = libraries.unsatisfied(found)
    if not todo:
        have = f"{len(found)} requirements met" if found else f"no book under {args.claims} declares any"
        print(f"claimcheck libraries: nothing to install ({have})")
        return EXIT_OK
    constraint = ["--constraint", str(Path(args.constraint).resolve())] if args.constraint else []
    if args.constraint and not Path(args.constraint).is_file():
        print(f"claimcheck libraries: {args.constraint}: no such constraints file", file=sys.stderr)
        return EXIT_BAD_CLAIMS
    command = [sys.executable, "-m", "pip", "install", *constraint, *(r.text for r in todo)]
    print("claimcheck libraries: " + " ".join(command), flush=True)
    return EXIT_OK if subprocess.run(command).returncode == 0 else EXIT_BAD_CLAIMS
