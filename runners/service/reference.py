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
import math
import os
import shlex
import sys
from contextlib import contextmanager

import yaml

from ..claim import values
from ..core.errors import ClaimError
from ..engine.planning import join
from ..engine.session import Session
from ..engine.usage import UsageError, check_bounds
from ..kinds import registry
from .status import EXIT_BAD_CLAIMS, EXIT_OK, Ended, run_command


class _Unaliased(yaml.SafeDumper):
    """Entries that share an object (the seeds, the numerics) each written out: an author pastes one alone."""

    def ignore_aliases(self, data) -> bool:
        return True


FIRST_REFERENCE_SEED = 100  # verdicts use 0..n-1 (10 seeds on any tier today): references start above them
LAST_SEED = 2**32 - 1  # the frameworks' seeds are 32-bit
MAX_RUNS = 1000  # a reference's runs, as a claim's seeds (issue 36: bounds on what a command line may ask for)


def _name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a key of references.yaml (a claim's ``reference:`` names it), or None."""
    if not name.strip():
        return "is empty"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes of the command line that are not UTF-8
        return "is not UTF-8 text"
    if any(not ch.isprintable() for ch in name):
        return "holds a character that is not printable (a newline, a tab, a no-break space)"
    if name != name.strip():
        return "begins or ends with a space (a claim's `reference:` would never match it)"
    return None


@contextmanager
def _stdout_to_stderr():
    """While the programs run (in this process too, with --jobs 0): what they write to descriptor 1
    goes to stderr, so this command's stdout holds only the entries it prints."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _usage(claim_ids: list[str], names: list[str], first: int, runs: int) -> str | None:
    """What is wrong with the command line before any claim loads, or None."""
    if first < FIRST_REFERENCE_SEED:
        return (f"--from-seed {first}: a reference's seeds start at {FIRST_REFERENCE_SEED} or above (verdicts use "
                "seeds 0..n-1)")
    if runs < 2:
        return f"--runs {runs}: a spread needs at least 2 runs"
    if runs > MAX_RUNS:
        return f"--runs {runs}: at most {MAX_RUNS} (each is a training run)"
    if first + runs - 1 > LAST_SEED:
        return f"--from-seed {first} --runs {runs}: the last seed is above {LAST_SEED}, the largest a framework takes"
    if len(names) != len(claim_ids):
        return f"{len(claim_ids)} claim(s) and {len(names)} --name(s): give one distinct --name per claim, in the same order"
    for label, given in (("claim", claim_ids), ("--name", names)):
        twice = sorted({x for x in given if given.count(x) > 1})
        if twice:
            return f"{label} {twice[0]!r} is given twice: each claim once, one distinct --name per claim, in the same order"
    for name in names:
        why = _name_problem(name)
        if why:
            return f"--name {name!r} {why}: a reference's name is one line of text"
    return None


def _claim_problem(claim, claim_id: str, loaded: list, root) -> str | None:
    """Why the claim cannot be recorded as it stands in its spec, or None. Its own reference's problems
    do not count: recording one is what mends them."""
    if claim is None:
        broken = [f"{c.where}: {p}" for c in loaded if c.id.startswith("file:") for p in c.problems]
        also = ("; these spec files could not be read, and it may be in one:\n  " + "\n  ".join(broken)) if broken else ""
        return f"no claim {claim_id} under {root}{also}"
    problems = [p for p in claim.problems if not p.startswith("reference:")]
    if problems:
        return (f"{claim.where}: [{claim_id}] is not a valid claim (`claimcheck validate` lists the same):\n  "
                + "\n  ".join(problems))
    return None


def _value(record: dict, key: str) -> float:
    """The run's value of ``key``, a finite number; why not, as the run recorded it, otherwise."""
    if record.get("failed"):
        raise ValueError(record["failed"])
    value = record.get("values", {}).get(key)
    if value is None:
        raise ValueError(record.get("errors", {}).get(key) or f"the run recorded no value '{key}'")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"'{key}' is {value!r}, not a finite number")
    return float(value)


