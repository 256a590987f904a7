"""Gamma-Gamma model of the value of a purchase (Fader, Hardie & Lee 2005,
"RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", Journal of
Marketing Research 42(4); the model of Colombo & Jiang 1999).

A client with ``x`` repeat purchases of average value ``m`` (repeat purchases
only, as the paper): each value ~ Gamma(p, nu), nu ~ Gamma(q, gamma) across
clients. Fitted on the clients with at least one repeat purchase of positive
average value.
"""

import math

import numpy as np
from scipy import optimize, special

PARAMETERS = ("p", "q", "v")


class FitError(ValueError):
    """The likelihood could not be maximised."""


def _usable(x, m):
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    return x, m, keep


def log_likelihood_terms(params, x, m):
    """Log-likelihood of each client (x > 0, m > 0), the density of the
    average of ``x`` values:

    G(px+q) / (G(px) G(q)) * v^q * m^(px-1) * x^(px) / (v + m x)^(px+q)
    """
    p, q, v = params
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * math.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + m * x)
    )


def log_likelihood(params, x, m, weights=None):
    terms = log_likelihood_terms(params, x, m)
    if weights is None:
        return float(terms.sum())
    return float(np.dot(np.asarray(weights, dtype=float), terms))


def _dot(u, v):
    """Dot product without BLAS (see bgnbd._dot)."""
    return float(np.einsum("i,i->", u, v))


def fit(x, m, weights=None, start=None):
    """Maximum-likelihood ``(p, q, v)`` and the log-likelihood, on the
    clients with x > 0 and m > 0 (the others carry no information on the
    value of a repeat purchase). Optimised on the logs of the parameters,
    L-BFGS-B with the analytic gradient, then Nelder-Mead. ``start``: the
    starting parameters (e.g. the last fit's); by default (1, 1, the mean
    value). Raises :class:`FitError`."""
    scaled_start = start is None
    if scaled_start:
        start = (1.0, 1.0, 1.0)
    x, m, keep = _usable(x, m)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    x, m, w = x[keep], m[keep], w[keep]
    total = float(w.sum())
    if not total:
        raise FitError("no client with a repeat purchase of positive value")
    # the scale of the values: the optimiser starts near it (or at the
    # last fit's parameters, ``start`` given with its own scale)
    if scaled_start:
        scale = float(np.average(m, weights=w))
        start = np.asarray(start, dtype=float) * (1.0, 1.0, scale)
    start = np.log(np.asarray(start, dtype=float))
    log_m, log_x, mx = np.log(m), np.log(x), m * x

    def objective(log_params):
        """Negative mean log-likelihood and its gradient (log-parameters)."""
        p, q, v = np.exp(np.clip(log_params, -30, 30))
        px = p * x
        log_vmx = np.log(v + mx)
        terms = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * math.log(v)
            + (px - 1) * log_m
            + px * log_x
            - (px + q) * log_vmx
        )
        psi = special.digamma(px + q)
        d_p = _dot(w, x * (psi - special.digamma(px) + log_m + log_x - log_vmx))
        d_q = _dot(w, psi - log_vmx) + total * (math.log(v) - special.digamma(q))
        d_v = total * q / v - _dot(w, (px + q) / (v + mx))
        value = -_dot(w, terms) / total
        gradient = -np.array([d_p * p, d_q * q, d_v * v]) / total
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e10, np.zeros(3)
        return value, gradient

    result = optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-12, "gtol": 1e-8},
    )
    if not result.success:
        result = optimize.minimize(
            lambda log_params: objective(log_params)[0],
            result.x,
            method="Nelder-Mead",
            options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-10},
        )
    params = np.exp(result.x)
    if not result.success or not np.all(np.isfinite(params)):
        raise FitError(f"the likelihood did not converge: {result.message}")
    if params[1] <= 1:
        # E[value] = p v / (q - 1) needs q > 1
        raise FitError("the fitted q is at most 1: the mean value is infinite")
    return tuple(float(v) for v in params), -float(result.fun) * total


def expected_average_value(params, x, m):
    """E[value of a purchase | x, m]: (p (v + x m)) / (p x + q - 1), the
    population mean p v / (q - 1) weighted with the client's own average.
    ``m`` below 0 (refunds) counts as 0; x = 0 gives the population mean."""
    p, q, v = params
    x = np.asarray(x, dtype=float)
    m = np.clip(np.nan_to_num(np.asarray(m, dtype=float)), 0, None)
    return p * (v + x * m) / (p * x + q - 1)
