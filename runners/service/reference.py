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
from ..engine.planning import join
from ..engine.session import Session
from ..engine.usage import UsageError
from ..kinds import registry
from .status import EXIT_BAD_CLAIMS, EXIT_OK, EXIT_USAGE


class _Unaliased(yaml.SafeDumper):
    """Entries that share an object (the seeds, the numerics) each written out: an author pastes one alone."""

    def ignore_aliases(self, data) -> bool:
        return True


FIRST_REFERENCE_SEED = 100  # verdicts use 0..n-1 (at most 10 seeds on any tier): references stay clear of them


def record(settings, claim_ids: list[str], names: list[str], first: int, runs: int, argv: list[str],
           stream=None) -> int:
    """Train the claims' programs on ``runs`` seeds from ``first`` and print one references.yaml entry
    per claim (``names`` in the same order). Claims whose programs are one program share each seed's
    run: one training reads every value they name (a comparison's two sides, say)."""
    err = stream or sys.stderr
    if first < FIRST_REFERENCE_SEED:
        print(f"claimcheck reference: --from-seed {first}: a reference's seeds start at {FIRST_REFERENCE_SEED} "
              "or above (verdicts use seeds 0..n-1)", file=err)
        return EXIT_USAGE
    if runs < 2:
        print(f"claimcheck reference: --runs {runs}: a spread needs at least 2 runs", file=err)
        return EXIT_USAGE
    if len(names) != len(claim_ids) or len(set(names)) != len(names):
        print(f"claimcheck reference: {len(claim_ids)} claim(s) and {len(names)} --name(s): give one distinct "
              "--name per claim, in the same order", file=err)
        return EXIT_USAGE
    session = None
    try:
        session = Session(dataclasses.replace(settings, shard=None), err)  # a reference is never sharded
        loaded = {c.id: c for c in session.load()}
        seeds = list(range(first, first + runs))
        measured = []  # (claim, item, name)
        for claim_id, name in zip(claim_ids, names):
            claim = loaded.get(claim_id)
            if claim is None:
                print(f"claimcheck reference: no claim {claim_id} under {settings.claims}", file=err)
                return EXIT_USAGE
            kind = registry().get(claim.kind)
            items = kind.measurements(claim) if kind is not None and kind.stochastic else []
            if len(items) != 1:
                print(f"claimcheck reference: {claim_id} is not a metric claim with one measurement", file=err)
                return EXIT_USAGE
            measured.append((claim, items[0], name))
        joined: dict = {}  # jobs by key: claims of one program share each seed's run
        keys = {}  # (claim id, seed): its job's key
        for claim, item, _ in measured:
            for seed in seeds:
                job = session.job(claim, item, seed)
                keys[claim.id, seed] = job.key
                join(joined, job)
        session.train(list(joined.values()))
        entries, failed = {}, []
        env = session.environment()
        for claim, item, name in measured:
            got = []
            for seed in seeds:
                job = joined[keys[claim.id, seed]]
                try:
                    got.append(float(session.record(job)["values"][values.key(item["value"])]))
                except Exception as exc:  # a run that failed: no reference from part of its runs
                    failed.append(f"{claim.id}, seed {seed}: {exc}")
            entries[name] = {
                "source": "recorded",
                "note": f"{', '.join(p.name for p in session.context.program(claim, item).paths)}: "
                        f"'{item['value']}' of claim {claim.id}",
                "command": "claimcheck " + " ".join(shlex.quote(a) for a in argv),
                "environment": {k: env.get(k) for k in ("python", "keras", "tensorflow", "backend", "device")},
                "numerics": env.get("numerics"),
                "seeds": seeds, "values": [round(v, 6) for v in got]}
        if failed:
            print("claimcheck reference: runs failed, nothing recorded:\n  " + "\n  ".join(failed), file=err)
            return EXIT_BAD_CLAIMS
        print(yaml.dump(entries, Dumper=_Unaliased, sort_keys=False, width=110, default_flow_style=None), end="")
        return EXIT_OK
    except UsageError as exc:
        print(f"claimcheck reference: {exc}", file=err)
        return EXIT_USAGE
    finally:
        if session is not None:
            session.close()
