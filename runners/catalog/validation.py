"""A spec's problems, found without running anything: the schema, the kind's own checks, the files it names.

A broken claim is never dropped: it keeps its problems, so `verify` reports it as an error (and
runs every other claim) and `validate` lists every problem with file, line and id.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..kinds import registry
from ..resources.registry import REGISTRY as RESOURCES
from ..spec.schema import Cite, Claim, Source, check_fields

# the stacks a claim's variants may name (see environment.machine.stack())
STACK_TAGS = ("keras2", "keras3", "tensorflow", "jax", "torch")
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
    problems = check_fields(raw, Claim, "claim")
    kind = raw.get("kind")
    if isinstance(kind, str) and kind not in registry():
        problems.append(f"unknown kind '{kind}' (known: {', '.join(sorted(registry()))})")
    source = raw.get("source")
    if isinstance(source, dict):
        problems += check_fields(source, Source, "source")
        for i, cite in enumerate(source.get("cite") or []):
            problems += check_fields(cite, Cite, f"source.cite[{i}]")
    for name in raw.get("requires") or []:
        if isinstance(name, str) and name not in RESOURCES:
            problems.append(f"requires: unknown resource '{name}' (known: {', '.join(sorted(RESOURCES))})")
    for tag, variant in (raw.get("variants") or {}).items():
        if tag not in STACK_TAGS:
            problems.append(f"variants: unknown stack '{tag}' (known: {', '.join(STACK_TAGS)})")
        elif not isinstance(variant, dict) or not isinstance(variant.get("why"), str):
            problems.append(f"variants.{tag}: a mapping with 'why' (and measure, expected, requires or known_erratum)")
        else:
            problems += [f"variants.{tag}: unknown field '{k}' (allowed: {', '.join(VARIANT_FIELDS)})"
                         for k in variant if k not in VARIANT_FIELDS]
    return problems


def check_with_kind(claim: Claim) -> list[str]:
    """The claim's kind's own checks, and the listing files its measurements name."""
    kind = registry().get(claim.kind)
    if kind is None:
        return []
    problems = kind.check(claim)
    for item in kind.measurements(claim):
        problems += [f"measure.listings: file not found: {claim.resolve(p)}"
                     for p in item.get("listings", []) if isinstance(p, str) and not claim.resolve(p).is_file()]
    return problems


def problems_of(claims: list[Claim]) -> list[Problem]:
    return [Problem(Path(c.file), c.line, "" if c.id.startswith("file:") else c.id, msg)
            for c in claims for msg in c.problems]
