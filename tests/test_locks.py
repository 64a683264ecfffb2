"""The lock (locks/): every CPU environment installs exact versions, and the lock covers every book's
libraries (issue 38, item 2)."""
from __future__ import annotations

import os
import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from helpers import ROOT


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if m:
            out[canonicalize_name(m.group(1))] = m.group(2)
    return out


def test_the_lock_names_every_books_requirements_as_compile_sh_joins_them():
    """A book's new library is in the lock's input (locks/books.in) once `bash locks/compile.sh` ran."""
    joined = set()
    for f in sorted((ROOT / "claims").glob("*/requirements.txt")):
        for line in f.read_text().splitlines():
            line = line.split("#", 1)[0].rstrip()
            if line:
                joined.add(line)
    assert set((ROOT / "locks/books.in").read_text().split("\n")) - {""} == joined, "run: bash locks/compile.sh"
    keras3 = pins(ROOT / "locks/keras3.txt")
    for requirement in joined:
        name = canonicalize_name(re.split(r"[<>=!~; \[]", requirement, maxsplit=1)[0])
        assert name in keras3 and name in pins(ROOT / "locks/keras2.txt"), requirement


def test_torch_is_locked_to_the_cpu_build():
    assert pins(ROOT / "locks/keras3.txt")["torch"].endswith("+cpu")


@pytest.mark.skipif(Path(os.environ.get("PIP_CONSTRAINT", "/nonexistent")).resolve()
                    != (ROOT / "locks/keras3.txt").resolve(), reason="not a tox environment installed from the lock")
def test_this_environment_installed_the_lock():
    """Every distribution the lock names that is installed here has the lock's version (tox -e test)."""
    locked = pins(ROOT / "locks/keras3.txt")
    drift = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name in locked and dist.version != locked[name]:
            drift[name] = (dist.version, locked[name])
    assert not drift, f"installed (version, locked): {drift}"
