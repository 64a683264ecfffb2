"""The spec schema: dataclasses for a claim and field rules that validate it.

The schema is documented in docs/schema.md; keep the two in step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIERS = ("static", "cpu", "gpu")
ORIGINS = ("book", "notes", "ko-runs", "derived")


@dataclass(frozen=True)
class Field:
    """One allowed key of a mapping: its type(s), whether it is required, allowed values."""

    types: tuple
    required: bool = False
    choices: tuple | None = None
    doc: str = ""


def check_fields(mapping: Any, fields: dict[str, Field], where: str) -> list[str]:
    """Problems with a mapping against its field rules (unknown keys, missing, mistyped)."""
    if not isinstance(mapping, dict):
        return [f"{where} must be a mapping, got {type_name(mapping)}"]
    problems = []
    for key in mapping:
        if key != "__line__" and key not in fields:
            allowed = ", ".join(sorted(fields))
            problems.append(f"{where}: unknown field '{key}' (allowed: {allowed})")
    for key, rule in fields.items():
        if key not in mapping:
            if rule.required:
                problems.append(f"{where}: missing required field '{key}'")
            continue
        value = mapping[key]
        if not is_type(value, rule.types):
            wanted = " or ".join(TYPE_NAMES.get(t, getattr(t, "__name__", t)) for t in rule.types)
            problems.append(f"{where}.{key}: expected {wanted}, got {type_name(value)} ({value!r})")
        elif rule.choices is not None and value not in rule.choices:
            problems.append(f"{where}.{key}: '{value}' is not one of {', '.join(map(str, rule.choices))}")
    return problems


TYPE_NAMES = {"str_list": "a list of strings", "shape": "a shape list", "number": "a number",
              str: "str", int: "int", dict: "a mapping", list: "a list"}


def type_name(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def is_type(value: Any, types: tuple) -> bool:
    for t in types:
        if t == "any":
            return True
        if t == "shape":
            if isinstance(value, list) and all(v is None or _is_int(v) for v in value):
                return True
        elif t == "number":
            if _is_int(value) or isinstance(value, float):
                return True
        elif t is int:
            if _is_int(value):
                return True
        elif t == "str_list":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return True
        elif isinstance(value, t):
            return True
    return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- the file and the claim ---------------------------------------------------------------

FILE_FIELDS = {
    "book": Field((str,), required=True, doc="short id of the book, e.g. dlwp2"),
    "edition": Field((int,), doc="edition number"),
    "chapter": Field((int, str), required=True, doc="chapter number"),
    "section": Field((str,), required=True, doc="section number as printed, e.g. '8.1'"),
    "title": Field((str,), required=True, doc="section title"),
    "defaults": Field((dict,), doc="fields merged into every claim of the file (claim wins)"),
    "claims": Field((list,), required=True, doc="the claims"),
}

CLAIM_FIELDS = {
    "id": Field((str,), required=True, doc="stable id, unique across all specs"),
    "kind": Field((str,), required=True, doc="claim kind: a module of runners/kinds"),
    "title": Field((str,), doc="one line a person reads in the report"),
    "source": Field((dict,), required=True, doc="where the claim is made; see SOURCE_FIELDS"),
    "measure": Field((dict,), required=True, doc="what to measure; fields depend on the kind"),
    "expected": Field(("any",), required=True, doc="the stated value, in the kind's form"),
    "tolerance": Field(("any",), doc="how far the measurement may be from expected; per kind"),
    "tier": Field((str,), required=True, choices=TIERS, doc="static, cpu or gpu"),
    "requires": Field(("str_list",), doc="resources the claim needs: mnist, gpu, ..."),
    "cost": Field((dict,), doc="estimated cost, e.g. {cpu_s: 60, gpu_s: 5} per seed"),
}

SOURCE_FIELDS = {
    "section": Field((str,), doc="defaults to the file's section"),
    "listing": Field((str,), doc="the book's listing number, e.g. '8.2'"),
    "stated": Field((str,), required=True, doc="the value as the text states it"),
    "cite": Field((list,), required=True, doc="one entry per source that states the value"),
}

CITE_FIELDS = {
    "from": Field((str,), required=True, choices=ORIGINS, doc="book, notes, ko-runs or derived"),
    "quote": Field((str,), required=True, doc="the sentence or printed output, verbatim"),
    "line": Field((int,), doc="line in the notes file, for from: notes"),
}


@dataclass
class Claim:
    """One checkable statement, loaded from a spec file."""

    id: str
    kind: str
    source: dict
    measure: dict
    expected: Any
    tier: str
    title: str = ""
    tolerance: Any = None
    requires: list = field(default_factory=list)
    cost: dict = field(default_factory=dict)
    book: str = ""
    chapter: str = ""
    section: str = ""
    section_title: str = ""
    file: Path = Path()
    line: int | None = None
    problems: list = field(default_factory=list)  # non-empty: the claim is broken

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)

    @property
    def origins(self) -> list[str]:
        return [c.get("from", "") for c in self.source.get("cite", [])]

    def resolve(self, relative: str) -> Path:
        """A path in the spec, relative to the spec file."""
        return (self.file.parent / relative).resolve()
