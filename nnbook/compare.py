"""Is a change a measurable gain, a measurable loss, or within the seed noise?

Introduced in Chapter 6: run the baseline and the candidate on the SAME seeds, take the
per-seed differences, and put a t-interval (n - 1 degrees of freedom) around their mean.
The verdict is "measurable gain" when the whole interval lies on the better side of 0,
"measurable loss" when it lies on the worse side, and "within noise" otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from nnbook.checks import check_number

GAIN, LOSS, NOISE = "measurable gain", "measurable loss", "within noise"
VERDICTS = (GAIN, LOSS, NOISE)
MIN_SEEDS = 3   # with 2 seeds (1 degree of freedom) the 95% t quantile is 12.7: no interval is useful


@dataclass(frozen=True)
class Comparison:
    """The result of a comparison; ``diffs`` are candidate - baseline (per seed when paired)."""

    diffs: np.ndarray | None   # (n,) per-seed differences; None for an unpaired comparison
    mean: float                # mean difference, candidate - baseline
    sd: float                  # sample standard deviation of the differences (ddof=1); unpaired: NaN
    n: int                     # number of seeds (pairs); unpaired: the smaller group
    df: float                  # degrees of freedom of the t quantile
    low: float                 # the t-interval of the mean difference
    high: float
    confidence: float
    higher_is_better: bool
    verdict: str               # one of VERDICTS
    warning: str | None        # a sentence when the design cannot decide, else None
    paired: bool = True

    @property
    def half_width(self) -> float:
        """Half the interval's width: the smallest difference this design can resolve."""
        return (self.high - self.low) / 2

    def __str__(self) -> str:
        design = f"{self.n} paired seeds" if self.paired else f"Welch, n = {self.n}+"
        text = (f"{self.mean:+.3g} [{self.low:+.3g}, {self.high:+.3g}] "
                f"({self.confidence:.0%} t-interval, {design}, df {self.df:.3g}): {self.verdict}")
        return text if self.warning is None else f"{text}; warning: {self.warning}"


def _results(name: str, values) -> np.ndarray:
    """Return ``values`` as a 1-D float array of >= 2 finite numbers."""
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one result per seed), got shape {array.shape}")
    if len(array) < 2:
        raise ValueError(f"{name} must hold at least 2 seeds' results (a spread needs 2), got {len(array)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers (a diverged run is a result to report, "
                         f"not to average), got {array.tolist()}")
    return array


def _verdict(low: float, high: float, higher_is_better: bool) -> str:
    """GAIN when the whole interval is on the better side of 0, LOSS on the worse side, else NOISE."""
    if low > 0:
        return GAIN if higher_is_better else LOSS
    if high < 0:
        return LOSS if higher_is_better else GAIN
    return NOISE


def _warning(n: int, half_width: float, smallest_effect: float | None) -> str | None:
    """A sentence when the design cannot decide: too few seeds, or an interval too wide."""
    if n < MIN_SEEDS:
        return (f"only {n} seeds: with {n - 1} degree(s) of freedom the interval is too wide to decide; "
                f"use at least {MIN_SEEDS}")
    if smallest_effect is not None and half_width > smallest_effect:
        return (f"the interval's half-width {half_width:.3g} exceeds the smallest effect of interest "
                f"{smallest_effect:.3g}: an effect of that size could not be detected; add seeds")
    return None


def compare_paired(baseline, candidate, higher_is_better: bool = True, confidence: float = 0.95,
                   smallest_effect: float | None = None) -> Comparison:
    """Compare per-seed results on the SAME seeds, paired by position.

    baseline, candidate: (n,) one result per seed, seed i of each run with the same seed, n >= 2.
    higher_is_better: True for accuracy, False for a loss or an error rate.
    confidence: the interval's coverage in (0, 1); the chance of a false verdict is 1 - confidence.
    smallest_effect: optional, the smallest difference worth detecting (same unit as the results);
        the warning says so when the interval is wider than that.
    """
    baseline, candidate = _results("baseline", baseline), _results("candidate", candidate)
    if len(baseline) != len(candidate):
        raise ValueError(f"paired results need the same seeds: baseline has {len(baseline)} results, "
                         f"candidate {len(candidate)} (for runs on different seeds use compare_independent)")
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    if smallest_effect is not None:
        smallest_effect = check_number("smallest_effect", smallest_effect, low=0, low_open=True)
    diffs = candidate - baseline
    n = len(diffs)
    mean, sd = float(diffs.mean()), float(diffs.std(ddof=1))
    # mean +- t_{(1+c)/2, n-1} * sd / sqrt(n): the quantile of Student's t, not the normal's 1.96
    half_width = float(stats.t.ppf((1 + confidence) / 2, df=n - 1)) * sd / np.sqrt(n)
    low, high = mean - half_width, mean + half_width
    warning = _warning(n, half_width, smallest_effect)
    if sd == 0:
        warning = "every seed gave the same difference (identical runs?): the interval has no width"
    return Comparison(diffs, mean, sd, n, n - 1, low, high, confidence, bool(higher_is_better),
                      _verdict(low, high, higher_is_better), warning)


def compare_independent(baseline, candidate, higher_is_better: bool = True, confidence: float = 0.95,
                        smallest_effect: float | None = None) -> Comparison:
    """Compare results from DIFFERENT seeds (Welch's t-interval, unequal variances).

    baseline: (n_a,), candidate: (n_b,), each >= 2 results. Prefer compare_paired when the runs
    can share seeds: pairing removes the part of the noise both runs share.
    """
    baseline, candidate = _results("baseline", baseline), _results("candidate", candidate)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    if smallest_effect is not None:
        smallest_effect = check_number("smallest_effect", smallest_effect, low=0, low_open=True)
    result = stats.ttest_ind(candidate, baseline, equal_var=False)
    interval = result.confidence_interval(confidence_level=confidence)
    low, high = float(interval.low), float(interval.high)
    mean = float(candidate.mean() - baseline.mean())
    n = min(len(baseline), len(candidate))
    warning = _warning(n, (high - low) / 2, smallest_effect)
    return Comparison(None, mean, float("nan"), n, float(result.df), low, high, confidence,
                      bool(higher_is_better), _verdict(low, high, higher_is_better), warning, paired=False)
