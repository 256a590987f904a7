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


def test_temperature():
    assert funnel.temperature("hot", 5, "sleeping", "cold") == "hot"
    assert funnel.temperature(None, 1, "hot", "cold") == "hot"
    assert funnel.temperature(None, 1, "warm", "hot") == "warm"
    assert funnel.temperature(None, 1, "sleeping", "hot") == "cold"
    assert funnel.temperature(None, 0, "none", "warm") == "warm"
    assert funnel.temperature(None, 0, "none", None) == "cold"


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


@pytest.mark.parametrize(
    ("platinum", "long_purchases", "long_months"),
    [(1, 4, 12), (3, 1, 12), (3, 4, -1), (None, 4, 12)],
)
def test_invalid_thresholds(platinum, long_purchases, long_months):
    with pytest.raises(funnel.SettingsError):
        funnel.check_thresholds(platinum, long_purchases, long_months)


def test_valid_thresholds():
    funnel.check_thresholds(2, 2, 0)
