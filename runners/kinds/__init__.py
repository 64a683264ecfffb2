"""Claim kinds. Each public module here defines ``KIND``, an instance of :class:`Kind`.

Adding a kind is one module in this package (found by :func:`registry`) plus its tests.
Modules whose names start with ``_`` are helpers shared by kinds.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import TYPE_CHECKING

from runners.schema import Field, check_fields

if TYPE_CHECKING:  # pragma: no cover
    from runners.context import RunContext
    from runners.schema import Claim
    from runners.verdict import Verdict


class Kind:
    """A claim kind: the fields its ``measure`` takes, how it measures, how it decides."""

    name: str = ""
    summary: str = ""
    measure_fields: dict[str, Field] = {}
    tolerance_doc: str = "none: the measurement must equal the expected value"

    def check(self, claim: "Claim") -> list[str]:
        """Problems with the claim's measure, expected and tolerance (no code is run)."""
        return check_fields(claim.measure, self.measure_fields, "measure")

    def run(self, claim: "Claim", ctx: "RunContext") -> "Verdict":
        raise NotImplementedError


@lru_cache(maxsize=1)
def registry() -> dict[str, Kind]:
    kinds = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, Kind):
            kinds[kind.name] = kind
    return kinds
