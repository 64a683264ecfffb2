"""Loading claim specs from YAML files: one Claim per entry, each with its problems (validation.py).

A broken claim is never dropped: it is loaded with its problems, so `verify` reports it as an
error (and runs every other claim) and `validate` lists every problem with file, line and id.
"""
from __future__ import annotations

import copy
from pathlib import Path

from ..spec.schema import Claim, SpecFile, check_fields, rules
from ..spec.yamlload import LINE_KEY, SpecSyntaxError, load_yaml, strip_lines
from .validation import check_claim, check_with_kind


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
        claim.problems.extend(check_with_kind(claim))
    return claims


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


