"""The exit status of a run: what CI reads.

``EXIT_CODES`` below is the one table of the exit status: each code, its name and what it means.
``claimcheck verify --help`` prints it (``help_text``); README.md and docs/schema.md hold it as a
Markdown table (``markdown_table``), and tests/test_exit_status_doc.py fails when they drift from it.
"""
from __future__ import annotations

import textwrap
from typing import NamedTuple

from ..claim.verdict import BAD, Result, Status


class ExitCode(NamedTuple):
    code: int
    name: str
    meaning: str  # one line; flags in backticks (the help text drops them)


EXIT_CODES = (
    ExitCode(0, "ok", "no claim that ran failed or is an error (skipped claims and known errata do not count)"),
    ExitCode(1, "bad-claims", "a claim failed or is an error (`--fail-on inconclusive`: also when one is "
             "inconclusive; `--new-failures-only`: only for new failures)"),
    ExitCode(2, "usage", "a usage error found before any claim runs: no claims, `--seeds` below 2, the gpu tier "
             "without a GPU and without `--allow-cpu`, an `--out` it cannot or must not write, a bad "
             "`--timeout`, a store's key file that holds no key; for `merge`, shards that do not fit together; for "
             "`merge` and `errata`, a store's file refused (its MAC does not match its store's key: edited, "
             "forged, renamed or put there; the file is named)"),
    ExitCode(3, "internal", "claimcheck itself broke: its traceback is printed; never a verdict on the book"),
    ExitCode(130, "interrupted", "Ctrl-C (128 + SIGINT, as shells report it): the workers are stopped; the claims "
             "decided before it are written, the rest are errors saying so"),
)
EXIT_OK, EXIT_BAD_CLAIMS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = (c.code for c in EXIT_CODES)


def markdown_table() -> str:
    """The table as README.md and docs/schema.md hold it."""
    rows = [f"| {c.code} | `{c.name}` | {c.meaning} |" for c in EXIT_CODES]
    return "\n".join(["| exit | name | meaning |", "| --- | --- | --- |", *rows])


def help_text(width: int = 88) -> str:
    """The table as ``claimcheck verify --help`` prints it (its epilog)."""
    lines = ["exit status:"]
    for c in EXIT_CODES:
        lines += textwrap.wrap(f"{c.name}: {c.meaning.replace('`', '')}", width,
                               initial_indent=f"  {c.code:<5}", subsequent_indent=" " * 7,
                               break_on_hyphens=False, break_long_words=False)
    return "\n".join(lines)


def exit_status(settings, results: list[Result], changes: dict | None = None) -> int:
    bad = {*BAD, *(Status(x) for x in settings.fail_on)}
    if settings.new_failures_only and changes is not None:
        new = [c for c in changes.values() if c.new_failure]
        known = [c for c in changes.values() if c.flag == "known-failure"]
        print(f"{len(new)} new failures, {len(known)} known failures")
        return EXIT_BAD_CLAIMS if new else EXIT_OK
    return EXIT_BAD_CLAIMS if any(r.status in bad for r in results) else EXIT_OK
