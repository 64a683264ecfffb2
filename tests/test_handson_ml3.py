"""The third book, Hands-On ML 3rd ed. (claims/handson-ml3/), and what the engine gained with it:
Fashion-MNIST served to Keras' own loader from verified local files (Debian's dataset-fashion-mnist),
the data sets that cannot be downloaded here skipped with their fix, comparisons on pending
references skipped rather than invalid. The Fashion-MNIST tests write small files of their own."""
import gzip
import hashlib
import shutil

import numpy as np
import pytest

from claimcheck.runners.claim.verdict import Status
from claimcheck.runners.core.errors import Skip
from claimcheck.runners.resources import downloads, fashion_mnist
from claimcheck.runners.resources.mnist import MirrorError
from claimcheck.runners.resources.registry import REGISTRY

from helpers import CLAIMS, SHARED, cli, make_claim, run, set_expected, verify, write

BOOK = CLAIMS / "handson-ml3"
NOTEBOOKS = ("04_training_linear_models.ipynb", "10_neural_nets_with_keras.ipynb",
             "11_training_deep_neural_networks.ipynb")


def _idx(array: np.ndarray) -> bytes:
    """An unsigned-byte IDX file's raw bytes."""
    header = b"\x00\x00\x08" + bytes([array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def _small_set(folder, skip=()):
    """Four small IDX .gz files under Fashion-MNIST's names (4 and 2 images of 2x3 pixels); their raw digests."""
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (4, 2, 3)),
              "train-labels-idx1-ubyte.gz": np.array([9, 0, 0, 3]),
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (2, 2, 3)),
              "t10k-labels-idx1-ubyte.gz": np.array([9, 2])}
    folder.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, array in arrays.items():
        raw = _idx(array)
        digests[name] = hashlib.sha256(raw).hexdigest()
        if name not in skip:
            (folder / name).write_bytes(gzip.compress(raw))
    return digests


@pytest.fixture
def no_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))


# -- Fashion-MNIST -------------------------------------------------------------------------------

def test_a_missing_file_is_a_skip_naming_it_with_the_apt_line(tmp_path, no_keras_cache):
    _small_set(tmp_path / "debian", skip={"t10k-labels-idx1-ubyte.gz"})
    with pytest.raises(Skip) as info:
        fashion_mnist.availability(None, system_dir=tmp_path / "debian")
    assert "lacks t10k-labels-idx1-ubyte.gz" in info.value.reason
    assert "apt-get install dataset-fashion-mnist" in info.value.fix
    with pytest.raises(Skip) as info:
        fashion_mnist.availability(tmp_path / "data", system_dir=tmp_path / "nowhere")
    assert "no such folder" in info.value.reason and "--data-dir" in info.value.fix


def test_a_file_whose_sha256_does_not_match_is_refused_by_the_books_own_call(tmp_path, no_keras_cache):
    import keras

    _small_set(tmp_path / "debian")  # well-formed files, but not Fashion-MNIST's: the pinned digests refuse them
    assert fashion_mnist.availability(None, system_dir=tmp_path / "debian").startswith("local files")
    with pytest.raises(MirrorError, match="train-images-idx3-ubyte.gz does not match"):
        fashion_mnist.load(tmp_path / "debian")
    with fashion_mnist.mirrored(None, system_dir=tmp_path / "debian"):
        with pytest.raises(MirrorError, match="refusing it"):
            keras.datasets.fashion_mnist.load_data()
    assert keras.datasets.fashion_mnist.load_data.__module__.startswith("keras")  # restored afterwards


def test_matching_files_are_what_keras_loader_returns_and_the_data_dir_comes_first(tmp_path, monkeypatch,
                                                                                   no_keras_cache):
    import keras
    import tensorflow as tf

    digests = _small_set(tmp_path / "data" / "fashion-mnist")
    monkeypatch.setattr(fashion_mnist, "SHA256", digests)
    (tmp_path / "debian").mkdir()  # Debian's folder empty: the data dir's copy is read
    with fashion_mnist.mirrored(tmp_path / "data", system_dir=tmp_path / "debian"):
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()  # as the book calls it
        again = keras.datasets.fashion_mnist.load_data()
    assert x_train.shape == (4, 2, 3) and x_test.shape == (2, 2, 3)
    assert y_train.tolist() == [9, 0, 0, 3] and y_test.tolist() == [9, 2]
    assert np.array_equal(again[0][0], x_train)
    assert fashion_mnist.fingerprint(tmp_path / "data", system_dir=tmp_path / "debian").startswith("sha256:")
    assert fashion_mnist.fingerprint(None, system_dir=tmp_path / "debian") == "keras-loader"


def test_a_claim_that_needs_fashion_mnist_is_skipped_with_the_fix_when_it_is_not_here(tmp_path, monkeypatch,
                                                                                      no_keras_cache):
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", tmp_path / "nowhere")
    claim = make_claim(tmp_path, "listing_value", {"value": "x"}, 1, listing="x = 1\n", requires=["fashion_mnist"])
    result = run(claim, cache_dir=tmp_path / "c")
    assert result.status is Status.SKIPPED
    assert "Fashion-MNIST is not here" in result.reason and "apt-get install dataset-fashion-mnist" in result.fix
    assert "fashion_mnist" in REGISTRY and "california_housing" in REGISTRY and "cifar10" in REGISTRY


@pytest.mark.skipif(not fashion_mnist.DEBIAN_DIR.is_dir(), reason="dataset-fashion-mnist is not installed here")
def test_the_debian_packages_files_are_the_real_fashion_mnist():
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load(fashion_mnist.DEBIAN_DIR)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10


# -- the data sets this machine cannot download ----------------------------------------------------