def record(settings, claim_ids: list[str], names: list[str], first: int, runs: int, argv: list[str],
           stream=None) -> int:
    """Train the claims' programs on ``runs`` seeds from ``first`` and print one references.yaml entry
    per claim (``names`` in the same order). Claims whose programs are one program share each seed's
    run: one training reads every value they name (a comparison's two sides, say)."""
    err = stream or sys.stderr
    return run_command("claimcheck reference", lambda: _record(settings, claim_ids, names, first, runs, argv, err), err)


def _record(settings, claim_ids, names, first, runs, argv, err) -> int:
    wrong = _usage(claim_ids, names, first, runs)
    if wrong:
        raise UsageError(wrong)
    check_bounds(settings)
    session = Session(dataclasses.replace(settings, shard=None), err)  # a reference is never sharded
    try:
        every = session.load()
        loaded = {c.id: c for c in every}  # an id defined twice is a problem of each (below)
        seeds = list(range(first, first + runs))
        measured = []  # (claim, item, name)
        for claim_id, name in zip(claim_ids, names):
            claim = loaded.get(claim_id)
            wrong = _claim_problem(claim, claim_id, every, settings.claims)
            if wrong:
                raise UsageError(wrong)
            kind = registry().get(claim.kind)
            items = kind.measurements(claim) if kind is not None and kind.stochastic else []
            if len(items) != 1:
                raise UsageError(f"{claim_id} is not a metric claim with one measurement")
            used = max(kind.seed_counts(claim).values(), default=0)
            if first < used:
                raise UsageError(f"{claim_id}'s verdicts use seeds 0..{used - 1}: its reference must not "
                                 f"reuse them (--from-seed {used} or above)")
            measured.append((claim, items[0], name))
        joined: dict = {}  # jobs by key: claims of one program share each seed's run
        keys = {}  # (claim id, seed): its job's key
        for claim, item, _ in measured:
            try:
                for seed in seeds:
                    job = session.job(claim, item, seed)
                    keys[claim.id, seed] = job.key
                    join(joined, job)
            except ClaimError as exc:  # its program cannot be read (a listing's bytes, a notebook's cells)
                raise UsageError(f"{claim.where}: [{claim.id}] {exc}") from None
        entries, failed = {}, []
        with _stdout_to_stderr():
            session.train(list(joined.values()))
            env = session.environment()
            values_of = {}  # (claim id, seed): its value, or why none
            for claim, item, _ in measured:
                for seed in seeds:
                    try:
                        values_of[claim.id, seed] = _value(session.record(joined[keys[claim.id, seed]]),
                                                           values.key(item["value"]))
                    except Exception as exc:  # a run that failed: no reference from part of its runs
                        failed.append(f"{claim.id}, seed {seed}: {exc}")
        if failed:
            raise Ended("runs failed, nothing recorded:\n  " + "\n  ".join(failed), EXIT_BAD_CLAIMS)
        for claim, item, name in measured:
            got = [values_of[claim.id, seed] for seed in seeds if (claim.id, seed) in values_of]
            entries[name] = {
                "source": "recorded",
                "note": f"{', '.join(p.name for p in session.context.program(claim, item).paths)}: "
                        f"'{item['value']}' of claim {claim.id}",
                "command": "claimcheck " + " ".join(shlex.quote(a) for a in argv),
                "environment": {k: env.get(k) for k in ("python", "keras", "tensorflow", "backend", "device")},
                "numerics": env.get("numerics"),
                "seeds": seeds, "values": [round(v, 6) for v in got]}
        print(yaml.dump(entries, Dumper=_Unaliased, sort_keys=False, width=110, default_flow_style=None), end="")
        return EXIT_OK
    except ClaimError as exc:  # a spec or a file it names that cannot be read: said, not a traceback
        raise UsageError(str(exc)) from None
    finally:
        session.close()
