"""`claimcheck draft NOTEBOOK`: a spec file of proposed claims from a notebook's outputs and prose.

The flags only: what is read, run and written is the service's (service/drafting.py). Writes
``--out`` (default ``drafts/<notebook>.yaml``), the drafted metrics' pending references in the
``references.yaml`` beside it, and the libraries the notebook imports in its book's
``requirements.txt``; copies the notebook into the claims tree where it lies outside it. Unless
``--no-run``, each proposed static claim's program runs once here, confined, to see what it shows.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from ..core.errors import ClaimError
from ..engine.usage import UsageError
from ..service.drafting import PROBE_TIMEOUT_S, draft_notebook
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK

EXAMPLE = "example: claimcheck draft notebooks/ch02.ipynb --book mybook --out claims/mybook/ch02/ch02.yaml"


def add(sub) -> None:
    p = sub.add_parser("draft", help="propose claims from a notebook's stored outputs and prose, for review",
                       epilog=EXAMPLE)
    p.add_argument("notebook", help="a Jupyter notebook (.ipynb) with its outputs")
    p.add_argument("--out", help="the spec file to write (default: drafts/<notebook name>.yaml)")
    p.add_argument("--book", default="draft", help="the book's short id, the claims' id prefix (default: draft)")
    p.add_argument("--force", action="store_true", help="overwrite an existing spec file")
    p.add_argument("--no-run", action="store_true",
                   help="do not run the programs to see what they show (numbers that change are then found by verify)")
    p.add_argument("--timeout", type=float, default=PROBE_TIMEOUT_S,
                   help=f"seconds a program may run in the draft's run (default {PROBE_TIMEOUT_S:.0f})")
    p.set_defaults(func=run)


def run(args) -> int:
    source = Path(args.notebook)
    out = Path(args.out) if args.out else Path("drafts") / (source.stem + ".yaml")
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists (pass --force to overwrite it)")
    if not args.timeout > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout}")
    try:
        done = draft_notebook(source, out, book=args.book, run=not args.no_run, timeout=args.timeout)
    except ClaimError as exc:
        raise UsageError(str(exc)) from None
    if done.copied:
        print(f"copied {source} to {done.copied}, with the files beside it it reads (a spec runs only code inside "
              "its claims tree)" + (f"; left out: {'; '.join(done.left_out[:5])}" if done.left_out else ""))
    kinds = Counter(p.kind for p in done.proposals)
    prose = sum(p.prose for p in done.proposals)
    unplaced = sum(len(v) for v in done.unplaced.values())
    print(f"wrote {done.spec}: {len(done.proposals)} proposed claims"
          + (" (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + f"; {prose} from the prose)"
             if done.proposals else "") + ", "
          f"{unplaced} numbers not placed (listed at its end"
          + "".join(f"; {len(us)} {kind}" for kind, us in done.unplaced.items()) + ")"
          + (f"; {done.deduplicated} ids given a suffix to keep them unique" if done.deduplicated else ""))
    if done.ran is not None and not done.ran:
        print("the draft's run here: nothing to run")
    elif done.ran is not None:
        print("the draft's run here: " + ", ".join(f"{n} {status}" for status, n in sorted(done.ran.items()))
              + " (passed: the output as the notebook stored it; failed: this run shows otherwise, a finding to "
                "review; inconclusive: numbers that change from run to run, written {?}"
              + ("; error: its program raised here, so the claim is left out, each listed with its error at the "
                 "end of the spec" if done.ran.get("error") else "") + ")")
    if done.coverage:
        print(f"wrote {done.coverage}: the numbers its run saw change from run to run (explained, not claimed)")
    for (reason, fix), n in done.not_run.items():
        print(f"  {n} could not run here: {reason}; fix: {fix}; then draft again (--force) to settle them")
    if done.references:
        print(f"{done.spec.parent / 'references.yaml'}: {done.references} pending references; record each with the "
              "command in its entry (the metrics are skipped until then)")
    for line in done.library_lines:
        print(line)
    for problem in done.problems:
        print(problem, file=sys.stderr)
    if not done.proposals:
        print("validate: no claims: nothing in the notebook's outputs could be claimed (see the list at the end of "
              f"{done.spec})")
        return EXIT_BAD_CLAIMS
    print(f"validate: {'valid' if not done.problems else f'{len(done.problems)} problems'}")
    return EXIT_OK if not done.problems else EXIT_BAD_CLAIMS
