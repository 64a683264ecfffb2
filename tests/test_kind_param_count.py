import pytest

from claimcheck.runners.claim.verdict import Status

from helpers import CONVNET, make_claim, run

FROZEN = """
import keras
from keras import layers
model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(2)])
model.layers[0].trainable = False
"""


@pytest.mark.parametrize("measure, expected", [
    ({"layer": "conv2d"}, 320),
    ({"layer": "dense"}, 11530),
    ({}, 104202),
    ({"which": "trainable"}, 104202),
    ({"which": "non_trainable"}, 0),
])
def test_counts_of_the_book_convnet(tmp_path, measure, expected):
    claim = make_claim(tmp_path, "param_count", {"object": "model", **measure}, expected, listing=CONVNET)
    result = run(claim)
    assert result.status is Status.PASSED, result.reason
    assert result.observed == expected


def test_trainable_and_frozen_split(tmp_path):
    # Dense(3) frozen: 15; BatchNorm(3): 6 trainable + 6 moving stats; Dense(2): 8
    counts = {}
    for which in ("total", "trainable", "non_trainable"):
        claim = make_claim(tmp_path / which, "param_count", {"object": "model", "which": which}, 0,
                           listing=FROZEN)
        counts[which] = run(claim).observed
    assert counts == {"total": 35, "trainable": 14, "non_trainable": 21}


def test_planted_wrong_count_fails(tmp_path):
    claim = make_claim(tmp_path, "param_count", {"object": "model"}, 104203, listing=CONVNET)
    result = run(claim)
    assert result.status is Status.FAILED
    assert result.observed == 104202
    assert "104,202" in result.reason and "104,203" in result.reason


def test_unbuilt_model_is_built_with_the_stated_input_shape(tmp_path):
    listing = "import keras\nmodel = keras.Sequential([keras.layers.Dense(512), keras.layers.Dense(10)])\n"
    claim = make_claim(tmp_path, "param_count", {"object": "model", "build_input_shape": [None, 784]},
                       407050, listing=listing)
    assert run(claim).status is Status.PASSED
