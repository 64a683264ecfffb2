"""Loading claim specs from YAML files and validating them against the schema.

A broken claim is never dropped: it is loaded with its problems, so `verify` reports it as an
error (and runs every other claim) and `validate` lists every problem with file, line and id.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from runners import requirements
from runners.kinds import registry
from runners.schema import (CITE_FIELDS, CLAIM_FIELDS, FILE_FIELDS, SOURCE_FIELDS, Claim,
                            check_fields)
from runners.yamlload import LINE_KEY, SpecSyntaxError, load_yaml, strip_lines


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


def spec_files(root: Path) -> list[Path]:
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml")
                  if "listings" not in p.parts and p.name != "coverage.yaml")  # coverage notes: runners/coverage.py


def _merge(defaults: dict, claim: dict) -> dict:
    merged = copy.deepcopy(defaults)
    for key, value in claim.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _broken_file(path: Path, line: int | None, message: str) -> Claim:
    """Stands for a whole file that could not be read, so the report shows it."""
    return Claim(id=f"file:{path}", kind="(spec file)", source={}, measure={}, expected=None,
                 tier="static", file=path, line=line, problems=[message])


def load_file(path: Path) -> list[Claim]:
    path = Path(path)
    try:
        data = load_yaml(path)
    except SpecSyntaxError as exc:
        return [_broken_file(path, exc.line, exc.message)]
    if isinstance(data, dict):  # x-... keys hold YAML anchors for the claims to reuse
        data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    file_problems = check_fields(data, FILE_FIELDS, "file")
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        return [_broken_file(path, 1, "; ".join(file_problems) or "no list of claims")]
    defaults = strip_lines(data.get("defaults") or {})
    claims = []
    for index, raw in enumerate(data["claims"]):
        if not isinstance(raw, dict):
            claims.append(_broken_file(path, None, f"claims[{index}] must be a mapping"))
            continue
        line = raw.get(LINE_KEY)
        merged = _merge(defaults, strip_lines(raw))
        claim_id = merged.get("id") if isinstance(merged.get("id"), str) else f"{path.name}#{index}"
        problems = list(file_problems) + check_claim(merged)
        source = merged.get("source") if isinstance(merged.get("source"), dict) else {}
        claims.append(Claim(
            id=claim_id,
            kind=str(merged.get("kind", "")),
            title=merged.get("title", ""),
            source=source,
            measure=merged.get("measure") if isinstance(merged.get("measure"), dict) else {},
            expected=merged.get("expected"),
            tolerance=merged.get("tolerance"),
            tier=merged.get("tier", "static") if merged.get("tier") in ("static", "cpu", "gpu") else "static",
            requires=list(merged.get("requires") or []),
            cost=merged.get("cost") or {},
            book=str(data.get("book", "")),
            chapter=str(data.get("chapter", "")),
            section=str(source.get("section") or data.get("section", "")),
            # the file's title names its own section only (a claim may sit in another)
            section_title=str(data.get("title", "")) if not source.get("section")
            or source.get("section") == data.get("section") else "",
            file=path,
            line=line,
            problems=problems,
        ))
    # the kind's own checks need the Claim object
    for claim in claims:
        kind = registry().get(claim.kind)
        if kind is not None:
            claim.problems.extend(kind.check(claim))
            claim.problems.extend(_check_listing_files(claim))
    return claims


def check_claim(raw: dict) -> list[str]:
    problems = check_fields(raw, CLAIM_FIELDS, "claim")
    kind = raw.get("kind")
    if isinstance(kind, str) and kind not in registry():
        problems.append(f"unknown kind '{kind}' (known: {', '.join(sorted(registry()))})")
    source = raw.get("source")
    if isinstance(source, dict):
        problems += check_fields(source, SOURCE_FIELDS, "source")
        for i, cite in enumerate(source.get("cite") or []):
            problems += check_fields(cite, CITE_FIELDS, f"source.cite[{i}]")
    for name in raw.get("requires") or []:
        if isinstance(name, str) and name not in requirements.CHECKS:
            problems.append(f"requires: unknown resource '{name}' "
                            f"(known: {', '.join(sorted(requirements.CHECKS))})")
    return problems


def _check_listing_files(claim: Claim) -> list[str]:
    return [f"measure.listings: file not found: {claim.resolve(p)}"
            for p in claim.measure.get("listings", []) if not claim.resolve(p).is_file()]


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
    return [Problem(c.file, c.line, "" if c.id.startswith("file:") else c.id, msg)
            for c in claims for msg in c.problems]
