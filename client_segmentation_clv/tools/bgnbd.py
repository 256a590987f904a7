"""BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your
Customers the Easy Way: An Alternative to the Pareto/NBD Model", Marketing
Science 24(2)).

A client is described by ``x`` (repeat purchases: purchase days after the
first one), ``t_x`` (time from the first to the last purchase) and ``T`` (time
from the first purchase to the end of the observation), in one time unit
(weeks in this addon, see docs/clv-cdnow.md). While active, a client buys at
rate ``lambda`` ~ Gamma(r, alpha); after each purchase they drop out with
probability ``p`` ~ Beta(a, b).

Arrays in, arrays out (numpy); the fit works on distinct triples with their
number of clients (``weights``), which is what makes a million clients cheap.
"""

import math

import numpy as np
from scipy import optimize, special

PARAMETERS = ("r", "alpha", "a", "b")


class FitError(ValueError):
    """The likelihood could not be maximised (no convergence, invalid data)."""


def _arrays(x, t_x, T):
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    if x.shape != t_x.shape or x.shape != T.shape:
        raise ValueError("x, t_x and T must have the same length")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T + 1e-9):
        raise ValueError("need 0 <= x, 0 <= t_x <= T")
    return x, t_x, T


def log_likelihood_terms(params, x, t_x, T):
    """Log-likelihood of each client, equation (6) of the paper in logs:

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + d(x>0) B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    """
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    common = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * math.log(alpha)
        + special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    xr = x[repeat]
    dropped[repeat] = (
        math.log(a) - np.log(b + xr - 1) - (r + xr) * np.log(alpha + t_x[repeat])
    )
    return common + np.logaddexp(alive, dropped)


def log_likelihood(params, x, t_x, T, weights=None):
    """Total log-likelihood (``weights``: clients per row, default 1)."""
    terms = log_likelihood_terms(params, x, t_x, T)
    if weights is None:
        return float(terms.sum())
    return float(np.dot(np.asarray(weights, dtype=float), terms))


def group(x, t_x, T):
    """Distinct ``(x, t_x, T)`` rows and the number of clients of each:
    ``(x, t_x, T, weights, inverse)`` (``inverse`` maps clients to rows)."""
    x, t_x, T = _arrays(x, t_x, T)
    if not len(x):
        empty = np.zeros(0)
        return empty, empty, empty, empty, np.zeros(0, dtype=int)
    rows, inverse, counts = np.unique(
        np.column_stack((x, t_x, T)), axis=0, return_inverse=True, return_counts=True
    )
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float), inverse.ravel()


def group_days(x, t_x_days, T_days, unit_days=7):
    """:func:`group` for whole days (what the engine reads), in time units of
    ``unit_days``: one integer key per client, a 1-D unique (much faster than
    rows). Days and x must be below 2**21."""
    x = np.asarray(x, dtype=np.int64)
    t_x_days = np.asarray(t_x_days, dtype=np.int64)
    T_days = np.asarray(T_days, dtype=np.int64)
    if np.any(t_x_days < 0) or np.any(t_x_days > T_days) or np.any(x < 0):
        raise ValueError("need 0 <= x, 0 <= t_x <= T")
    if len(x) and max(x.max(), T_days.max()) >= 2**21:
        raise ValueError("x and the days must be below 2**21")
    keys = (x << 42) | (t_x_days << 21) | T_days
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    mask = 2**21 - 1
    return (
        (unique >> 42).astype(float),
        ((unique >> 21) & mask) / unit_days,
        (unique & mask) / unit_days,
        counts.astype(float),
        inverse.ravel(),
    )


def _dot(u, v):
    """Dot product of two vectors without BLAS: a multi-threaded BLAS on a
    busy machine takes milliseconds for what is a few microseconds here."""
    return float(np.einsum("i,i->", u, v))


