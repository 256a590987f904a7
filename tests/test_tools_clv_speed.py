"""The fast paths of the predicted-value engine (client_segmentation_clv/
tools): the analytic gradients of both likelihoods against finite
differences, the objective against the plain log-likelihood, warm starts,
and the binary COPY format the engine reads and writes."""

import datetime
import struct

import numpy as np
import pytest
from conftest import load_clv_tool

bgnbd = load_clv_tool("bgnbd")
gamma_gamma = load_clv_tool("gamma_gamma")
pgcopy = load_clv_tool("pgcopy")


def _clients(seed=3, n=5000):
    rng = np.random.default_rng(seed)
    T = rng.integers(1, 400, n)
    x = rng.poisson(2, n) * (rng.random(n) < 0.6)
    t_x = np.where(x > 0, (rng.random(n) * T).astype(int), 0)
    return bgnbd.group_days(x, t_x, T, 7)


def _finite_differences(function, point, step=1e-6):
    grad = np.zeros(len(point))
    for i in range(len(point)):
        up, down = point.copy(), point.copy()
        up[i] += step
        down[i] -= step
        grad[i] = (function(up) - function(down)) / (2 * step)
    return grad


@pytest.mark.parametrize("params", [(0.24, 4.4, 0.79, 2.4), (1.0, 2.0, 1.5, 3.0)])
def test_bgnbd_objective_and_gradient(params):
    x, t_x, T, weights, _inverse = _clients()
    objective = bgnbd._Objective(x, t_x, T, weights)
    point = np.log(params)
    value, gradient = objective.value_and_gradient(point)
    total = weights.sum()
    assert -value * total == pytest.approx(
        bgnbd.log_likelihood(params, x, t_x, T, weights), rel=1e-12
    )
    assert gradient == pytest.approx(
        _finite_differences(objective, point), rel=1e-5, abs=1e-9
    )


def test_gamma_gamma_gradient_at_the_optimum_and_warm_start():
    rng = np.random.default_rng(5)
    x = rng.integers(1, 10, 3000)
    m = rng.gamma(6.0, 1 / rng.gamma(3.7, 1 / 15.4, 3000) / 6.0 * 6.0)
    params, ll = gamma_gamma.fit(x, m)
    # at the optimum the likelihood is flat in every direction
    for i in range(3):
        moved = list(params)
        moved[i] *= 1.001
        assert gamma_gamma.log_likelihood(moved, x, m) < ll
    warm, warm_ll = gamma_gamma.fit(x, m, start=params)
    assert warm == pytest.approx(params, rel=1e-5)
    assert warm_ll == pytest.approx(ll, rel=1e-10)


def _simulated(seed=8, n=20000, params=(0.24, 4.4, 0.79, 2.4)):
    """Clients drawn from BG/NBD itself (vectorised: one purchase of every
    client per round), in days, grouped."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = params
    rate = rng.gamma(r, 1 / alpha, n) / 7  # per day
    drop = rng.beta(a, b, n)
    T = rng.integers(1, 730, n)
    clock, x, t_x = np.zeros(n), np.zeros(n, dtype=int), np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        clock = clock + rng.exponential(1 / np.maximum(rate, 1e-12))
        bought = active & (clock <= T)
        x[bought] += 1
        t_x[bought] = clock[bought]
        active = bought & (rng.random(n) >= drop)
    return bgnbd.group_days(x, np.floor(t_x).astype(int), T, 7)


def test_bgnbd_warm_start_finds_the_same_optimum():
    x, t_x, T, weights, _inverse = _simulated()
    cold, cold_ll = bgnbd.fit(x, t_x, T, weights=weights)
    warm, warm_ll = bgnbd.fit(
        x, t_x, T, weights=weights, start=[p * 1.05 for p in cold]
    )
    assert warm == pytest.approx(cold, rel=1e-4)
    assert warm_ll == pytest.approx(cold_ll, rel=1e-10)


def _copy_output(rows, formats):
    """A binary COPY output as PostgreSQL writes it (by hand)."""
    body = b""
    for row in rows:
        body += struct.pack(">h", len(row))
        for value, fmt in zip(row, formats, strict=True):
            data = struct.pack(">" + fmt, value)
            body += struct.pack(">i", len(data)) + data
    return pgcopy.HEADER + body + pgcopy.TRAILER


def test_binary_copy_read_and_write():
    rows = [(7, 2, 9500, 3.25), (11, 0, -3, 0.0)]
    data = _copy_output(rows, "iiid")
    ids, x, day, m = pgcopy.read(data, ["int4", "int4", "date", "float8"])
    assert ids.tolist() == [7, 11]
    assert x.tolist() == [2, 0]
    assert day.tolist() == [9500, -3]
    assert m.tolist() == [3.25, 0.0]
    assert ids.dtype.byteorder in "=|"
    written = pgcopy.write(
        [np.array([7, 11]), np.array([2, 0]), np.array([9500, -3]), m],
        ["int4", "int4", "date", "float8"],
    )
    assert written == data
    assert pgcopy.read(pgcopy.write([np.zeros(0)], ["float8"]), ["float8"])[0].size == 0


def test_binary_copy_refuses_nulls_and_other_layouts():
    null_row = pgcopy.HEADER + struct.pack(">hi", 1, -1) + pgcopy.TRAILER
    with pytest.raises(ValueError):
        pgcopy.read(null_row, ["int4"])
    with pytest.raises(ValueError):
        pgcopy.read(b"COPY" + b"\x00" * 30, ["int4"])
    wide = _copy_output([(1, 2)], "qi")
    with pytest.raises(ValueError):
        pgcopy.read(wide, ["int4", "int4"])


def test_dates_and_day_numbers():
    day = datetime.date(2026, 12, 4)
    number = pgcopy.from_date(day)
    assert number == (day - datetime.date(2000, 1, 1)).days
    assert pgcopy.to_dates([number, 0]) == [day, datetime.date(2000, 1, 1)]


def test_binary_copy_writer_in_chunks():
    ids = np.arange(10)
    values = np.linspace(0, 1, 10)
    writer = pgcopy.Writer([ids, values], ["int4", "float8"], rows=3)
    chunks = list(iter(writer.read, b""))
    assert len(chunks) == 1 + 4 + 1  # header, 3 + 3 + 3 + 1 rows, trailer
    assert b"".join(chunks) == pgcopy.write([ids, values], ["int4", "float8"])
    read_ids, read_values = pgcopy.read(b"".join(chunks), ["int4", "float8"])
    assert read_ids.tolist() == ids.tolist()
    assert read_values.tolist() == values.tolist()
    with pytest.raises(ValueError):
        pgcopy.Writer([ids, values[:3]], ["int4", "float8"])
