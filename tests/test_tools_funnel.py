import datetime

import pytest
from conftest import load_tool

funnel = load_tool("funnel")
day = datetime.date


def rule(purchases, recency="hot", first=None, last=None, company=True, dm=False):
    return funnel.automatic_rule(purchases, recency, first, last, company, dm, 3, 4, 12)


def test_first_purchase_is_gold_three_is_platinum():
    assert rule(1) == "gold"
    assert rule(2, "warm") == "gold"
    assert rule(3) == "platinum"
    assert rule(30, "warm") == "platinum"


def test_sleeping_after_few_purchases_is_red_gold():
    assert rule(1, "sleeping") == "red_gold"
    assert rule(3, "sleeping", day(2020, 1, 1), day(2024, 1, 1)) == "red_gold"


def test_sleeping_after_long_cooperation_is_platinum_red():
    assert rule(4, "sleeping", day(2024, 1, 31), day(2025, 1, 31)) == "platinum_red"
    # one day short of twelve months: not long yet
    assert rule(4, "sleeping", day(2024, 2, 1), day(2025, 1, 31)) == "red_gold"
    # many purchases in a short time are not a long cooperation
    assert rule(9, "sleeping", day(2025, 1, 1), day(2025, 3, 1)) == "red_gold"


def test_long_months_zero_counts_purchases_only():
    assert (
        funnel.automatic_rule(4, "sleeping", None, None, True, False, 3, 4, 0)
        == "platinum_red"
    )


def test_month_end_clamped_like_postgresql():
    assert funnel.add_months(day(2024, 1, 31), 1) == day(2024, 2, 29)
    assert funnel.add_months(day(2023, 1, 31), 13) == day(2024, 2, 29)
    assert funnel.is_long_cooperation(4, day(2024, 1, 31), day(2024, 2, 29), 4, 1)


def test_non_buyers_grey_or_white():
    assert rule(0, "none", company=True, dm=False) == "grey"
    assert rule(0, "none", company=True, dm=True) == "white"
    assert rule(0, "none", company=False, dm=False) == "white"
    assert rule(None, None) == "grey"


@pytest.mark.parametrize(
    ("computed", "manual", "locked", "expected"),
    [
        ("gold", True, True, funnel.KEEP),
        ("grey", False, True, funnel.KEEP),
        ("gold", True, False, "gold"),
        ("red_gold", True, False, "red_gold"),
        ("grey", True, False, funnel.KEEP),
        ("white", True, False, funnel.KEEP),
        ("grey", False, False, "grey"),
        ("white", False, False, "white"),
    ],
)
def test_precedence(computed, manual, locked, expected):
    assert funnel.next_stage_rule(computed, manual, locked) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # the override always wins, over a refusal too
        ({"override": "hot", "purchase_count": 5, "recency": "sleeping"}, "hot"),
        ({"override": "cold", "rhythm_state": "not_due", "signal": "hot"}, "cold"),
        ({"override": "warm", "refused": True}, "warm"),
        # a one-off buyer is not hot for a recent purchase: warm
        (
            {
                "purchase_count": 1,
                "recency": "hot",
                "stage_temperature": "hot",
                "purchase_stage": True,
            },
            "warm",
        ),
        ({"purchase_count": 2, "recency": "warm"}, "warm"),
        # a buyer keeping its rhythm orders regularly: hot, even sleeping
        ({"purchase_count": 4, "recency": "hot", "rhythm_state": "not_due"}, "hot"),
        (
            {"purchase_count": 4, "recency": "sleeping", "rhythm_state": "due_soon"},
            "hot",
        ),
        # ... not once it is overdue
        ({"purchase_count": 4, "recency": "warm", "rhythm_state": "overdue"}, "warm"),
        (
            {"purchase_count": 9, "recency": "sleeping", "rhythm_state": "overdue"},
            "cold",
        ),
        # a sleeping buyer (the top A client) with a signal is not cold
        ({"purchase_count": 9, "recency": "sleeping", "signal": "warm"}, "warm"),
        ({"purchase_count": 9, "recency": "sleeping", "signal": "hot"}, "hot"),
        # the purchase stages say nothing the purchases do not say
        (
            {
                "purchase_count": 9,
                "recency": "sleeping",
                "stage_temperature": "hot",
                "purchase_stage": True,
            },
            "cold",
        ),
        # a buyer locked in a manual stage: that stage's interest counts
        (
            {"purchase_count": 1, "recency": "sleeping", "stage_temperature": "warm"},
            "warm",
        ),
        # never bought: the stage, or a signal, whichever is warmer
        ({"purchase_count": 0, "recency": "none", "stage_temperature": "warm"}, "warm"),
        ({"purchase_count": 0, "stage_temperature": "warm", "signal": "hot"}, "hot"),
        ({"purchase_count": 0, "stage_temperature": "hot", "signal": "warm"}, "hot"),
        ({"purchase_count": 0, "stage_temperature": None}, "cold"),
        ({"purchase_count": None, "stage_temperature": "cold", "signal": None}, "cold"),
        # a standing refusal is its stage's temperature, signals or not
        (
            {
                "purchase_count": 3,
                "recency": "hot",
                "stage_temperature": "cold",
                "refused": True,
                "rhythm_state": "not_due",
                "signal": "hot",
            },
            "cold",
        ),
    ],
)
def test_temperature(kwargs, expected):
    values = {"override": None, "purchase_count": 0, "recency": None}
    values["stage_temperature"] = None
    values.update(kwargs)
    assert funnel.temperature(**values) == expected


