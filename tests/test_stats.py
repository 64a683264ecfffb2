"""The equivalence test behind stochastic verdicts."""
import pytest

from runners import stats


@pytest.mark.parametrize("text, value, low, high", [
    ("0.991", 0.991, 0.9905, 0.9915),
    ("99.1%", 0.991, 0.9905, 0.9915),
    ("0.9785", 0.9785, 0.97845, 0.97855),
    ("60%", 0.60, 0.595, 0.605),
    ("0", 0.0, -0.5, 0.5),
    (0.992, 0.992, 0.9915, 0.9925),
])
def test_printed_precision(text, value, low, high):
    s = stats.parse_stated(text)
    assert s.value == pytest.approx(value)
    assert (s.low, s.high) == (pytest.approx(low), pytest.approx(high))


def test_unparseable_stated_value():
    with pytest.raises(ValueError):
        stats.parse_stated("about 60")


def test_interval_is_the_90_percent_t_interval():
    s = stats.summarize([0.990, 0.991, 0.992])
    assert s.mean == pytest.approx(0.991)
    assert s.sd == pytest.approx(0.001)
    half = 2.919986 * 0.001 / 3 ** 0.5  # t(0.95, 2)
    assert (s.low, s.high) == (pytest.approx(0.991 - half), pytest.approx(0.991 + half))


def test_inside_the_band_passes():
    d = stats.decide_band(stats.summarize([0.9910, 0.9912, 0.9908, 0.9911]), 0.9885, 0.9935)
    assert d.status == "passed" and "inside" in d.reason


def test_far_outside_fails():
    d = stats.decide_band(stats.summarize([0.9910, 0.9912, 0.9908]), 0.9985, 0.9995)
    assert d.status == "failed" and "outside" in d.reason


def test_straddling_is_inconclusive_with_an_estimate():
    d = stats.decide_band(stats.summarize([0.989, 0.991]), 0.9885, 0.9935)
    assert d.status == "inconclusive"
    assert d.seeds_needed is not None and d.seeds_needed > 2
    # with that many seeds of the same mean and spread the interval would fit in the band
    sd = stats.summarize([0.989, 0.991]).sd
    n = d.seeds_needed
    assert stats.t_quantile(n) * sd / n ** 0.5 < 0.990 - 0.9885


def test_one_seed_cannot_decide():
    d = stats.decide_band(stats.summarize([0.991]), 0.98, 1.0)
    assert d.status == "inconclusive" and d.seeds_needed == 2


def test_mean_on_the_edge_cannot_be_decided_by_more_seeds():
    d = stats.decide_band(stats.summarize([0.9885, 0.9885 + 1e-3, 0.9885 - 1e-3]), 0.9885, 0.99)
    assert d.status == "inconclusive" and d.seeds_needed is None


@pytest.mark.parametrize("values, relation, status", [
    ([0.012, 0.013, 0.011], "greater", "passed"),
    ([0.012, 0.013, 0.011], "less", "failed"),
    ([-0.012, -0.013, -0.011], "greater", "failed"),
    ([0.001, -0.002, 0.0015], "greater", "inconclusive"),
])
def test_sign_of_paired_differences(values, relation, status):
    assert stats.decide_sign(stats.summarize(values), relation, "d").status == status
