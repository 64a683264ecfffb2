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
    """(10%, the plant before issue 38, is now refused at validate: its band holds no reduction at all.)"""
    result = verdict(comparison(tmp_path, "relative_error_reduction", "95%"), tmp_path)
    assert result.status is Status.FAILED, result.reason


def test_the_reference_pairs_the_two_runs_by_seed(tmp_path):
    result = verdict(comparison(tmp_path, "difference", {"a": "99.1%", "b": "97.8%"}), tmp_path)
    diffs = [a - b for a, b in zip(REFERENCES["a"]["values"], REFERENCES["b"]["values"])]
    assert result.details["reference"]["mean"] == pytest.approx(sum(diffs) / 5)


def test_spec_problems(tmp_path):
    claim = comparison(tmp_path, "difference", {"a": "99.1%"}, reference={"a": "a"}, check=False)
    text = "\n".join(claim.problems)
    assert "expected: a printed value of the statistic" in text and "reference: required" in text


# issue 25: one odd seed of the reference (seed 109 of the first edition's convnet: 0.9781 against
# 0.9886-0.9919) made the paired sd 0.206, and "68%" a band of [-4%, 140%] that no run could fail
ODD = {
    "a": {"seeds": list(range(100, 110)),
          "values": [0.9908, 0.9919, 0.9902, 0.9889, 0.9912, 0.9902, 0.9886, 0.991, 0.9916, 0.9781]},
    "b": {"seeds": list(range(100, 110)),
          "values": [0.9775, 0.9815, 0.9771, 0.9762, 0.9805, 0.9798, 0.9789, 0.98, 0.9771, 0.9798]},
}


def odd(tmp_path, expected, references=ODD, **fields):
    claim = comparison(tmp_path, "relative_error_reduction", expected, check=False, **fields)
    write(tmp_path / "claims", "references.yaml", __import__("yaml").safe_dump({"references": references}))
    from claimcheck.runners.catalog import loader

    [claim] = loader.load_file(tmp_path / "claims" / "t.claim.yaml")
    return claim


def test_an_odd_reference_seed_is_left_out_by_the_outlier_rule_and_listed(tmp_path):
    claim = odd(tmp_path, {"a": "99.1%", "b": "97.8%"})
    assert not claim.problems, claim.problems
    result = verdict(claim, tmp_path)
    reference = result.details["reference"]
    assert [e["label"] for e in reference["excluded"]] == [109]
    assert reference["excluded"][0]["a"] == 0.9781 and "robust sd" in reference["outlier_rule"]
    assert reference["sd"] < 0.06 and reference["seeds"] == list(range(100, 109))
    assert result.details["passes_for"]["text"].startswith("passes here for stated values from ")


@pytest.mark.parametrize("planted", ["0%", "30%"])
def test_planted_error_reductions_the_seeds_contradict_fail(tmp_path, planted):
    result = verdict(odd(tmp_path, planted), tmp_path)
    assert result.status is Status.FAILED, result.reason


def test_the_error_reduction_is_judged_on_pooled_accuracies(tmp_path):
    result = verdict(comparison(tmp_path, "relative_error_reduction", {"a": "99.1%", "b": "97.8%"}), tmp_path)
    a = [r["value"] for r in result.details["runs"]["a"]]
    b = [r["value"] for r in result.details["runs"]["b"]]
    pooled = 1 - (sum(1 - x for x in a) / len(a)) / (sum(1 - y for y in b) / len(b))
    assert result.observed == pytest.approx(pooled, abs=1e-6) and result.details["pooled"] == result.observed
    assert result.details["summary"]["mean"] == pytest.approx(pooled)


