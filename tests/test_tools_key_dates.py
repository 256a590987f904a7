from datetime import date

import pytest
from conftest import load_tool

key_dates = load_tool("key_dates")


@pytest.mark.parametrize(
    ("origin", "today", "expected"),
    [
        # same year, still ahead
        (date(1980, 6, 15), date(2026, 6, 1), date(2026, 6, 15)),
        # today is the day itself
        (date(1980, 6, 15), date(2026, 6, 15), date(2026, 6, 15)),
        # passed this year: next year
        (date(1980, 6, 15), date(2026, 6, 16), date(2027, 6, 15)),
        # across the year end
        (date(1980, 1, 2), date(2026, 12, 30), date(2027, 1, 2)),
        (date(1980, 12, 31), date(2026, 12, 31), date(2026, 12, 31)),
        # 29 February: 28 February in common years, 29 in leap years
        (date(1984, 2, 29), date(2026, 2, 1), date(2026, 2, 28)),
        (date(1984, 2, 29), date(2028, 2, 1), date(2028, 2, 29)),
        (date(1984, 2, 29), date(2027, 3, 1), date(2028, 2, 29)),
        (date(1984, 2, 29), date(2028, 2, 29), date(2028, 2, 29)),
        # origin in the future: first occurrence is the origin
        (date(2030, 5, 1), date(2026, 1, 1), date(2030, 5, 1)),
    ],
)
def test_next_occurrence_yearly(origin, today, expected):
    assert key_dates.next_occurrence(origin, "yearly", today) == expected


def test_next_occurrence_once():
    origin = date(2026, 3, 10)
    assert key_dates.next_occurrence(origin, "once", date(2026, 3, 9)) == origin
    assert key_dates.next_occurrence(origin, "once", date(2026, 3, 10)) == origin
    assert key_dates.next_occurrence(origin, "once", date(2026, 3, 11)) is None


def test_next_occurrence_without_origin():
    assert key_dates.next_occurrence(None, "yearly", date(2026, 1, 1)) is None


def test_next_occurrence_unknown_recurrence():
    with pytest.raises(key_dates.KeyDateError):
        key_dates.next_occurrence(date(2026, 1, 1), "monthly", date(2026, 1, 1))


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 12, 28), False),  # 4 days before
        (date(2026, 12, 29), True),  # lead window starts (3 days)
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), True),  # the day itself
        (date(2027, 1, 2), False),  # passed
    ],
)
def test_is_due_across_year_end(today, due):
    assert key_dates.is_due(date(2027, 1, 1), 3, today) is due


def test_is_due_zero_lead():
    assert key_dates.is_due(date(2026, 5, 5), 0, date(2026, 5, 5))
    assert not key_dates.is_due(date(2026, 5, 5), 0, date(2026, 5, 4))
    assert not key_dates.is_due(None, 3, date(2026, 5, 4))


def test_reminder_start():
    assert key_dates.reminder_start(date(2026, 3, 1), 3) == date(2026, 2, 26)
    assert key_dates.reminder_start(date(2028, 3, 1), 3) == date(2028, 2, 27)


@pytest.mark.parametrize("lead", [-1, 91, None])
def test_check_lead_days_rejects(lead):
    with pytest.raises(key_dates.KeyDateError):
        key_dates.check_lead_days(lead)


@pytest.mark.parametrize("lead", [0, 3, 90])
def test_check_lead_days_accepts(lead):
    key_dates.check_lead_days(lead)


def test_check_past_date():
    key_dates.check_past_date(date(2026, 1, 1), date(2026, 1, 1))
    key_dates.check_past_date(None, date(2026, 1, 1))
    with pytest.raises(key_dates.KeyDateError):
        key_dates.check_past_date(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("time_from", "time_to"), [(0, 0), (9, 17.5), (0, 24), (0, 10)]
)
def test_check_call_window_accepts(time_from, time_to):
    key_dates.check_call_window(time_from, time_to)


@pytest.mark.parametrize(
    ("time_from", "time_to"), [(17, 9), (9, 9), (-1, 10), (9, 25), (10, 0)]
)
def test_check_call_window_rejects(time_from, time_to):
    with pytest.raises(key_dates.KeyDateError):
        key_dates.check_call_window(time_from, time_to)
