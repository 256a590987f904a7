"""Clients over time in the benchmark: what the segment history, the buying
rhythm, the Movements report and the settings preview cost.

Used by ``bench_segments.py``:

- :class:`StepTimer`: the history insert in the first run and the rerun;
- :func:`rhythm_cost`: what the buying interval adds to the engine's one pass
  over the documents;
- :func:`seed_year_of_history`: a year of changes (four per client over the
  last 365 days and the five dimensions) after the starting point;
- :func:`movements`: the Movements pivot of this quarter (ABC, without the
  starting point) as the administrator, record rules applied;
- :func:`what_if`: the settings preview with other shares and days (from the
  state) and with another window (aggregating the documents).
"""

import datetime
import time
from collections import defaultdict


class StepTimer:
    """Accumulate the time spent in some methods of registry models while
    active (a context manager); ``self.seconds[name]``."""

    STEPS = (("history", "client.segment.history", "_record_changes"),)

    def __init__(self, env):
        self.env = env
        self.seconds = defaultdict(float)
        self._saved = []

    def _wrap(self, name, original):
        seconds = self.seconds

        def timed(model, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(model, *args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - started

        return timed

    def __enter__(self):
        self.seconds.clear()
        for name, model, method in self.STEPS:
            cls = self.env.registry[model]
            original = getattr(cls, method)
            self._saved.append((cls, method, original))
            setattr(cls, method, self._wrap(name, original))
        return self

    def __exit__(self, *exc_info):
        for cls, method, original in self._saved:
            setattr(cls, method, original)
        self._saved.clear()


def rhythm_cost(env, company):
    """Seconds the buying interval adds to the engine's one pass over the
    documents: the full aggregate timed as the engine runs it, then without
    the interval (temporary tables only, dropped)."""
    from odoo.tools import SQL

    Engine = env["client.segment.engine"]
    Rhythm = type(env["client.segment.rhythm"])
    today = datetime.date.today()
    seconds = []
    for interval in (None, SQL("NULL::int4")):
        original = Rhythm._interval_sql
        if interval is not None:
            Rhythm._interval_sql = lambda self, gap, interval=interval: interval
        try:
            started = time.perf_counter()
            Engine._collect_figures(company, today, None).drop()
            seconds.append(time.perf_counter() - started)
        finally:
            Rhythm._interval_sql = original
    return max(seconds[0] - seconds[1], 0.0)


def history_rows(cr, SQL, company_id):
    cr.execute(
        SQL(
            "SELECT count(*) FROM client_segment_history WHERE company_id = %s",
            company_id,
        )
    )
    return cr.fetchone()[0]


def seed_year_of_history(cr, SQL, company_id, partner_ids):
    """Four changes per client over the last 365 days, as the engine would
    record them (one statement)."""
    cr.execute(
        SQL(
            """
            INSERT INTO client_segment_history
                   (partner_id, company_id, dimension, old_value, new_value, date,
                    source)
            SELECT p, %(company)s, dims.dimension,
                   dims.values_[1 + mod(p + k, 3)],
                   dims.values_[1 + mod(p + k + 1, 3)],
                   CURRENT_DATE - mod(p * 31 + k * 97, 365), 'engine'
              FROM unnest(%(partners)s::int4[]) p
             CROSS JOIN generate_series(1, 4) k
              JOIN (VALUES (0, 'abc', ARRAY['a', 'b', 'c']),
                           (1, 'recency', ARRAY['hot', 'warm', 'sleeping']),
                           (2, 'frequency', ARRAY['one_off', 'rare', 'regular']),
                           (3, 'rhythm', ARRAY['not_due', 'due_soon', 'overdue']),
                           (4, 'abc', ARRAY['c', 'b', 'a']))
                   AS dims(position, dimension, values_)
                ON dims.position = mod(p + k, 5)
            """,
            company=company_id,
            partners=partner_ids,
        )
    )
    inserted = cr.rowcount
    cr.execute(SQL("ANALYZE client_segment_history"))
    return inserted


def movements(env, company):
    """The Movements pivot of this quarter, ABC, changes only, as the
    administrator (record rules applied)."""
    today = time.localtime()
    quarter_month = 1 + (today.tm_mon - 1) // 3 * 3
    start = f"{today.tm_year}-{quarter_month:02d}-01"
    Movement = (
        env["client.segment.movement"]
        .with_user(env.ref("base.user_admin"))
        .with_company(company)
    )
    env.invalidate_all()
    started = time.perf_counter()
    groups = Movement.read_group(
        [
            ("dimension", "=", "abc"),
            ("source", "!=", "start"),
            ("date", ">=", start),
        ],
        ["revenue_window:sum"],
        ["from_value", "to_value"],
        lazy=False,
    )
    elapsed = time.perf_counter() - started
    return elapsed, sum(group["__count"] for group in groups)


def what_if(env, company):
    """The preview with other shares and days, then with another window."""
    Preview = env["client.segment.preview"].with_user(env.ref("base.user_admin"))
    preview = Preview.create(
        {
            "company_id": company.id,
            "segment_abc_a_share": 60.0,
            "segment_abc_b_share": 30.0,
            "segment_window_months": company._segment_profile().segment_window_months,
            "segment_recency_hot_days": 14,
            "segment_recency_warm_days": 90,
        }
    )
    started = time.perf_counter()
    preview.action_preview()
    shares = time.perf_counter() - started
    preview.segment_window_months = 6
    started = time.perf_counter()
    preview.action_preview()
    window = time.perf_counter() - started
    return shares, window, preview.abc_moves


def print_table(rows):
    """The clients-over-time table of docs/performance.md."""
    header = (
        "| partners | history rows (first run) | history s (first) | % of first run "
        "| rhythm s (in the first run's aggregate) | history rows (rerun) "
        "| history s (rerun) | % of rerun | history rows (year) | movements s "
        "| what-if s | what-if (window) s |"
    )
    print()
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for row in rows:
        first, rerun = row["first_steps"], row["rerun_steps"]
        print(
            f"| {row['n']:,} | {row['history_first']:,} "
            f"| {first.get('history', 0):.2f} "
            f"| {100 * first.get('history', 0) / row['first']:.1f} % "
            f"| {row['rhythm']:.2f} ({100 * row['rhythm'] / row['first']:.0f} %) "
            f"| {row['history_rerun']:,} "
            f"| {rerun.get('history', 0):.2f} "
            f"| {100 * rerun.get('history', 0) / row['rerun']:.1f} % "
            f"| {row['history_first'] + row['history_rerun'] + row['history_year']:,}"
            f" | {row['movements']:.2f} | {row['what_if']:.2f} "
            f"| {row['what_if_window']:.2f} |",
            flush=True,
        )
