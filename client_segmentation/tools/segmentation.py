"""Segmentation rules of client_segmentation, free of Odoo.

Everything that decides a class lives here, so that it can be read and tested
without a database.  The Odoo side only gathers figures with one aggregate query
per company and applies what these functions return.

ABC (DOMAIN 2.6, seed 004): partners with a positive revenue in the window are
ranked by revenue descending, ties broken by partner id ascending.  A partner's
class is decided by the cumulative revenue share of all partners ranked *before*
it: below ``a_share`` % -> A, below ``a_share + b_share`` % -> B, else C.  The
first partner therefore is always A, and a partner holding 90 % of the revenue
is A alone.

Recency (DOMAIN 2.4, seed 002): days since the last purchase;
``<= hot_days`` -> hot, ``<= warm_days`` -> warm, else sleeping; never bought
-> none.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from operator import itemgetter

from .settings import SettingsError, check_settings  # noqa: F401

ABC_CLASSES = ("a", "b", "c")
RECENCY_SEGMENTS = ("hot", "warm", "sleeping", "none")


def check_abc_shares(a_share, b_share):
    """Raise :class:`SettingsError` unless 0 < A, 0 < B and A + B < 100."""
    check_settings({"segment_abc_a_share": a_share, "segment_abc_b_share": b_share})


def check_recency_thresholds(hot_days, warm_days):
    """Raise :class:`SettingsError` unless 0 < hot < warm."""
    check_settings(
        {"segment_recency_hot_days": hot_days, "segment_recency_warm_days": warm_days}
    )


def check_window_months(months):
    """Raise :class:`SettingsError` for a window out of bounds (0: all time)."""
    check_settings({"segment_window_months": months})


def rank_order(revenues: Iterable[tuple[int, Decimal]]):
    """Partners with a positive revenue, in ABC rank order.

    Revenue descending, ties by partner id ascending.  Input already in that
    order (the engine asks the database for it) is only checked, not sorted.
    """
    ranked = [(pid, rev) for pid, rev in revenues if rev and rev > 0]
    in_order = all(
        rev > next_rev or (rev == next_rev and pid < next_pid)
        for (pid, rev), (next_pid, next_rev) in pairwise(ranked)
    )
    if not in_order:
        # Two C-speed sorts; the second, stable one keeps the id order among
        # equal revenues.
        ranked.sort(key=itemgetter(0))
        ranked.sort(key=itemgetter(1), reverse=True)
    return ranked


def _share_limits(ranked, a_share, b_share):
    check_abc_shares(a_share, b_share)
    total = sum((Decimal(rev) for _pid, rev in ranked), Decimal(0))
    # ``cumulative / total * 100 < share`` is compared as
    # ``cumulative * 100 < share * total``: exact, no division.
    return total, Decimal(str(a_share)) * total, Decimal(str(a_share + b_share)) * total


def iter_ranked(revenues: Iterable[tuple[int, Decimal]], a_share, b_share):
    """Rank partners and classify them, lazily.

    :param revenues: ``(partner_id, revenue)`` pairs; only positive revenues are
        ranked, the others get no class.
    :param a_share: percentage of revenue that class A covers (e.g. 75)
    :param b_share: percentage of revenue that class B covers (e.g. 20)
    :return: iterator of ``(partner_id, revenue, rank, cumulative_share_before,
        abc_class)`` in rank order; ``cumulative_share_before`` is a percentage
        of the total positive revenue.
    """
    ranked = rank_order(revenues)
    total, a_limit, b_limit = _share_limits(ranked, a_share, b_share)
    cumulative = Decimal(0)
    for position, (pid, rev) in enumerate(ranked, start=1):
        scaled = cumulative * 100
        if scaled < a_limit:
            abc_class = "a"
        elif scaled < b_limit:
            abc_class = "b"
        else:
            abc_class = "c"
        yield pid, rev, position, float(scaled / total), abc_class
        cumulative += Decimal(rev)


def rank_abc(revenues: Iterable[tuple[int, Decimal]], a_share, b_share):
    """:func:`iter_ranked` as a list."""
    return list(iter_ranked(revenues, a_share, b_share))


def abc_cutoffs(revenues: Iterable[tuple[int, Decimal]], a_share, b_share):
    """Return the ranking keys ``(revenue, partner_id)`` of the last A and the
    last B partner.

    The classes of :func:`iter_ranked` are consecutive runs of the ranking, so
    two keys describe the whole classification: a partner is A when it ranks
    at or before the A key, else B when at or before the B key, else C.  A
    missing class gives ``None`` (no B: the B key is the A key).  This lets the
    database apply the classification to millions of rows without shipping
    them back.  Same rule as :func:`iter_ranked`, stopping at the first C.
    """
    ranked = rank_order(revenues)
    _total, a_limit, b_limit = _share_limits(ranked, a_share, b_share)
    last_a = last_b = None
    cumulative = Decimal(0)
    for pid, rev in ranked:
        scaled = cumulative * 100
        if scaled < a_limit:
            last_a = (rev, pid)
        elif scaled < b_limit:
            last_b = (rev, pid)
        else:
            break
        cumulative += Decimal(rev)
    return last_a, last_b or last_a


def window_start(today: datetime.date, months):
    """First day inside an ABC window of ``months`` months ending ``today``.

    ``0`` means all time and returns ``None``.  With 12 months on 2026-11-23 the
    window is 2025-11-24 .. 2026-11-23 (twelve whole months, today included).
    """
    check_window_months(months)
    if not months:
        return None
    return add_months(today, -months) + datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Shift ``day`` by whole months, clamping to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def recency_segment(last_purchase, today: datetime.date, hot_days, warm_days):
    """Recency segment of a partner whose last purchase was ``last_purchase``."""
    check_recency_thresholds(hot_days, warm_days)
    if not last_purchase:
        return "none"
    days = (today - last_purchase).days
    if days <= hot_days:
        return "hot"
    if days <= warm_days:
        return "warm"
    return "sleeping"


def recency_cutoffs(today: datetime.date, hot_days, warm_days):
    """Earliest last-purchase dates that still count as hot and as warm.

    ``last >= hot_since`` is hot, else ``last >= warm_since`` is warm, else
    sleeping; the same rule as :func:`recency_segment`, as two dates a query
    can compare with.
    """
    check_recency_thresholds(hot_days, warm_days)
    return (
        today - datetime.timedelta(days=hot_days),
        today - datetime.timedelta(days=warm_days),
    )


# --- Purchase frequency (DOMAIN 1.2: one random visit, rarely, regular) -------

PURCHASE_FREQUENCIES = ("one_off", "rare", "regular")


def check_frequency_threshold(regular_min):
    """Raise :class:`SettingsError` unless ``regular_min >= 2``.

    One purchase is one-off by definition, so 'regular' starts at two or more.
    """
    check_settings({"segment_frequency_regular_min": regular_min})


def purchase_frequency(purchase_count, regular_min):
    """Frequency class of ``purchase_count`` purchases in the window.

    0 -> ``None``; 1 -> one-off; ``>= regular_min`` -> regular; else rare.
    """
    check_frequency_threshold(regular_min)
    if not purchase_count or purchase_count <= 0:
        return None
    if purchase_count == 1:
        return "one_off"
    if purchase_count >= regular_min:
        return "regular"
    return "rare"
