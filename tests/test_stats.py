"""The rule behind stochastic verdicts, its constants and its operating characteristic."""
import pytest

from claimcheck.runners import stats


@pytest.mark.parametrize("text, low, high", [
    ("0.991", 0.9905, 0.9915),
    ("99.1%", 0.9905, 0.9915),
    ("0.9785", 0.97845, 0.97855),
    ("60%", 0.595, 0.605),
    ("10", 9.5, 10.5),
    ("09.5%", 0.0945, 0.0955),
    ("80%-85%", 0.80, 0.85),
    ("0.80-0.85", 0.80, 0.85),
])
def test_a_stated_value_stands_for_an_interval(text, low, high):
    s = stats.parse_stated(text)
    assert (s.low, s.high) == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize("value, message", [
    (0.990, "quoted string"), ("about 60", "not a printed number"), ("85%-80%", "from low to high")])
def test_what_is_not_a_stated_value(value, message):
    with pytest.raises(ValueError, match=message):
        stats.parse_stated(value)


def test_figures_imply_the_interval_of_a_statistic():
    s = stats.from_figures(lambda a, b: 1 - (1 - a) / (1 - b), stats.parse_stated("99.1%"),
                           stats.parse_stated("97.8%"), "rer")
    assert (s.low, s.high) == (pytest.approx(0.55814, abs=1e-5), pytest.approx(0.62222, abs=1e-5))


def test_interval_is_the_90_percent_t_interval():
    s = stats.summarize([0.990, 0.991, 0.992])
    half = 2.919986 * 0.001 / 3 ** 0.5  # t(0.95, 2)
    assert (s.mean, s.sd) == (pytest.approx(0.991), pytest.approx(0.001))
    assert (s.low, s.high) == (pytest.approx(0.991 - half), pytest.approx(0.991 + half))


def test_the_allowance_is_the_single_run_range_plus_drift_or_the_rounding_if_wider():
    assert stats.allowance(stats.parse_stated("0.9785"), 0.002) == pytest.approx(2.5 * 0.002 + 0.002)
    wide = stats.parse_stated("80%-85%")  # half-width 0.025 > 2.5 * 0.005
    assert stats.allowance(wide, 0.005) == pytest.approx(0.025 + 0.005)


def test_decisions():
    stated = stats.parse_stated("0.991")
    inside = stats.judge_mean(stats.summarize([0.9910, 0.9912, 0.9908, 0.9911]), stated, 0.0006)
    far = stats.judge_mean(stats.summarize([0.9810, 0.9812, 0.9808]), stated, 0.0006)
    edge = stats.judge_mean(stats.summarize([0.9880, 0.9890, 0.9872, 0.9888]), stated, 0.0006)
    assert (inside.status, far.status, edge.status) == ("passed", "failed", "inconclusive")
    assert "seeds would show it" in edge.reason


def test_identical_values_inside_the_band_are_an_error_and_outside_it_fail():
    inside = stats.judge_mean(stats.summarize([0.991] * 5), stats.parse_stated("0.991"), 0.0006)
    assert inside.status == "error" and "seeding may not work" in inside.reason
    outside = stats.judge_mean(stats.summarize([0.10] * 5), stats.parse_stated("0.991"), 0.0006)
    assert outside.status == "failed" and "outside the band" in outside.reason


def test_the_scale_check_reads_the_reference_mean_not_the_measurement():
    assert stats.scale_problem(stats.parse_stated("0.991%"), 0.9915)  # 0.00991 against 0.99
    assert stats.scale_problem(stats.parse_stated("99.1"), 0.9915)
    assert stats.scale_problem(stats.parse_stated("99.1%"), 0.9915) is None
    assert stats.scale_problem(stats.parse_stated("0.991"), None) is None  # a stand-in sd: no mean


def test_the_characteristic_counts_the_references_own_uncertainty():
    """The sd the rule is given is the sd of k runs: with k = 3 the targets are missed, as the
    issue's table says; with the sd known they are met; the result is cached per scale-free key."""
    known = stats.operating_characteristic(0.0005, 0.001, 5)
    three = stats.operating_characteristic(0.0005, 0.001, 5, reference_n=3)
    assert not stats.unmet_targets(known) and stats.unmet_targets(three)
    assert three[1]["passed"] < 0.85 < known[1]["passed"]
    assert stats.operating_characteristic(0.005, 0.01, 5, reference_n=3) == three  # scale-free, one cached result


def test_the_characteristic_comes_from_the_decision_function_and_meets_the_targets():
    oc = stats.operating_characteristic(0.0005, 0.0006, 5)
    by = {row["delta_sd"]: row for row in oc}
    assert all(abs(r["passed"] + r["failed"] + r["inconclusive"] - 1) < 1e-3 for r in oc)
    assert by[0]["passed"] > 0.95 and by[8]["failed"] > 0.99
    assert stats.unmet_targets(oc) == []
    assert stats.operating_characteristic(0.0005, 0.0006, 5) == oc  # fixed seed: reproducible


