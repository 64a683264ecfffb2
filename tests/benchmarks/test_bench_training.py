"""Training claims: the cache makes a second verify cheap; the harness adds little to a run.

Both need the real MNIST mirror (shared/datasets beside the checkout).
"""
import json
import os
import subprocess
import sys
import time

import pytest
from conftest import CLAIMS, ROOT, SHARED, run_cli

MIRROR = SHARED / "datasets"
pytestmark = pytest.mark.skipif(not (MIRROR / "mnist").is_dir(), reason="the MNIST mirror is not here")


def timed(*args):
    start = time.perf_counter()
    proc = run_cli(*args)
    return proc, time.perf_counter() - start


def test_second_verify_reuses_the_cached_runs(benchmark, tmp_path):
    common = ("--data-dir", MIRROR, "--cache-dir", tmp_path / "cache", "--seeds", "2", "-q")
    first, first_s = timed("verify", "--out", tmp_path / "first", *common)
    assert first.returncode in (0, 1), first.stderr[-2000:]
    start = time.perf_counter()
    second = benchmark.pedantic(run_cli, args=("verify", "--out", tmp_path / "second", *common),
                                rounds=1, iterations=1)
    second_s = time.perf_counter() - start
    a = json.loads((tmp_path / "first/results.json").read_text())["results"]
    b = json.loads((tmp_path / "second/results.json").read_text())["results"]
    assert [(r["id"], r["status"], r["observed"]) for r in a] == [(r["id"], r["status"], r["observed"]) for r in b]
    runs = [run for r in b for key in ("runs", "a", "b") for run in r["details"].get(key, [])
            if isinstance(run, dict)]
    assert runs and all(run["cached"] for run in runs)
    benchmark.extra_info.update(first_s=round(first_s, 1), second_s=round(second_s, 1),
                                ratio=round(second_s / first_s, 3))
    assert second_s < 0.10 * first_s, (first_s, second_s)


PROLOGUE = """\
# The same listings as a plain script: seed, the MNIST mirror, then the book's code.
import keras
from runners import mnist
keras.utils.set_random_seed(0)
mnist.mirrored({mirror!r}).__enter__()
"""


def test_harness_adds_under_10_percent_to_a_plain_script(benchmark, tmp_path):
    listings = ["listing_8_1.py", "listing_8_3.py", "listing_8_4.py"]
    script = tmp_path / "plain.py"
    script.write_text(PROLOGUE.format(mirror=str(MIRROR)) + "\n".join(
        (CLAIMS / "dlwp2/ch08/listings" / name).read_text() for name in listings))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT,
                           env=env, timeout=900)
    plain_s = time.perf_counter() - start
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "Test accuracy: 0.9" in plain.stdout

    start = time.perf_counter()
    harness = benchmark.pedantic(run_cli, args=(
        "verify", "-k", "dlwp2.ch08.convnet.test_acc.printed", "--seeds", "1", "--data-dir", MIRROR,
        "--cache-dir", tmp_path / "cache", "--out", tmp_path / "out", "-q"), rounds=1, iterations=1)
    harness_s = time.perf_counter() - start
    record = json.loads((tmp_path / "out/results.json").read_text())["results"][0]
    assert record["details"]["runs"][0]["cached"] is False  # it trained
    benchmark.extra_info.update(plain_s=round(plain_s, 1), harness_s=round(harness_s, 1),
                                overhead=round(harness_s / plain_s - 1, 3))
    assert harness.returncode in (0, 1)
    assert harness_s < 1.10 * plain_s, (plain_s, harness_s)
