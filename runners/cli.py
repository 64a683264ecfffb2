"""The `claimcheck` command: verify, list, validate."""
from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
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
    from reports import errata, html
    from runners import coverage, history
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
        "run_id": f"{started.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}",
        "claims_dir": str(config.claims_dir), "tier": config.tier,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 2), "environment": describe(),
        "data_dir": str(config.data_dir) if config.data_dir else None,
        "commit": history.git_commit(Path(__file__).parent),
    }
    out = Path(config.out_dir)
    json_path = results_file.write(results, run, out / "results.json")
    extra = {}
    if not args.no_history:
        store = history.store_dir(Path(args.history) if args.history else None)
        history.append(run, json.loads(json_path.read_text())["results"], store)
        df = history.table(store)
        extra["changes"] = {c.id: c for c in history.changes(df, run["run_id"])}
        extra["series"] = {r.id: history.series(df, r.id) for r in results}
        extra["store"] = str(store)
    errata_path = out / "errata.md"
    errata.write(results, run, specs.load(config.claims_dir), errata_path)
    extra["coverage"] = coverage.for_claims(config.claims_dir)
    html_path = html.write(results, run, out / "report.html", errata="errata.md", **extra)
    c = results_file.counts(results)
    print(", ".join(f"{n} {s}" for s, n in c.items() if n) + f" in {run['seconds']:.1f}s")
    print(f"wrote {json_path}, {html_path} and {errata_path}")
    if args.new_failures_only and "changes" in extra:
        new = [ch for ch in extra["changes"].values() if ch.new_failure]
        known = [ch for ch in extra["changes"].values() if ch.flag == "known-failure"]
        print(f"{len(new)} new failures, {len(known)} known failures (history {extra['store']})")
        return EXIT_BAD_CLAIMS if new else EXIT_OK
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


def cmd_history(args) -> int:
    from runners import history

    store = history.store_dir(Path(args.store) if args.store else None)
    df = history.table(store)
    if df.empty:
        print(f"claimcheck: no runs in {store}", file=sys.stderr)
        return EXIT_USAGE
    if args.k:
        df = df[df["id"].str.contains(args.k, regex=False)]
    runs = list(dict.fromkeys(df["run_id"]))
    print(f"{len(runs)} runs in {store}:")
    for run_id in runs:
        row = df[df["run_id"] == run_id].iloc[0]
        print(f"  {run_id}  {row['time']}  commit {row['commit']}  tier {row['tier']}  "
              f"{row.get('env.backend')} on {row.get('env.device')}")
    glyph = {"passed": "P", "failed": "F", "error": "E", "skipped": ".", "inconclusive": "?"}
    flagged = 0
    print(f"\n{'claim':58} {'runs (oldest first)':22} latest  change")
    for change in history.changes(df, args.run):
        marks = "".join(glyph.get(s["status"], "?") for s in history.series(df, change.id))
        note = "" if change.flag in ("unchanged", "skipped", "first") else f"{change.flag.upper()}: {change.reason}"
        flagged += bool(note)
        if note or not args.changed:
            print(f"{change.id:58} {marks[-22:]:22} {change.status:7} {note}")
    print(f"\n{flagged} claims changed in the newest run", file=sys.stderr)
    return EXIT_OK


def cmd_errata(args) -> int:
    from reports import errata
    from runners import results as results_file

    run, results = results_file.read(Path(args.results))
    path = errata.write(results, run, specs.load(Path(args.claims)), Path(args.out))
    print(f"wrote {path}")
    return EXIT_OK


def cmd_coverage(args) -> int:
    from runners import coverage

    report = coverage.measure(Path(args.source), specs.load(Path(args.claims)),
                              coverage.load_notes(Path(args.claims), Path(args.source)))
    print(coverage.render_text(report))
    return EXIT_OK if report.share >= args.min_share else EXIT_BAD_CLAIMS


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
    v.add_argument("--history", metavar="DIR",
                   help="results store to append this run to (default build/history, or $CLAIMCHECK_HISTORY)")
    v.add_argument("--no-history", action="store_true", help="do not record this run in the store")
    v.add_argument("--new-failures-only", action="store_true",
                   help="exit non-zero only for claims that failed or errored and did not in the "
                        "previous comparable run (the nightly job's rule)")
    v.add_argument("-q", "--quiet", action="store_true", help="no per-claim progress lines")
    v.set_defaults(func=cmd_verify)

    ls = sub.add_parser("list", help="list the claims")
    common(ls)
    ls.set_defaults(func=cmd_list)

    val = sub.add_parser("validate", help="check every spec against the schema; exit 1 on problems")
    common(val)
    val.set_defaults(func=cmd_validate)

    h = sub.add_parser("history", help="verdicts and values over runs; what changed in the newest")
    h.add_argument("--store", help="results store (default build/history, or $CLAIMCHECK_HISTORY)")
    h.add_argument("-k", metavar="TEXT", help="only claims whose id contains TEXT")
    h.add_argument("--run", help="compare this run (an id the listing shows) instead of the newest")
    h.add_argument("--changed", action="store_true", help="only the claims that changed")
    h.set_defaults(func=cmd_history)

    e = sub.add_parser("errata", help="write a Markdown errata draft from a run's results")
    e.add_argument("--results", default="build/verify/results.json")
    e.add_argument("--claims", default="claims")
    e.add_argument("--out", default="build/verify/errata.md")
    e.set_defaults(func=cmd_errata)

    c = sub.add_parser("coverage", help="which checkable numbers of a source text the claims check")
    c.add_argument("source", help="the chapter's text, e.g. ../shared/sources/dlwp2-ch08-notes-ko.md")
    c.add_argument("--claims", default="claims")
    c.add_argument("--min-share", type=float, default=0.0,
                   help="exit 1 when the covered share is below this (0-1)")
    c.set_defaults(func=cmd_coverage)
    return p


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
