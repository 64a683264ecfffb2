"""The `claimcheck` command: one module per subcommand, each with ``add(subparsers)`` and ``run(args)``.

The exit status is the one table ``EXIT_CODES`` of service/status.py, which ``claimcheck verify --help``
prints.
"""
from __future__ import annotations

import argparse
import os
import sys

from ..engine.devices import share_gpus
from ..service.status import run_command
from . import coverage, draft, errata, history, libraries, list_claims, matrix, merge, oc, reference, validate, verify

SUBCOMMANDS = (verify, merge, list_claims, validate, history, errata, coverage, matrix, oc, reference, draft,
               libraries)
DESCRIPTION = """The `claimcheck` command.

`claimcheck verify --help` lists verify's exit status (service/status.py, EXIT_CODES). The other
subcommands exit 0, 1 when they find what their help says they exit 1 on, 2 on a usage error.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimcheck", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.add(sub)
    return p


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    share_gpus()  # several processes may share one GPU
    args = parser().parse_args(argv)
    # every way out of a subcommand (its own usage errors, Ctrl-C, a fault of claimcheck) through one
    # mapping to the exit status (service/status.py); verify, merge and reference go through it themselves
    return run_command(f"claimcheck {args.command}", lambda: args.func(args), sys.stderr)
