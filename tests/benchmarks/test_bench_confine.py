"""The static tier confined (bubblewrap around the fork server, a namespace per program) against the
same tier unconfined (--no-confine), side by side in one benchmark run. Goal: at most 1.25x."""
import os
import subprocess
import sys
import time

import pytest

from helpers import MIRROR, ROOT, results_of

CLAIMS = os.environ.get("CLAIMCHECK_BENCH_CLAIMS", "claims")  # a folder, for a quicker look


def static_tier(out, *extra):
    env = {**os.environ, "CLAIMCHECK_DATA_DIR": str(MIRROR), "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "claimcheck.runners.cli", "verify", "--tier", "static", "--claims",
                           CLAIMS, "--out", str(out), "-q", "--no-history", "--cache-dir", str(out / "cache"), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return time.perf_counter() - start


@pytest.mark.skipif(not os.access("/usr/bin/bwrap", os.X_OK), reason="bubblewrap is not installed")
def test_static_tier_confined_against_unconfined(benchmark, tmp_path):
    times = {"unconfined": [], "confined": []}

    def pair():
        times["unconfined"].append(static_tier(tmp_path / "unconfined", "--no-confine"))
        times["confined"].append(static_tier(tmp_path / "confined"))

    benchmark.pedantic(pair, rounds=3, iterations=1)
    confined, unconfined = results_of(tmp_path / "confined"), results_of(tmp_path / "unconfined")
    assert {k: r["status"] for k, r in confined.items()} == {k: r["status"] for k, r in unconfined.items()}
    ratios = sorted(c / u for c, u in zip(times["confined"], times["unconfined"]))
    benchmark.extra_info.update(unconfined_s=times["unconfined"], confined_s=times["confined"], median_ratio=ratios[1])
    print(f"\nconfined/unconfined: {ratios} (median {ratios[1]:.2f}); {times}")
    assert ratios[1] <= 1.25, times
