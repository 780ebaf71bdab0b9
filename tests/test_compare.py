"""nnbook.compare: the book's verdicts, tested against scipy and against simulated data with known effects."""
import numpy as np
import pytest
from scipy import stats

from nnbook.compare import GAIN, LOSS, MIN_SEEDS, NOISE, compare_independent, compare_paired

RNG_SEED = 20261207


def test_paired_interval_equals_scipy():
    # the interval and the mean are scipy's ttest_rel and t.interval, to 1e-12
    rng = np.random.default_rng(0)
    for n in (2, 3, 5, 10):
        a = rng.normal(97, 0.2, n)
        b = a + rng.normal(0.1, 0.15, n)
        for confidence in (0.9, 0.95, 0.99):
            c = compare_paired(a, b, confidence=confidence)
            ref = stats.ttest_rel(b, a).confidence_interval(confidence_level=confidence)
            d = b - a
            low, high = stats.t.interval(confidence, df=n - 1, loc=d.mean(), scale=stats.sem(d))
            assert c.low == pytest.approx(ref.low, abs=1e-12) == pytest.approx(low, abs=1e-12)
            assert c.high == pytest.approx(ref.high, abs=1e-12) == pytest.approx(high, abs=1e-12)
            assert c.mean == pytest.approx(d.mean(), abs=1e-12)
            assert c.sd == pytest.approx(d.std(ddof=1), abs=1e-12)
            assert (c.n, c.df) == (n, n - 1)
            np.testing.assert_allclose(c.diffs, d, rtol=0, atol=1e-12)


def test_independent_interval_equals_welch():
    # compare_independent is Welch's interval (scipy's ttest_ind with equal_var=False), to 1e-12
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 4), rng.normal(0.5, 2, 6)
    c = compare_independent(a, b, confidence=0.9)
    ref = stats.ttest_ind(b, a, equal_var=False)
    interval = ref.confidence_interval(confidence_level=0.9)
    assert (c.low, c.high) == (pytest.approx(interval.low, abs=1e-12), pytest.approx(interval.high, abs=1e-12))
    assert c.df == pytest.approx(ref.df, abs=1e-12) and not c.paired and c.diffs is None


@pytest.mark.parametrize("n", [3, 5])
@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_false_positive_rate_without_effect(n, confidence):
    # no true effect: the share of verdicts other than "within noise" is 1 - confidence, within binomial limits
    rng = np.random.default_rng(RNG_SEED + n)
    trials = 4000
    shared = rng.normal(97, 0.5, (trials, n))            # the seed's effect, shared by both runs
    a = shared + rng.normal(0, 0.1, (trials, n))
    b = shared + rng.normal(0, 0.1, (trials, n))
    false = sum(compare_paired(a[i], b[i], confidence=confidence).verdict != NOISE for i in range(trials))
    alpha = 1 - confidence
    limit = 4 * np.sqrt(alpha * (1 - alpha) / trials)     # 4 binomial standard deviations
    assert abs(false / trials - alpha) < limit, (false / trials, alpha)


def test_two_standard_errors_rule_is_too_lax_with_three_seeds():
    # the "gap > 2 standard errors" rule with 3 seeds (df 2) is wrong 18% of the time, not 5%
    rng = np.random.default_rng(RNG_SEED)
    d = rng.normal(0, 1, (20000, 3))
    rate = np.mean(np.abs(d.mean(1)) > 2 * d.std(1, ddof=1) / np.sqrt(3))
    assert rate == pytest.approx(2 * stats.t.sf(2, df=2), abs=0.01)
    assert 0.17 < rate < 0.19


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_large_effect_gets_the_right_direction(higher_is_better):
    # a true effect of 10 noise standard deviations: the verdict names its direction, every time
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(200):
        a = rng.normal(1, 0.1, 5)
        up = a + rng.normal(1.0, 0.1, 5)
        down = a - rng.normal(1.0, 0.1, 5)
        assert compare_paired(a, up, higher_is_better).verdict == (GAIN if higher_is_better else LOSS)
        assert compare_paired(a, down, higher_is_better).verdict == (LOSS if higher_is_better else GAIN)


def test_pairing_removes_shared_seed_noise():
    # the same data: paired sees a small consistent gain that Welch's unpaired interval cannot
    rng = np.random.default_rng(3)
    shared = rng.normal(97, 1.0, 5)
    a, b = shared, shared + 0.2 + rng.normal(0, 0.02, 5)
    assert compare_paired(a, b).verdict == GAIN
    assert compare_independent(a, b).verdict == NOISE


def test_warning_when_design_cannot_decide():
    # fewer than MIN_SEEDS seeds, or an interval wider than the smallest effect of interest, warns
    assert "only 2 seeds" in compare_paired([1, 2], [1.5, 2.7]).warning
    c = compare_paired([1, 2, 3], [1.1, 2.5, 2.9], smallest_effect=0.05)
    assert "smallest effect" in c.warning and c.verdict == NOISE
    assert compare_paired([1, 2, 3], [1.1, 2.2, 3.1]).warning is None
    assert MIN_SEEDS == 3


def test_identical_differences_warn():
    # all seeds differ by the same amount: no spread, a zero-width interval, and a warning saying so
    c = compare_paired([1.0, 2.0, 3.0], [1.5, 2.5, 3.5])
    assert c.sd == 0 and c.low == c.high == pytest.approx(0.5) and "same difference" in c.warning


def test_str_is_one_line_with_the_verdict():
    # str(c) is one line holding the mean, the interval, the design and the verdict
    c = compare_paired([97.0, 97.2, 97.1], [97.5, 97.6, 97.4])
    text = str(c)
    assert "\n" not in text and c.verdict in text and "3 paired seeds" in text and "df 2" in text


@pytest.mark.parametrize("a, b, match", [
    ([1, 2, 3], [1, 2], "same seeds: baseline has 3 results, candidate 2"),
    ([1], [2], "at least 2 seeds"),
    ([1, np.nan, 3], [1, 2, 3], "must be finite"),
    ([[1, 2], [3, 4]], [1, 2], "must be 1-D"),
])
def test_bad_input_names_the_rule(a, b, match):
    # bad input raises ValueError naming the rule and the value
    with pytest.raises(ValueError, match=match):
        compare_paired(a, b)


def test_bad_confidence_names_the_rule():
    # confidence must lie strictly between 0 and 1
    with pytest.raises(ValueError, match="confidence must be < 1"):
        compare_paired([1, 2, 3], [1, 2, 4], confidence=1.0)
    with pytest.raises(ValueError, match="smallest_effect must be > 0"):
        compare_paired([1, 2, 3], [1, 2, 4], smallest_effect=0)
