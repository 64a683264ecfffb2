"""The static tier in the sandbox against the static tier before it (commit e6a45df, every static
listing in the claimcheck process), side by side in one benchmark run. Goal: at most 1.25x."""
import os
import subprocess
import sys
import time

import pytest

from helpers import MIRROR, ROOT, results_of

BEFORE = "e6a45df"


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """The tree at BEFORE, importable as claimcheck.* through a shim (nothing installed)."""
    base = tmp_path_factory.mktemp("before")
    tree = base / "tree"
    made = subprocess.run(["git", "worktree", "add", "--detach", str(tree), BEFORE], cwd=ROOT, capture_output=True,
                          text=True)
    if made.returncode != 0:
        pytest.skip(f"commit {BEFORE} is not in this clone: {made.stderr.strip()}")
    shim = base / "shim" / "claimcheck"
    shim.mkdir(parents=True)
    for name in ("runners", "reports"):
        (shim / name).symlink_to(tree / name, target_is_directory=True)
    yield tree, base / "shim"
    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)


def static_tier(cwd, out, pythonpath=None):
    env = {**os.environ, "CLAIMCHECK_DATA_DIR": str(MIRROR), "TF_CPP_MIN_LOG_LEVEL": "2"}
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "claimcheck.runners.cli", "verify", "--tier", "static", "--out",
                           str(out), "-q", "--no-history", "--cache-dir", str(out / "cache")],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return time.perf_counter() - start


def test_static_tier_in_the_sandbox_against_before(benchmark, before, tmp_path):
    tree, shim = before
    times = {"before": [], "sandbox": []}

    def pair():
        times["before"].append(static_tier(tree, tmp_path / "before", shim))
        times["sandbox"].append(static_tier(ROOT, tmp_path / "sandbox"))

    benchmark.pedantic(pair, rounds=3, iterations=1)
    statuses = [r["status"] for r in results_of(tmp_path / "sandbox").values()]
    assert "error" not in statuses and "failed" not in statuses
    ratios = sorted(s / b for s, b in zip(times["sandbox"], times["before"]))
    benchmark.extra_info.update(before_s=times["before"], sandbox_s=times["sandbox"], median_ratio=ratios[1])
    assert ratios[1] <= 1.25, times
