"""From purchase days to the models' inputs, the rule the engine applies in
SQL (client.clv.engine): one purchase day per client and calendar day, its
value the day's net amount; ``x`` = purchase days after the first, ``t_x`` =
first to last purchase day, ``T`` = first purchase day to the end of the
observation, in ``unit_days`` (7: weeks); ``m`` = average value of the
repeat purchase days (NaN without one)."""

import datetime
from collections import defaultdict

import numpy as np

WEEK = 7


def summarise(purchases, end, unit_days=WEEK):
    """``purchases``: iterable of ``(client, date, amount)``, several per day
    allowed; those after ``end`` are ignored. Returns ``(clients, x, t_x, T,
    m)``, clients sorted, arrays in the same order."""
    days = defaultdict(lambda: defaultdict(float))
    for client, day, amount in purchases:
        if day <= end:
            days[client][day] += amount
    clients = sorted(days)
    x = np.zeros(len(clients))
    t_x = np.zeros(len(clients))
    T = np.zeros(len(clients))
    m = np.full(len(clients), np.nan)
    for i, client in enumerate(clients):
        ordered = sorted(days[client])
        first, last = ordered[0], ordered[-1]
        x[i] = len(ordered) - 1
        t_x[i] = (last - first).days / unit_days
        T[i] = (end - first).days / unit_days
        if len(ordered) > 1:
            m[i] = sum(days[client][d] for d in ordered[1:]) / (len(ordered) - 1)
    return clients, x, t_x, T, m


def count_days(purchases, start, end):
    """Purchase days of each client in ``[start, end]`` (a holdout period)."""
    seen = defaultdict(set)
    for client, day, _amount in purchases:
        if start <= day <= end:
            seen[client].add(day)
    return {client: len(found) for client, found in seen.items()}


def read_cdnow(path):
    """The CDNOW sample file: ``(customer, date, dollars)`` rows."""
    rows = []
    with open(path, encoding="ascii") as lines:
        for line in lines:
            fields = line.split()
            if not fields:
                continue
            day = datetime.datetime.strptime(fields[2], "%Y%m%d").date()
            rows.append((int(fields[0]), day, float(fields[4])))
    return rows
