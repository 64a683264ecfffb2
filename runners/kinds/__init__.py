"""Claim kinds: the one extension point. Each public module here defines ``KIND``, a :class:`Kind`.

A kind owns everything about its claims: the fields its ``measure`` takes and its checks of a
spec, the training runs it needs (``plan``), how it measures and decides (``run``), the
interval its stated value stands for and the quantity it measures (for the errata's
disagreements), the numbers of a source text it covers, and the correction it suggests when a
claim fails. Adding a kind is one module in this package plus its tests; modules whose names
start with ``_`` are helpers shared by kinds: ``_base`` holds :class:`Kind` (the whole contract
of a kind, every hook with its default) and the :class:`Context` a kind measures in, which is all a
kind knows of the engine that runs it. Nothing outside this package imports a ``_`` module: what
others need of them is named here (:func:`environment_spread`).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from ._base import Kind
from ._stochastic import environment_spread

__all__ = ["Kind", "environment_spread", "listings_of", "registry"]


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


def listings_of(claim) -> tuple:
    """The listings any claim runs (resolved paths, in order), as its kind lays out its measurements;
    none for a claim of an unknown kind."""
    kind = registry().get(claim.kind)
    return kind.listings(claim) if kind is not None else ()
