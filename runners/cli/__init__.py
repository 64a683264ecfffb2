"""The `claimcheck` command: one module per subcommand, each with ``add(subparsers)`` and ``run(args)``.

Exit status (service/status.py): 0 when every claim that ran agreed (or was skipped, or is a known
erratum); 1 when a claim failed or is an error (``--fail-on inconclusive``: also when one is
inconclusive; ``--new-failures-only``: only for new failures); 2 on a usage error (no claims, the
gpu tier without a GPU, ``--seeds`` below 2, shards that do not fit together); 3 when claimcheck
itself broke; 130 on Ctrl-C (what finished is written).
"""
from __future__ import annotations

import argparse
import os

from ..engine.devices import share_gpus
from . import coverage, draft, errata, history, list_claims, matrix, merge, oc, reference, validate, verify

SUBCOMMANDS = (verify, merge, list_claims, validate, history, errata, coverage, matrix, oc, reference, draft)
DESCRIPTION = """The `claimcheck` command.

Exit status: 0 when every claim that ran agreed (or was skipped, or is a known erratum); 1 when a
claim failed or is an error (``--fail-on inconclusive``: also when one is inconclusive;
``--new-failures-only``: only for new failures); 2 on a usage error (no claims, the gpu tier
without a GPU, ``--seeds`` below 2, shards that do not fit together).
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
    return args.func(args)
