"""The harness code that executes and measures a training run, and its digest for cache keys.

A run's values depend on the book's code and on this harness: how a worker starts (its
environment, its numerics), how the program is seeded and run, how the data are mirrored, how a
value is read and made plain. ``MEASURING`` names those modules: the worker's start
(pool, devices, environ) and ``engine.training`` with every module it imports.
tests/test_provenance.py ties the list to the import graph, so a module the training path comes
to import is in the digest, and editing any of them makes every run a new one. Nothing else is
in it: an edited report, planner or CLI keeps every record valid.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

MEASURING = (
    "core.errors", "core.files", "core.formatting",
    "engine.cells", "engine.confine", "engine.devices", "engine.environ", "engine.execution", "engine.pool",
    "engine.separate", "engine.training",
    "engine.workfolder",
    "environment.compat", "environment.machine", "environment.numerics",
    "claim.jupyter", "claim.libraries", "claim.listings", "claim.notebooks", "claim.values", "claim.yamlload",
    "resources._idx", "resources.dogs_vs_cats", "resources.downloads", "resources.fashion_mnist", "resources.machine",
    "resources.mnist", "resources.registry", "resources.weights",
    "stores.keys",
)

# on the training path but shown, not measured: how a run's epochs are displayed. Out of the digest,
# so rewording a progress line retrains nothing (issue 37; tests/test_provenance.py plants one)
DISPLAY = ("engine.progress",)


def module_path(name: str) -> Path:
    """The source file of ``claimcheck.runners.<name>``, found from this file (nothing imported)."""
    return Path(__file__).resolve().parents[1].joinpath(*name.split(".")).with_suffix(".py")


@functools.lru_cache(maxsize=1)
def digest() -> str:
    """One digest of the measuring modules' sources."""
    h = hashlib.sha256()
    for name in MEASURING:
        h.update(name.encode() + b"\0" + module_path(name).read_bytes() + b"\0")
    return h.hexdigest()[:16]
