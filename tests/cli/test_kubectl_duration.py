"""AGE cells: apimachinery pkg/util/duration/duration.go HumanDuration, read in kubernetes/kubernetes."""

import pytest

from k8slab.cli.duration import age, human_duration, parse_rfc3339, short_human_duration


@pytest.mark.parametrize("seconds,text", [
    (-5, "<invalid>"), (-1.5, "0s"), (-0.5, "0s"), (0, "0s"), (59, "59s"), (119, "119s"),
    (120, "2m"), (125, "2m5s"), (599, "9m59s"), (600, "10m"), (179 * 60 + 59, "179m"),
    (3 * 3600, "3h"), (3 * 3600 + 25 * 60, "3h25m"), (8 * 3600, "8h"), (47 * 3600 + 3599, "47h"),
    (48 * 3600, "2d"), (50 * 3600, "2d2h"), (8 * 86400, "8d"), (729 * 86400, "729d"),
    (730 * 86400, "2y"), (731 * 86400, "2y1d"), (8 * 365 * 86400, "8y"), (9 * 365 * 86400 + 86400, "9y"),
])
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


@pytest.mark.parametrize("seconds,text", [(-2, "<invalid>"), (59, "59s"), (60, "1m"), (3599, "59m"),
                                          (3600, "1h"), (86400, "1d"), (400 * 86400, "1y")])
def test_short_human_duration(seconds, text):
    assert short_human_duration(seconds) == text


def test_age_on_the_virtual_clock():
    assert age("2025-01-12T10:00:00Z", "2025-01-12T10:04:30Z") == "4m30s"
    assert age("2025-01-12T10:00:00Z", parse_rfc3339("2025-01-12T10:00:00Z") + 86400 * 3) == "3d"
    assert age("2025-01-12T10:00:00.500000Z", "2025-01-12T10:00:10Z") == "9s"
    assert age("2025-01-12T12:00:00+02:00", "2025-01-12T10:00:05Z") == "5s"


def test_unset_timestamp_is_unknown():
    assert age(None, 0) == "<unknown>"
    assert age("", 0) == "<unknown>"
