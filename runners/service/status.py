"""The exit status of a run: what CI reads.

``EXIT_CODES`` below is the one table of the exit status: each code, its name and what it means.
``claimcheck verify --help`` prints it (``help_text``); README.md and docs/schema.md hold it as a
Markdown table (``markdown_table``), and tests/test_exit_status_doc.py fails when they drift from it.

A command raises how it ends early (``UsageError``, :class:`Ended` with a code of the table) and
:func:`run_command` turns every way out, Ctrl-C and claimcheck's own faults included, into its exit
status and one message: the one place that does (as pytest's ``wrap_session``).
"""
from __future__ import annotations

import textwrap
import traceback
from typing import NamedTuple

from ..claim.verdict import BAD, Result, Status
from ..engine.usage import UsageError


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


class Ended(Exception):
    """A command that ends before its work is done: the message says why, ``code`` is of EXIT_CODES."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def run_command(name: str, body, stream) -> int:
    """``body()``, a command's work returning its exit status, with every way out of it turned into an
    exit status of EXIT_CODES and one message on ``stream``, prefixed ``name``."""
    try:
        return body()
    except KeyboardInterrupt:
        print(f"{name}: interrupted (Ctrl-C) before it finished; nothing written", file=stream)
        return EXIT_INTERRUPTED
    except UsageError as exc:
        print(f"{name}: {exc}", file=stream)
        return EXIT_USAGE
    except Ended as exc:
        print(f"{name}: {exc}", file=stream)
        return exc.code
    except Exception:  # a fault of claimcheck itself: its own exit status, never a verdict on the book
        print(f"{name}: internal error (exit {EXIT_INTERNAL}), please report it:\n{traceback.format_exc()}", file=stream)
        return EXIT_INTERNAL