class _Objective:
    """Negative mean log-likelihood over log-parameters and its analytic
    gradient. Clients without a repeat purchase depend only on T (one row
    per distinct T); the terms that depend only on x are evaluated once per
    distinct x (the gammaln and digamma calls), the logs of alpha+T and
    alpha+t_x once per distinct T and t_x (days are few). For a repeat
    buyer the log-likelihood is ``A(x) - (r+x) log(alpha+T) + softplus(z)``
    with ``z = log a - log(b+x-1) + (r+x) (log(alpha+T) - log(alpha+t_x))``
    (the log-odds of "dropped out" against "still active", equation (6)):
    one exp and one log1p per distinct row and evaluation."""

    def __init__(self, x, t_x, T, weights):
        x, t_x, T = _arrays(x, t_x, T)
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
        self.total = float(w.sum())
        self.repeat_total = float(w[x > 0].sum())
        # the x-only terms, weighted by the clients of each distinct x
        self.ux, ix = np.unique(x, return_inverse=True)
        self.wx = np.bincount(ix.ravel(), weights=w, minlength=len(self.ux))
        # no repeat purchase: by distinct T
        once = x == 0
        self.T0, i0 = np.unique(T[once], return_inverse=True)
        self.w0 = np.bincount(i0.ravel(), weights=w[once], minlength=len(self.T0))
        # repeat buyers
        rep = ~once
        self.x = x[rep]
        self.w = w[rep]
        self.uT, iT = np.unique(T[rep], return_inverse=True)
        self.iT = iT.ravel()
        self.ut, it = np.unique(t_x[rep], return_inverse=True)
        self.it = it.ravel()
        self.log_bx_index = np.searchsorted(self.ux, self.x)

    def value_and_gradient(self, log_params):
        r, alpha, a, b = np.exp(np.clip(log_params, -30, 30))
        ux, wx, total = self.ux, self.wx, self.total
        by_x = (
            special.gammaln(r + ux)
            + special.gammaln(b + ux)
            - special.gammaln(a + b + ux)
        )
        value = _dot(wx, by_x) + total * (
            -special.gammaln(r)
            + r * math.log(alpha)
            + special.gammaln(a + b)
            - special.gammaln(b)
        )
        psi_ab = special.digamma(a + b)
        d_r = _dot(wx, special.digamma(r + ux)) + total * (
            math.log(alpha) - special.digamma(r)
        )
        d_alpha = total * r / alpha
        d_a = total * psi_ab - _dot(wx, special.digamma(a + b + ux))
        d_b = _dot(wx, special.digamma(b + ux) - special.digamma(a + b + ux))
        d_b += total * (psi_ab - special.digamma(b))
        # clients without a repeat purchase: -r log(alpha + T)
        log_T0 = np.log(alpha + self.T0)
        value -= r * _dot(self.w0, log_T0)
        d_r -= _dot(self.w0, log_T0)
        d_alpha -= r * _dot(self.w0, 1 / (alpha + self.T0))
        if len(self.x):
            x, w = self.x, self.w
            log_T = np.log(alpha + self.uT)
            log_t = np.log(alpha + self.ut)
            # log(b + x - 1) per distinct x (x >= 1 here)
            log_bx = np.log(b + np.maximum(ux, 1) - 1)[self.log_bx_index]
            lT = log_T[self.iT]
            lt = log_t[self.it]
            rx = r + x
            z = math.log(a) - log_bx + rx * (lT - lt)
            e = np.exp(-np.abs(z))
            softplus = np.maximum(z, 0) + np.log1p(e)
            share = np.where(z >= 0, 1, e) / (1 + e)  # P(dropped | data)
            # log-likelihood: -(r+x) log(alpha+T) + softplus(z)
            value += _dot(w, softplus - rx * lT)
            ws = w * share
            # d/dr: -log(alpha+T) + share (log(alpha+T) - log(alpha+t_x))
            d_r += _dot(ws, lT - lt) - _dot(w, lT)
            inv_T = (1 / (alpha + self.uT))[self.iT]
            inv_t = (1 / (alpha + self.ut))[self.it]
            d_alpha += _dot(ws * rx, inv_T - inv_t) - _dot(w * rx, inv_T)
            d_a += float(ws.sum()) / a
            d_b -= _dot(ws, (1 / (b + np.maximum(ux, 1) - 1))[self.log_bx_index])
        gradient = -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b]) / total
        value = -value / total
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e10, np.zeros(4)
        return value, gradient

    def __call__(self, log_params):
        return self.value_and_gradient(log_params)[0]


