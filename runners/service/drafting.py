"""Drafting a notebook's spec file: proposals read from its outputs, settled on how their programs run
here, written with its pending references and its book's libraries, then validated.

The library owns the files (the CLI, cli/draft.py, only reads flags and prints what this returns), as
papermill's ``execute_notebook`` does:

1. the notebook is read once (authoring.propose) and, where it lies outside the claims tree the spec
   goes to, copied into it (a spec runs only code inside its tree);
2. unless ``run`` is off, every static proposal's program runs once in the sandbox, confined as
   ``verify`` runs it (:func:`probe`): the output kind looks a second time where what it shows differs
   from the notebook; the findings settle the draft (authoring/settling.py: numbers that change from
   run to run written ``{?}``, programs that raised left out and listed, slow programs in the cpu tier,
   stochastic values as metrics);
3. the spec, its pending references, the libraries the notebook imports and (where the run saw numbers
   change from run to run) a ``NAME.coverage.yaml`` explaining them are written; the spec is validated as
   ``claimcheck validate`` would.
"""
from __future__ import annotations

import copy
import dataclasses
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..authoring import requirements, spec
from ..authoring.drafting import propose, settled
from ..catalog.loader import claims_root, load
from ..catalog.validation import problems_of, support_file_problems
from ..claim import notebooks
from ..claim.yamlload import SpecSyntaxError, load_yaml
from ..core.settings import resolve
from ..engine import workfolder
from ..engine.session import Session

PROBE_TIMEOUT_S = 300.0  # a program that takes longer in the draft's run is left out, saying so (the sandbox's own default)


@dataclass
class Drafted:
    """What drafting wrote and found, for the CLI to print."""

    spec: Path
    proposals: list
    unplaced: dict
    deduplicated: int
    copied: Path | None = None
    left_out: list = field(default_factory=list)  # files beside the notebook not copied in with it
    references: int = 0
    library_lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    ran: Counter | None = None  # the draft's run: claims by status (None: not run)
    not_run: dict = field(default_factory=dict)  # why programs could not run here -> how many (and the fix)
    coverage: Path | None = None  # the coverage.yaml explaining numbers that change from run to run


def draft_notebook(source: Path, out: Path, book: str = "draft", run: bool = True,
                   timeout: float = PROBE_TIMEOUT_S, stream=None) -> Drafted:
    """Draft ``source`` into the spec file ``out`` (see the module's docstring)."""
    source, out = Path(source), Path(out)
    stream = stream or sys.stderr
    d = propose(source, book)
    out.parent.mkdir(parents=True, exist_ok=True)
    tree = claims_root(out)
    copied, beside = None, []
    if not source.resolve().is_relative_to(tree.resolve()):
        copied = out.parent / "notebooks" / source.name
        copied.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, copied)
        sidecar = notebooks.sidecar_path(source)
        if sidecar.is_file():  # its recorded changes go with it
            shutil.copyfile(sidecar, notebooks.sidecar_path(copied))
        beside = _copy_beside(source, copied, tree)
        d.notebook = copied
    library_lines = requirements.propose(source, out)  # before the run: a missing library's skip names it
    findings, ran, not_run = None, None, {}
    if run:
        findings = probe(d, out, timeout, stream)
        ran = Counter(f["status"] for f in findings.values())
        for f in findings.values():
            if f["status"] == "skipped":
                key = (f.get("reason", ""), f.get("fix", ""))
                not_run[key] = not_run.get(key, 0) + 1
    settled(d, findings)
    out.write_text(spec.render(d, out), encoding="utf-8")
    explained = spec.render_coverage(d, out)
    coverage_file = out.with_name(out.stem + ".coverage.yaml")
    if explained is not None:
        coverage_file.write_text(explained, encoding="utf-8")
    refs = out.parent / "references.yaml"
    added = _add_references(refs, d, out, stream)
    claims = load(out)
    problems = [*map(str, problems_of(claims)), *support_file_problems(out.parent)]
    return Drafted(out, d.proposals, d.unplaced_by_kind(), d.deduplicated, copied, beside, added, library_lines,
                   problems, ran, not_run, coverage_file if explained is not None else None)


def _copy_beside(source: Path, copied: Path, tree: Path) -> list[str]:
    """The files a notebook reads by relative path, copied in with it: its folder's (bounded as a program's
    working folder is: engine/workfolder.py; never a file the claims tree reads as its own, another
    notebook or a hidden one) and those above it its code names (``'../data/x.csv'``), put at the same
    place beside the copy where that stays in its book's folder; what was left out."""
    left_out = []
    planned = workfolder.plan(source.parent, copied.parent / ".claimcheck-none")
    for rel, path in planned.files.items():
        target = copied.parent / rel
        if path.resolve() == source.resolve() or target.exists() or _has_meaning_here(rel):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    left_out += planned.left_out
    code = [c.source for c in notebooks.read(source).cells if c.cell_type == "code"]
    book = next((p for p in [copied.parent, *copied.parent.parents] if p.parent == tree), None)
    budget = workfolder.MAX_BYTES
    for written in dict.fromkeys(m for text in code for m in workfolder.UPWARD.findall(text)):
        found = (source.parent / written).resolve()
        target = (copied.parent / written).resolve()
        if not found.exists() or found.is_relative_to(source.parent.resolve()):
            continue
        if book is None or not target.is_relative_to(book.resolve()):
            left_out.append(f"{written} (above the book's folder {book}: no program may read it)")
            continue
        for f in [found] if found.is_file() else sorted(p for p in found.rglob("*") if p.is_file()):
            size = f.stat().st_size
            if size > budget or f.is_symlink():
                left_out.append(f"{written}: {f.name} (over the copy's bound, or a link)")
                continue
            budget -= size
            dest = target / f.relative_to(found) if found.is_dir() else target
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
    return left_out


