import datetime
import random
from decimal import Decimal

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..classification_sql import classified_sql, rank_of_sql
from ..tools import segmentation

TODAY = datetime.date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestClassificationSql(TransactionCase):
    """The one SQL form of the ABC and recency rule against the Python
    reference of tools/segmentation.py, on random states: ties, zero,
    negative and missing revenues, clients who never bought."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Rule Co"})
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Rule {index}", "is_company": True} for index in range(120)]
        )

    def _insert_states(self, rng):
        """Random state rows for every partner; ``{partner_id: (revenue,
        last_purchase)}``."""
        rows = {}
        for partner in self.partners:
            kind = rng.random()
            if kind < 0.1:
                revenue = None
            elif kind < 0.2:
                revenue = Decimal(rng.choice((0, -50, -0.5)))
            elif kind < 0.45:
                revenue = Decimal(rng.choice((100, 250, 1000)))  # ties
            else:
                revenue = Decimal(rng.randint(1, 100_000)) / 4
            last = (
                None
                if rng.random() < 0.15
                else TODAY - datetime.timedelta(days=rng.randint(0, 400))
            )
            rows[partner.id] = (revenue, last)
        self.env.cr.execute(
            SQL(
                "DELETE FROM client_segment_state WHERE company_id = %s",
                self.company.id,
            )
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO client_segment_state
                       (company_id, partner_id, segment_revenue_window,
                        segment_last_purchase_date, dirty)
                   SELECT %s, unnest(%s::int4[]), unnest(%s::numeric[]),
                          unnest(%s::date[]), FALSE""",
                self.company.id,
                list(rows),
                [revenue for revenue, _last in rows.values()],
                [last for _revenue, last in rows.values()],
            )
        )
        self.env["client.segment.state"].invalidate_model()
        return rows

    def _sql_result(self, a_share, b_share, hot_days, warm_days):
        hot_since, warm_since = segmentation.recency_cutoffs(TODAY, hot_days, warm_days)
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, rule_rank, rule_share_before, rule_abc_class,"
                " COALESCE(rule_recency, 'none') FROM (%s) k",
                classified_sql(
                    SQL(
                        "SELECT * FROM client_segment_state WHERE company_id = %s",
                        self.company.id,
                    ),
                    revenue="segment_revenue_window",
                    last_purchase="segment_last_purchase_date",
                    a_share=a_share,
                    b_share=b_share,
                    hot_since=hot_since,
                    warm_since=warm_since,
                ),
            )
        )
        return {
            pid: (rank, round(float(share), 6), abc_class, recency)
            for pid, rank, share, abc_class, recency in self.env.cr.fetchall()
        }

    @staticmethod
    def _reference(rows, a_share, b_share, hot_days, warm_days):
        ranked = {
            pid: (rank, round(share, 6), abc_class)
            for pid, _rev, rank, share, abc_class in segmentation.rank_abc(
                [(pid, revenue) for pid, (revenue, _last) in rows.items()],
                a_share,
                b_share,
            )
        }
        return {
            pid: (
                *ranked.get(pid, (0, 0.0, None)),
                segmentation.recency_segment(last, TODAY, hot_days, warm_days),
            )
            for pid, (_revenue, last) in rows.items()
        }

    def test_builder_equals_the_python_rule(self):
        for seed in range(6):
            rng = random.Random(seed)
            rows = self._insert_states(rng)
            a_share = rng.choice((50.0, 75.0, 80.0, 33.3))
            b_share = rng.choice((10.0, 15.0, 19.9))
            hot_days = rng.randint(1, 60)
            warm_days = hot_days + rng.randint(1, 200)
            with self.subTest(seed=seed, a=a_share, b=b_share):
                expected = self._reference(rows, a_share, b_share, hot_days, warm_days)
                self.assertEqual(
                    self._sql_result(a_share, b_share, hot_days, warm_days), expected
                )
                self.assertTrue(
                    {"a", "b", "c", None} <= {v[2] for v in expected.values()}
                )

    def test_rank_lookup_is_the_same_ranking(self):
        rows = self._insert_states(random.Random(42))
        expected = self._reference(rows, 75.0, 20.0, 30, 120)
        # the one-client form of the ranking, and the card that reads it
        self.env.cr.execute(
            rank_of_sql(
                SQL(
                    "SELECT * FROM client_segment_state WHERE company_id = %s",
                    self.company.id,
                ),
                self.partners.ids,
                revenue="segment_revenue_window",
            )
        )
        self.assertEqual(
            {
                pid: (rank, round(float(share), 6))
                for pid, rank, share in self.env.cr.fetchall()
            },
            {
                pid: (rank, share)
                for pid, (rank, share, _abc, _recency) in expected.items()
                if rank
            },
        )
        partners = self.partners.with_company(self.company)
        self.assertTrue(any(rank > 1 for rank, *_rest in expected.values()))
        for partner in partners:
            rank, share, _abc, _recency = expected[partner.id]
            self.assertEqual(partner.segment_rank, rank)
            # the field keeps two decimals
            self.assertAlmostEqual(partner.segment_cumulative_share, share, delta=0.006)
