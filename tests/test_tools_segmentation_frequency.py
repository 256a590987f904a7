import pytest
from conftest import load_tool

segmentation = load_tool("segmentation")


@pytest.mark.parametrize(
    ("count", "regular_min", "expected"),
    [
        (0, 3, None),
        (None, 3, None),
        (1, 3, "one_off"),
        (2, 3, "rare"),
        (3, 3, "regular"),
        (10, 3, "regular"),
        (2, 2, "regular"),
        (4, 5, "rare"),
    ],
)
def test_purchase_frequency(count, regular_min, expected):
    assert segmentation.purchase_frequency(count, regular_min) == expected


@pytest.mark.parametrize("regular_min", [None, 0, 1, -3])
def test_frequency_threshold_rejects(regular_min):
    with pytest.raises(segmentation.SettingsError):
        segmentation.check_frequency_threshold(regular_min)