def test_a_band_over_most_of_the_statistics_range_is_invalid_at_validate(tmp_path):
    """With seed 109 kept (no screen below 8 paired seeds), the band covers most of [0, 1]."""
    few = {side: {"seeds": v["seeds"][-5:], "values": v["values"][-5:]} for side, v in ODD.items()}
    claim = odd(tmp_path, "68%", references=few)
    [problem] = [p for p in claim.problems if "covers" in p]
    assert "of the relative_error_reduction's range [0, 1], more than 50%: no run could fail it" in problem
    from claimcheck.runners.catalog.validation import problems_of

    [where] = [p for p in problems_of([claim]) if "covers" in p.message]
    assert str(where).startswith(f"{claim.file}:{claim.line}:")


# issue 38, item 5: an effect must show. Géron's transfer-learning headline ("up 2 points") had the band
# [-3.04, +7.04] points from one run's statement: it passed whether or not transfer helped.
WIDE = {
    "a": {"seeds": list(range(100, 110)),
          "values": [0.928, 0.906, 0.912, 0.911, 0.905, 0.908, 0.921, 0.93, 0.915, 0.931]},
    "b": {"seeds": list(range(100, 110)),
          "values": [0.915, 0.928, 0.925, 0.92, 0.9225, 0.9195, 0.9175, 0.9185, 0.9185, 0.91]},
}


def wide(tmp_path, expected, b_mean=0.978, a_sd=None):
    claim = comparison(tmp_path, "difference", expected, b_mean=b_mean, check=False)
    if a_sd is not None:  # a spread like the reference's
        write(tmp_path / "claims/listings", "a.py", NOISY.format(mean=0.991, sd=a_sd))
    write(tmp_path / "claims", "references.yaml", __import__("yaml").safe_dump({"references": WIDE}))
    from claimcheck.runners.catalog import loader

    [claim] = loader.load_file(tmp_path / "claims" / "t.claim.yaml")
    return claim


def test_a_gain_whose_band_holds_no_effect_is_refused_at_validate(tmp_path):
    claim = wide(tmp_path, {"a": "93.85%", "b": "91.85%"})
    [problem] = [p for p in claim.problems if "holds 0" in p]
    assert "no difference at all: a run where a is no better than b would pass it" in problem
    from claimcheck.runners.catalog.validation import problems_of

    [where] = [p for p in problems_of([claim]) if "holds 0" in p.message]
    assert str(where).startswith(f"{claim.file}:{claim.line}:")


def test_a_stated_gain_the_seeds_do_not_show_is_not_passed(tmp_path):
    """Both sides give the same accuracy: the seeds' interval of the difference straddles 0 inside a
    band that holds 0, which the band rule alone would pass. validate refuses such a band; one that
    this machine's offset moves over 0 is decided at run time, as here (the refusal set aside)."""
    claim = wide(tmp_path, {"a": "99.3%", "b": "99.1%"}, b_mean=0.991, a_sd=0.01)
    assert any("holds 0" in p for p in claim.problems)
    claim.problems.clear()
    result = verdict(claim, tmp_path)
    assert result.status is Status.INCONCLUSIVE, result.reason
    assert "the stated effect does not show on these seeds" in result.reason
    assert result.details["effect_shown"]["shown"] is False


def test_a_gain_that_shows_keeps_its_verdict(tmp_path):
    result = verdict(comparison(tmp_path, "difference", {"a": "99.1%", "b": "97.8%"}), tmp_path)
    assert result.status is Status.PASSED and result.details["effect_shown"]["shown"] is True


def test_the_effect_rule_copes_with_zero_spread():
    from claimcheck.runners import stats
    from claimcheck.runners.kinds.comparison import effect_shown

    gain = stats.parse_stated("2%")
    assert effect_shown([0.0, 0.0, 0.0], gain)[0] is False  # two sides that give the same values
    assert effect_shown([0.02, 0.02, 0.02], gain)[0] is True  # a constant gain
    assert effect_shown([0.02, -0.01, 0.03], gain)[0] is False
    assert effect_shown([-0.02, -0.02], stats.parse_stated("-2%"))[0] is True
