"""VGG16's ImageNet weights from a configured folder, where Keras would download them."""
import h5py
import pytest

from claimcheck.runners.claim.verdict import Status
from claimcheck.runners.core.errors import Skip
from claimcheck.runners.resources import weights

from helpers import CLAIMS, function, make_claim, run, write

LISTING = (CLAIMS / "dlwp2/ch08/listings/listing_8_19.py").read_text()
CHECK = "def first_kernel_sum(conv_base):\n    import keras\n    return float(keras.ops.convert_to_numpy(conv_base.layers[1].kernel).sum())\n"


def fake_imagenet_weights(folder):
    """A weights file in Keras' legacy HDF5 layout under the name VGG16 asks for (random values)."""
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    folder.mkdir(parents=True, exist_ok=True)
    model = keras.applications.vgg16.VGG16(weights=None, include_top=False, input_shape=(180, 180, 3))
    path = folder / weights.VGG16_NOTOP
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return keras.ops.convert_to_numpy(model.layers[1].kernel)


def test_the_books_call_loads_the_configured_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))  # nothing cached there
    kernel = fake_imagenet_weights(tmp_path / "weights")
    write(tmp_path / "claims", "checks.py", CHECK)
    claim = make_claim(tmp_path, "listing_value", {"value": function("checks.first_kernel_sum")},
                       float(kernel.sum()), listing=LISTING, requires=["vgg16_weights"])
    result = run(claim, weights_dir=tmp_path / "weights")
    assert result.status is Status.PASSED, (result.reason, result.traceback[-2000:])


def test_no_weights_skips_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.delenv(weights.ENV, raising=False)

    class Config:
        weights_dir = None

    with pytest.raises(Skip) as info:
        weights.check_vgg16(Config)
    assert "cannot be downloaded" in info.value.reason and "--weights-dir" in info.value.fix
