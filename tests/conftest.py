"""Fixtures: every test runs with its own history store, cache and output folder.

The checkout's own ``build/history`` and ``.cache`` are the user's stores: nothing the suite
does may write there (``test_isolation.py`` proves it, and :func:`user_stores_untouched`
checks it at the end of every session). Real-MNIST tests read the verify cache's records, but
through a private copy (:func:`mnist_cache`).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from claimcheck.runners.core.settings import OPTIONS

from helpers import CLAIMS, MIRROR, ROOT, plant

# Where this machine's data are (the MNIST mirror tox points at, the dogs-vs-cats folder, the
# weights): a test that needs them reads them from the environment as the command does.
MACHINE_DATA = {"data_dir", "dogs_vs_cats", "weights_dir"}
assert MACHINE_DATA <= {o.name for o in OPTIONS}, "a machine-data option was renamed: update MACHINE_DATA"
# Every other option's variable is cleared, a new option's too: a test runs with the defaults.
CLEARED = sorted(o.env for o in OPTIONS if o.env and o.name not in MACHINE_DATA)


def _snapshot(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


# the user's key folder (stores/keys.py), read before any test points CLAIMCHECK_KEY_HOME elsewhere:
# the real-MNIST tests copy the verify cache's key from it (never write it)
from claimcheck.runners.stores import keys  # noqa: E402

# (the first process, xdist's controller, notes it for the workers, which inherit its CLAIMCHECK_KEY_HOME)
USER_KEY_HOME = Path(os.environ.setdefault("CLAIMCHECK_TEST_USER_KEY_HOME", str(keys.key_home())))
USER_STORES = (ROOT / "build/history", ROOT / ".cache", USER_KEY_HOME)
# every store's key this session makes (module fixtures and subprocesses included) goes to a folder of
# its own, set before any fixture runs
os.environ[keys.HOME_ENV] = tempfile.mkdtemp(prefix="claimcheck-test-keys-")


@pytest.fixture(scope="session", autouse=True)
def user_stores_untouched():
    before = {str(f): _snapshot(f) for f in USER_STORES}
    yield
    after = {str(f): _snapshot(f) for f in USER_STORES}
    assert after == before, "the test suite wrote into the checkout's history or cache"


@pytest.fixture(autouse=True)
def isolated_stores(tmp_path_factory, monkeypatch):
    """History, cache and output of anything a test runs (subprocesses too) go to a temporary folder."""
    base = tmp_path_factory.mktemp("stores")
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLAIMCHECK_HISTORY", str(base / "history"))
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("CLAIMCHECK_OUT", str(base / "out"))
    return base


@pytest.fixture
def claims_copy(tmp_path):
    """A private copy of the real claims tree, to plant values in."""
    dest = tmp_path / "claims"
    shutil.copytree(CLAIMS, dest)
    return dest


@pytest.fixture(scope="session")
def static_run(tmp_path_factory):
    """One static verify of the real claims, shared by the tests that read it: (exit, results, out)."""
    from helpers import verify

    base = tmp_path_factory.mktemp("static-run")
    code, results = verify(claims=CLAIMS, out=base / "out", tier="static", no_history=True,
                           cache_dir=base / "cache", data_dir=MIRROR if (MIRROR / "mnist").is_dir() else None)
    return code, results, base / "out"


@pytest.fixture(scope="session")
def planted_run(tmp_path_factory):
    """One static verify of a claims copy with PLANTS applied: (exit, results, out, claims dir)."""
    from helpers import verify

    base = tmp_path_factory.mktemp("planted-run")
    claims = base / "claims"
    shutil.copytree(CLAIMS, claims)
    plant(claims)
    code, results = verify(claims=claims, out=base / "out", tier="static", no_history=True,
                           cache_dir=base / "cache", data_dir=MIRROR if (MIRROR / "mnist").is_dir() else None)
    return code, results, base / "out", claims


@pytest.fixture
def mnist_cache(tmp_path):
    """A private training cache holding copies of the verify cache's records (read, never written)."""
    cache = tmp_path / "cache"
    (cache / "runs").mkdir(parents=True)
    for source in (ROOT / ".cache/claimcheck/runs",):
        for path in source.glob("*.json") if source.is_dir() else []:
            shutil.copy2(path, cache / "runs" / path.name)
        user_key = USER_KEY_HOME / keys.path_of(source.parent).name  # sealed with their cache's key
        if user_key.is_file():
            keys.ensure_home()
            shutil.copy2(user_key, keys.path_of(cache))
    return cache



pytest_plugins = ["pytester"]
