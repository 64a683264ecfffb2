"""`claimcheck draft NOTEBOOK`: a spec file of proposed claims from a notebook's outputs and prose.

Writes ``--out`` (default ``drafts/<notebook>.yaml``) and, for the drafted metrics, pending entries
in the ``references.yaml`` beside it; copies the notebook into that folder where it is outside it (a
spec runs only code inside its claims tree); adds the libraries the notebook imports to its book's
``requirements.txt`` (authoring/requirements.py). Then validates what it wrote. Nothing is run.
"""
from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import yaml

from ..authoring import requirements, spec
from ..authoring.drafting import draft
from ..catalog.loader import claims_root, load
from ..catalog.validation import problems_of, support_file_problems
from ..claim.yamlload import SpecSyntaxError, load_yaml
from ..core.errors import ClaimError
from ..service.status import EXIT_BAD_CLAIMS, EXIT_OK, EXIT_USAGE


def add(sub) -> None:
    p = sub.add_parser("draft", help="propose claims from a notebook's stored outputs and prose, for review")
    p.add_argument("notebook", help="a Jupyter notebook (.ipynb) with its outputs")
    p.add_argument("--out", help="the spec file to write (default: drafts/<notebook name>.yaml)")
    p.add_argument("--book", default="draft", help="the book's short id, the claims' id prefix (default: draft)")
    p.add_argument("--force", action="store_true", help="overwrite an existing spec file")
    p.set_defaults(func=run)


def run(args) -> int:
    source = Path(args.notebook)
    out = Path(args.out) if args.out else Path("drafts") / (source.stem + ".yaml")
    if out.exists() and not args.force:
        print(f"claimcheck draft: {out} exists (pass --force to overwrite it)", file=sys.stderr)
        return EXIT_USAGE
    try:
        proposed = draft(source, book=args.book)
    except ClaimError as exc:
        print(f"claimcheck draft: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out.parent.mkdir(parents=True, exist_ok=True)
    tree = claims_root(out)
    if not source.resolve().is_relative_to(tree.resolve()):
        copy = out.parent / "notebooks" / source.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, copy)
        print(f"copied {source} to {copy} (a spec runs only code inside its claims tree, {tree})")
        proposed.notebook = copy
    out.write_text(spec.render(proposed, out), encoding="utf-8")
    refs = out.parent / "references.yaml"
    _add_references(refs, proposed, out)
    kinds = Counter(p.kind for p in proposed.proposals)
    prose = sum(p.prose for p in proposed.proposals)
    print(f"wrote {out}: {len(proposed.proposals)} proposed claims ("
          + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + f"; {prose} from the prose), "
          f"{len(proposed.unplaced)} numbers not placed (listed at its end"
          + "".join(f"; {len(us)} {kind}" for kind, us in proposed.unplaced_by_kind().items()) + ")"
          + (f"; {proposed.deduplicated} ids given a suffix to keep them unique" if proposed.deduplicated else ""))
    if proposed.references:
        print(f"{refs}: {len(proposed.references)} pending references; record each with the command in its entry "
              "(the metrics are skipped until then)")
    for line in requirements.propose(source, out):  # the book's libraries, from the notebook's imports
        print(line)
    claims = load(out)
    problems = [*map(str, problems_of(claims)), *support_file_problems(out.parent)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"validate: {'valid' if not problems else f'{len(problems)} problems'}")
    return EXIT_OK if not problems else EXIT_BAD_CLAIMS


def _add_references(path: Path, proposed, out: Path) -> None:
    """Add the drafted pending references that ``path`` does not hold yet (a new file if none): the file
    is parsed and written anew (spec.updated_references), through a file beside it that must read back
    before it replaces the old one. A file that cannot be read is left as it is, and said so."""
    if not proposed.references:
        return
    if not path.is_file():
        path.write_text(spec.render_references(proposed, out), encoding="utf-8")
        return
    try:
        text, added = spec.updated_references(path.read_text(encoding="utf-8"), load_yaml(path), proposed, out)
    except (SpecSyntaxError, ValueError, UnicodeDecodeError, yaml.YAMLError) as exc:
        print(f"claimcheck draft: {path}: {exc}; its pending references were not added", file=sys.stderr)
        return
    if not added:
        return
    fresh = path.with_name(path.name + ".draft-tmp")
    fresh.write_text(text, encoding="utf-8")
    try:
        load_yaml(fresh)  # as the catalog reads it
    except SpecSyntaxError as exc:
        fresh.unlink()
        print(f"claimcheck draft: {path} would not read back ({exc}): left as it is", file=sys.stderr)
        return
    fresh.replace(path)
