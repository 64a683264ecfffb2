"""Resources a claim may require: how to tell whether they are here, and how to provide them.

Each check returns when the resource is there, or raises Skip with the reason and the fix.
Claims name resources in their ``requires`` list. :func:`environment` is what a program runs
inside: the local mirrors of data and weights, and for dogs-vs-cats a fresh working folder.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

from runners import dogs_vs_cats, mnist, weights
from runners.verdict import Skip


def check_gpu(ctx) -> None:
    from runners.environment import accelerator

    if accelerator() is None:
        raise Skip("needs a GPU; this machine has none visible to Keras",
                   "run on a machine with a CUDA GPU (the nightly `tox -e nightly` job)")


def check_mnist(ctx) -> None:
    mnist.availability(ctx.config.data_dir)  # raises Skip when neither mirror nor cache


def check_dogs_vs_cats(ctx) -> None:
    dogs_vs_cats.check(ctx.config)


def check_vgg16_weights(ctx) -> None:
    weights.check_vgg16(ctx.config)


CHECKS = {
    "gpu": check_gpu,
    "mnist": check_mnist,
    "dogs_vs_cats": check_dogs_vs_cats,
    "vgg16_weights": check_vgg16_weights,
}

HOW = {
    "gpu": "a CUDA GPU visible to the Keras backend",
    "mnist": mnist.FIX,
    "dogs_vs_cats": dogs_vs_cats.FIX,
    "vgg16_weights": weights.FIX,
}


def ensure(names: list[str], ctx) -> None:
    for name in names:
        CHECKS[name](ctx)


def missing(names: list[str], ctx) -> list[Skip]:
    """Every resource of ``names`` that is not here, as the Skip its check raises."""
    found = []
    for name in names:
        try:
            CHECKS[name](ctx)
        except Skip as skip:
            found.append(skip)
    return found


def fingerprint(names: list[str], config) -> dict:
    """What identifies the data a program reads, for cache keys."""
    parts = {}
    if "dogs_vs_cats" in names:
        parts["dogs_vs_cats"] = dogs_vs_cats.fingerprint(config)
    return parts


@contextlib.contextmanager
def environment(names: list[str], config, workdir: Path | None = None):
    """Mirrors for data and weights; a fresh working folder where dogs-vs-cats is needed."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(mnist.mirrored(config.data_dir))
        stack.enter_context(weights.mirrored(config))
        if "dogs_vs_cats" in names:
            stack.enter_context(dogs_vs_cats.workspace(config, workdir))
        yield