def test_interest_days_boundary():
    today = day(2026, 6, 30)
    assert funnel.interest_cutoff(today, 90) == day(2026, 4, 1)
    assert funnel.is_recent_interest(day(2026, 4, 1), today, 90)
    assert not funnel.is_recent_interest(day(2026, 3, 31), today, 90)
    assert funnel.is_recent_interest(today, today, 1)
    assert not funnel.is_recent_interest(None, today, 90)
    with pytest.raises(funnel.SettingsError):
        funnel.interest_cutoff(today, 0)


def test_warmest():
    assert funnel.warmest() == "cold"
    assert funnel.warmest(None, "warm", "cold") == "warm"
    assert funnel.warmest("hot", "warm") == "hot"


@pytest.mark.parametrize(
    ("is_refusal_stage", "reason", "refused_on", "last_purchase", "expected"),
    [
        (True, 7, day(2026, 6, 1), day(2026, 5, 1), True),  # bought before
        (True, 7, day(2026, 6, 1), day(2026, 6, 1), True),  # the same day
        (True, 7, day(2026, 6, 1), day(2026, 6, 2), False),  # bought after
        (True, 7, None, day(2026, 6, 2), True),  # no day: it holds
        (True, 7, day(2026, 6, 1), None, True),  # never bought
        (True, None, day(2026, 6, 1), None, False),  # no reason: no refusal
        (False, 7, day(2026, 6, 1), None, False),  # not a refusal stage
    ],
)
def test_refusal_stands(is_refusal_stage, reason, refused_on, last_purchase, expected):
    assert (
        funnel.refusal_stands(is_refusal_stage, reason, refused_on, last_purchase)
        is expected
    )


def test_refusal_keeps_stage_and_is_cold():
    assert funnel.next_stage_rule("platinum", True, False, refused=True) is funnel.KEEP
    assert funnel.next_stage_rule("platinum", True, False) == "platinum"
    assert funnel.temperature(None, 3, "hot", "cold", refused=True) == "cold"
    assert funnel.temperature("hot", 3, "hot", "cold", refused=True) == "hot"
    # a refusal holds against the signals too
    assert funnel.temperature(None, 3, "hot", "cold", True, "not_due", "hot") == "cold"


@pytest.mark.parametrize(
    ("platinum", "long_purchases", "long_months"),
    [(1, 4, 12), (3, 1, 12), (3, 4, -1), (None, 4, 12)],
)
def test_invalid_thresholds(platinum, long_purchases, long_months):
    with pytest.raises(funnel.SettingsError):
        funnel.check_thresholds(platinum, long_purchases, long_months)


def test_valid_thresholds():
    funnel.check_thresholds(2, 2, 0)
