"""What the local mirrors of IDX datasets share (MNIST, Fashion-MNIST): the mirror's error, an IDX
file read and checked against its SHA-256, and a Keras loader's ``load_data()`` answered from
local arrays. A helper of the resources, not a resource (the resources' independence contract
leaves ``_``-named modules out: pyproject.toml)."""
from __future__ import annotations

import contextlib
import gzip
import hashlib
from pathlib import Path

import numpy as np

from ..core.errors import ClaimError


class MirrorError(ClaimError):
    pass


def read_idx(path: Path, expected_sha256: str | None) -> np.ndarray:
    """One IDX file (gzip-compressed), refused unless its raw bytes match the SHA-256."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    if expected_sha256 is None:
        raise MirrorError(f"{path.name} is not listed in SHA256SUMS")
    if digest != expected_sha256:
        raise MirrorError(f"{path} does not match SHA256SUMS (sha256 {digest}, "
                          f"expected {expected_sha256}): refusing it")
    if raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise MirrorError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


@contextlib.contextmanager
def answering(modules: list, load):
    """While active, ``load_data()`` of each of ``modules`` returns copies of what ``load()`` returns
    (read once, on the first call): the book's own loader call, answered from local files."""
    cached = {}

    def load_data(*args, **kwargs):
        if "arrays" not in cached:
            cached["arrays"] = load()
        (a, b), (c, d) = cached["arrays"]
        return (a.copy(), b.copy()), (c.copy(), d.copy())

    originals = [m.load_data for m in modules]
    for m in modules:
        m.load_data = load_data
    try:
        yield
    finally:
        for m, original in zip(modules, originals):
            m.load_data = original
