"""Receptive fields: configs and gradients agree on many chains; a planted 9 fails."""
import pytest

from claimcheck.runners.claim.verdict import Status

from helpers import CONVNET, make_claim, run

NOPOOL = CONVNET.replace("x = layers.MaxPooling2D(pool_size=2)(x)\n", "")


def chain(*layers, size=28):
    body = "\n".join(f"x = layers.{layer}(x)" for layer in layers)
    return (f"import keras\nfrom keras import layers\ninputs = keras.Input(shape=({size}, {size}, 1))\n"
            f"x = inputs\n{body}\nmodel = keras.Model(inputs, x)\n")


def rf(tmp_path, listing, layer, expected, unit=None):
    measure = {"object": "model", "layer": layer}
    if unit is not None:
        measure["unit"] = unit
    return run(make_claim(tmp_path, "receptive_field", measure, expected, listing=listing))


def test_book_no_pool_third_layer_sees_7x7(tmp_path):
    result = rf(tmp_path, NOPOOL, "conv2d_2", [7, 7])
    assert result.status is Status.PASSED, result.reason
    assert result.details["checked_by"] == "layer configs and input gradient agree"


def test_book_pooled_last_layer_sees_18x18(tmp_path):
    assert rf(tmp_path, CONVNET, "conv2d_2", [18, 18]).status is Status.PASSED


def test_planted_receptive_field_9_fails(tmp_path):
    result = rf(tmp_path, NOPOOL, "conv2d_2", [9, 9])
    assert result.status is Status.FAILED
    assert result.observed == [7, 7]


@pytest.mark.parametrize("layers, expected", [
    (["Conv2D(4, 3)"], [3, 3]),
    (["Conv2D(4, 5)", "Conv2D(4, 3)"], [7, 7]),
    (["Conv2D(4, 3, strides=2)", "Conv2D(4, 3)"], [7, 7]),
    (["Conv2D(4, 3, dilation_rate=2)"], [5, 5]),
    (["Conv2D(4, 3, padding='same')", "MaxPooling2D(2)", "Conv2D(4, 3, padding='same')"], [8, 8]),
    (["AveragePooling2D(3, strides=1)", "Activation('relu')", "Conv2D(4, 3)"], [5, 5]),
    (["Conv2D(4, (3, 5))"], [3, 5]),
])
def test_configs_and_gradient_agree(tmp_path, layers, expected):
    result = rf(tmp_path, chain(*layers), -1, expected)
    assert result.status is Status.PASSED, result.reason


def test_corner_unit_with_same_padding_is_clipped_by_the_border(tmp_path):
    listing = chain("Conv2D(4, 3, padding='same')", "Conv2D(4, 3, padding='same')", size=8)
    result = rf(tmp_path, listing, -1, [3, 3], unit=[0, 0])
    assert result.status is Status.PASSED, result.reason
    assert result.details["input_window"] == [[0, 2], [0, 2]]


def test_unsupported_layer_is_an_error(tmp_path):
    listing = chain("Conv2D(4, 3)", "UpSampling2D(2)")
    result = rf(tmp_path, listing, -1, [3, 3])
    assert result.status is Status.ERROR
    assert "UpSampling2D" in result.reason


def test_unit_outside_the_map_is_an_error(tmp_path):
    result = rf(tmp_path, NOPOOL, "conv2d_2", [7, 7], unit=[30, 0])
    assert result.status is Status.ERROR and "outside" in result.reason


def test_disagreement_between_configs_and_gradient_is_an_error(tmp_path, monkeypatch):
    from claimcheck.runners.kinds import receptive_field

    monkeypatch.setattr(receptive_field, "empirical_window", lambda *a: [(0, 8), (0, 8)])
    result = rf(tmp_path, NOPOOL, "conv2d_2", [7, 7])
    assert result.status is Status.ERROR
    assert "the gradient gives" in result.reason