def _has_meaning_here(rel: str) -> bool:
    """A file that a claims tree reads as its own (a spec, a book's requirements), another notebook, or a
    hidden one (``.git``): not copied in beside a notebook."""
    path = Path(rel)
    return (path.suffix in (".yaml", ".yml", ".ipynb") or path.name in ("requirements.txt", "apt.txt")
            or any(part.startswith(".") for part in path.parts))


def probe(d, out: Path, timeout: float, stream) -> dict:
    """Run the draft's static proposals as ``verify --tier static`` would, once (the output kind looks
    twice where it differs): {claim id: what came back, as a dict, with ``program_s``, the time of the
    program it ran (the longest of the claims that share it)}.

    A seeded program cut to the statements its value needs may miss a draw the notebook made in between
    (a seeded generator's state is every draw since its seed): an output that differs from the notebook
    on such a program runs once more with every statement since its seeds that uses the seeded library
    (authoring/notebook.py ``with_draws``), and where that reproduces the notebook, that is its program
    (said in its comment)."""
    static = [p for p in d.proposals if p.tier == "static" and p.kind != "metric"]
    if not static:
        return {}
    print(f"claimcheck draft: running the programs of {len(static)} proposed claims, as `verify --tier static` "
          f"would, to see what they show here ({timeout:.0f} s at most each)", file=stream, flush=True)
    findings = _run(d, static, out, timeout, stream)
    nbk = d.source
    retry = [p for p in static if p.kind == "output" and findings.get(p.id, {}).get("status") == "failed"
             and nbk.seeded(p.cells)]
    if retry:
        cut = {p.id: p.cells for p in retry}
        for p in retry:
            p.cells = nbk.with_draws(p.cells)
        retry = [p for p in retry if p.cells != cut[p.id]]
        print(f"claimcheck draft: {len(retry)} seeded programs showed otherwise: running them again with every "
              "statement since their seeds that may draw on the seeded generators", file=stream, flush=True)
        again = _run(d, retry, out, timeout, stream) if retry else {}
        for p in retry:
            if again.get(p.id, {}).get("status") == "passed":
                findings[p.id] = again[p.id]
                p.why += ("; it depends on the draws made since its seed (a seeded generator's state): its program "
                          "holds every statement since then that uses the seeded library")
            else:
                p.cells = cut[p.id]
    return findings


def _run(d, proposals: list, out: Path, timeout: float, stream) -> dict:
    """One ``verify --tier static`` session of ``proposals``, from a hidden spec file beside ``out``."""
    trial = copy.copy(d)
    trial.proposals = proposals
    path = out.parent / f".{out.stem}.draft-run.yaml"  # hidden from the catalog: never a book's spec
    scratch = Path(tempfile.mkdtemp(prefix="claimcheck-draft-"))
    session = None
    try:
        path.write_text(spec.render(trial, path), encoding="utf-8")
        settings = resolve(None, claims=str(path), tier="static", cache_dir=str(scratch / "cache"),
                           out=str(scratch / "out"), no_history=True, timeout=timeout)
        session = Session(settings, stream)
        session.warm_up()
        claims = session.take(load(path))
        results = session.run(claims)
    finally:
        if session is not None:
            session.close()
        path.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
    by_program: dict = {}
    programs = {c.id: tuple(str(x) for x in c.measure.get("listings", [])) for c in claims}
    for r in results:
        by_program[programs.get(r.id)] = max(by_program.get(programs.get(r.id), 0.0), r.duration_s)
    return {r.id: {**dataclasses.asdict(r), "status": r.status.value, "program_s": by_program[programs.get(r.id)]}
            for r in results}


def _add_references(path: Path, proposed, out: Path, stream) -> int:
    """Add the drafted pending references that ``path`` does not hold yet (a new file if none): the file
    is parsed and written anew (spec.updated_references), through a file beside it that must read back
    before it replaces the old one. A file that cannot be read is left as it is, and said so. How many
    were added."""
    if not proposed.references:
        return 0
    if not path.is_file():
        path.write_text(spec.render_references(proposed, out), encoding="utf-8")
        return len(proposed.references)
    try:
        text, added = spec.updated_references(path.read_text(encoding="utf-8"), load_yaml(path), proposed, out)
    except (SpecSyntaxError, ValueError, UnicodeDecodeError, yaml.YAMLError) as exc:
        print(f"claimcheck draft: {path}: {exc}; its pending references were not added", file=stream)
        return 0
    if not added:
        return 0
    fresh = path.with_name(path.name + ".draft-tmp")
    fresh.write_text(text, encoding="utf-8")
    try:
        load_yaml(fresh)  # as the catalog reads it
    except SpecSyntaxError as exc:
        fresh.unlink()
        print(f"claimcheck draft: {path} would not read back ({exc}): left as it is", file=stream)
        return 0
    fresh.replace(path)
    return added
