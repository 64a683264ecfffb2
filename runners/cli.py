"""The `claimcheck` command: verify, list, validate."""
from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import os
import sys
import time
from pathlib import Path

from runners import specs
from runners.context import DATA_DIR_ENV, Config
from runners.schema import TIERS
from runners.verdict import BAD

EXIT_OK, EXIT_BAD_CLAIMS, EXIT_USAGE = 0, 1, 2


def select(claims, keyword: str | None):
    """Claims whose id matches a glob, or contains the keyword."""
    if not keyword:
        return claims
    return [c for c in claims if keyword in c.id or fnmatch.fnmatch(c.id, keyword)]


def cmd_verify(args) -> int:
    from reports import html
    from runners import results as results_file
    from runners.context import RunContext
    from runners.core import run_all
    from runners.environment import describe

    config = Config(claims_dir=Path(args.claims), out_dir=Path(args.out), tier=args.tier,
                    data_dir=Path(args.data_dir) if args.data_dir else None,
                    refresh=args.refresh, keyword=args.k, progress=not args.quiet,
                    seeds=args.seeds, cache_dir=Path(args.cache_dir) if args.cache_dir else None,
                    dogs_vs_cats=Path(args.dogs_vs_cats) if args.dogs_vs_cats else None,
                    weights_dir=Path(args.weights_dir) if args.weights_dir else None)
    claims = select(specs.load(config.claims_dir), args.k)
    if not claims:
        print(f"claimcheck: no claims found under {config.claims_dir}"
              + (f" matching '{args.k}'" if args.k else ""), file=sys.stderr)
        return EXIT_USAGE
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    results = run_all(claims, RunContext(config))
    run = {
        "claims_dir": str(config.claims_dir), "tier": config.tier,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 2), "environment": describe(),
        "data_dir": str(config.data_dir) if config.data_dir else None,
    }
    out = Path(config.out_dir)
    json_path = results_file.write(results, run, out / "results.json")
    html_path = html.write(results, run, out / "report.html")
    c = results_file.counts(results)
    print(", ".join(f"{n} {s}" for s, n in c.items() if n) + f" in {run['seconds']:.1f}s")
    print(f"wrote {json_path} and {html_path}")
    return EXIT_BAD_CLAIMS if any(r.status in BAD for r in results) else EXIT_OK


def cmd_list(args) -> int:
    claims = select(specs.load(Path(args.claims)), args.k)
    for c in claims:
        broken = "  [INVALID]" if c.problems else ""
        print(f"{c.id:60} {c.kind:17} {c.tier:7} {c.section:6}{broken}")
    print(f"{len(claims)} claims", file=sys.stderr)
    return EXIT_OK


def cmd_validate(args) -> int:
    claims = specs.load(Path(args.claims))
    problems = specs.problems_of(claims)
    for p in problems:
        print(p)
    files = len({c.file for c in claims})
    if problems:
        print(f"{len(problems)} problems in {len(claims)} claims from {files} files", file=sys.stderr)
        return EXIT_BAD_CLAIMS
    print(f"{len(claims)} claims in {files} files: valid", file=sys.stderr)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimcheck", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("--claims", default="claims", help="spec file or folder (default: claims)")
        sp.add_argument("-k", metavar="PATTERN", help="only claims whose id contains or globs PATTERN")

    v = sub.add_parser("verify", help="run the claims and write results.json and report.html")
    common(v)
    v.add_argument("--out", default="build/verify", help="output folder (default: build/verify)")
    v.add_argument("--tier", choices=TIERS, default="cpu",
                   help="static: no training; cpu: the book's settings (default); gpu: nightly")
    v.add_argument("--data-dir", help=f"local dataset mirror (also ${DATA_DIR_ENV})")
    v.add_argument("--dogs-vs-cats", metavar="DIR",
                   help="Kaggle's dogs-vs-cats train/ folder, or a cats_vs_dogs_small/ folder "
                        "(also $CLAIMCHECK_DOGS_VS_CATS)")
    v.add_argument("--weights-dir", metavar="DIR",
                   help="folder with Keras' pretrained weight files, e.g. VGG16's (also $CLAIMCHECK_WEIGHTS_DIR)")
    v.add_argument("--refresh", action="store_true", help="retrain instead of reusing cached runs")
    v.add_argument("--seeds", type=int, metavar="N",
                   help="run every stochastic claim with seeds 0..N-1 instead of its tier's count")
    v.add_argument("--cache-dir", help="where training runs are cached (default .cache/claimcheck, "
                                       "or $CLAIMCHECK_CACHE_DIR)")
    v.add_argument("-q", "--quiet", action="store_true", help="no per-claim progress lines")
    v.set_defaults(func=cmd_verify)

    ls = sub.add_parser("list", help="list the claims")
    common(ls)
    ls.set_defaults(func=cmd_list)

    val = sub.add_parser("validate", help="check every spec against the schema; exit 1 on problems")
    common(val)
    val.set_defaults(func=cmd_validate)
    return p


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