def test_a_stated_interval_wider_than_the_spread_counts_its_distance_from_its_edge():
    """Rounding 5 sd wide (a coarse figure of a precise quantity): a true mean anywhere inside it
    makes the claim true, so the characteristic places the value 0..8 sd beyond what it allows,
    and there the rule meets the targets; a drift allowance too loose for its spread does not."""
    assert stats.unmet_targets(stats.operating_characteristic(0.005, 0.001, 5)) == []
    placed = stats.rule.placed(1.0, 5.0)
    assert (placed.low, placed.high) == (-1.5, 8.5)  # the mean 0 lies 1 sd beyond K_SINGLE inside it
    missed = stats.unmet_targets(stats.operating_characteristic(0.0005, 0.001, 5, drift=3.0))
    assert any("at 4 sd P(passed)" in m for m in missed)


def test_three_seeds_are_too_few_for_the_targets():
    """Why the gpu tier of sections 8.2-8.3 runs 5 seeds, not the translator's 3."""
    assert stats.unmet_targets(stats.operating_characteristic(0.0005, 0.025, 3))
    assert not stats.unmet_targets(stats.operating_characteristic(0.0005, 0.025, 5))


def test_the_outlier_rule_leaves_out_an_odd_value_and_says_which():
    values = [0.9908, 0.9919, 0.9902, 0.9889, 0.9912, 0.9902, 0.9886, 0.991, 0.9916, 0.9781]
    kept, seeds, excluded = stats.screen(values, range(100, 110))
    assert seeds == list(range(100, 109)) and kept == values[:9]
    assert excluded == [{"label": 109, "value": 0.9781, "robust_sd_off": pytest.approx(-9.4, abs=0.5)}]
    assert stats.screen(values[:7])[2] == [], "fewer than MIN_SCREENED values are not screened"
    normal = [0.99 + 0.001 * ((i * 7) % 11 - 5) for i in range(20)]
    assert stats.screen(normal)[2] == []
    assert stats.robust_sd([1, 2, 3, 4, 100]) == pytest.approx(1.4826)


def test_the_drift_estimate_screens_both_sides():
    readers = [0.99 + 0.001 * ((i * 7) % 11 - 5) for i in range(30)] + [0.95]
    seeds = [0.9908, 0.9919, 0.9902, 0.9889, 0.9912, 0.9902, 0.9886, 0.991, 0.9916, 0.9781]
    found = stats.spread(readers, seeds, list(range(100, 110)))
    assert found.across_n == 30 and found.within_n == 9
    assert [e["label"] for e in found.within_excluded] == [109] and found.across_excluded[0]["value"] == 0.95


def test_the_stated_values_that_would_pass_are_those_the_rule_passes():
    summary = stats.summarize([0.9910, 0.9913, 0.9921, 0.9926, 0.9916])
    stated = stats.parse_stated("0.991")
    low, high = stats.passing_values(summary, stated, 0.0017, 1.0)
    for centre, status in ((low + 1e-6, "passed"), (high - 1e-6, "passed"), (low - 1e-4, "inconclusive"),
                           (high + 1e-4, "inconclusive")):
        moved = stats.Stated(centre - stated.halfwidth, centre + stated.halfwidth, f"{centre}")
        assert stats.judge_mean(summary, moved, 0.0017, drift=1.0).status == status
    flat = stats.summarize([0.99, 0.99, 0.99])
    assert stats.passing_values(flat, stated, 0.0017) is None


def test_one_odd_reader_run_does_not_turn_a_value_above_every_reader_into_passed():
    """Issue 25: augmentation stated at 85.7% (above all 17 readers) failed; one added run at 71.9%
    widened the spread until it passed. References are screened (as _stochastic.reference does)."""
    from claimcheck.runners.claim.references import recorded

    from helpers import CLAIMS

    runs = list(recorded(str(CLAIMS / "dlwp2/ch08/x.yaml"))["readers.dogs.augmented.test_acc"]["values"])
    above = stats.parse_stated("85.7%")
    assert max(runs) < above.low and stats.evidence.judge_runs(runs, above)[0].status == "failed"
    assert stats.evidence._outcome_of(runs + [0.719], above) == "passed", "unscreened, the plain rule passes it"
    assert stats.evidence.judge_runs(runs + [0.719], above)[0].status == "inconclusive"  # one run decides it
    kept, _, excluded = stats.screen(runs + [0.719])
    assert [e["value"] for e in excluded] == [0.719]
    assert stats.evidence.judge_runs(kept, above)[0].status == "failed"
