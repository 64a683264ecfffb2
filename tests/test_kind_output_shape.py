from claimcheck.runners.claim.verdict import Status

from helpers import CONVNET, make_claim, run


def test_layer_shape_passes(tmp_path):
    claim = make_claim(tmp_path, "output_shape", {"object": "model", "layer": "conv2d_1"},
                       [None, 11, 11, 64], listing=CONVNET)
    result = run(claim)
    assert result.status is Status.PASSED, result.reason
    assert result.observed == [None, 11, 11, 64]


def test_model_shape_without_layer(tmp_path):
    claim = make_claim(tmp_path, "output_shape", {"object": "model"}, [None, 10], listing=CONVNET)
    assert run(claim).status is Status.PASSED


def test_planted_wrong_shape_fails(tmp_path):
    claim = make_claim(tmp_path, "output_shape", {"object": "model", "layer": "conv2d"},
                       [None, 28, 28, 32], listing=CONVNET)
    result = run(claim)
    assert result.status is Status.FAILED
    assert result.observed == [None, 26, 26, 32]
    assert "[None, 26, 26, 32]" in result.reason


def test_layer_by_index(tmp_path):
    claim = make_claim(tmp_path, "output_shape", {"object": "model", "layer": -2}, [None, 1152],
                       listing=CONVNET)
    assert run(claim).status is Status.PASSED


def test_unknown_layer_is_an_error_naming_the_layers(tmp_path):
    claim = make_claim(tmp_path, "output_shape", {"object": "model", "layer": "conv9"},
                       [None, 1], listing=CONVNET)
    result = run(claim)
    assert result.status is Status.ERROR
    assert "conv9" in result.reason and "conv2d_1" in result.reason and str(claim.file) in result.reason
