"""Loading claim specs from YAML files: one Claim per entry, each with its problems (validation.py).

A broken claim is never dropped: it is loaded with its problems, so `verify` reports it as an
error (and runs every other claim) and `validate` lists every problem with file, line and id.
"""
from __future__ import annotations

from pathlib import Path

from ..claim.notes import is_coverage_file
from ..claim.schema import Claim, SpecFile, check_fields, rules
from ..claim.variants import overlay
from ..claim.yamlload import LINE_KEY, SpecSyntaxError, load_yaml, strip_lines
from .validation import check_claim, check_with_kind


def is_spec_file(path: Path) -> bool:
    """A claims file: YAML, not a listing, not the coverage notes, the reference values, a notebook's
    recorded changes (``NAME.changes.yaml``) or a hidden file (``claimcheck draft``'s own trial run)."""
    return (path.suffix == ".yaml" and "listings" not in path.parts and not is_coverage_file(path)
            and not path.name.startswith(".")
            and path.name != "references.yaml" and not path.name.endswith(".changes.yaml"))


def spec_files(root: Path) -> list[Path]:
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if is_spec_file(p))


def _broken_file(path: Path, line: int | None, message: str) -> Claim:
    """Stands for a whole file that could not be read, so the report shows it."""
    return Claim(id=f"file:{path}", kind="(spec file)", file=str(path), line=line, problems=[message])


def claims_root(path: Path) -> Path:
    """The claims tree a spec file belongs to: its nearest ancestor folder named ``claims``, else its folder."""
    path = Path(path).resolve()
    for folder in path.parents:
        if folder.name == "claims":
            return folder
    return path.parent


def _mapping(value, default=None):
    return value if isinstance(value, dict) else ({} if default is None else default)


def load_file(path: Path, root: Path | None = None) -> list[Claim]:
    """The claims of one spec file, each with its problems. Never raises: a file that cannot be read
    is one broken claim naming it, and so is any fault of the loader itself."""
    path = Path(path)
    try:
        return _load_file(path, Path(root) if root is not None else claims_root(path))
    except Exception as exc:  # a fault of the loader: the file's claims cannot be trusted, the run goes on
        return [_broken_file(path, None, f"could not be loaded: {type(exc).__name__}: {exc}")]


def _load_file(path: Path, root: Path) -> list[Claim]:
    try:
        data = load_yaml(path, root)
    except SpecSyntaxError as exc:
        return [_broken_file(path, exc.line, exc.message)]
    if isinstance(data, dict):  # x-... keys hold YAML anchors for the claims to reuse
        data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    file_problems = check_fields(data, SpecFile, "file")
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        return [_broken_file(path, 1, "; ".join(file_problems) or "no list of claims")]
    defaults = strip_lines(data.get("defaults")) if isinstance(data.get("defaults"), dict) else {}
    claim_fields = set(rules(Claim))
    claims = []
    for index, raw in enumerate(data["claims"]):
        if not isinstance(raw, dict):
            claims.append(_broken_file(path, None, f"claims[{index}] must be a mapping"))
            continue
        merged = overlay(defaults, strip_lines(raw))
        claim_id = merged.get("id") if isinstance(merged.get("id"), str) else f"{path.name}#{index}"
        problems = list(file_problems) + check_claim(merged)
        source = _mapping(merged.get("source"))
        given = {k: v for k, v in merged.items() if k in claim_fields}
        given.update(
            id=claim_id, kind=str(merged.get("kind", "")), source=source,
            measure=_mapping(merged.get("measure")),
            tier=merged.get("tier") if merged.get("tier") in ("static", "cpu", "gpu") else "static",
            requires=list(merged.get("requires") or []) if isinstance(merged.get("requires"), list) else [],
            cost=_mapping(merged.get("cost")),
            variants=_mapping(merged.get("variants")),
            title=merged.get("title") if isinstance(merged.get("title"), str) else "",
            known_erratum=merged.get("known_erratum") if isinstance(merged.get("known_erratum"), str) else "",
        )
        if not isinstance(source.get("cite"), list):
            source["cite"] = []  # its type is a problem above; no reader of the claim meets it
        claims.append(Claim(
            **given, book=str(data.get("book", "")), chapter=str(data.get("chapter", "")),
            section=str(source.get("section") or data.get("section", "")),
            # the file's title names its own section only (a claim may sit in another)
            section_title=str(data.get("title", "")) if not source.get("section")
            or source.get("section") == data.get("section") else "",
            notebook=str(data.get("notebook") or ""),
            file=str(path), line=raw.get(LINE_KEY), problems=problems,
        ))
    for claim in claims:  # the kind's own checks need the Claim object
        try:
            claim.problems.extend(check_with_kind(claim, root))
        except Exception as exc:  # met a field of the wrong type: where it is named already, enough
            if not claim.problems:
                claim.problems.append(f"its kind's checks failed: {type(exc).__name__}: {exc}")
    return claims


def load(root: Path) -> list[Claim]:
    """Every claim under ``root``. An id defined twice is broken in every place it is defined: each
    names the others, and none of them runs (which one was meant is for the author to say)."""
    root = Path(root)
    # a folder inside claims/ (one book, one chapter) keeps the whole tree: its notebooks may be a sibling's
    tree = claims_root(root / "_") if root.is_dir() else claims_root(root)
    claims = [c for path in spec_files(root) for c in load_file(path, tree)]
    places: dict[str, list[Claim]] = {}
    for claim in claims:
        places.setdefault(claim.id, []).append(claim)
    for same in places.values():
        if len(same) > 1:
            for claim in same:
                others = ", ".join(c.where for c in same if c is not claim)
                claim.problems.append(f"duplicate id '{claim.id}': also defined at {others}")
    return claims
