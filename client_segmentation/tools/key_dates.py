"""Occurrence arithmetic of key dates (birthdays, anniversaries...), free of Odoo.

A key date is an origin date plus a recurrence: ``"yearly"`` repeats every year
on the same day and month, ``"once"`` happens on the origin date only.  The
reminder of an occurrence is due from ``occurrence - lead_days`` up to the
occurrence itself, both included.

29 February recurs on 28 February in years that are not leap years, so that
nobody born on a leap day is forgotten three years out of four.

Occurrences that passed while nothing ran (the daily job was down) are not
reminded afterwards: :func:`next_occurrence` never returns a day before
``today``, and the reminder of a missed occurrence would be late anyway.
"""

from __future__ import annotations

import calendar
import datetime

RECURRENCES = ("yearly", "once")
MAX_LEAD_DAYS = 90


class KeyDateError(ValueError):
    """Invalid key date input; the message names the problem."""


def occurrence_in_year(origin: datetime.date, year: int) -> datetime.date:
    """Day on which a yearly ``origin`` falls in ``year`` (29/2 -> 28/2)."""
    if origin.month == 2 and origin.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return origin.replace(year=year)


def next_occurrence(origin, recurrence, today: datetime.date):
    """First occurrence of ``origin`` on or after ``today``, or ``None``.

    A yearly date whose origin lies in the future first occurs on the origin
    itself (a company anniversary entered before the company's founding day
    has no earlier occurrence).  A one-off date occurs on its origin only.
    """
    if not origin:
        return None
    if recurrence == "once":
        return origin if origin >= today else None
    if recurrence != "yearly":
        raise KeyDateError(f"Unknown recurrence {recurrence!r}.")
    if origin >= today:
        return origin
    candidate = occurrence_in_year(origin, today.year)
    if candidate < today:
        candidate = occurrence_in_year(origin, today.year + 1)
    return candidate


def reminder_start(occurrence: datetime.date, lead_days: int) -> datetime.date:
    """First day on which the reminder of ``occurrence`` is due."""
    return occurrence - datetime.timedelta(days=lead_days or 0)


def is_due(occurrence, lead_days, today: datetime.date) -> bool:
    """Whether the reminder of ``occurrence`` is due on ``today``.

    Due from ``lead_days`` before the occurrence until the occurrence itself:
    a run after missed days still catches every occurrence not yet passed.
    """
    if not occurrence:
        return False
    return reminder_start(occurrence, lead_days) <= today <= occurrence


def check_lead_days(lead_days):
    """Raise :class:`KeyDateError` unless ``0 <= lead_days <= MAX_LEAD_DAYS``."""
    if lead_days is None or lead_days < 0 or lead_days > MAX_LEAD_DAYS:
        raise KeyDateError(
            f"The reminder lead time must be between 0 and {MAX_LEAD_DAYS} days."
        )


def check_past_date(origin, today: datetime.date):
    """Raise :class:`KeyDateError` when ``origin`` lies after ``today``."""
    if origin and origin > today:
        raise KeyDateError("This date cannot lie in the future.")


def check_call_window(time_from, time_to):
    """Validate a convenient time to call, in hours as floats (9.5 = 09:30).

    Both 0 means no window.  Otherwise both must be within 0..24 and the
    window must start before it ends.
    """
    for value in (time_from, time_to):
        if value is not None and not 0 <= value <= 24:
            raise KeyDateError("Hours must lie between 00:00 and 24:00.")
    if (time_from or time_to) and (time_from or 0) >= (time_to or 0):
        raise KeyDateError("The call window must start before it ends.")
