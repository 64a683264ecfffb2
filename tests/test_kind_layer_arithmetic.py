import pytest

from claimcheck.runners.claim.verdict import Status

from helpers import make_claim, run


@pytest.mark.parametrize("layer, config, shape, expected", [
    ("Conv2D", {"filters": 1, "kernel_size": 3}, [5, 5, 1], [3, 3]),
    ("Conv2D", {"filters": 1, "kernel_size": 3, "padding": "same"}, [5, 5, 1], [5, 5]),
    ("Conv2D", {"filters": 1, "kernel_size": 3, "strides": 2}, [5, 5, 1], [2, 2]),
    ("Conv2D", {"filters": 1, "kernel_size": 3, "dilation_rate": 2}, [9, 9, 1], [5, 5]),
    ("MaxPooling2D", {"pool_size": 2}, [26, 26, 8], [13, 13]),
    ("MaxPooling2D", {"pool_size": 2}, [11, 11, 8], [5, 5]),
    ("AveragePooling2D", {"pool_size": 3, "strides": 1}, [7, 7, 1], [5, 5]),
])
def test_real_layer_sizes(tmp_path, layer, config, shape, expected):
    claim = make_claim(tmp_path, "layer_arithmetic",
                       {"layer": layer, "config": config, "input_shape": shape}, expected)
    result = run(claim)
    assert result.status is Status.PASSED, result.reason
    assert result.observed == expected


def test_all_dims_includes_channels(tmp_path):
    claim = make_claim(tmp_path, "layer_arithmetic",
                       {"layer": "Conv2D", "config": {"filters": 4, "kernel_size": 3},
                        "input_shape": [5, 5, 1], "dims": "all"}, [3, 3, 4])
    assert run(claim).status is Status.PASSED


def test_planted_wrong_arithmetic_fails(tmp_path):
    claim = make_claim(tmp_path, "layer_arithmetic",
                       {"layer": "Conv2D", "config": {"filters": 1, "kernel_size": 3, "padding": "same"},
                        "input_shape": [5, 5, 1]}, [3, 3])
    result = run(claim)
    assert result.status is Status.FAILED
    assert result.observed == [5, 5]


def test_unknown_layer_class_is_an_error(tmp_path):
    claim = make_claim(tmp_path, "layer_arithmetic",
                       {"layer": "Conv9D", "config": {}, "input_shape": [5, 5, 1]}, [3, 3])
    result = run(claim)
    assert result.status is Status.ERROR and "Conv9D" in result.reason
