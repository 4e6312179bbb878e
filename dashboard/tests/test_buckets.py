from datetime import timedelta

from dashboard.buckets import BOUNDS, bucket_of, bucket_range, percentile


def test_each_duration_lands_in_the_bucket_that_holds_it():
    for seconds in (0, 59, 60, 3599, 3600, 86400 * 3, 86400 * 400):
        low, high = bucket_range(bucket_of(timedelta(seconds=seconds)))
        assert low <= seconds and (high is None or seconds < high)


def test_negative_durations_count_as_zero():
    assert bucket_of(timedelta(seconds=-5)) == 0


def test_percentiles_interpolate_inside_the_bucket():
    one_hour = bucket_of(timedelta(hours=1))  # [1 h, 1.5 h)
    assert percentile({one_hour: 4}, 0.5) == timedelta(hours=1, minutes=15)
    assert percentile({}, 0.5) is None


def test_percentiles_walk_the_buckets_in_order():
    histogram = {0: 5, bucket_of(timedelta(days=3)): 4, bucket_of(timedelta(days=30)): 1}
    assert percentile(histogram, 0.5) <= timedelta(minutes=1)
    assert timedelta(days=3) <= percentile(histogram, 0.9) <= timedelta(days=4)
    assert percentile({len(BOUNDS): 2}, 0.9) == timedelta(seconds=BOUNDS[-1])
