"""Training claims: the harness adds little to a plain script, and a second verify reuses the cache.

One flow, so the convnet trains only twice: the book's listings 8.1, 8.3 and 8.4 run once as a
plain script and once through `claimcheck verify` (one seed, empty cache); then the same verify
again, which must reuse the cached run. Needs the real MNIST mirror beside the checkout.
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

PROLOGUE = """\
# The same listings as a plain script: seed, the MNIST mirror, then the book's code.
import keras
from runners import mnist as _mnist_mirror
keras.utils.set_random_seed(0)
_mirror = _mnist_mirror.mirrored({mirror!r})  # kept referenced: it stays active to the end
_mirror.__enter__()
"""


def test_harness_overhead_and_cache_reuse(benchmark, tmp_path):
    listings = ["listing_8_1.py", "listing_8_3.py", "listing_8_4.py"]
    script = tmp_path / "plain.py"
    script.write_text(PROLOGUE.format(mirror=str(MIRROR)) + "\n".join(
        (CLAIMS / "dlwp2/ch08/listings" / name).read_text() for name in listings))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT,
                           env=env, timeout=1200)
    plain_s = time.perf_counter() - start
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "Test accuracy: 0.9" in plain.stdout

    args = ("verify", "-k", "dlwp2.ch08.convnet.test_acc.printed", "--seeds", "1", "--data-dir", MIRROR,
            "--cache-dir", tmp_path / "cache", "--history", tmp_path / "history", "-q")
    start = time.perf_counter()
    first = run_cli(*args, "--out", tmp_path / "first")
    first_s = time.perf_counter() - start
    record = json.loads((tmp_path / "first/results.json").read_text())["results"][0]
    assert record["details"]["runs"][0]["cached"] is False, first.stderr[-2000:]  # it trained

    start = time.perf_counter()
    benchmark.pedantic(run_cli, args=(*args, "--out", tmp_path / "second"), rounds=1, iterations=1)
    second_s = time.perf_counter() - start
    again = json.loads((tmp_path / "second/results.json").read_text())["results"][0]
    assert again["details"]["runs"][0]["cached"] is True
    assert again["observed"] == record["observed"]

    benchmark.extra_info.update(plain_s=round(plain_s, 1), harness_s=round(first_s, 1),
                                cached_s=round(second_s, 1), overhead=round(first_s / plain_s - 1, 3),
                                cached_ratio=round(second_s / first_s, 3))
    assert first_s < 1.10 * plain_s, (plain_s, first_s)
    assert second_s < 0.10 * first_s, (first_s, second_s)
