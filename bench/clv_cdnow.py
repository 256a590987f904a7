"""The CDNOW holdout comparison of docs/clv-cdnow.md, from the raw file:

    .venv/bin/python bench/clv_cdnow.py [--data PATH] [--svg docs/img/clv-cdnow.svg]

Fits BG/NBD and Gamma-Gamma on the 39 calibration weeks (1997-01-01 to
1997-09-30, the paper's), predicts the purchase days of each client in the
next 39 weeks (1997-10-01 to 1998-06-29) and compares with what they did,
beside two baselines: the client's own past rate of repeat purchases, and
the buying rhythm rule of client_segmentation (tools/rhythm.py). Prints the
table of the doc (markdown) and writes the chart (SVG, by hand: no plotting
library needed)."""

import argparse
import datetime
import importlib.util
import pathlib
import sys

import numpy as np
from clv_svg import svg

REPO = pathlib.Path(__file__).resolve().parent.parent


def _load(package, folder, name):
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{name}")


CLV = REPO / "client_segmentation_clv" / "tools"
bgnbd = _load("clv_tools", CLV, "bgnbd")
gamma_gamma = _load("clv_tools", CLV, "gamma_gamma")
summary = _load("clv_tools", CLV, "summary")
rhythm = _load("cs_tools", REPO / "client_segmentation" / "tools", "rhythm")

END = datetime.date(1997, 9, 30)
HOLDOUT_DAYS = 39 * 7
HOLDOUT_END = END + datetime.timedelta(days=HOLDOUT_DAYS)
WEEKS = HOLDOUT_DAYS / 7
# tools/rhythm defaults of a company (res.company): due soon 7 days before,
# overdue 7 days after the expected next purchase
LEAD_DAYS = TOLERANCE_DAYS = 7


def rhythm_prediction(days, x, T):
    """The buying rhythm rule: a client with a usual interval (3 purchase
    days or more) buys every interval through the holdout, unless already
    overdue (then nothing: the rule's "late" clients); without a rhythm, the
    own past rate."""
    interval = rhythm.usual_interval(days)
    if interval is None:
        return x / T * WEEKS if T > 0 else 0.0
    state = rhythm.rhythm_state(
        rhythm.next_purchase_date(max(days), interval), END, LEAD_DAYS, TOLERANCE_DAYS
    )
    if state == "overdue":
        return 0.0
    return HOLDOUT_DAYS / max(interval, 1)


def evaluate(path):
    rows = summary.read_cdnow(path)
    clients, x, t_x, T, m = summary.summarise(rows, END)
    gx, gt, gT, weights, inverse = bgnbd.group(x, t_x, T)
    params, ll = bgnbd.fit(gx, gt, gT, weights=weights)
    gg_params, _gg_ll = gamma_gamma.fit(x, m)
    holdout = summary.count_days(rows, END + datetime.timedelta(days=1), HOLDOUT_END)
    actual = np.array([holdout.get(client, 0) for client in clients], dtype=float)
    days = {}
    for client, day, _amount in rows:
        if day <= END:
            days.setdefault(client, set()).add(day)
    predictions = {
        "BG/NBD": bgnbd.expected_purchases(params, WEEKS, gx, gt, gT)[inverse],
        "own past rate": np.where(T > 0, x / np.maximum(T, 1e-9) * WEEKS, 0.0),
        "buying rhythm rule": np.array(
            [
                rhythm_prediction(sorted(days[c]), x[i], T[i])
                for i, c in enumerate(clients)
            ]
        ),
    }
    return {
        "params": params,
        "ll": ll,
        "gg": gg_params,
        "clients": len(clients),
        "x": x,
        "actual": actual,
        "predictions": predictions,
    }


def table(result):
    actual = result["actual"]
    lines = [
        "| prediction | total purchase days | mean absolute error | correlation |",
        "| --- | ---: | ---: | ---: |",
        f"| actual | {actual.sum():.0f} | | |",
    ]
    for name, predicted in result["predictions"].items():
        mae = np.abs(predicted - actual).mean()
        corr = np.corrcoef(predicted, actual)[0, 1]
        lines.append(f"| {name} | {predicted.sum():.0f} | {mae:.3f} | {corr:.3f} |")
    return "\n".join(lines)


def by_frequency(result, top=7):
    """Average holdout purchase days by calibration repeat purchases
    (0 .. top-1, top+): actual and each prediction (the paper's figure 4)."""
    x = result["x"]
    groups = [x == k for k in range(top)] + [x >= top]
    labels = [str(k) for k in range(top)] + [f"{top}+"]
    series = {"actual": [result["actual"][g].mean() for g in groups]}
    for name, predicted in result["predictions"].items():
        series[name] = [predicted[g].mean() for g in groups]
    return labels, series


def stability(path, sizes=(300, 600, 1200), draws=8, seed=0):
    """The minimum data (docs/clv-cdnow.md): BG/NBD fitted on random subsets
    of CDNOW clients; the spread of a and b, and the rank correlation of the
    probability still active of the repeat buyers with the full fit's."""
    from scipy.stats import spearmanr

    rows = summary.read_cdnow(path)
    _clients, x, t_x, T, _m = summary.summarise(rows, END)
    full, _ll = bgnbd.fit(x, t_x, T)
    repeat = x > 0
    reference = bgnbd.probability_alive(full, x, t_x, T)[repeat]
    rng = np.random.default_rng(seed)
    lines = [
        "| clients | repeat buyers | a (min - max) | b (min - max) "
        "| rank correlation of P(alive) (min) |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        fits = []
        for _draw in range(draws):
            pick = rng.choice(len(x), size, replace=False)
            params, _ll = bgnbd.fit(x[pick], t_x[pick], T[pick])
            alive = bgnbd.probability_alive(params, x, t_x, T)[repeat]
            rho = spearmanr(alive, reference).correlation
            fits.append((params[2], params[3], int(repeat[pick].sum()), rho))
        a, b, buyers, rho = (np.array(values) for values in zip(*fits, strict=True))
        lines.append(
            f"| {size} | {buyers.mean():.0f} | {a.min():.2f} - {a.max():.2f} "
            f"| {b.min():.2f} - {b.max():.2f} | {rho.min():.3f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default=str(REPO.parent / "shared" / "data" / "cdnow" / "CDNOW_sample.txt"),
    )
    parser.add_argument("--svg", default=str(REPO / "docs" / "img" / "clv-cdnow.svg"))
    args = parser.parse_args()
    result = evaluate(args.data)
    r, alpha, a, b = result["params"]
    p, q, v = result["gg"]
    print(
        f"clients {result['clients']}; BG/NBD r {r:.3f} alpha {alpha:.3f} a {a:.3f} "
        f"b {b:.3f} LL {result['ll']:.1f}; Gamma-Gamma p {p:.2f} q {q:.2f} v {v:.2f}"
    )
    print(table(result))
    labels, series = by_frequency(result)
    print("\n| repeat purchases | " + " | ".join(series) + " |")
    print("| --- |" + " ---: |" * len(series))
    for i, label in enumerate(labels):
        print(
            f"| {label} | " + " | ".join(f"{s[i]:.2f}" for s in series.values()) + " |"
        )
    svg(labels, series, args.svg)
    print(f"\nchart: {args.svg}\n")
    print(stability(args.data))


if __name__ == "__main__":
    main()
