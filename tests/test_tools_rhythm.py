import datetime

import pytest
from conftest import load_tool

rhythm = load_tool("rhythm")
day = datetime.date


def test_two_purchases_make_no_rhythm():
    assert rhythm.usual_interval([day(2026, 1, 1), day(2026, 2, 1)]) is None
    assert rhythm.buying_rhythm(
        [day(2026, 1, 1), day(2026, 2, 1)], day(2026, 3, 1), 7, 7
    ) == (None, None, None)


def test_three_purchases_make_a_rhythm():
    days = [day(2026, 1, 1), day(2026, 1, 31), day(2026, 3, 2)]
    assert rhythm.usual_interval(days) == 30
    assert rhythm.buying_rhythm(days, day(2026, 3, 10), 7, 7) == (
        30,
        day(2026, 4, 1),
        "not_due",
    )


def test_same_day_purchases_are_one_occasion():
    days = [day(2026, 1, 1), day(2026, 1, 1), day(2026, 2, 1)]
    assert rhythm.purchase_gaps(days) == [31]
    assert rhythm.usual_interval(days) is None
    assert rhythm.usual_interval([*days, day(2026, 2, 1), day(2026, 3, 1)]) == 30


def test_median_ignores_one_long_pause():
    # four monthly orders, then a half-year pause, then monthly again
    days = [
        day(2026, 1, 1),
        day(2026, 1, 31),
        day(2026, 3, 2),
        day(2026, 4, 1),
        day(2026, 10, 1),
        day(2026, 10, 31),
    ]
    gaps = rhythm.purchase_gaps(days)
    assert gaps == [30, 30, 30, 183, 30]
    assert rhythm.usual_interval(days) == 30  # the mean would be 61


def test_even_gap_count_rounds_half_up():
    # gaps 10 and 11: median 10.5 -> 11
    assert (
        rhythm.usual_interval([day(2026, 1, 1), day(2026, 1, 11), day(2026, 1, 22)])
        == 11
    )
    assert rhythm.round_days(10.5) == 11
    assert rhythm.round_days(10.49) == 10


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (day(2026, 4, 23), "not_due"),  # 8 days before
        (day(2026, 4, 24), "due_soon"),  # lead 7 days: due soon from here
        (day(2026, 5, 1), "due_soon"),  # expected day
        (day(2026, 5, 8), "due_soon"),  # last day of the tolerance
        (day(2026, 5, 9), "overdue"),
    ],
)
def test_state_edges(today, expected):
    assert rhythm.rhythm_state(day(2026, 5, 1), today, 7, 7) == expected


def test_zero_lead_and_tolerance():
    expected = day(2026, 5, 1)
    assert rhythm.rhythm_state(expected, day(2026, 4, 30), 0, 0) == "not_due"
    assert rhythm.rhythm_state(expected, expected, 0, 0) == "due_soon"
    assert rhythm.rhythm_state(expected, day(2026, 5, 2), 0, 0) == "overdue"


def test_no_next_date_no_state():
    assert rhythm.rhythm_state(None, day(2026, 5, 1), 7, 7) is None


@pytest.mark.parametrize(
    ("lead", "tolerance"), [(-1, 0), (0, -1), (None, 3), (3, None)]
)
def test_settings_rejected(lead, tolerance):
    with pytest.raises(rhythm.SettingsError):
        rhythm.check_rhythm_settings(lead, tolerance)