def fit(x, t_x, T, weights=None, start=(1.0, 1.0, 1.0, 1.0)):
    """Maximum-likelihood ``(r, alpha, a, b)`` and the log-likelihood.

    Optimised on the logs of the parameters (all positive), L-BFGS-B with
    the analytic gradient first, Nelder-Mead from its end point when it does
    not converge. Raises :class:`FitError` when neither converges to finite
    parameters.
    """
    objective = _Objective(x, t_x, T, weights)
    if not objective.total:
        raise FitError("no clients to fit")
    if not objective.repeat_total:
        # nobody came back: the dropout and the rate have no finite optimum
        raise FitError("no client with a repeat purchase")
    start = np.log(np.asarray(start, dtype=float))
    result = optimize.minimize(
        objective.value_and_gradient,
        start,
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-12, "gtol": 1e-8},
    )
    if not result.success:
        result = optimize.minimize(
            objective,
            result.x if np.all(np.isfinite(result.x)) else start,
            method="Nelder-Mead",
            options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-10},
        )
    params = np.exp(result.x)
    if not result.success or not np.all(np.isfinite(params)):
        raise FitError(f"the likelihood did not converge: {result.message}")
    if np.any(params > 1e8) or np.any(params < 1e-8):
        raise FitError("the parameters ran to the edge of their range")
    return tuple(float(p) for p in params), -float(result.fun) * objective.total


def _log_alive_odds(params, x, t_x, T):
    """log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) for x > 0, -inf for x = 0."""
    r, alpha, a, b = params
    odds = np.full_like(x, -np.inf)
    rep = x > 0
    xr = x[rep]
    odds[rep] = (
        math.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * (np.log(alpha + T[rep]) - np.log(alpha + t_x[rep]))
    )
    return odds


def probability_alive(params, x, t_x, T):
    """P(still active | x, t_x, T), equation (A2) of the paper's appendix.
    A client without a repeat purchase has had no chance to drop out in this
    model: 1."""
    x, t_x, T = _arrays(x, t_x, T)
    return special.expit(-_log_alive_odds(params, x, t_x, T))


def expected_purchases(params, t, x, t_x, T):
    """E[purchases in the next ``t`` | x, t_x, T], equation (10):

    (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
                           * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
        / (1 + d(x>0) a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
    """
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    if t <= 0:
        return np.zeros_like(x)
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    head = (a + b + x - 1) / (a - 1) * (1 - ratio * hyp)
    result = head * special.expit(-_log_alive_odds(params, x, t_x, T))
    # a == 1 makes the closed form 0/0; the hypergeometric series is then
    # unusable too: fall back on its limit by a tiny shift of a.
    if not np.all(np.isfinite(result)):
        if abs(a - 1) < 1e-9:
            return expected_purchases((r, alpha, a + 1e-6, b), t, x, t_x, T)
        result = np.where(np.isfinite(result), result, 0.0)
    return np.maximum(result, 0.0)


def expected_purchases_new(params, t):
    """E[X(t)] of a client just acquired, equation (9): the model's
    unconditional curve (used for the fit check by number of purchases)."""
    r, alpha, a, b = params
    z = t / (alpha + t)
    hyp = special.hyp2f1(r, b, a + b - 1, z)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)


def probability_purchases(params, t, x):
    """P(X(t) = x) for a client just acquired, observed for ``t`` (an array:
    one value per client), equation (8). Summed over the clients' ages it is
    the expected number of clients with ``x`` repeat purchases, the paper's
    check of the fit (figure 2)."""
    r, alpha, a, b = params
    t = np.asarray(t, dtype=float)
    log_beta_ab = special.betaln(a, b)
    log_share = np.log(t / (alpha + t)) if x else np.zeros_like(t)
    log_stay = r * np.log(alpha / (alpha + t))
    value = np.exp(
        special.betaln(a, b + x)
        - log_beta_ab
        + special.gammaln(r + x)
        - special.gammaln(r)
        - special.gammaln(x + 1)
        + log_stay
        + x * log_share
    )
    if x > 0:
        tail = np.zeros_like(t)
        for j in range(x):
            tail += np.exp(
                special.gammaln(r + j)
                - special.gammaln(r)
                - special.gammaln(j + 1)
                + log_stay
                + j * log_share
            )
        value = value + np.exp(special.betaln(a + 1, b + x - 1) - log_beta_ab) * (
            1 - tail
        )
    return value