def test_california_housing_and_cifar10_are_skips_with_their_fix_until_their_cache_is_there(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sk"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    for data, call in ((downloads.CALIFORNIA_HOUSING, "fetch_california_housing"), (downloads.CIFAR10, "cifar10")):
        with pytest.raises(Skip) as info:
            data.check()
        assert "cannot be downloaded on this machine" in info.value.reason and call in info.value.fix
        assert data.fingerprint() == "absent"
    (tmp_path / "sk").mkdir()
    (tmp_path / "sk" / "cal_housing_py3.pkz").write_bytes(b"x")
    assert downloads.CALIFORNIA_HOUSING.check() == tmp_path / "sk" / "cal_housing_py3.pkz"
    assert downloads.CALIFORNIA_HOUSING.fingerprint() != "absent"


# -- comparisons whose references are still pending -----------------------------------------------

def test_a_comparison_on_pending_references_is_valid_and_skipped_with_the_command(tmp_path):
    pending = {"source": "pending", "command": "claimcheck reference t.claim --name ra --runs 10"}
    write(tmp_path / "claims" / "listings", "acc.py", "acc = 0.9\n")
    side = {"listings": ["listings/acc.py"], "value": "acc"}
    claim = make_claim(tmp_path, "comparison",
                       {"a": side, "b": side, "statistic": "difference", "seeds": {"cpu": 5}},
                       {"a": "93.85%", "b": "91.85%"}, tier="cpu",
                       references={"ra": pending, "rb": {**pending, "command": "claimcheck reference x --name rb"}},
                       reference={"a": "ra", "b": "rb"})
    result = run(claim, tier="cpu", cache_dir=tmp_path / "c")
    assert result.status is Status.SKIPPED, (result.status, result.reason)
    assert "not recorded yet" in result.reason and "claimcheck reference" in result.fix


# -- the book's folder -----------------------------------------------------------------------------

def test_the_books_notebooks_and_license_are_the_authors_byte_for_byte():
    pins = {"04_training_linear_models.ipynb": "556649f48cf0048ebf238271ed1593773ec71d9c4d3f4c0d7a826d83895d1c51",
            "10_neural_nets_with_keras.ipynb": "af24d2eb0b82f6168444132a5eaea4e50d73275275723df4094c454a3cf362cc",
            "11_training_deep_neural_networks.ipynb": "dcdbd409e30104f03854f197936c0bdccf7f6e3156e8c5050a9d719b9aa1a8b4",
            "LICENSE": "e1925845017bf307c7d465af432e8bb20cbb6ce17b10cd323af59da717753075"}
    for name, digest in pins.items():
        assert hashlib.sha256((BOOK / "notebooks" / name).read_bytes()).hexdigest() == digest, name
        source = SHARED / "sources/handson-ml3" / name
        if source.is_file():
            assert source.read_bytes() == (BOOK / "notebooks" / name).read_bytes(), name


def test_the_books_specs_validate_as_written():
    done = cli("validate", "--claims", BOOK)
    assert done.returncode == 0, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "claims in 4 files: valid" in said and "problem" not in said


def test_a_false_value_planted_in_the_books_static_claims_fails_and_the_true_ones_pass(tmp_path):
    claims = tmp_path / "claims"
    shutil.copytree(BOOK, claims / "handson-ml3")
    set_expected(claims, "handson-ml3/ch04/4-training-models.yaml",
                 {"handson-ml3.ch04.normal.theta_best": [[4.2151], [2.7701]]})  # the printed digits, rounded
    set_expected(claims, "handson-ml3/ch10/10-neural-nets-with-keras.yaml",
                 {"handson-ml3.ch10.s10.model.cell52.params.total": 266611})
    code, results = verify(claims=claims, out=tmp_path / "out", tier="static", no_history=True,
                           cache_dir=tmp_path / "cache",
                           keyword=("normal.theta_best", "normal.lstsq", "cell52.params.total", "cell52.dense.params"))
    assert code == 1
    assert results["handson-ml3.ch04.normal.theta_best"]["status"] == "failed"
    assert results["handson-ml3.ch10.s10.model.cell52.params.total"]["status"] == "failed"
    assert "266,610" in results["handson-ml3.ch10.s10.model.cell52.params.total"]["reason"]
    assert results["handson-ml3.ch04.normal.lstsq"]["status"] == "passed"
    assert results["handson-ml3.ch10.s10.model.cell52.dense.params"]["status"] == "passed"


def test_draft_names_the_data_sets_a_program_loads_in_its_requires(tmp_path):
    import nbformat
    from nbformat import v4

    from claimcheck.runners.authoring.notebook import DraftNotebook

    cells = [v4.new_markdown_cell("# 10 - Data"),
             v4.new_code_cell("import tensorflow as tf\nfashion = tf.keras.datasets.fashion_mnist.load_data()"),
             v4.new_code_cell("from sklearn.datasets import fetch_california_housing\nhousing = fetch_california_housing()"),
             v4.new_code_cell("import tensorflow as tf\ncifar = tf.keras.datasets.cifar10.load_data()"),
             v4.new_code_cell("import tensorflow as tf\ndigits = tf.keras.datasets.mnist.load_data()")]
    path = tmp_path / "10_data.ipynb"
    nbformat.write(v4.new_notebook(cells=cells), path)
    nbk = DraftNotebook(path)
    def requires(cell):
        return nbk.requires(nbk.needs([cell]))

    assert requires(1) == ["fashion_mnist"]  # not mnist: fashion_mnist.load_data is not mnist.load_data
    assert requires(2) == ["california_housing"] and requires(3) == ["cifar10"]
    assert requires(4) == ["mnist"]
