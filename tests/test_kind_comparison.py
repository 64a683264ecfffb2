"""comparison claims: a statistic of two measurements per seed against what the book states."""
import pytest

from claimcheck.runners.claim.verdict import Status

from helpers import NOISY, make_claim, run, write

REFERENCES = {
    "a": {"seeds": [0, 1, 2, 3, 4], "values": [0.9910, 0.9913, 0.9921, 0.9926, 0.9916]},
    "b": {"seeds": [0, 1, 2, 3, 4], "values": [0.9794, 0.9817, 0.9765, 0.9800, 0.9788]},
}


def comparison(tmp_path, statistic, expected, b_mean=0.978, **fields):
    write(tmp_path / "claims/listings", "a.py", NOISY.format(mean=0.991, sd=0.0005))
    # b draws its own noise (a second draw), so the per-seed differences vary
    write(tmp_path / "claims/listings", "b.py", "import numpy as np\nnp.random.normal()\n"
          f"acc = {b_mean} + float(np.random.normal(0, 0.0015))\n")
    measure = {"a": {"listings": ["listings/a.py"], "value": "acc"},
               "b": {"listings": ["listings/b.py"], "value": "acc"},
               "statistic": statistic, "seeds": {"cpu": 4}}
    fields.setdefault("reference", {"a": "a", "b": "b"})
    return make_claim(tmp_path, "comparison", measure, expected, tier="cpu", references=REFERENCES, **fields)


def verdict(claim, tmp_path):
    return run(claim, tier="cpu", cache_dir=tmp_path / "cache")


def test_the_gap_two_printed_figures_imply_passes(tmp_path):
    result = verdict(comparison(tmp_path, "difference", {"a": "99.1%", "b": "97.8%"}), tmp_path)
    assert result.status is Status.PASSED, result.reason
    assert result.details["stated_interval"] == [pytest.approx(0.012), pytest.approx(0.014)]
    assert result.observed == pytest.approx(0.013, abs=0.002)
    assert len(result.details["per_seed"]) == 4


def test_planted_figures_that_imply_no_gap_fail(tmp_path):
    result = verdict(comparison(tmp_path, "difference", {"a": "99.1%", "b": "99.1%"}), tmp_path)
    assert result.status is Status.FAILED, result.reason


def test_relative_error_reduction_about_60_percent(tmp_path):
    result = verdict(comparison(tmp_path, "relative_error_reduction", {"a": "99.1%", "b": "97.8%"}), tmp_path)
    assert result.status is Status.PASSED, result.reason
    low, high = result.details["stated_interval"]
    assert low == pytest.approx(1 - 0.0095 / 0.0215) and high == pytest.approx(1 - 0.0085 / 0.0225)


def test_planted_wrong_error_reduction_fails(tmp_path):
    result = verdict(comparison(tmp_path, "relative_error_reduction", "10%"), tmp_path)
    assert result.status is Status.FAILED, result.reason


def test_the_reference_pairs_the_two_runs_by_seed(tmp_path):
    result = verdict(comparison(tmp_path, "difference", {"a": "99.1%", "b": "97.8%"}), tmp_path)
    diffs = [a - b for a, b in zip(REFERENCES["a"]["values"], REFERENCES["b"]["values"])]
    assert result.details["reference"]["mean"] == pytest.approx(sum(diffs) / 5)


def test_spec_problems(tmp_path):
    claim = comparison(tmp_path, "difference", {"a": "99.1%"}, reference={"a": "a"}, check=False)
    text = "\n".join(claim.problems)
    assert "expected: a printed value of the statistic" in text and "reference: required" in text
