"""The static tier of the four environments of the matrix, two at a time on 2 cores (goal: under
2 minutes of wall time, installs excluded). Uses the tox environments (`tox -e verify`,
`verify-keras2`, `verify-jax`, `verify-torch` install them); skipped where one is missing."""
import concurrent.futures
import os
import subprocess
import time

import pytest

from helpers import ROOT, results_of

ENVS = {"verify": "tensorflow", "verify-keras2": "tensorflow", "verify-jax": "jax", "verify-torch": "torch"}


def run(env, backend, out):
    start = time.perf_counter()
    proc = subprocess.run([str(ROOT / ".tox" / env / "bin/claimcheck"), "verify", "--tier", "static", "-q",
                           "--no-history", "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}, timeout=600)
    return env, proc, time.perf_counter() - start


def test_static_tier_of_four_environments(benchmark, tmp_path):
    missing = [e for e in ENVS if not (ROOT / ".tox" / e / "bin/claimcheck").is_file()]
    if missing:
        pytest.skip(f"tox environments not installed: {', '.join(missing)} (run tox -e {','.join(missing)} first)")

    def all_four():
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda e: run(e, ENVS[e], tmp_path / e), ENVS))

    start = time.perf_counter()
    done = benchmark.pedantic(all_four, rounds=1, iterations=1)
    wall = time.perf_counter() - start
    for env, proc, _ in done:
        assert proc.returncode == 0, (env, proc.stderr[-2000:])
        assert sum(r["status"] == "passed" for r in results_of(tmp_path / env).values()) > 100
    benchmark.extra_info.update(wall_s=round(wall, 1), **{f"{env}_s": round(s, 1) for env, _, s in done})
    assert wall < 120, f"the static tier of the four environments took {wall:.0f} s (goal: under 120 s)"
