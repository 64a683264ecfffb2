"""MNIST through Keras' own loader call, answered from the verified local mirror."""
import gzip
import shutil

import numpy as np
import pytest

from claimcheck.runners.claim.verdict import Status
from claimcheck.runners.core.errors import Skip
from claimcheck.runners.resources import mnist

from helpers import MIRROR, make_claim, needs_mirror, run


@needs_mirror
def test_the_books_call_gets_the_real_mnist_from_the_mirror():
    import keras

    with mnist.mirrored(MIRROR):
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    # the facts of shared/datasets/README.md
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert keras.datasets.mnist.load_data.__module__.startswith("keras")  # restored afterwards


@needs_mirror
def test_a_file_that_does_not_match_its_sha256_is_refused(tmp_path):
    shutil.copytree(MIRROR / "mnist", tmp_path / "mnist")
    target = tmp_path / "mnist/t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(target.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one label changed
    target.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(mnist.MirrorError, match="t10k-labels-idx1-ubyte.gz does not match SHA256SUMS"):
        mnist.load_mirror(tmp_path)


def test_missing_mirror_skips_with_the_fix(tmp_path):
    with pytest.raises(Skip) as info:
        mnist.availability(tmp_path / "nowhere")
    assert "does not exist" in info.value.reason and "--data-dir" in info.value.fix


def test_no_mirror_and_no_keras_cache_skips(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(Skip) as info:
        mnist.availability(None)
    assert "no mirror is configured" in info.value.reason and "--allow-download" in info.value.fix
    assert mnist.availability(None, allow_download=True) == "keras download"


def test_a_claim_that_needs_mnist_is_skipped_not_passed(tmp_path):
    claim = make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"cpu": 2}}, "0.99",
                       listing="acc = 0.99\n", tier="cpu", requires=["mnist"],
                       references={"r": {"values": [0.98, 0.99]}}, reference="r")
    result = run(claim, tier="cpu", data_dir=tmp_path / "nowhere", cache_dir=tmp_path / "c")
    assert result.status is Status.SKIPPED
    assert result.reason and result.fix
