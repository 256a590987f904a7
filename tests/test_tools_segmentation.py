import ast
import datetime
from decimal import Decimal

import pytest
from conftest import TOOLS, load_tool

seg = load_tool("segmentation")
D = Decimal
day = datetime.date


def classes(pairs, a=75, b=20):
    return {pid: cls for pid, _rev, _rank, _share, cls in seg.rank_abc(pairs, a, b)}


def test_tools_do_not_import_odoo():
    for path in TOOLS.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "odoo" for n in names), path


def test_abc_decided_by_share_before_partner():
    # 50 / 30 / 15 / 5 of 100: shares before are 0, 50, 80, 95
    got = classes([(1, D(50)), (2, D(30)), (3, D(15)), (4, D(5))])
    assert got == {1: "a", 2: "a", 3: "b", 4: "c"}


def test_share_landing_exactly_on_a_limit_is_b():
    # shares before: 0, 75 (exactly A) -> B, 95 (exactly A+B) -> C
    got = classes([(1, D(75)), (2, D(20)), (3, D(5))])
    assert got == {1: "a", 2: "b", 3: "c"}


def test_one_partner_holding_90_percent_is_a_alone():
    # shares before: 0 -> A, 90 -> B (below 95), 96 -> C
    got = classes([(1, D(90)), (2, D(6)), (3, D(4))])
    assert got == {1: "a", 2: "b", 3: "c"}


def test_ties_broken_by_partner_id():
    ranked = seg.rank_abc([(9, D(10)), (3, D(10)), (5, D(10))], 75, 20)
    assert [row[0] for row in ranked] == [3, 5, 9]
    assert [row[2] for row in ranked] == [1, 2, 3]


def test_non_positive_revenue_gets_no_class():
    got = classes([(1, D(100)), (2, D(0)), (3, D(-40)), (4, None)])
    assert got == {1: "a"}


def test_cumulative_share_and_rank():
    ranked = seg.rank_abc([(1, D(60)), (2, D(40))], 75, 20)
    assert ranked[1][2] == 2
    assert ranked[1][3] == pytest.approx(60.0)


def test_cutoffs_match_ranking():
    pairs = [(i, D(1000 - i * 7)) for i in range(1, 120)] + [(500, D("3.5"))]
    ranked = seg.rank_abc(pairs, 75, 20)
    cut_a, cut_b = seg.abc_cutoffs(pairs, 75, 20)

    def upto(cut, pid, rev):
        return cut is not None and (rev > cut[0] or (rev == cut[0] and pid <= cut[1]))

    for pid, rev, _rank, _share, cls in ranked:
        expected = (
            "a" if upto(cut_a, pid, rev) else "b" if upto(cut_b, pid, rev) else "c"
        )
        assert cls == expected


def test_cutoffs_without_revenue():
    assert seg.abc_cutoffs([(1, D(0))], 75, 20) == (None, None)


def test_cutoffs_without_b_class():
    cut_a, cut_b = seg.abc_cutoffs([(1, D(97)), (2, D(3))], 75, 20)
    # 1 is A; 2 (share before 97 %) is C; nobody is B.
    assert cut_a == (D(97), 1)
    assert cut_b == cut_a


@pytest.mark.parametrize(
    ("a", "b"), [(0, 20), (75, 0), (80, 20), (90, 15), (-1, 20), (None, 20)]
)
def test_invalid_shares_refused(a, b):
    with pytest.raises(seg.SettingsError):
        seg.check_abc_shares(a, b)


@pytest.mark.parametrize(("hot", "warm"), [(30, 30), (0, 120), (40, 30), (30, 0)])
def test_invalid_recency_thresholds_refused(hot, warm):
    with pytest.raises(seg.SettingsError):
        seg.check_recency_thresholds(hot, warm)


def test_negative_window_refused():
    with pytest.raises(seg.SettingsError):
        seg.window_start(day(2026, 11, 23), -1)


def test_window_start():
    assert seg.window_start(day(2026, 11, 23), 12) == day(2025, 11, 24)
    assert seg.window_start(day(2026, 11, 23), 0) is None
    # month-end clamping: 31 March minus one month is 28 February (+1 day)
    assert seg.window_start(day(2026, 3, 31), 1) == day(2026, 3, 1)
    assert seg.window_start(day(2024, 3, 31), 1) == day(2024, 3, 1)


@pytest.mark.parametrize(
    ("days_ago", "segment"),
    [(0, "hot"), (30, "hot"), (31, "warm"), (120, "warm"), (121, "sleeping")],
)
def test_recency_boundaries(days_ago, segment):
    today = day(2026, 11, 23)
    last = today - datetime.timedelta(days=days_ago)
    assert seg.recency_segment(last, today, 30, 120) == segment
    hot_since, warm_since = seg.recency_cutoffs(today, 30, 120)
    by_cutoff = (
        "hot" if last >= hot_since else "warm" if last >= warm_since else "sleeping"
    )
    assert by_cutoff == segment


def test_recency_never_bought():
    assert seg.recency_segment(None, day(2026, 1, 1), 30, 120) == "none"
