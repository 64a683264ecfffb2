"""metric and comparison claims through the real runner, on listings whose value depends on the seed.

The listings here stand in for training (a value drawn from NumPy, which
``keras.utils.set_random_seed`` seeds as it seeds training), so each decision is tested in
seconds; tests/test_mnist_claims.py trains the book's models on the real MNIST.
"""
import json

import pytest
from conftest import make_claim, run, write_spec

from runners.context import Config, RunContext
from runners.core import plan, run_claim
from runners.verdict import Status

NOISY = "import numpy as np\nacc = {mean} + float(np.random.normal(0, {sd}))\n"


def metric(tmp_path, expected, tolerance=0.002, seeds=4, mean=0.991, sd=0.0005, claim_id="m"):
    claim = make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"cpu": seeds}}, expected,
                       listing=NOISY.format(mean=mean, sd=sd), claim_id=claim_id, tier="cpu",
                       tolerance=tolerance)
    return claim


def verdict(claim, tmp_path, **config):
    return run(claim, tier="cpu", cache_dir=tmp_path / "cache", **config)


def test_stated_value_within_tolerance_passes(tmp_path):
    result = verdict(metric(tmp_path, "0.991"), tmp_path)
    assert result.status is Status.PASSED, result.reason
    summary = result.details["summary"]
    assert summary["n"] == 4 and len(summary["values"]) == 4
    assert summary["interval"][0] < summary["mean"] < summary["interval"][1]
    assert result.details["band"] == [pytest.approx(0.9885), pytest.approx(0.9935)]


@pytest.mark.parametrize("planted", ["0.999", "0.90"])
def test_planted_false_accuracy_fails(tmp_path, planted):
    result = verdict(metric(tmp_path, planted), tmp_path)
    assert result.status is Status.FAILED
    assert "outside the band" in result.reason


def test_too_few_seeds_is_inconclusive_with_an_estimate(tmp_path):
    # seeds 0 and 1 draw 0.99176 and 0.99162: an interval [0.99125, 0.99214] around the band
    claim = metric(tmp_path, "0.9915", tolerance=0.0, seeds=2, mean=0.99, sd=0.001)
    result = verdict(claim, tmp_path)
    assert result.status is Status.INCONCLUSIVE, result.reason
    assert "seeds" in result.reason


def test_gpu_tier_runs_more_seeds(tmp_path):
    claim = make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"cpu": 2, "gpu": 5}}, "0.991",
                       listing=NOISY.format(mean=0.991, sd=0.0005), tier="cpu", tolerance=0.002)
    assert len(run(claim, tier="gpu", cache_dir=tmp_path / "c").details["runs"]) == 5
    assert len(run(claim, tier="cpu", cache_dir=tmp_path / "c").details["runs"]) == 2
    assert run(claim, tier="static", cache_dir=tmp_path / "c").status is Status.SKIPPED


def test_runs_are_cached_on_disk_and_refreshed_on_request(tmp_path):
    claim = metric(tmp_path, "0.991")
    first = verdict(claim, tmp_path)
    second = verdict(claim, tmp_path)
    assert not any(r["cached"] for r in first.details["runs"])
    assert all(r["cached"] for r in second.details["runs"])
    assert second.details["summary"]["values"] == first.details["summary"]["values"]
    refreshed = verdict(claim, tmp_path, refresh=True)
    assert not any(r["cached"] for r in refreshed.details["runs"])
    records = list((tmp_path / "cache/runs").glob("*.json"))
    assert len(records) == 4
    record = json.loads(records[0].read_text())
    assert set(record["key_parts"]) == {"listings", "seed", "data", "environment"}
    assert record["key_parts"]["environment"]["backend"]


def test_changed_listing_code_is_a_new_run(tmp_path):
    claim = metric(tmp_path, "0.991")
    verdict(claim, tmp_path)
    listing = claim.resolve("listings/listing.py")
    listing.write_text(listing.read_text() + "# an edit\n")
    again = verdict(claim, tmp_path)
    assert not any(r["cached"] for r in again.details["runs"])


