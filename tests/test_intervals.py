"""The one interval of a mean over seeds (experiments/intervals.py): method by number of seeds."""

import math

import numpy as np
import pytest
from scipy import stats

from experiments import intervals
from experiments.intervals import over_seeds


def test_fewer_than_three_seeds_have_no_interval():
    for values in ([], [0.4], [0.2, 0.6]):
        ci = over_seeds(values)
        assert math.isnan(ci.low) and math.isnan(ci.high)
        assert ci.method == "none (n<3)" and ci.n == len(values)
    assert over_seeds([0.2, 0.6]).mean == pytest.approx(0.4)
    assert math.isnan(over_seeds([]).mean)


def test_three_to_nine_seeds_get_a_student_t_interval():
    # mean 2, sd 1, n 3: half-width t(0.975, 2) / sqrt(3) = 4.3027 / 1.7321 = 2.4841
    ci = over_seeds([1.0, 2.0, 3.0])
    assert ci.method == "t" and ci.n == 3
    assert (ci.mean, ci.low, ci.high) == pytest.approx((2, 2 - 2.48414, 2 + 2.48414), abs=1e-4)
    nine = over_seeds(np.arange(9.0))
    half = stats.t.ppf(0.975, 8) * np.std(np.arange(9.0), ddof=1) / 3
    assert nine.method == "t" and (nine.low, nine.high) == pytest.approx((4 - half, 4 + half))


def test_ten_or_more_seeds_get_a_reproducible_percentile_bootstrap():
    values = np.linspace(0.1, 0.9, 10) ** 2
    ci = over_seeds(values)
    assert ci.method == "bootstrap" and ci.n == 10
    assert values.min() < ci.low < ci.mean < ci.high < values.max()
    assert over_seeds(values) == ci  # fixed resampling stream
    res = stats.bootstrap((values,), np.mean, n_resamples=2000, method="percentile", rng=np.random.default_rng(0))
    assert (ci.low, ci.high) == pytest.approx(tuple(res.confidence_interval))


def test_nan_seeds_are_dropped_and_agreeing_seeds_give_a_point():
    ci = over_seeds([0.1, 0.2, 0.3, np.nan])
    assert ci.n == 3 and ci.method == "t" and ci.mean == pytest.approx(0.2)
    assert over_seeds([0.3] * 4)[:3] == (0.3, 0.3, 0.3)
    assert over_seeds([0.3] * 12).method == "bootstrap"


def test_methods_are_described_for_a_note():
    text = intervals.describe(["t", "bootstrap", "t"])
    assert text == "Student t-interval over seeds; percentile bootstrap over seeds"
    assert intervals.describe([over_seeds([1.0]).method]) == "no interval with fewer than 3 seeds"
