"""BG/NBD and Gamma-Gamma (client_segmentation_clv/tools): hand-computed
cases, the model's identities, edge cases of real client bases."""

import math

import numpy as np
import pytest
from conftest import load_clv_tool

bgnbd = load_clv_tool("bgnbd")
gamma_gamma = load_clv_tool("gamma_gamma")

PARAMS = (1.0, 2.0, 1.0, 2.0)  # r, alpha, a, b


def test_likelihood_by_hand():
    # x=0, T=3: B(1,2)/B(1,2) * G(1) 2 / (G(1) 5) = 0.4
    # x=2, t_x=1, T=3: B(1,4)/B(1,2) * G(3) 2 / 5^3 = 0.5 * 4/125 = 0.016
    #                + B(2,3)/B(1,2) * G(3) 2 / 3^3 = 1/6 * 4/27
    expected = [0.4, 0.016 + 4 / 162]
    terms = bgnbd.log_likelihood_terms(PARAMS, [0, 2], [0, 1], [3, 3])
    assert np.exp(terms) == pytest.approx(expected, rel=1e-12)
    assert bgnbd.log_likelihood(PARAMS, [0, 2], [0, 1], [3, 3]) == pytest.approx(
        math.log(0.4) + math.log(0.016 + 4 / 162), rel=1e-12
    )


def test_weights_count_clients():
    one = bgnbd.log_likelihood(PARAMS, [0, 2, 2], [0, 1, 1], [3, 3, 3])
    grouped = bgnbd.log_likelihood(PARAMS, [0, 2], [0, 1], [3, 3], weights=[1, 2])
    assert grouped == pytest.approx(one, rel=1e-12)


def test_group_distinct_triples():
    x, t_x, T, weights, inverse = bgnbd.group([0, 2, 2, 0], [0, 1, 1, 0], [3, 3, 3, 5])
    assert len(x) == 3
    assert weights.sum() == 4
    assert list(zip(x[inverse], T[inverse], strict=True)) == [
        (0, 3),
        (2, 3),
        (2, 3),
        (0, 5),
    ]


def test_probability_alive_by_hand():
    # 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + 125/81)
    p = bgnbd.probability_alive(PARAMS, [2, 0], [1, 0], [3, 3])
    assert p == pytest.approx([81 / 206, 1.0], rel=1e-12)


def test_probability_alive_ordering():
    params = (0.243, 4.414, 0.793, 2.426)
    steady, stopped = bgnbd.probability_alive(params, [10, 10], [38, 10], [39, 39])
    assert steady > 0.9 > 0.1 > stopped


def test_expected_purchases_published_example():
    # the paper's example customer (section 4): x=2, t_x=30.43, T=38.86
    params = (0.243, 4.414, 0.793, 2.426)
    value = bgnbd.expected_purchases(params, 39, [2], [30.43], [38.86])[0]
    assert value == pytest.approx(1.226, abs=0.001)


def test_expected_purchases_of_a_new_client_is_the_curve():
    params = (0.243, 4.414, 0.793, 2.426)
    conditional = bgnbd.expected_purchases(params, 52, [0], [0], [0])[0]
    assert conditional == pytest.approx(bgnbd.expected_purchases_new(params, 52))
    assert bgnbd.expected_purchases(params, 0, [1], [1], [2])[0] == 0


def test_probability_purchases_sums_to_one():
    params = (0.243, 4.414, 0.793, 2.426)
    t = np.array([5.0, 39.0])
    total = sum(bgnbd.probability_purchases(params, t, x) for x in range(200))
    assert total == pytest.approx([1, 1], abs=1e-6)


def test_fit_recovers_simulated_parameters():
    rng = np.random.default_rng(7)
    r, alpha, a, b = 0.5, 5.0, 0.8, 3.0
    n = 4000
    T = rng.uniform(20, 52, n)
    lam = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    for i in range(n):
        clock = 0.0
        while True:
            clock += rng.exponential(1 / lam[i])
            if clock > T[i]:
                break
            x[i] += 1
            t_x[i] = clock
            if rng.random() < drop[i]:
                break
    params, ll = bgnbd.fit(x, t_x, T)
    assert ll == pytest.approx(bgnbd.log_likelihood(params, x, t_x, T), rel=1e-9)
    assert params[0] == pytest.approx(r, rel=0.25)
    assert params[1] == pytest.approx(alpha, rel=0.35)
    gx, gt, gT, w, _inverse = bgnbd.group(x, t_x, T)
    grouped, grouped_ll = bgnbd.fit(gx, gt, gT, weights=w)
    assert grouped == pytest.approx(params, rel=1e-4)
    assert grouped_ll == pytest.approx(ll, rel=1e-9)


def test_edge_cases_never_crash():
    params = (0.243, 4.414, 0.793, 2.426)
    # one-day histories (T = 0) and single purchases
    assert bgnbd.probability_alive(params, [0, 0], [0, 0], [0, 10]) == pytest.approx(
        [1, 1]
    )
    values = bgnbd.expected_purchases(params, 52, [0, 3], [0, 0], [0, 0])
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    with pytest.raises(ValueError):
        bgnbd.probability_alive(params, [1], [5], [2])  # t_x > T
    with pytest.raises(bgnbd.FitError):
        bgnbd.fit([], [], [])


def test_fit_without_repeat_purchases_fails_cleanly():
    # nobody came back: the dropout has no information, no finite optimum
    with pytest.raises(bgnbd.FitError):
        bgnbd.fit([0] * 50, [0] * 50, list(range(1, 51)))


def test_gamma_gamma_by_hand():
    # G(3)/(G(1) G(2)) * 1 * 1 * 1 / 2^3 = 0.25
    terms = gamma_gamma.log_likelihood_terms((1.0, 2.0, 1.0), [1], [1.0])
    assert math.exp(terms[0]) == pytest.approx(0.25, rel=1e-12)
    expected = gamma_gamma.expected_average_value((1.0, 2.0, 1.0), [1, 0], [1.0, 5])
    assert expected == pytest.approx([1.0, 1.0])


def test_gamma_gamma_ignores_clients_without_value():
    rng = np.random.default_rng(3)
    n = 3000
    nu = rng.gamma(4.0, 1 / 20.0, n)
    x = rng.integers(1, 6, n).astype(float)
    m = np.array(
        [rng.gamma(6.0, 1 / nu[i], int(x[i])).mean() for i in range(n)], dtype=float
    )
    params, _ll = gamma_gamma.fit(x, m)
    with_zero, _ll = gamma_gamma.fit(
        np.append(x, [0, 2, 3]), np.append(m, [np.nan, 0.0, -5.0])
    )
    assert with_zero == pytest.approx(params, rel=1e-6)
    p, q, v = params
    assert p * v / (q - 1) == pytest.approx(6.0 * 20.0 / 3.0, rel=0.15)
    with pytest.raises(gamma_gamma.FitError):
        gamma_gamma.fit([0, 1], [np.nan, 0.0])


def test_group_days_matches_group():
    x, t_x, T = [0, 2, 2, 0], [0, 7, 7, 0], [21, 21, 21, 35]
    by_days = bgnbd.group_days(x, t_x, T)
    by_rows = bgnbd.group(x, np.array(t_x) / 7, np.array(T) / 7)
    for left, right in zip(by_days, by_rows, strict=True):
        assert np.asarray(left) == pytest.approx(np.asarray(right))
    with pytest.raises(ValueError):
        bgnbd.group_days([1], [8], [7])
