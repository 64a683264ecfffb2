"""Training: the harness adds little to a plain script, a second verify reuses the cache, and
--jobs 2 against --jobs 1 on 4 dense seeds (2 CPU cores: the ratio is what it is, reported).

Needs the real MNIST mirror beside the checkout. These train: they run in `tox -e bench` only.
"""
import os
import subprocess
import sys
import time

import pytest

from helpers import CLAIMS, MIRROR, ROOT, cli, results_of

pytestmark = pytest.mark.skipif(not (MIRROR / "mnist").is_dir(), reason="the MNIST mirror is not here")

PROLOGUE = """\
# The same listings as a plain script: seed, the MNIST mirror, then the book's code.
import keras
from claimcheck.runners.resources import mnist as _mnist_mirror
keras.utils.set_random_seed(0)
_mirror = _mnist_mirror.mirrored({mirror!r})  # kept referenced: it stays active to the end
_mirror.__enter__()
"""


def timed(*args):
    start = time.perf_counter()
    proc = cli(*args, timeout=3600)
    return proc, time.perf_counter() - start


def test_harness_overhead_and_cache_reuse(benchmark, tmp_path):
    listings = ["listing_8_1.py", "listing_8_3.py", "listing_8_4.py"]
    script = tmp_path / "plain.py"
    script.write_text(PROLOGUE.format(mirror=str(MIRROR)) + "\n".join(
        (CLAIMS / "dlwp2/ch08/listings" / name).read_text() for name in listings))
    start = time.perf_counter()
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}, timeout=1200)
    plain_s = time.perf_counter() - start
    assert plain.returncode == 0, plain.stderr[-2000:]

    args = ("verify", "-k", "dlwp2.ch08.convnet.test_acc.printed", "--seeds", "2", "--data-dir", MIRROR,
            "--cache-dir", tmp_path / "cache", "--no-history", "-q")
    first, first_s = timed(*args, "--out", tmp_path / "first")
    runs = results_of(tmp_path / "first")["dlwp2.ch08.convnet.test_acc.printed"]["details"]["runs"]
    assert not any(r["cached"] for r in runs), first.stderr[-2000:]
    second = benchmark.pedantic(timed, args=(*args, "--out", tmp_path / "second"), rounds=1, iterations=1)
    second_s = second[1]
    again = results_of(tmp_path / "second")["dlwp2.ch08.convnet.test_acc.printed"]
    assert all(r["cached"] for r in again["details"]["runs"])
    benchmark.extra_info.update(plain_s=round(plain_s, 1), harness_2_seeds_s=round(first_s, 1),
                                per_seed_overhead=round(first_s / 2 / plain_s - 1, 3),
                                cached_s=round(second_s, 1))


def test_jobs_2_against_jobs_1_on_4_dense_seeds(benchmark, tmp_path):
    args = ("verify", "-k", "dlwp2.ch02.dense.test_acc.printed", "--seeds", "4", "--data-dir", MIRROR,
            "--no-history", "-q")
    one, one_s = timed(*args, "--jobs", "1", "--cache-dir", tmp_path / "c1", "--out", tmp_path / "one")
    two, two_s = benchmark.pedantic(timed, args=(*args, "--jobs", "2", "--cache-dir", tmp_path / "c2", "--out",
                                                 tmp_path / "two"), rounds=1, iterations=1)
    assert one.returncode in (0, 1) and two.returncode in (0, 1)
    a = results_of(tmp_path / "one")["dlwp2.ch02.dense.test_acc.printed"]["details"]["summary"]["values"]
    b = results_of(tmp_path / "two")["dlwp2.ch02.dense.test_acc.printed"]["details"]["summary"]["values"]
    assert a == pytest.approx(b, abs=0.002)  # the same seeds, in parallel or not
    benchmark.extra_info.update(jobs1_s=round(one_s, 1), jobs2_s=round(two_s, 1), speedup=round(one_s / two_s, 2),
                                cores=os.cpu_count())
