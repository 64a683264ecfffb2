"""`claimcheck reference CLAIM --name NAME`: record a reference on seeds no verdict uses; print its YAML."""
from __future__ import annotations

import sys

from ..service.reference import FIRST_REFERENCE_SEED, record
from .options import add_options, resolve


def add(sub) -> None:
    p = sub.add_parser("reference", help="train a claim's program on reference seeds (100 up) and print the "
                                         "references.yaml entry",
                       epilog='example: claimcheck reference dlwp2.ch02.dense.test_acc --name dense-test-acc --runs 10')
    p.add_argument("claim", nargs="+", help="the id of a metric claim whose program and value the reference "
                                            "records; several claims of one program share each seed's run (the claims first, then the options)")
    p.add_argument("--name", required=True, action="append",
                   help="the reference's name in references.yaml (once per claim, in the same order)")
    p.add_argument("--from-seed", type=int, default=FIRST_REFERENCE_SEED, help="the first seed (default 100)")
    p.add_argument("--runs", type=int, default=10, help="how many single runs (default 10)")
    add_options(p, names={"claims", "data_dir", "dogs_vs_cats", "weights_dir", "cache_dir", "jobs", "quiet", "timeout",
                          "as_printed", "key_file"})
    p.set_defaults(func=run)


def run(args) -> int:
    return record(resolve(args, tier="cpu"), args.claim, args.name, args.from_seed, args.runs,
                  ["reference", *sys.argv[2:]] if len(sys.argv) > 2 else ["reference", *args.claim])
