from datetime import date, timedelta

import pytest
from conftest import load_tool

pressure = load_tool("pressure")

MONDAY = date(2026, 3, 2)


def days(*offsets):
    return [MONDAY + timedelta(days=offset) for offset in offsets]


def test_free_client_gets_the_wanted_day():
    assert pressure.next_free_day(MONDAY, [], 1, 7) == MONDAY


def test_one_per_week_moves_past_a_touch_before():
    # touched on Monday: nothing again before next Monday
    assert pressure.next_free_day(MONDAY + timedelta(days=3), days(0), 1, 7) == (
        MONDAY + timedelta(days=7)
    )


def test_one_per_week_respects_a_touch_after():
    # a touch planned on day 10 forbids days 4..16: day 3 is still free
    assert pressure.next_free_day(MONDAY + timedelta(days=3), days(10), 1, 7) == (
        MONDAY + timedelta(days=3)
    )
    # day 5 would share a week with day 10: the next free day is 17
    assert pressure.next_free_day(MONDAY + timedelta(days=5), days(10), 1, 7) == (
        MONDAY + timedelta(days=17)
    )


def test_two_per_week_allows_a_second_touch():
    assert pressure.next_free_day(MONDAY, days(0), 2, 7) == MONDAY
    assert pressure.next_free_day(MONDAY, days(0, 1), 2, 7) == (
        MONDAY + timedelta(days=7)
    )


def test_same_day_touches_count_twice():
    assert not pressure.is_free(MONDAY, days(0, 0), 2, 7)
    assert pressure.is_free(MONDAY + timedelta(days=7), days(0, 0), 2, 7)


def test_place_steps_keeps_order_and_spreads_steps():
    # a call at once and a message two days later: one per week pushes the
    # message a week after the call
    assert pressure.place_steps(days(0, 2), [], 1, 7) == days(0, 7)


def test_place_steps_counts_existing_touches():
    assert pressure.place_steps(days(0, 7), days(1), 1, 7) == days(8, 15)


def test_place_steps_never_before_earliest():
    assert pressure.place_steps(days(-3), [], 1, 7, earliest=MONDAY) == days(0)


def test_place_steps_never_before_the_previous_step():
    # the second step asks for an earlier day than where the first landed
    assert pressure.place_steps(days(5, 1), days(0), 3, 7) == days(5, 5)


def test_unlimited_pressure_changes_nothing():
    assert pressure.place_steps(days(0, 0, 1), days(0), 10, 1) == days(0, 0, 1)


@pytest.mark.parametrize(("limit", "window"), [(0, 7), (1, 0), (-1, 7)])
def test_bad_settings_refused(limit, window):
    with pytest.raises(pressure.PressureError, match="at least 1 touch"):
        pressure.next_free_day(MONDAY, [], limit, window)


def test_postponement_is_bounded():
    booked = [MONDAY + timedelta(days=offset) for offset in range(400)]
    assert pressure.next_free_day(MONDAY, booked, 1, 1) == MONDAY + timedelta(
        days=pressure.MAX_POSTPONE_DAYS
    )
