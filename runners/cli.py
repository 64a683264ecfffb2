"""The `claimcheck` command.

Exit status: 0 when every claim that ran agreed (or was skipped, or is a known erratum); 1 when a
claim failed or is an error (``--fail-on inconclusive``: also when one is inconclusive;
``--new-failures-only``: only for new failures); 2 on a usage error (no claims, the gpu tier
without a GPU, ``--seeds`` below 2, shards that do not fit together).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from claimcheck.runners import settings as settings_mod
from claimcheck.runners import specs
from claimcheck.runners.session import EXIT_BAD_CLAIMS, EXIT_OK, EXIT_USAGE


def add_options(parser: argparse.ArgumentParser, names=None) -> None:
    """The verify options (settings.OPTIONS), as arguments; None everywhere, so unset is visible."""
    for o in settings_mod.OPTIONS:
        if names is not None and o.name not in names:
            continue
        flags = [o.flag] + (["-q"] if o.name == "quiet" else [])
        kwargs = {"dest": o.name, "default": None, "help": o.help + (f" (also ${o.env})" if o.env else "")}
        if o.flag_only:
            kwargs.update(action="store_true")
            kwargs["default"] = False
        elif o.many:
            kwargs.update(action="append", metavar=o.metavar)
        else:
            kwargs.update(metavar=o.metavar, choices=o.choices)
        parser.add_argument(*flags, **kwargs)


def resolve(args, **overrides):
    try:
        return settings_mod.resolve(vars(args), **overrides)
    except ValueError as exc:
        print(f"claimcheck: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def cmd_verify(args) -> int:
    from claimcheck.runners.session import verify

    return verify(resolve(args))


def cmd_merge(args) -> int:
    from claimcheck.runners.shards import merge

    return merge(args.dirs, resolve(args))


def cmd_list(args) -> int:
    claims = specs.select(specs.load(Path(args.claims)), args.keyword or ())
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
    from claimcheck.runners import history

    store = settings_mod.resolve({"history": args.store}).history
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
        note = "  exploratory" if row.get("exploratory") else ""
        print(f"  {run_id}  {row['time']}  commit {row['commit']}  tier {row['tier']}  "
              f"{row.get('env.backend')} on {row.get('env.device')}{note}")
    glyph = {"passed": "P", "failed": "F", "error": "E", "skipped": ".", "inconclusive": "?", "known-erratum": "K"}
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
    from claimcheck.reports import errata
    from claimcheck.runners import results as results_file

    run, results = results_file.read(Path(args.results))
    path = errata.write(results, run, specs.load(Path(args.claims)), Path(args.out))
    print(f"wrote {path}")
    return EXIT_OK


def cmd_coverage(args) -> int:
    from claimcheck.runners import coverage

    report = coverage.measure(Path(args.source), specs.load(Path(args.claims)),
                              coverage.load_notes(Path(args.claims), Path(args.source)))
    print(coverage.render_text(report))
    return EXIT_OK if report.share >= args.min_share else EXIT_BAD_CLAIMS


def cmd_matrix(args) -> int:
    from claimcheck.reports import matrix

    folders = [Path(d) for d in args.dirs if (Path(d) / "results.json").is_file()]
    for d in args.dirs:
        if Path(d) not in folders:
            print(f"claimcheck matrix: {d} has no results.json: left out", file=sys.stderr)
    if not folders:
        print("claimcheck matrix: no run to join", file=sys.stderr)
        return EXIT_USAGE
    out = matrix.write(folders, specs.load(Path(args.claims)), Path(args.out))
    labels = ", ".join(r.label for r in out["runs"])
    print(f"{len(out['rows'])} claims in {len(out['runs'])} environments ({labels}): "
          f"{len(out['differences'])} differ")
    for row in out["differences"]:
        print(f"  {row['id']}: " + ", ".join(f"{r.label} {c['status'] if c else 'not run'}"
                                           for r, c in zip(out["runs"], row["cells"])))
    print(f"wrote {Path(args.out) / 'matrix.html'}, {Path(args.out) / 'errata.md'}")
    return EXIT_OK


def cmd_oc(args) -> int:
    from claimcheck.runners import characteristic

    table = characteristic.table(specs.load(Path(args.claims)))
    print(characteristic.markdown(table))
    missed = [row for row in table if row["unmet"]]
    for row in missed:
        print(f"{row['id']} ({row['tier']}, {row['n']} seeds): " + "; ".join(row["unmet"]), file=sys.stderr)
    return EXIT_BAD_CLAIMS if missed else EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimcheck", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="run the claims; write results.json, report.html, errata.md")
    add_options(v)
    v.set_defaults(func=cmd_verify)

    m = sub.add_parser("merge", help="join the outputs of `verify --shard i/N` runs into one run")
    m.add_argument("dirs", nargs="+", metavar="DIR", help="each shard's --out folder")
    add_options(m, {"claims", "out", "history", "no_history", "cache_dir", "quiet", "fail_on",
                    "new_failures_only"})
    m.set_defaults(func=cmd_merge)

    def claims_arg(sp):
        sp.add_argument("--claims", default="claims", help="spec file or folder (default: claims)")

    ls = sub.add_parser("list", help="list the claims")
    claims_arg(ls)
    ls.add_argument("-k", dest="keyword", action="append", metavar="PATTERN")
    ls.set_defaults(func=cmd_list)

    val = sub.add_parser("validate", help="check every spec against the schema; exit 1 on problems")
    claims_arg(val)
    val.set_defaults(func=cmd_validate)

    h = sub.add_parser("history", help="verdicts and values over runs; what changed in the newest")
    h.add_argument("--store", help="results store (default build/history, or $CLAIMCHECK_HISTORY)")
    h.add_argument("-k", metavar="TEXT", help="only claims whose id contains TEXT")
    h.add_argument("--run", help="compare this run (an id the listing shows) instead of the newest")
    h.add_argument("--changed", action="store_true", help="only the claims that changed")
    h.set_defaults(func=cmd_history)

    e = sub.add_parser("errata", help="write a Markdown errata draft from a run's results")
    e.add_argument("--results", default="build/verify/results.json")
    claims_arg(e)
    e.add_argument("--out", default="build/verify/errata.md")
    e.set_defaults(func=cmd_errata)

    c = sub.add_parser("coverage", help="which checkable numbers of a source text the claims check")
    c.add_argument("source", help="the chapter's text, e.g. ../shared/sources/dlwp2-ch08-notes-ko.md")
    claims_arg(c)
    c.add_argument("--min-share", type=float, default=0.0, help="exit 1 when the covered share is below this (0-1)")
    c.set_defaults(func=cmd_coverage)

    mx = sub.add_parser("matrix", help="join verify runs of several environments into one matrix report and errata")
    mx.add_argument("dirs", nargs="+", metavar="DIR", help="each run's --out folder (holding results.json)")
    claims_arg(mx)
    mx.add_argument("--out", default="build/matrix", help="output folder (default: build/matrix)")
    mx.set_defaults(func=cmd_matrix)

    o = sub.add_parser("oc", help="the operating characteristic of every stochastic claim, as a Markdown table; "
                                  "exit 1 if one misses its targets")
    claims_arg(o)
    o.set_defaults(func=cmd_oc)
    return p


def main(argv=None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
    for name, value in (("TF_FORCE_GPU_ALLOW_GROWTH", "true"), ("XLA_PYTHON_CLIENT_PREALLOCATE", "false")):
        os.environ.setdefault(name, value)  # several processes may share one GPU
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
