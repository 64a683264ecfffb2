"""`claimcheck merge DIR...`: join the outputs of `verify --shard i/N` runs into one run."""
from __future__ import annotations

from ..service.shards import merge
from .options import add_options, resolve


def add(sub) -> None:
    p = sub.add_parser("merge", help="join the outputs of `verify --shard i/N` runs into one run",
                       epilog='example: claimcheck merge build/shard-1 build/shard-2 --out build/verify')
    p.add_argument("dirs", nargs="+", metavar="DIR", help="each shard's --out folder")
    add_options(p, {"claims", "out", "history", "no_history", "cache_dir", "quiet", "fail_on", "new_failures_only",
                    "key_file"})
    p.set_defaults(func=run)


def run(args) -> int:
    return merge(args.dirs, resolve(args))
