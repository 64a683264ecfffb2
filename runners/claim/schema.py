"""The spec schema, written once: dataclasses whose field metadata are the validation rules.

A spec file is a :class:`SpecFile`; each of its claims a :class:`Claim`, whose ``source`` is a
:class:`Source` with :class:`Cite` entries. A field that a spec may set carries a
:class:`Rule` in its metadata (types, required, choices, doc); :func:`check_fields` validates a
YAML mapping against a dataclass's rules, and docs/schema.md is checked against the same rules
by a test. Each kind's ``measure`` fields are rules of the kind's module.

:class:`Described` is what a claim says and where it stands; a result carries the same fields
(``Result`` in verdict.py derives from it), so they are written here only.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.tiers import TIERS
from .values import FunctionRef

ORIGINS = ("book", "notebook", "notes", "ko-runs", "readers", "derived")


@dataclass(frozen=True)
class Rule:
    """One key a spec mapping may hold: its type(s), whether required, allowed values, meaning."""

    types: tuple
    required: bool = False
    choices: tuple | None = None
    doc: str = ""
    name: str = ""  # the YAML key where it differs from the Python name ("from")


def spec(types, *, required=False, choices=None, doc="", name="", default=dataclasses.MISSING,
         default_factory=dataclasses.MISSING):
    """A dataclass field that a spec may set, with its rule."""
    kwargs = {}
    if default is not dataclasses.MISSING:
        kwargs["default"] = default
    if default_factory is not dataclasses.MISSING:
        kwargs["default_factory"] = default_factory
    return field(metadata={"rule": Rule(tuple(types), required, choices, doc, name)}, **kwargs)


def rules(cls) -> dict[str, Rule]:
    """YAML key -> rule, for every spec field of a schema dataclass."""
    out = {}
    for f in dataclasses.fields(cls):
        rule = f.metadata.get("rule")
        if rule is not None:
            out[rule.name or f.name] = rule
    return out


TYPE_NAMES = {"str_list": "a list of strings", "shape": "a shape list", "number": "a number",
              "function": "!function module.name", str: "str", int: "int", dict: "a mapping",
              list: "a list", bool: "true or false"}


def type_name(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", type(None): "null"}.get(
        type(value), type(value).__name__)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
        elif t == "function":
            if isinstance(value, FunctionRef):
                return True
        elif t is int:
            if _is_int(value):
                return True
        elif t == "str_list":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return True
        elif isinstance(t, type) and isinstance(value, t):
            return True
    return False


def check_fields(mapping: Any, fields: dict[str, Rule] | type, where: str) -> list[str]:
    """Problems of a mapping against rules (unknown keys, missing, mistyped, not a choice)."""
    if not isinstance(fields, dict):
        fields = rules(fields)
    if not isinstance(mapping, dict):
        return [f"{where} must be a mapping, got {type_name(mapping)}"]
    problems = []
    for key in mapping:
        if key != "__line__" and key not in fields:
            problems.append(f"{where}: unknown field '{key}' (allowed: {', '.join(sorted(fields))})")
    for key, rule in fields.items():
        if key not in mapping:
            if rule.required:
                problems.append(f"{where}: missing required field '{key}'")
            continue
        value = mapping[key]
        if not is_type(value, rule.types):
            wanted = " or ".join(TYPE_NAMES.get(t, getattr(t, "__name__", str(t))) for t in rule.types)
            problems.append(f"{where}.{key}: expected {wanted}, got {type_name(value)} ({value!r})")
        elif rule.choices is not None and value not in rule.choices:
            problems.append(f"{where}.{key}: '{value}' is not one of {', '.join(map(str, rule.choices))}")
    return problems


# --- the schema ---------------------------------------------------------------------------

@dataclass(kw_only=True)
class SpecFile:
    """One YAML file: a book section's claims."""

    book: str = spec([str], required=True, doc="short id of the book, e.g. `dlwp2`")
    edition: int = spec([int], doc="edition number", default=None)
    chapter: Any = spec([int, str], required=True, doc="chapter number")
    section: str = spec([str], required=True, doc="section number as printed, e.g. `\"8.1\"` (quote it: `8.10` is not `8.1`)")
    title: str = spec([str], required=True, doc="the section's title")
    notebook: str = spec([str], doc="the notebook the section's claims cite (`from: notebook`), relative to the spec file", default="")
    defaults: dict = spec([dict], doc="a mapping merged into every claim of the file; the claim's own fields win, mappings merge key by key", default=None)
    claims: list = spec([list], required=True, doc="the list of claims", default=None)


