"""From a match score to a false-match rate, fitted on non-matching queries.

`bench/identify_visual.py --calibrate` runs non-matching queries (photos and clips that are not
references, under every transformation) against the benchmark index and fits the upper tail of
their best scores with an exponential: rate(score) = exp(INTERCEPT - SLOPE * score), capped at
1. The fit is deliberately conservative (see docs/identification-visual.md for the figures);
refit it when the matcher's parameters change.
"""

from __future__ import annotations

import math

# Fitted by `python -m bench.identify_visual --calibrate` (see the docs for the run).
# 54 non-matching photo queries and 18 non-matching clip queries, none scoring above 0: the
# intercept is one query's worth, the slope the assumed shallow floor (MIN_MEAN_EXCESS).
TAILS = {
    "image": (-3.989, 10.0),
    "video": (-2.89, 10.0),
}


MIN_MEAN_EXCESS = 0.1


def false_match_rate(score: float, query_kind: str) -> float:
    intercept, slope = TAILS[query_kind]
    return min(1.0, math.exp(intercept - slope * score))


def fit_tail(null_scores: list[float], *, quantile: float = 0.9) -> tuple[float, float]:
    """(intercept, slope) of an exponential through the null's upper tail, rounded to be safe.

    The slope is the maximum-likelihood rate of the excesses over the `quantile` score; the
    intercept puts the curve through the share of null queries above that score (at least one
    query's worth, so an all-zero null does not claim certainty it has not seen).
    """
    scores = sorted(null_scores)
    if not scores:
        raise ValueError("no null scores to fit")
    threshold = scores[int(quantile * (len(scores) - 1))]
    excesses = [s - threshold for s in scores if s > threshold]
    share = max(len(excesses), 1) / len(scores)
    # At least 0.1: a null that never scored gives no slope, so assume a shallow one.
    mean_excess = max(sum(excesses) / len(excesses) if excesses else 0.0, MIN_MEAN_EXCESS)
    slope = 1.0 / mean_excess
    intercept = math.log(share) + slope * threshold
    return round(intercept, 3), round(slope, 3)
