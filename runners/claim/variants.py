"""A claim as written, and the same claim for one stack: its ``variants`` entry for that stack applied.

A spec may say that a field differs on a stack (``variants: {keras2: {measure: {layer: input_1},
why: ...}}``). A run resolves every claim once, when its session takes the claim in
(:func:`on_stack`); from there on the engine holds a :class:`ClaimOnStack`, whose type says that
the variant is applied, and which variant it was (``variant``; the result records it), and carries
the recorded references its kind reads (``references``, read once). Reports,
coverage and the errata read the claims as written (:class:`Claim`).
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, fields
from typing import Any

from .references import recorded
from .schema import Claim


def overlay(base: dict, changes: dict) -> dict:
    """``base`` with ``changes`` laid over it: mappings key by key, anything else replaced (a deep copy)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = overlay(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(kw_only=True)
class ClaimOnStack(Claim):
    """A claim as it reads on one stack: the variant for that stack (if any) applied."""

    stack: str = ""  # the stack it was resolved for (the first of the stack's tags)
    variant: dict | None = None  # {"stack": tag, "why": ...} where a variant applied; None where none did
    written_expected: Any = None  # the value as the book states it (``expected`` is the variant's, if any)

    @functools.cached_property
    def references(self) -> dict:
        """Every recorded reference the claim can name (references.recorded), read once for the claim
        on its stack, however many of a kind's hooks ask; a malformed file raises each time."""
        return recorded(self.file)


def references_of(claim: Claim) -> dict:
    """A claim's recorded references: held by a claim on its stack, read from its spec's files otherwise."""
    return claim.references if isinstance(claim, ClaimOnStack) else recorded(claim.file)


def on_stack(claim: Claim, tags) -> ClaimOnStack:
    """``claim`` for the stack named by ``tags`` (most specific first). A claim already resolved for
    that stack is returned as it is; a broken claim is taken as written (it is an error anyway)."""
    tags = tuple(tags)
    stack = tags[0] if tags else ""
    if isinstance(claim, ClaimOnStack):
        if claim.stack != stack:
            raise ValueError(f"{claim.id} was resolved for the stack {claim.stack!r}, not {stack!r}")
        return claim
    written = {f.name: getattr(claim, f.name) for f in fields(Claim)}
    if not claim.problems:
        for tag in tags:
            variant = claim.variants.get(tag)
            if isinstance(variant, dict):
                problem = _variant_problem(tag, variant)
                if problem:  # a broken variant: the claim is an error saying so, never a crash of the run
                    written["problems"] = [*claim.problems, problem]
                    break
                changed = {k: v for k, v in variant.items() if k != "why"}
                written.update(measure=overlay(claim.measure, changed.get("measure", {})),
                               expected=changed.get("expected", claim.expected),
                               requires=list(changed.get("requires", claim.requires)),
                               known_erratum=changed.get("known_erratum", claim.known_erratum))
                return ClaimOnStack(**written, stack=stack, variant={"stack": tag, "why": variant["why"]},
                                    written_expected=claim.expected)
    return ClaimOnStack(**written, stack=stack, written_expected=claim.expected)


def _variant_problem(tag: str, variant: dict) -> str:
    """What keeps a variant from being applied (the catalog checks its field names; these are its types)."""
    wants = {"measure": (dict, "a mapping"), "requires": (list, "a list of resource names"),
             "known_erratum": (str, "a string"), "why": (str, "a string")}
    for key, (typ, words) in wants.items():
        if key in variant and not isinstance(variant[key], typ):
            return f"variants.{tag}.{key}: expected {words}, got {type(variant[key]).__name__}"
    if "requires" in variant and not all(isinstance(r, str) for r in variant["requires"]):
        return f"variants.{tag}.requires: expected a list of resource names"
    return ""