@dataclass
class Source:
    section: str = spec([str], doc="defaults to the file's `section`", default="")
    listing: str = spec([str], doc="the book's listing number, e.g. `\"8.2\"`", default="")
    stated: str = spec([str], required=True, doc="the value as the text states it (`\"(None, 26, 26, 32)\"`, `\"99.1%\"`)", default="")
    cite: list = spec([list], required=True, doc="one entry per source that states it: `{from, quote, line}`", default=None)


@dataclass
class Cite:
    from_: str = spec([str], required=True, choices=ORIGINS, name="from",
                      doc="`book`, `notebook`, `notes`, `ko-runs`, `readers` or `derived`", default="")
    quote: str = spec([str], required=True, doc="the sentence or printed output, verbatim", default="")
    line: int = spec([int], doc="the line in the notes file, for `from: notes`", default=None)
    cell: int = spec([int], doc="the notebook cell (its index, from 0), for `from: notebook`: the quote must be in it", default=None)
    notebook: str = spec([str], doc="for `from: notebook`: the notebook, relative to the spec file (default: the file's `notebook`)", default="")


@dataclass(kw_only=True)
class Described:
    """What a claim states and where: shared by a claim and its result."""

    id: str = spec([str], required=True, doc="stable id, unique across all specs (`book.chapter.subject.what`)")
    kind: str = spec([str], required=True, doc="the claim kind: the name of a module in `runners/kinds/`")
    title: str = spec([str], doc="one line for the report; default: `source.stated`", default="")
    expected: Any = spec(["any"], required=True, doc="the stated value, in the kind's form", default=None)
    tolerance: Any = spec(["any"], doc="how far a measurement may be from `expected`, for the kinds that take one", default=None)
    tier: str = spec([str], required=True, choices=TIERS, doc="`static` (no training), `cpu` (the book's settings, on a CPU), `gpu` (nightly)", default="static")
    source: dict = spec([dict], required=True, doc="where the claim is made (below)", default_factory=dict)
    book: str = ""
    chapter: str = ""
    section: str = ""
    section_title: str = ""
    file: str = ""
    line: int | None = None


@dataclass(kw_only=True)
class Claim(Described):
    """One checkable statement, as loaded from a spec file."""

    measure: dict = spec([dict], required=True, doc="what to measure; its fields depend on the kind (below)", default_factory=dict)
    requires: list = spec(["str_list"], doc="resources the claim needs: `mnist`, `fashion_mnist`, `california_housing`, `cifar10`, `dogs_vs_cats`, `vgg16_weights`, `gpu`, `tensorflow`; missing ones make the claim `skipped`, with the reason and the fix", default_factory=list)
    cost: dict = spec([dict], doc="estimated seconds per training run, e.g. `{cpu_s: 60, gpu_s: 5}`", default_factory=dict)
    reference: Any = spec([str, dict], doc="stochastic kinds: the recorded per-seed values (in `references.yaml`) their allowance comes from", default=None)
    evidence: str = spec([str], doc="stochastic kinds: readers' runs (a `source: readers` reference) that decide the claim when it cannot run here (no data, no weights, above the run's tier); the verdict says so", default="")
    hedge: dict = spec([dict], doc="where the text hedges the stated value: `{within: \"1%\", cite: {from: book, quote: ...}}`, the interval the book promises", default=None)
    known_erratum: str = spec([str], doc="the claim is a known erratum (why, and where it is reported): its failure does not fail the run, its passing is an error", default="")
    variants: dict = spec([dict], doc="fields that differ on a stack: `{keras2: {measure: {layer: input_1}, why: ...}}`", default_factory=dict)
    problems: list = field(default_factory=list)  # non-empty: the claim is broken
    notebook: str = ""  # the spec file's notebook, for cites `from: notebook`

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)

    @property
    def origins(self) -> list[str]:
        return [c.get("from", "") for c in self.source.get("cite", [])]

    def cited_notebook(self, cite: dict) -> str:
        """The notebook a ``from: notebook`` cite names (its own, else the spec file's), relative to the spec."""
        return cite.get("notebook") or self.notebook

    def resolve(self, relative: str) -> Path:
        """A path in the spec, relative to the spec file."""
        return (Path(self.file).parent / relative).resolve()


def described_fields(obj: Described) -> dict:
    """The :class:`Described` fields of a claim or result, for copying from one to the other."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(Described)}
