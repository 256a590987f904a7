"""Contact pressure: at most ``limit`` touches of a client in any ``days``
consecutive days ("don't pester: about one mailing a week").

Pure date logic, no Odoo. A touch is anything that reaches the client on a
day: a planned activity, a mailing sent. A new touch on day ``d`` is allowed
when every window of ``days`` consecutive days that contains ``d`` still holds
at most ``limit`` touches with it; otherwise it moves to the next free day.
"""

import bisect
import datetime

# A step never moves further than this past the day it wanted: a client whose
# future is booked solid for a year is a configuration problem, not a reason
# to loop forever.
MAX_POSTPONE_DAYS = 366


class PressureError(ValueError):
    """Invalid pressure settings."""


def check_settings(limit, days):
    if limit < 1 or days < 1:
        raise PressureError(
            f"the contact pressure needs at least 1 touch per at least 1 day "
            f"(got {limit} per {days})"
        )


def _count(touches, first, last):
    """Touches (a sorted list of dates) between ``first`` and ``last``."""
    return bisect.bisect_right(touches, last) - bisect.bisect_left(touches, first)


def is_free(day, touches, limit, days):
    """Whether one more touch on ``day`` keeps every window within the limit.

    ``touches`` is a sorted list of dates (repeats allowed: two touches on the
    same day count twice)."""
    one = datetime.timedelta(days=1)
    span = datetime.timedelta(days=days - 1)
    start = day - span
    while start <= day:
        if _count(touches, start, start + span) + 1 > limit:
            return False
        start += one
    return True


def next_free_day(wanted, touches, limit, days):
    """First day from ``wanted`` on where one more touch is allowed."""
    check_settings(limit, days)
    day = wanted
    last = wanted + datetime.timedelta(days=MAX_POSTPONE_DAYS)
    while day < last:
        if is_free(day, touches, limit, days):
            return day
        day += datetime.timedelta(days=1)
    return day


def place_steps(wanted_days, touches, limit, days, earliest=None):
    """Dates of a plan's steps, in order, under the pressure limit.

    ``wanted_days``: the date each step asks for (plan date + its delay).
    ``touches``: dates of the client's existing touches (any order).
    ``earliest``: no step before this day (a step asking for a day in the
    past is due at once). A step never comes before the previous one, so a
    plan keeps its order when an early step is postponed. Returns the list of
    dates; the touches of the placed steps count for the following ones.
    """
    check_settings(limit, days)
    booked = sorted(touches)
    placed = []
    previous = earliest
    for wanted in wanted_days:
        day = wanted if previous is None else max(wanted, previous)
        day = next_free_day(day, booked, limit, days)
        bisect.insort(booked, day)
        placed.append(day)
        previous = day
    return placed
