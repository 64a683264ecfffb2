"""The exit status of a run: what CI reads.

0 when every claim that ran agreed (or was skipped, or is a known erratum); 1 when a claim
failed or is an error (``--fail-on inconclusive``: also when one is inconclusive;
``--new-failures-only``: only for new failures); 2 on a usage error (no claims, the gpu tier
without a GPU, ``--seeds`` below 2, an ``--out`` it cannot write, shards that do not fit together);
3 when claimcheck itself broke (a fault of the harness, with its traceback: never a verdict);
130 when Ctrl-C stopped it (what finished before is written; the rest are errors saying so).
"""
from __future__ import annotations

from ..claim.verdict import BAD, Result, Status

EXIT_OK, EXIT_BAD_CLAIMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def exit_status(settings, results: list[Result], changes: dict | None = None) -> int:
    bad = {*BAD, *(Status(x) for x in settings.fail_on)}
    if settings.new_failures_only and changes is not None:
        new = [c for c in changes.values() if c.new_failure]
        known = [c for c in changes.values() if c.flag == "known-failure"]
        print(f"{len(new)} new failures, {len(known)} known failures")
        return EXIT_BAD_CLAIMS if new else EXIT_OK
    return EXIT_BAD_CLAIMS if any(r.status in bad for r in results) else EXIT_OK
