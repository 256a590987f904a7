"""The chart of docs/clv-cdnow.md, an SVG written by hand (no plotting
library needed): lines of average holdout purchases by calibration repeat
purchases, one per series (used by clv_cdnow.py)."""

import math
import pathlib


def svg(labels, series, path):
    width, height, left, bottom, top, right = 640, 380, 60, 50, 40, 170
    plot_w, plot_h = width - left - right, height - top - bottom
    ymax = max(max(values) for values in series.values())
    ymax = math.ceil(ymax + 0.5)
    colours = {
        "actual": "#222222",
        "BG/NBD": "#1f77b4",
        "own past rate": "#d62728",
        "buying rhythm rule": "#2ca02c",
    }
    dashes = {"actual": "", "BG/NBD": "", "own past rate": "6,4"}
    dashes["buying rhythm rule"] = "2,3"

    def px(i):
        return left + plot_w * i / (len(labels) - 1)

    def py(value):
        return top + plot_h * (1 - value / ymax)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="14">CDNOW: purchase days in the 39 '
        "holdout weeks, average per client</text>",
    ]
    for tick in range(ymax + 1):
        y = py(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"'
            ' stroke="#dddddd"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{px(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
            f"{label}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">'
        "repeat purchase days in the 39 calibration weeks</text>"
    )
    for n, (name, values) in enumerate(series.items()):
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        dash = f' stroke-dasharray="{dashes[name]}"' if dashes[name] else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colours[name]}"'
            f' stroke-width="2"{dash}/>'
        )
        y = top + 10 + 20 * n
        x0 = left + plot_w + 15
        parts.append(
            f'<line x1="{x0}" y1="{y}" x2="{x0 + 25}" y2="{y}"'
            f' stroke="{colours[name]}" stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{x0 + 32}" y="{y + 4}">{name}</text>')
    parts.append("</svg>")
    pathlib.Path(path).write_text("\n".join(parts) + "\n", encoding="utf-8")
