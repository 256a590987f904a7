"""Buying rhythm of a client, free of Odoo.

Seed 002: a warm client must be called "when it is time to buy again". The
time comes from the client's own habit: the usual interval between two
purchases, counted from the last purchase.

- A *purchase day* is a day with at least one purchase (customer invoice or
  confirmed order; credit notes are not purchases). Several purchases on the
  same day are one buying occasion: they say nothing about the rhythm.
- A rhythm needs at least :data:`MIN_PURCHASE_DAYS` purchase days (two gaps):
  with two purchases there is one gap, a coincidence rather than a habit.
- The usual interval is the **median** of the gaps between consecutive
  purchase days, rounded to whole days (half up). Why the median and not the
  mean: the gaps of real clients are skewed by rare long pauses (holidays, a
  lost quarter, a stock-up order); one such pause drags the mean far from the
  client's habit, the median ignores it as long as most gaps agree. With two
  gaps the median is their mean, so nothing is lost for young clients.
- The expected next purchase is the last purchase day plus the interval.
- The state compares the expected date with today: ``not_due`` until
  ``lead_days`` before it, then ``due_soon`` until ``tolerance_days`` after
  it, then ``overdue``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from itertools import pairwise
from statistics import median

MIN_PURCHASE_DAYS = 3
RHYTHM_STATES = ("not_due", "due_soon", "overdue")


class SettingsError(ValueError):
    """Invalid rhythm settings; the message names the problem."""


def check_rhythm_settings(lead_days, tolerance_days):
    """Raise :class:`SettingsError` unless both are whole days >= 0: the
    guard of the computation. The company's settings are validated, with
    their upper bound, by :func:`.settings.check_settings`."""
    if lead_days is None or lead_days < 0:
        raise SettingsError("The 'due soon' lead time cannot be negative.")
    if tolerance_days is None or tolerance_days < 0:
        raise SettingsError("The overdue tolerance cannot be negative.")


def purchase_gaps(days: Iterable[datetime.date]):
    """Days between consecutive distinct purchase days, in date order."""
    distinct = sorted(set(days))
    return [(later - earlier).days for earlier, later in pairwise(distinct)]


def round_days(value):
    """Round a number of days half up (the database does the same with
    ``ROUND(numeric)``; Python's ``round`` would round half to even)."""
    return math.floor(value + 0.5)


def usual_interval(days: Iterable[datetime.date]):
    """Usual number of days between purchases, or ``None`` with fewer than
    :data:`MIN_PURCHASE_DAYS` distinct purchase days."""
    gaps = purchase_gaps(days)
    if len(gaps) < MIN_PURCHASE_DAYS - 1:
        return None
    return round_days(median(gaps))


def next_purchase_date(last_purchase: datetime.date, interval_days):
    """Expected next purchase: the last purchase day plus the usual interval."""
    if not last_purchase or interval_days is None:
        return None
    return last_purchase + datetime.timedelta(days=interval_days)


def rhythm_cutoffs(today: datetime.date, lead_days, tolerance_days):
    """Two dates that decide the state as :func:`rhythm_state` does, for a
    query: ``next > due_after`` is not due, else ``next >= overdue_before``
    is due soon, else overdue."""
    check_rhythm_settings(lead_days, tolerance_days)
    return (
        today + datetime.timedelta(days=lead_days),
        today - datetime.timedelta(days=tolerance_days),
    )


def rhythm_state(next_date, today: datetime.date, lead_days, tolerance_days):
    """``not_due``, ``due_soon`` or ``overdue`` (``None`` without rhythm)."""
    due_after, overdue_before = rhythm_cutoffs(today, lead_days, tolerance_days)
    if not next_date:
        return None
    if next_date > due_after:
        return "not_due"
    if next_date >= overdue_before:
        return "due_soon"
    return "overdue"


def buying_rhythm(days: Iterable[datetime.date], today, lead_days, tolerance_days):
    """``(interval_days, next_date, state)`` of a client, all ``None`` without
    a rhythm."""
    days = list(days)
    interval = usual_interval(days)
    if interval is None:
        return None, None, None
    next_date = next_purchase_date(max(days), interval)
    return (
        interval,
        next_date,
        rhythm_state(next_date, today, lead_days, tolerance_days),
    )
