"""`claimcheck reference`: record a reference, single runs of a claim's program on seeds no verdict uses.

A stochastic claim's verdict is scaled by the spread of its reference (references.yaml). That
spread must be measured independently of the runs it judges: on other seeds (verdicts use seeds
0..n-1; references from 100 up), recorded before the claims they serve. This trains the claim's
program (through the same executor and cache as verify: worker processes, the numerics policy,
the same keys) on ``--runs`` seeds from ``--from-seed`` and prints the references.yaml entry,
with the environment and the command, for an author to paste and commit.
"""
from __future__ import annotations

import dataclasses
import shlex
import sys

import yaml

from ..claim import values
from ..engine.session import Session
from ..engine.usage import UsageError
from ..kinds import registry
from .status import EXIT_BAD_CLAIMS, EXIT_OK, EXIT_USAGE

FIRST_REFERENCE_SEED = 100  # verdicts use 0..n-1 (at most 10 seeds on any tier): references stay clear of them


def record(settings, claim_id: str, name: str, first: int, runs: int, argv: list[str], stream=None) -> int:
    err = stream or sys.stderr
    if first < FIRST_REFERENCE_SEED:
        print(f"claimcheck reference: --from-seed {first}: a reference's seeds start at {FIRST_REFERENCE_SEED} "
              "or above (verdicts use seeds 0..n-1)", file=err)
        return EXIT_USAGE
    if runs < 2:
        print(f"claimcheck reference: --runs {runs}: a spread needs at least 2 runs", file=err)
        return EXIT_USAGE
    session = None
    try:
        session = Session(dataclasses.replace(settings, shard=None), err)  # a reference is never sharded
        found = [c for c in session.load() if c.id == claim_id]
        if not found:
            print(f"claimcheck reference: no claim {claim_id} under {settings.claims}", file=err)
            return EXIT_USAGE
        claim = found[0]
        kind = registry().get(claim.kind)
        items = kind.measurements(claim) if kind is not None and kind.stochastic else []
        if len(items) != 1:
            print(f"claimcheck reference: {claim_id} is not a metric claim with one measurement", file=err)
            return EXIT_USAGE
        item, seeds = items[0], list(range(first, first + runs))
        jobs = [session.job(claim, item, seed) for seed in seeds]
        session.train(jobs)
        got, failed = [], []
        for job in jobs:
            try:
                rec = session.record(job)
                got.append(float(rec["values"][values.key(item["value"])]))
            except Exception as exc:  # a run that failed: no reference from part of its runs
                failed.append(f"seed {job.seed}: {exc}")
        if failed:
            print("claimcheck reference: runs failed, nothing recorded:\n  " + "\n  ".join(failed), file=err)
            return EXIT_BAD_CLAIMS
        env = session.environment()
        entry = {name: {
            "source": "recorded",
            "note": f"{', '.join(p.name for p in session.context.program(claim, item).paths)}: '{item['value']}' "
                    f"of claim {claim_id}",
            "command": "claimcheck " + " ".join(shlex.quote(a) for a in argv),
            "environment": {k: env.get(k) for k in ("python", "keras", "tensorflow", "backend", "device")},
            "numerics": env.get("numerics"),
            "seeds": seeds, "values": [round(v, 6) for v in got]}}
        print(yaml.safe_dump(entry, sort_keys=False, width=110, default_flow_style=None), end="")
        return EXIT_OK
    except UsageError as exc:
        print(f"claimcheck reference: {exc}", file=err)
        return EXIT_USAGE
    finally:
        if session is not None:
            session.close()
