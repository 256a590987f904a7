import pytest
from conftest import load_tool

settings = load_tool("settings")

VALID = {
    "segment_abc_a_share": 75.0,
    "segment_abc_b_share": 20.0,
    "segment_window_months": 12,
    "segment_recency_hot_days": 30,
    "segment_recency_warm_days": 120,
    "segment_frequency_regular_min": 3,
    "segment_funnel_platinum_purchases": 3,
    "segment_funnel_long_purchases": 4,
    "segment_funnel_long_months": 12,
    "segment_rhythm_lead_days": 7,
    "segment_rhythm_tolerance_days": 7,
}


def test_valid_settings_pass():
    settings.check_settings(VALID)
    settings.check_settings(
        {**VALID, "segment_abc_a_share": 85.0, "segment_abc_b_share": 10.0}
    )
    settings.check_settings(
        {**VALID, "segment_recency_hot_days": 150, "segment_recency_warm_days": 300}
    )
    settings.check_settings({**VALID, "segment_window_months": 0})
    settings.check_settings(
        {**VALID, "segment_rhythm_lead_days": 0, "segment_rhythm_tolerance_days": 3650}
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"segment_abc_a_share": float("nan")}, "segment_abc_a_share"),
        ({"segment_abc_b_share": float("inf")}, "segment_abc_b_share"),
        ({"segment_abc_a_share": 0.0}, "segment_abc_a_share"),
        ({"segment_abc_a_share": 100.0}, "segment_abc_a_share"),
        ({"segment_abc_a_share": "75"}, "segment_abc_a_share"),
        (
            {"segment_abc_a_share": 80.0, "segment_abc_b_share": 20.0},
            "segment_abc_b_share",
        ),
        ({"segment_window_months": -1}, "segment_window_months"),
        ({"segment_window_months": 100000}, "segment_window_months"),
        ({"segment_recency_hot_days": 0}, "segment_recency_hot_days"),
        ({"segment_recency_warm_days": 10**9}, "segment_recency_warm_days"),
        ({"segment_recency_hot_days": 120}, "segment_recency_warm_days"),
        ({"segment_frequency_regular_min": 1}, "segment_frequency_regular_min"),
        ({"segment_funnel_platinum_purchases": 1}, "segment_funnel_platinum_purchases"),
        ({"segment_funnel_long_months": -1}, "segment_funnel_long_months"),
        ({"segment_funnel_long_purchases": None}, "segment_funnel_long_purchases"),
        ({"segment_rhythm_lead_days": -1}, "segment_rhythm_lead_days"),
        ({"segment_rhythm_lead_days": 3651}, "segment_rhythm_lead_days"),
        ({"segment_rhythm_lead_days": 2.5}, "segment_rhythm_lead_days"),
        ({"segment_rhythm_tolerance_days": -1}, "segment_rhythm_tolerance_days"),
        ({"segment_rhythm_tolerance_days": None}, "segment_rhythm_tolerance_days"),
    ],
)
def test_invalid_settings_name_the_field(changes, field):
    with pytest.raises(settings.SettingsError) as caught:
        settings.check_settings({**VALID, **changes})
    assert caught.value.field == field


def test_partial_settings_checked_alone():
    settings.check_settings({"segment_abc_a_share": 90.0})
    with pytest.raises(settings.SettingsError):
        settings.check_settings(
            {"segment_recency_hot_days": 5, "segment_recency_warm_days": 5}
        )
