"""Loading claim specs from YAML files and validating them against the schema.

A broken claim is never dropped: it is loaded with its problems, so `verify` reports it as an
error (and runs every other claim) and `validate` lists every problem with file, line and id.
"""
from __future__ import annotations

import copy
import fnmatch
from dataclasses import dataclass, replace
from pathlib import Path

from claimcheck.runners import resources
from claimcheck.runners.kinds import registry
from claimcheck.runners.schema import Cite, Claim, Source, SpecFile, check_fields, rules
from claimcheck.runners.yamlload import LINE_KEY, SpecSyntaxError, load_yaml, strip_lines

# the stacks a claim's variants may name (see environment.stack())
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


def is_spec_file(path: Path) -> bool:
    """A claims file: YAML, not a listing, not the coverage notes or the reference values."""
    return (path.suffix == ".yaml" and "listings" not in path.parts
            and path.name not in ("coverage.yaml", "references.yaml"))


def spec_files(root: Path) -> list[Path]:
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if is_spec_file(p))


def merge(defaults: dict, claim: dict) -> dict:
    merged = copy.deepcopy(defaults)
    for key, value in claim.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _broken_file(path: Path, line: int | None, message: str) -> Claim:
    """Stands for a whole file that could not be read, so the report shows it."""
    return Claim(id=f"file:{path}", kind="(spec file)", file=str(path), line=line, problems=[message])


def load_file(path: Path) -> list[Claim]:
    path = Path(path)
    try:
        data = load_yaml(path)
    except SpecSyntaxError as exc:
        return [_broken_file(path, exc.line, exc.message)]
    if isinstance(data, dict):  # x-... keys hold YAML anchors for the claims to reuse
        data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    file_problems = check_fields(data, SpecFile, "file")
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        return [_broken_file(path, 1, "; ".join(file_problems) or "no list of claims")]
    defaults = strip_lines(data.get("defaults") or {})
    claim_fields = set(rules(Claim))
    claims = []
    for index, raw in enumerate(data["claims"]):
        if not isinstance(raw, dict):
            claims.append(_broken_file(path, None, f"claims[{index}] must be a mapping"))
            continue
        merged = merge(defaults, strip_lines(raw))
        claim_id = merged.get("id") if isinstance(merged.get("id"), str) else f"{path.name}#{index}"
        problems = list(file_problems) + check_claim(merged)
        source = merged.get("source") if isinstance(merged.get("source"), dict) else {}
        given = {k: v for k, v in merged.items() if k in claim_fields}
        given.update(
            id=claim_id, kind=str(merged.get("kind", "")), source=source,
            measure=merged.get("measure") if isinstance(merged.get("measure"), dict) else {},
            tier=merged.get("tier") if merged.get("tier") in ("static", "cpu", "gpu") else "static",
            requires=list(merged.get("requires") or []) if isinstance(merged.get("requires"), list) else [],
            cost=merged.get("cost") if isinstance(merged.get("cost"), dict) else {},
            variants=merged.get("variants") if isinstance(merged.get("variants"), dict) else {},
            title=merged.get("title") if isinstance(merged.get("title"), str) else "",
            known_erratum=merged.get("known_erratum") if isinstance(merged.get("known_erratum"), str) else "",
        )
        claims.append(Claim(
            **given, book=str(data.get("book", "")), chapter=str(data.get("chapter", "")),
            section=str(source.get("section") or data.get("section", "")),
            # the file's title names its own section only (a claim may sit in another)
            section_title=str(data.get("title", "")) if not source.get("section")
            or source.get("section") == data.get("section") else "",
            file=str(path), line=raw.get(LINE_KEY), problems=problems,
        ))
    for claim in claims:  # the kind's own checks need the Claim object
        kind = registry().get(claim.kind)
        if kind is not None:
            claim.problems.extend(kind.check(claim))
            claim.problems.extend(_check_listing_files(claim))
    return claims


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
        if isinstance(name, str) and name not in resources.REGISTRY:
            problems.append(f"requires: unknown resource '{name}' (known: {', '.join(sorted(resources.REGISTRY))})")
    for tag, variant in (raw.get("variants") or {}).items():
        if tag not in STACK_TAGS:
            problems.append(f"variants: unknown stack '{tag}' (known: {', '.join(STACK_TAGS)})")
        elif not isinstance(variant, dict) or not isinstance(variant.get("why"), str):
            problems.append(f"variants.{tag}: a mapping with 'why' (and measure, expected, requires or known_erratum)")
        else:
            problems += [f"variants.{tag}: unknown field '{k}' (allowed: {', '.join(VARIANT_FIELDS)})"
                         for k in variant if k not in VARIANT_FIELDS]
    return problems


def _check_listing_files(claim: Claim) -> list[str]:
    paths = list(claim.measure.get("listings", []))
    for side in ("a", "b"):
        if isinstance(claim.measure.get(side), dict):
            paths += claim.measure[side].get("listings", [])
    return [f"measure.listings: file not found: {claim.resolve(p)}"
            for p in paths if isinstance(p, str) and not claim.resolve(p).is_file()]


def load(root: Path) -> list[Claim]:
    """Every claim under ``root``; duplicate ids are marked broken (the first one stands)."""
    claims = [c for path in spec_files(root) for c in load_file(path)]
    first: dict[str, Claim] = {}
    for claim in claims:
        if claim.id in first:
            claim.problems.append(f"duplicate id: first defined at {first[claim.id].where}")
        else:
            first[claim.id] = claim
    return claims


def problems_of(claims: list[Claim]) -> list[Problem]:
    return [Problem(Path(c.file), c.line, "" if c.id.startswith("file:") else c.id, msg)
            for c in claims for msg in c.problems]


def matches(claim_id: str, pattern: str) -> bool:
    return pattern in claim_id or fnmatch.fnmatch(claim_id, pattern)


def select(claims: list[Claim], keywords=(), exclude=()) -> list[Claim]:
    """Claims whose id matches any keyword (all without one), minus the excluded."""
    chosen = [c for c in claims if not keywords or any(matches(c.id, k) for k in keywords)]
    return [c for c in chosen if not any(matches(c.id, x) for x in exclude)]


def for_stack(claim: Claim, tags) -> tuple[Claim, dict | None]:
    """The claim as it reads on a stack (its variant merged in), and which variant applied."""
    for tag in tags:
        variant = claim.variants.get(tag)
        if isinstance(variant, dict):
            changed = {k: v for k, v in variant.items() if k != "why"}
            measure = merge(claim.measure, changed.get("measure", {}))
            updated = replace(claim, measure=measure, expected=changed.get("expected", claim.expected),
                              requires=list(changed.get("requires", claim.requires)),
                              known_erratum=changed.get("known_erratum", claim.known_erratum))
            return updated, {"stack": tag, "why": variant["why"]}
    return claim, None
