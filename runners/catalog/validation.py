"""A spec's problems, found without running anything: the schema, the kind's own checks, the files it names.

A broken claim is never dropped: it keeps its problems, so `verify` reports it as an error (and
runs every other claim) and `validate` lists every problem with file, line and id.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..claim import libraries, notebooks, notes, references
from ..claim.schema import Cite, Claim, Source, check_fields
from ..core.errors import ClaimError
from ..kinds import registry
from ..resources.registry import REGISTRY as RESOURCES

# the stacks a claim's variants may name (see environment.machine.stack())
BACKENDS = ("tensorflow", "jax", "torch")
# a run's stack names, most specific first (engine/stack.py): keras3-tensorflow, then keras3, then tensorflow
STACK_TAGS = ("keras2-tensorflow", *(f"keras3-{b}" for b in BACKENDS), "keras2", "keras3", *BACKENDS)
VARIANT_FIELDS = ("measure", "expected", "requires", "known_erratum", "why")


@dataclass
class Problem:
    file: Path
    line: int | None
    claim_id: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        who = f" [{self.claim_id}]" if self.claim_id else ""
        return f"{where}:{who} {self.message}"


def check_claim(raw: dict) -> list[str]:
    """The problems of one claim's mapping (defaults merged in), by the schema; types first, so that no
    later check meets a value of the wrong type."""
    problems = check_fields(raw, Claim, "claim")
    kind = raw.get("kind")
    if isinstance(kind, str) and kind not in registry():
        problems.append(f"unknown kind '{kind}' (known: {', '.join(sorted(registry()))})")
    source = raw.get("source")
    if isinstance(source, dict):
        problems += check_fields(source, Source, "source")
        cites = source.get("cite")
        for i, cite in enumerate(cites if isinstance(cites, list) else []):
            problems += check_fields(cite, Cite, f"source.cite[{i}]")
    requires = raw.get("requires")
    for name in requires if isinstance(requires, list) else []:
        if isinstance(name, str) and name not in RESOURCES:
            problems.append(f"requires: unknown resource '{name}' (known: {', '.join(sorted(RESOURCES))})")
    variants = raw.get("variants")
    for tag, variant in (variants if isinstance(variants, dict) else {}).items():
        if tag not in STACK_TAGS:
            problems.append(f"variants: unknown stack '{tag}' (known: {', '.join(STACK_TAGS)})")
        elif not isinstance(variant, dict) or not isinstance(variant.get("why"), str):
            problems.append(f"variants.{tag}: a mapping with 'why' (and measure, expected, requires or known_erratum)")
        else:
            problems += [f"variants.{tag}: unknown field '{k}' (allowed: {', '.join(VARIANT_FIELDS)})"
                         for k in variant if k not in VARIANT_FIELDS]
    return problems


def check_with_kind(claim: Claim, root: Path) -> list[str]:
    """The claim's kind's own checks, and the listing files its measurements name: each a file inside
    the claims tree ``root`` (no absolute path, no ``..`` or link that leads out of it)."""
    kind = registry().get(claim.kind)
    if kind is None:
        return []
    problems = kind.check(claim) + cite_problems(claim, root)
    for item in kind.measurements(claim):
        listings = item.get("listings") if isinstance(item, dict) else None
        if not isinstance(listings, list):
            continue  # the kind's field check names the type it wants
        for p in listings:
            if isinstance(p, str):
                problems += listing_problems(claim, p, root)
    return problems


def inside(claim: Claim, relative: str, root: Path, field: str) -> tuple[Path | None, list[str]]:
    """The file a spec path names, if it is one inside the claims tree ``root``."""
    if "\x00" in relative or Path(relative).is_absolute():
        return None, [f"{field}: '{relative}' must be a path relative to the spec file"]
    path = claim.resolve(relative)  # links followed
    if not path.is_relative_to(Path(root).resolve()):
        return None, [f"{field}: '{relative}' leads outside the claims tree {root} (to {path})"]
    if not path.is_file():
        return None, [f"{field}: file not found: {path}"]
    return path, []


def listing_problems(claim: Claim, relative: str, root: Path) -> list[str]:
    file, cells = notebooks.split(relative)
    path, problems = inside(claim, file, root, "measure.listings")
    if path is None or cells is None:
        return problems
    try:
        notebooks.select(notebooks.read(path), cells, f"measure.listings: {relative}")
    except ClaimError as exc:
        return [str(exc)]
    return notebooks.sidecar_problems(path)


def cite_problems(claim: Claim, root: Path) -> list[str]:
    """A cite ``from: notebook`` names a cell of a notebook in the claims tree, and its quote is in
    that cell (its source, or for code its outputs)."""
    problems = []
    for i, cite in enumerate(claim.source.get("cite", [])):
        if not isinstance(cite, dict) or cite.get("from") != "notebook":
            continue
        field = f"source.cite[{i}]"
        relative, cell = claim.cited_notebook(cite), cite.get("cell")
        if not isinstance(relative, str) or not relative:
            problems.append(f"{field}: from: notebook needs `notebook:` (here or the file's `notebook:`)")
            continue
        if not isinstance(cell, int) or isinstance(cell, bool):
            problems.append(f"{field}: from: notebook needs `cell:`, the cell's index (from 0)")
            continue
        path, found = inside(claim, relative, root, f"{field}.notebook")
        problems += found
        if path is not None and isinstance(cite.get("quote"), str):
            why = notebooks.quote_problem(path, cell, cite["quote"])
            problems += [f"{field}: {why}"] if why else []
    return problems


def problems_of(claims: list[Claim]) -> list[Problem]:
    return [Problem(Path(c.file), c.line, "" if c.id.startswith("file:") else c.id, msg)
            for c in claims for msg in c.problems]


def support_file_problems(root: Path) -> list[str]:
    """What is wrong with the references.yaml, coverage.yaml and requirements.txt files under ``root``."""
    root = Path(root)
    if not root.is_dir():
        return []
    problems = []
    for path in sorted(root.rglob("references.yaml")):
        problems += references.file_problems(path)
    for path in notes.coverage_files(root):
        problems += notes.file_problems(path)
    for path in sorted(root.rglob(libraries.FILE)):  # a book's libraries: plain requirements only
        try:
            libraries.read(path)
        except libraries.RequirementsProblem as exc:
            problems += str(exc).splitlines()
    return problems


def indistinct_pairs(claims: list[Claim]) -> list[str]:
    """Pairs of stochastic claims of one spec file, each on one measurement and stating different
    values of different things, whose bands each hold the other's stated value (issue 38, item 5):
    no run can tell the two apart, so a claim that one beats the other needs a comparison of its own.
    Flagged as notes (``FILE:LINE: note: ...``), not problems."""
    from .. import stats

    banded = []
    for claim in claims:
        kind = registry().get(claim.kind)
        if kind is None or not kind.stochastic or claim.problems or len(kind.measurements(claim)) != 1:
            continue
        try:
            stated, ref = kind.scale(claim)
            banded.append((claim, kind.quantity(claim), stated, stats.band(stated, ref.sd, ref.drift, ref.shift)))
        except Exception:  # noqa: BLE001 - a pending or broken reference: its own check says so
            continue
    notes_ = []
    for i, (a, qa, sa, (alo, ahi)) in enumerate(banded):
        for b, qb, sb, (blo, bhi) in banded[i + 1:]:
            if a.file != b.file or qa == qb or sa.value == sb.value:
                continue
            if alo <= sb.value <= ahi and blo <= sa.value <= bhi:
                notes_.append(f"{a.file}:{a.line}: note: [{a.id}] and [{b.id}]: each band holds the other's stated "
                              f"value ({a.id} [{alo:.4g}, {ahi:.4g}] holds {sb.value:.4g}; {b.id} [{blo:.4g}, "
                              f"{bhi:.4g}] holds {sa.value:.4g}): no run tells them apart; that one beats the "
                              "other is a comparison claim's to decide")
    return notes_
