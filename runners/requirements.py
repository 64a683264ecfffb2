"""Resources a claim may require, and how to tell whether this machine has them.

Each check returns None when the resource is there, or raises Skip with the reason and the
fix. Claims name resources in their ``requires`` list.
"""
from __future__ import annotations

from runners.verdict import Skip


def check_gpu(ctx) -> None:
    from runners.environment import accelerator

    if accelerator() is None:
        raise Skip("needs a GPU; this machine has none visible to Keras",
                   "run on a machine with a CUDA GPU (the nightly `tox -e nightly` job)")


def check_mnist(ctx) -> None:
    from runners import mnist

    mnist.availability(ctx.config.data_dir)  # raises Skip when neither mirror nor cache


CHECKS = {
    "gpu": check_gpu,
    "mnist": check_mnist,
}


def ensure(names: list[str], ctx) -> None:
    for name in names:
        CHECKS[name](ctx)