def test_one_run_serves_every_claim_on_the_same_listings(tmp_path):
    a = metric(tmp_path, "0.991", claim_id="a")
    b = make_claim(tmp_path, "metric", {"value": "acc * 100", "seeds": {"cpu": 4}}, "99.1",
                   listing=NOISY.format(mean=0.991, sd=0.0005), claim_id="b", tier="cpu", tolerance=0.2)
    ctx = RunContext(Config(tier="cpu", progress=False, cache_dir=tmp_path / "cache"))
    plan([a, b], ctx)
    results = [run_claim(c, ctx) for c in (a, b)]
    assert [r.status for r in results] == [Status.PASSED, Status.PASSED]
    assert ctx.runs.trained == 4 and ctx.runs.reused == 4


def comparison(tmp_path, statistic, relation, expected, tolerance=None, b_mean=0.978):
    write_spec(tmp_path / "claims/listings", "a.py", NOISY.format(mean=0.991, sd=0.0005))
    write_spec(tmp_path / "claims/listings", "b.py", NOISY.format(mean=b_mean, sd=0.0005))
    measure = {"a": {"listings": ["listings/a.py"], "value": "acc"},
               "b": {"listings": ["listings/b.py"], "value": "acc"},
               "statistic": statistic, "relation": relation, "seeds": {"cpu": 4}}
    extra = {} if tolerance is None else {"tolerance": tolerance}
    claim = make_claim(tmp_path, "comparison", measure, expected, tier="cpu", **extra)
    return verdict(claim, tmp_path)


def test_convnet_beats_dense(tmp_path):
    result = comparison(tmp_path, "difference", "greater", "0")
    assert result.status is Status.PASSED, result.reason
    assert result.observed == pytest.approx(0.013, abs=0.002)


def test_planted_reversed_comparison_fails(tmp_path):
    assert comparison(tmp_path, "difference", "less", "0").status is Status.FAILED


def test_relative_error_reduction_about_60_percent(tmp_path):
    result = comparison(tmp_path, "relative_error_reduction", "approx", "60%", tolerance=0.1)
    assert result.status is Status.PASSED, result.reason
    assert result.observed == pytest.approx(1 - 0.009 / 0.022, abs=0.05)


def test_planted_wrong_error_reduction_fails(tmp_path):
    result = comparison(tmp_path, "relative_error_reduction", "approx", "90%", tolerance=0.05)
    assert result.status is Status.FAILED


def test_value_that_is_not_a_number_is_an_error(tmp_path):
    claim = make_claim(tmp_path, "metric", {"value": "'high'", "seeds": {"cpu": 2}}, "0.9",
                       listing="x = 1\n", tier="cpu", tolerance=0.01)
    result = verdict(claim, tmp_path)
    assert result.status is Status.ERROR and "not a number" in result.reason


def test_metric_spec_problems_are_reported():
    from runners.kinds import registry
    from runners.schema import Claim

    claim = Claim(id="x", kind="metric", source={}, measure={"listings": ["a.py"], "value": "acc",
                  "seeds": {"cpu": 0, "tpu": 3}}, expected="ninety", tier="cpu", tolerance=None)
    problems = "\n".join(registry()["metric"].check(claim))
    assert "unknown tier 'tpu'" in problems and "seeds.cpu" in problems
    assert "printed number" in problems and "tolerance" in problems


def test_epoch_progress_is_reported(tmp_path, capsys):
    listing = ("import keras, numpy as np\n"
               "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation='softmax')])\n"
               "model.compile('rmsprop', 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
               "x = np.random.rand(256, 4).astype('float32'); y = (x[:, 0] > 0.5).astype('int32')\n"
               "model.fit(x, y, epochs=2, batch_size=32)\n"
               "loss, acc = model.evaluate(x, y)\n")
    claim = make_claim(tmp_path, "metric", {"value": "acc", "seeds": {"cpu": 1}}, "0.5",
                       listing=listing, tier="cpu", claim_id="tiny", tolerance=0.5)
    result = run(claim, tier="cpu", cache_dir=tmp_path / "cache", progress=True)
    err = capsys.readouterr().err
    assert "tiny seed 0: epoch 1/2: accuracy:" in err and "epoch 2/2" in err
    assert result.status is Status.INCONCLUSIVE  # one seed: no spread
