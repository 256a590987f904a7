"""The segmentation settings of one company, validated as a whole (no Odoo).

A company's settings are one dict keyed by the names of the fields of its
``client.segmentation.profile`` (``segment_abc_a_share`` ...).
:func:`check_settings` checks the values given, each against its bounds and
against the others it depends on, and raises the first problem as a
:class:`SettingsError` that names the field.  A partial dict checks only the
values (and combinations) it holds.

The bounds keep every value the recompute can meet meaningful: shares are
finite percentages (no NaN), day and month counts stay within what dates and
intervals can hold.
"""

from __future__ import annotations

import math


def _lt(message):
    """Mark ``message`` for the translation export; the addon translates it
    when it reports the error."""
    return message


class SettingsError(ValueError):
    """Invalid segmentation settings.

    ``field`` names the setting at fault, ``message`` is the English template
    of the problem and ``params`` its values.
    """

    def __init__(self, field, message, **params):
        super().__init__(message % params)
        self.field = field
        self.message = message
        self.params = params


# field: (lowest, highest) allowed, both included
INTEGER_BOUNDS = {
    "segment_window_months": (0, 120),
    "segment_recency_hot_days": (1, 3650),
    "segment_recency_warm_days": (1, 3650),
    "segment_frequency_regular_min": (2, 1000),
    "segment_funnel_platinum_purchases": (2, 1000),
    "segment_funnel_long_purchases": (2, 1000),
    "segment_funnel_long_months": (0, 240),
    "segment_rhythm_lead_days": (0, 3650),
    "segment_rhythm_tolerance_days": (0, 3650),
    "segment_interest_days": (1, 3650),
    "work_plan_pressure_touches": (1, 1000),
    "work_plan_pressure_days": (1, 3650),
}
SHARE_FIELDS = ("segment_abc_a_share", "segment_abc_b_share")
# Every setting checked here: the profile's constraint checks them together.
# A new threshold is a field of the profile, its bounds here and its place in
# the profile's form (docs/architecture.md).
SETTINGS_FIELDS = (*SHARE_FIELDS, *INTEGER_BOUNDS)


def _check_share(field, value):
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value < 100
    ):
        raise SettingsError(
            field,
            _lt("must be a number above 0 and below 100 (got %(value)s)."),
            value=value,
        )


def _check_integer(field, value):
    low, high = INTEGER_BOUNDS[field]
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise SettingsError(
            field,
            _lt("must be a whole number from %(low)s to %(high)s (got %(value)s)."),
            low=low,
            high=high,
            value=value,
        )


def check_settings(values):
    """Raise :class:`SettingsError` for the first invalid value of ``values``
    (a dict of setting name to value)."""
    for field in SHARE_FIELDS:
        if field in values:
            _check_share(field, values[field])
    for field in INTEGER_BOUNDS:
        if field in values:
            _check_integer(field, values[field])
    if set(SHARE_FIELDS) <= set(values):
        a_share, b_share = (values[field] for field in SHARE_FIELDS)
        if a_share + b_share >= 100:
            raise SettingsError(
                "segment_abc_b_share",
                _lt(
                    "the shares of classes A and B must add up to less than "
                    "100 %% so that class C keeps a share (A %(a)s %% + B %(b)s %%)."
                ),
                a=a_share,
                b=b_share,
            )
    hot, warm = "segment_recency_hot_days", "segment_recency_warm_days"
    if hot in values and warm in values and values[hot] >= values[warm]:
        raise SettingsError(
            warm,
            _lt(
                "must be longer than the 'hot' threshold (hot %(hot)s days, "
                "warm %(warm)s days)."
            ),
            hot=values[hot],
            warm=values[warm],
        )
