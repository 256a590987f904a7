"""Funnel colour stages and temperature of client_segmentation, free of Odoo.

The decision logic of the automatic funnel stages (DOMAIN 2.1, seed 004) and of
the client temperature (DOMAIN 2.3).  ``client.funnel.engine`` applies the
very same rules in SQL, inside the segment engine's one UPDATE per batch; the
Odoo tests check that both agree.

Automatic rules, from the client's purchase figures of one company:

* bought, and the recency is *sleeping*:
  - long cooperation (at least ``long_purchases`` purchases spread over at
    least ``long_months`` months, first to last purchase) -> ``platinum_red``;
  - otherwise (stopped after about three orders) -> ``red_gold``;
* bought, not sleeping: ``platinum_purchases`` purchases or more ->
  ``platinum``, else ``gold``;
* never bought: a company whose decision maker is unknown -> ``grey``, any
  other client -> ``white``.

Precedence, applied per client by :func:`next_stage_rule`:

1. a locked stage is never touched, nor a refusal (a refusal stage with a
   reason) until the client buys again after it;
2. a purchase rule (gold, platinum, red-gold, platinum-red) always wins over
   the current stage, manual ones included: buying is the strongest fact;
3. a client who never bought keeps a manual stage (green, yellow, gold-green,
   red-green) set by the salesperson; only clients in an automatic stage (or
   none) move to grey or white.
"""

from __future__ import annotations

import datetime

from .segmentation import add_months
from .settings import SettingsError, check_settings  # noqa: F401

RULES = ("white", "grey", "gold", "platinum", "red_gold", "platinum_red")
PURCHASE_RULES = ("gold", "platinum", "red_gold", "platinum_red")
TEMPERATURES = ("cold", "warm", "hot")
KEEP = None  # next_stage_rule(): leave the current stage as it is


def check_thresholds(platinum_purchases, long_purchases, long_months):
    """Raise :class:`SettingsError` unless the thresholds make sense.

    Platinum needs at least 2 purchases (1 is gold); a long cooperation needs
    at least 2 purchases and 0 or more months (0: the number of purchases
    alone decides).
    """
    check_settings(
        {
            "segment_funnel_platinum_purchases": platinum_purchases,
            "segment_funnel_long_purchases": long_purchases,
            "segment_funnel_long_months": long_months,
        }
    )


def is_long_cooperation(
    purchase_count, first_purchase, last_purchase, long_purchases, long_months
):
    """Whether a client's history counts as a long cooperation."""
    if not purchase_count or purchase_count < long_purchases:
        return False
    if not long_months:
        return True
    if not first_purchase or not last_purchase:
        return False
    return last_purchase >= add_months(first_purchase, long_months)


def automatic_rule(
    purchase_count,
    recency,
    first_purchase,
    last_purchase,
    is_company,
    decision_maker_known,
    platinum_purchases=3,
    long_purchases=4,
    long_months=12,
):
    """The automatic rule a client's figures point to (one of :data:`RULES`)."""
    if purchase_count and purchase_count > 0:
        if recency == "sleeping":
            if is_long_cooperation(
                purchase_count,
                first_purchase,
                last_purchase,
                long_purchases,
                long_months,
            ):
                return "platinum_red"
            return "red_gold"
        if purchase_count >= platinum_purchases:
            return "platinum"
        return "gold"
    if is_company and not decision_maker_known:
        return "grey"
    return "white"


def refusal_stands(is_refusal_stage, refusal_reason, refusal_date, last_purchase):
    """Whether a recorded refusal still holds: the client is in a refusal
    stage with a reason and has not bought after the day of the refusal (a
    refusal without a day holds)."""
    if not (is_refusal_stage and refusal_reason):
        return False
    return not (refusal_date and last_purchase and last_purchase > refusal_date)


def next_stage_rule(computed_rule, current_is_manual, locked, refused=False):
    """Apply the precedence; return the rule to move to, or :data:`KEEP`.
    ``refused``: :func:`refusal_stands` for the client."""
    if locked or refused:
        return KEEP
    if computed_rule in PURCHASE_RULES:
        return computed_rule
    if current_is_manual:
        return KEEP
    return computed_rule


# Buying rhythm states of a client who keeps its rhythm (tools.rhythm): it
# "orders regularly" (DOMAIN 2.3, seeds 000 and 004).
KEPT_RHYTHM = ("not_due", "due_soon")
# Recency segments of a buyer who is not sleeping.
ACTIVE_RECENCY = ("hot", "warm")
INTEREST_DAYS = 90  # default of the profile's segment_interest_days


def interest_cutoff(today, days):
    """The first day whose conversations and done activities still count as
    a sign of interest on ``today``: ``days`` days back (that day included;
    a day earlier no longer counts)."""
    check_settings({"segment_interest_days": days})
    return today - datetime.timedelta(days=days)


def is_recent_interest(day, today, days):
    """Whether a conversation or done activity of ``day`` is a sign of
    interest on ``today`` (:func:`interest_cutoff`; a later day too)."""
    return bool(day) and day >= interest_cutoff(today, days)


def warmest(*temperatures):
    """The warmest of ``temperatures`` (None ignored), ``cold`` for none."""
    ranked = [TEMPERATURES.index(t) for t in temperatures if t in TEMPERATURES]
    return TEMPERATURES[max(ranked, default=0)]


def temperature(
    override,
    purchase_count,
    recency,
    stage_temperature,
    refused=False,
    rhythm_state=None,
    signal=None,
    purchase_stage=False,
):
    """Temperature of a client: its interest (DOMAIN 2.3, seeds 000, 004),
    not its recency.

    1. the salesperson's ``override`` always wins;
    2. a standing refusal (``refused``) is the temperature of its stage (the
       red stages are cold): the client said no;
    3. otherwise the warmest of:

       - hot: the client keeps a buying rhythm (``rhythm_state`` in
         :data:`KEPT_RHYTHM`: it orders regularly);
       - ``signal``: the warmest interest signal the engine found for the
         client (``hot``: ready to buy now, an open quotation or opportunity;
         ``warm``: a conversation or done activity of the last days, a
         mailing list subscription);
       - warm: a buyer who is not sleeping (``recency`` in
         :data:`ACTIVE_RECENCY`): it knows the product and buying is one
         option; a one-off buyer is not hot for a recent purchase;
       - the temperature of its stage, unless it is a purchase stage
         (``purchase_stage``: gold, platinum, red-gold, platinum-red, whose
         colour only says what the purchases say): green, yellow, gold-green
         are the interest the salesperson recorded;
       - cold: none of these (a sleeping buyer without any signal, a one-off
         buyer long ago, a contact nobody talked to).
    """
    if override:
        return override
    if refused:
        return stage_temperature or "cold"
    bought = bool(purchase_count and purchase_count > 0)
    return warmest(
        "hot" if rhythm_state in KEPT_RHYTHM else None,
        signal,
        "warm" if bought and recency in ACTIVE_RECENCY else None,
        None if purchase_stage else stage_temperature,
    )
