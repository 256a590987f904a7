"""What the benchmark measures besides the engine's runs (used by
``bench_segments.py`` and the other suites): the suites' common options and
database release, timing and memory helpers, the module's install, the floor
aggregate, the digest that compares the rerun to a full recompute, the
per-partner approach the module replaces and the rank lookup of the form.
"""

import argparse
import os
import resource
import subprocess
import sys
import time


def suite_parser(doc, sizes, template="cs_bench_base"):
    """The options every suite takes: Odoo's config file, the template
    database, the sizes, whether to keep the databases."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("--template", default=template)
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    return parser


def parse_suite(parser):
    """The parsed options, Odoo configured from their config file."""
    args = parser.parse_args()
    try:
        import odoo
    except ImportError as error:
        sys.exit(f"Odoo 18 is not importable ({error}); see README.md.")
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    return args


def release(db):
    """Forget ``db``'s registry and close its connections (before a
    subprocess installs on it, or before it is dropped)."""
    import odoo

    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def odoo_module(config, db, mode="-i", module="client_segmentation"):
    """Install (``-i``) or update (``-u``) ``module`` on ``db`` in an Odoo
    process of its own, as an integrator runs it."""
    subprocess.run(
        [sys.executable, "-m", "odoo", "-c", config, "-d", db, "--stop-after-init"]
        + [mode, module, "--log-level=warn"],
        check=True,
        env=dict(os.environ, TZ="UTC"),
    )


def install(config, db):
    """Seconds of ``odoo -i client_segmentation`` on ``db`` (its seeded
    partners and documents included), as an integrator runs it."""
    started = time.perf_counter()
    odoo_module(config, db)
    return time.perf_counter() - started


def floor_query(cr, SQL, company_id):
    """The bare aggregate a client would run: executed and fetched."""
    cr.execute(
        SQL(
            """
            SELECT commercial_partner_id, SUM(amount_untaxed_signed),
                   COUNT(*), MIN(invoice_date), MAX(invoice_date)
              FROM account_move
             WHERE company_id = %s AND state = 'posted'
               AND move_type IN ('out_invoice', 'out_refund')
             GROUP BY commercial_partner_id
            """,
            company_id,
        )
    )
    return len(cr.fetchall())


def partner_columns():
    """The columns of res_partner a run writes for a company: the engine's
    segment fields (figures, classes, buying rhythm), the funnel stage and
    the temperature."""
    from odoo.addons.client_segmentation.models.client_segment_engine import (
        SEGMENT_FIELDS,
    )

    return SEGMENT_FIELDS + ("funnel_stage_id", "temperature")


def snapshot(cr, SQL, company_id):
    """One digest of the company's segment and funnel values of every
    partner, to compare two runs."""
    values = SQL(", ").join(
        SQL("%s -> %s", SQL.identifier(column), str(company_id))
        for column in partner_columns()
    )
    cr.execute(
        SQL(
            "SELECT md5(string_agg(concat_ws('|', id, %s), ',' ORDER BY id))"
            " FROM res_partner",
            values,
        )
    )
    return cr.fetchone()[0]


def forget_state(env, company):
    """The company's state and last run time forgotten: its next run
    re-aggregates every document, as a first run."""
    from odoo.tools import SQL

    env.cr.execute(
        SQL("DELETE FROM client_segment_state WHERE company_id = %s", company.id)
    )
    company.write({"segment_last_run_at": False})
    env.invalidate_all()


def full_recompute(env, company):
    """Recompute from scratch: without the state and the last run time the
    engine re-aggregates every document."""
    forget_state(env, company)
    return env["client.segment.engine"].recompute(company)


def per_partner(env, partner_ids):
    """The approach the module replaces: a search and a write per partner.

    It writes through the base ``write`` (the module refuses hand-written
    segments), skips ranking entirely, and so flatters itself."""
    from odoo import models

    moves = env["account.move"]
    for partner in env["res.partner"].browse(partner_ids):
        docs = moves.search_read(
            [
                ("commercial_partner_id", "=", partner.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["amount_untaxed_signed", "invoice_date", "move_type"],
        )
        purchases = [d for d in docs if d["move_type"] == "out_invoice"]
        revenue = sum(d["amount_untaxed_signed"] for d in docs)
        models.BaseModel.write(
            partner,
            {
                "segment_revenue_total": revenue,
                "segment_purchase_count": len(purchases),
                "segment_last_purchase_date": max(
                    (d["invoice_date"] for d in purchases), default=False
                ),
            },
        )
        partner.flush_recordset()


def rank_lookup(env, SQL, company_id):
    """Slowest of computing one partner's rank and cumulative share (what the
    form shows) for the first, a quarter, the middle, three quarters and the
    last of the ranking: the cost grows with the rank."""
    env.cr.execute(
        SQL(
            "SELECT partner_id FROM client_segment_state WHERE company_id = %s"
            " AND segment_revenue_window > 0"
            " ORDER BY segment_revenue_window DESC, partner_id",
            company_id,
        )
    )
    ranked = [row[0] for row in env.cr.fetchall()]
    slowest = 0.0
    for position in (0, len(ranked) // 4, len(ranked) // 2, 3 * len(ranked) // 4, -1):
        env.invalidate_all()
        partner = env["res.partner"].browse(ranked[position])
        elapsed, rank = timed(lambda partner=partner: partner.segment_rank)
        expected = position + 1 if position >= 0 else len(ranked)
        assert rank == expected, (rank, expected)
        slowest = max(slowest, elapsed)
    return slowest
