"""The published figures on the CDNOW sample (Fader, Hardie & Lee 2005),
from the raw file, with the addon's own summary rule (weeks, purchase days):
BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4; Gamma-Gamma
p 6.25, q 3.74, v 15.44 on the 946 clients with a repeat purchase."""

import datetime
import pathlib

import pytest
from conftest import load_clv_tool

bgnbd = load_clv_tool("bgnbd")
gamma_gamma = load_clv_tool("gamma_gamma")
summary = load_clv_tool("summary")

CDNOW = (
    pathlib.Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "cdnow"
    / "CDNOW_sample.txt"
)
END = datetime.date(1997, 9, 30)


@pytest.fixture(scope="module")
def calibration():
    if not CDNOW.exists():
        pytest.fail(f"the CDNOW sample is missing: {CDNOW}")
    rows = summary.read_cdnow(CDNOW)
    return summary.summarise(rows, END)


def test_cdnow_bgnbd(calibration):
    clients, x, t_x, T, _m = calibration
    assert len(clients) == 2357
    gx, gt, gT, weights, _inverse = bgnbd.group(x, t_x, T)
    (r, alpha, a, b), ll = bgnbd.fit(gx, gt, gT, weights=weights)
    for value, published in ((r, 0.243), (alpha, 4.414), (a, 0.793), (b, 2.426)):
        assert value == pytest.approx(published, rel=0.005)
    assert ll == pytest.approx(-9582.4, rel=0.005)
    assert ll == pytest.approx(-9582.4, abs=0.05)


def test_cdnow_gamma_gamma(calibration):
    _clients, x, _t_x, _T, m = calibration
    assert int((x > 0).sum()) == 946
    (p, q, v), _ll = gamma_gamma.fit(x, m)
    for value, published in ((p, 6.25), (q, 3.74), (v, 15.44)):
        assert value == pytest.approx(published, rel=0.005)
