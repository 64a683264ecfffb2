"""Resources a claim may require: whether they are here, what identifies them, how to provide them.

A claim names resources in its ``requires`` list. Each :class:`Resource` has a ``check`` that
returns when the resource is here or raises Skip with the reason and the fix; a ``fingerprint``
that goes into the cache keys of the runs that declare it (and only theirs), with the versions of
the libraries that decode it (``decoders``: Pillow for the JPEGs, h5py for the weights); and a ``provide`` context manager active while listings run
in their working folder (the data mirrors, the dogs-vs-cats workspace). The engine knows no
resource by name: it asks this registry.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Skip
from ..environment.machine import installed_version as _version
from . import dogs_vs_cats, downloads, fashion_mnist, machine, mnist, weights


@dataclass(frozen=True)
class Resource:
    name: str
    how: str  # how to provide it, for the report and docs
    check: Callable  # (settings) -> None, or raise Skip
    fingerprint: Callable | None = None  # (settings) -> str, identifies it in cache keys
    provide: Callable | None = None  # (settings, workdir) -> context manager
    always: bool = False  # provided to every program (a mirror that only answers when asked)
    decoders: tuple = ()  # the distributions that read it: their versions go into the keys with it


REGISTRY = {r.name: r for r in (
    Resource("mnist", mnist.FIX, lambda s: mnist.availability(s.data_dir, s.allow_download),
             fingerprint=lambda s: mnist.fingerprint(s.data_dir),
             provide=lambda s, w: mnist.mirrored(s.data_dir), always=True),
    Resource("fashion_mnist", fashion_mnist.FIX, lambda s: fashion_mnist.availability(s.data_dir),
             fingerprint=lambda s: fashion_mnist.fingerprint(s.data_dir),
             provide=lambda s, w: fashion_mnist.mirrored(s.data_dir), always=True),
    Resource("california_housing", downloads.CALIFORNIA_HOUSING.fix, downloads.CALIFORNIA_HOUSING.check,
             fingerprint=downloads.CALIFORNIA_HOUSING.fingerprint),
    Resource("cifar10", downloads.CIFAR10.fix, downloads.CIFAR10.check, fingerprint=downloads.CIFAR10.fingerprint),
    Resource("dogs_vs_cats", dogs_vs_cats.FIX, dogs_vs_cats.check, fingerprint=dogs_vs_cats.fingerprint,
             provide=dogs_vs_cats.workspace, decoders=("pillow",)),
    Resource("vgg16_weights", weights.FIX, weights.check_vgg16, fingerprint=weights.fingerprint,
             provide=lambda s, w: weights.mirrored(s), always=True, decoders=("h5py",)),
    Resource("gpu", "a CUDA GPU visible to the Keras backend", machine.check_gpu),
    Resource("tensorflow", "TensorFlow installed beside the Keras backend", machine.check_tensorflow),
)}


def ensure(names, settings) -> None:
    for name in names:
        REGISTRY[name].check(settings)


def missing(names, settings) -> list[Skip]:
    """Every resource of ``names`` that is not here, as the Skip its check raises."""
    found = []
    for name in names:
        try:
            REGISTRY[name].check(settings)
        except Skip as skip:
            found.append(skip)
    return found


def fingerprint(names, settings) -> dict:
    """What identifies the data a program declares (``requires``), and the libraries that decode it,
    for cache keys: an undeclared resource, and its decoders, are no part of them."""
    out = {}
    for r in REGISTRY.values():
        if r.name not in names or r.fingerprint is None:
            continue
        out[r.name] = r.fingerprint(settings)
        for dist in r.decoders:
            out[f"{r.name}:{dist}"] = _version(dist)
    return out


def fingerprinted(names) -> list[str]:
    """The resources of ``names`` that have a fingerprint (the data keys of a run that declares them)."""
    return sorted(n for n in names if n in REGISTRY and REGISTRY[n].fingerprint is not None)


@contextlib.contextmanager
def providing(names, settings, workdir: Path):
    """Every resource a program may use, provided while it runs in ``workdir``."""
    with contextlib.ExitStack() as stack:
        for r in REGISTRY.values():
            if r.provide is not None and (r.always or r.name in names):
                stack.enter_context(r.provide(settings, Path(workdir)))
        yield
