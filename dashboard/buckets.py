"""Fixed duration buckets, so histograms from different days can be added up.

Bucket i holds durations in [BOUNDS[i-1], BOUNDS[i]) seconds (bucket 0 from
zero, the last one open-ended). The bounds follow what hotlines talk about:
minutes for UK-hosted removals, days inside INHOPE's network, weeks outside.
A percentile read from a histogram is exact to within its bucket; inside the
bucket it is interpolated linearly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import timedelta

_M, _H, _D = 60, 3600, 86400
BOUNDS: tuple[int, ...] = (
    1 * _M, 2 * _M, 5 * _M, 10 * _M, 15 * _M, 30 * _M, 45 * _M,
    1 * _H, 90 * _M, 2 * _H, 3 * _H, 4 * _H, 6 * _H, 8 * _H, 12 * _H, 18 * _H,
    1 * _D, 36 * _H, 2 * _D, 3 * _D, 4 * _D, 5 * _D, 7 * _D, 10 * _D, 14 * _D,
    21 * _D, 28 * _D, 42 * _D, 60 * _D, 90 * _D, 180 * _D, 365 * _D,
)  # fmt: skip


def bucket_of(duration: timedelta) -> int:
    """The bucket number of a duration (negative durations, from clock skew, count as zero)."""
    return bisect_right(BOUNDS, max(duration.total_seconds(), 0.0))


def bucket_range(index: int) -> tuple[float, float | None]:
    low = 0.0 if index == 0 else float(BOUNDS[index - 1])
    high = float(BOUNDS[index]) if index < len(BOUNDS) else None
    return low, high


def percentile(histogram: Mapping[int, int], fraction: float) -> timedelta | None:
    """The `fraction` quantile (0.5, 0.9) of a histogram {bucket: count}; None when it is empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    target = fraction * total
    seen = 0
    for index in sorted(histogram):
        count = histogram[index]
        if count <= 0:
            continue
        if seen + count >= target:
            low, high = bucket_range(index)
            if high is None:
                return timedelta(seconds=low)
            return timedelta(seconds=low + (high - low) * (target - seen) / count)
        seen += count
    low, _high = bucket_range(max(histogram))
    return timedelta(seconds=low)
