import datetime
from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.client_segmentation_clv.models.client_clv_engine import (
    ClientClvEngine,
)
from odoo.addons.client_segmentation_clv.tools import bgnbd, summary

from .common import CALIBRATION_END, CDNOW, ClvCase, read_cdnow

day = datetime.date
PUBLISHED_BGNBD = {
    "bgnbd_r": 0.243,
    "bgnbd_alpha": 4.414,
    "bgnbd_a": 0.793,
    "bgnbd_b": 2.426,
    "bgnbd_log_likelihood": -9582.4,
}
PUBLISHED_GG = {"gg_p": 6.25, "gg_q": 3.74, "gg_v": 15.44}


@tagged("post_install", "-at_install", "client_segmentation_clv")
class TestClvCdnow(ClvCase):
    """The CDNOW sample imported as posted invoices of one company (every
    purchase of 1997-1998), the nightly job run on 1997-09-30 (the end of
    the paper's 39 calibration weeks): the published figures, then the
    engine's behaviour on a real client base."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not CDNOW.exists():
            raise AssertionError(f"The CDNOW sample is missing: {CDNOW}")
        cls.purchases = read_cdnow()
        customers = sorted(cls.purchases)
        partners = cls.Partner.create(
            [
                {"name": f"CDNOW {customer}", "is_company": True}
                for customer in customers
            ]
        )
        cls.cdnow = dict(zip(customers, partners, strict=True))
        # 6,919 invoices through the ORM take a quarter of an hour on a busy
        # two-core machine: posted invoices written as bench/seed.py does
        # (the columns the engine's document query reads);
        # test_orm_invoices_read_the_same checks that invoices posted
        # through the ORM give the same purchase days.
        cls._insert_posted_invoices(
            [
                (cls.cdnow[customer].id, purchase_day, amount)
                for customer, rows in cls.purchases.items()
                for purchase_day, amount in rows
            ]
        )
        cls.company_b = cls.setup_other_company(name="CLV Company B")["company"]

    @classmethod
    def _insert_posted_invoices(cls, rows):
        # a journal of its own: its names never meet the ORM's sequences
        journal = cls.env["account.journal"].create(
            {
                "name": "CDNOW",
                "code": "CDN",
                "type": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                """
                INSERT INTO account_move (journal_id, currency_id, company_id, state,
                                          move_type, auto_post, date, invoice_date,
                                          partner_id, commercial_partner_id, name,
                                          amount_untaxed, amount_untaxed_signed,
                                          amount_total, amount_total_signed,
                                          create_date, write_date)
                SELECT %(journal)s, %(currency)s, %(company)s, 'posted',
                       'out_invoice', 'no', day, day, partner, partner,
                       'CDNOW/' || n, amount, amount, amount, amount, now(), now()
                  FROM unnest(%(partners)s::int4[], %(days)s::date[],
                              %(amounts)s::numeric[])
                       WITH ORDINALITY AS v(partner, day, amount, n)
                """,
                journal=journal.id,
                currency=cls.company.currency_id.id,
                company=cls.company.id,
                partners=[row[0] for row in rows],
                days=[row[1] for row in rows],
                amounts=[row[2] for row in rows],
            )
        )
        cls.env.invalidate_all()

    def _run_calibration(self):
        self._nightly(CALIBRATION_END)
        return self._model()

    def test_published_figures(self):
        model = self._run_calibration()
        self.assertEqual(model.state, "fitted", model.status_message)
        self.assertEqual(model.client_count, 2357)
        self.assertEqual(model.repeat_client_count, 946)
        self.assertEqual(model.value_client_count, 946)
        self.assertEqual(model.period_start, day(1997, 1, 1))
        self.assertEqual(model.period_end, CALIBRATION_END)
        for name, published in {**PUBLISHED_BGNBD, **PUBLISHED_GG}.items():
            with self.subTest(name=name):
                self.assertLessEqual(
                    abs(model[name] - published) / abs(published),
                    0.005,
                    f"{name}: {model[name]} against {published}",
                )
        self.assertAlmostEqual(model.bgnbd_log_likelihood, -9582.4, delta=0.05)
        scores = self.Score.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(scores), 2357)
        self.assertEqual(
            set(scores.mapped("alive_band")), {"likely", "uncertain", "lost", "single"}
        )
        self.assertEqual(set(scores.mapped("value_decile")), set(range(1, 11)))
        # the paper's check: clients by repeat purchases, actual and expected
        lines = {line.label: line for line in model.line_ids}
        self.assertEqual(lines["0"].actual_clients, 2357 - 946)
        self.assertEqual(sum(line.actual_clients for line in model.line_ids), 2357)
        for line in model.line_ids:
            self.assertAlmostEqual(
                line.expected_clients, line.actual_clients, delta=30, msg=line.label
            )

    def test_probability_ordered_as_expected(self):
        single, stopped, steady = (
            self._client(name) for name in ("Once", "Stopped", "Steady")
        )
        specs = [(single, day(1997, 1, 20), 40.0)]
        specs += [
            (stopped, day(1997, 1, 6) + datetime.timedelta(weeks=week), 30.0)
            for week in range(10)
        ]
        specs += [
            (steady, day(1997, 1, 6) + datetime.timedelta(weeks=week), 30.0)
            for week in range(0, 39, 2)
        ]
        self._invoices(specs)
        self._run_calibration()
        scores = {p.name: self._score(p) for p in (single, stopped, steady)}
        self.assertGreater(scores["Steady"].prob_alive, 90)
        self.assertLess(scores["Stopped"].prob_alive, 5)
        self.assertEqual(scores["Steady"].alive_band, "likely")
        self.assertEqual(scores["Stopped"].alive_band, "lost")
        # BG/NBD: no dropout before a second purchase; shown as "too early"
        self.assertEqual(scores["Once"].prob_alive, 100)
        self.assertEqual(scores["Once"].alive_band, "single")
        self.assertGreater(
            scores["Steady"].expected_purchases, scores["Once"].expected_purchases
        )
        self.assertGreater(
            scores["Once"].expected_purchases, scores["Stopped"].expected_purchases
        )
        self.assertGreater(
            scores["Stopped"].value_at_risk, scores["Steady"].value_at_risk
        )
        as_salesman = steady.with_user(self.salesman)
        self.assertRegex(as_salesman.clv_summary, r"^Likely still a client: \d+ %$")
        self.assertEqual(
            stopped.with_user(self.salesman).clv_summary[:14], "Probably lost:"
        )
        self.assertEqual(
            single.with_user(self.salesman).clv_summary,
            "Bought once: too early to tell",
        )
        # bands and deciles are searchable, groupable and sortable on partners
        Partner = self.env["res.partner"].with_user(self.salesman)
        lost = Partner.search([("clv_alive_band", "=", "lost")])
        self.assertIn(stopped, lost)
        self.assertNotIn(steady, lost)
        unscored = Partner.search([("clv_alive_band", "=", False)])
        self.assertIn(self.salesman.partner_id, unscored)
        self.assertNotIn(steady, unscored)
        self.assertIn(steady, Partner.search([("clv_prob_alive", ">", 90)]))
        groups = dict(
            Partner._read_group(
                [("id", "in", (single | stopped | steady).ids)],
                ["clv_alive_band"],
                ["__count"],
            )
        )
        self.assertEqual(groups, {"single": 1, "lost": 1, "likely": 1})
        ordered = Partner.search(
            [("id", "in", (stopped | steady).ids)], order="clv_value_at_risk desc"
        )
        self.assertEqual(ordered[0], stopped)

    def test_refunds_and_currencies_as_in_the_engine(self):
        eur = self.setup_other_currency("EUR", rates=[("1990-01-01", 2.0)])
        client = self._client("Euro Client")
        contact = self.Partner.create({"name": "Buyer", "parent_id": client.id})
        self._invoices(
            [
                (client, day(1997, 2, 3), 100.0, "out_invoice", eur),
                (contact, day(1997, 3, 3), 100.0, "out_invoice", eur),
                (client, day(1997, 4, 7), 100.0, "out_invoice", eur),
                (client, day(1997, 4, 9), 20.0, "out_refund", eur),
            ]
        )
        self._invoices([(client, day(1997, 5, 5), 500.0)], post=False)  # draft
        self._run_calibration()
        score = self._score(client)
        # company currency: 100 EUR = 50; the repeat days 50 and 50 - 10
        self.assertEqual(score.repeat_purchases, 2)
        self.assertAlmostEqual(score.average_value, 45.0)
        self.assertEqual(score.last_purchase_date, day(1997, 4, 7))
        self.assertEqual(self._score(contact), self.Score)
        self.assertEqual(
            contact.with_user(self.salesman).clv_summary,
            client.with_user(self.salesman).clv_summary,
        )

    def test_companies_are_isolated(self):
        other = self._client("Company B Client")
        self._invoices([(other, day(1997, 5, 5), 80.0)], company=self.company_b)
        model = self._run_calibration()
        model_b = self._model(self.company_b)
        self.assertEqual(model.state, "fitted")
        self.assertEqual(model_b.state, "insufficient")
        self.assertFalse(self._score(other, self.company_b))
        self.assertFalse(
            self.Score.search([("company_id", "=", self.company_b.id)]), "no score"
        )
        partner = self.cdnow["00004"].with_user(self.salesman)
        self.assertTrue(partner.clv_summary)
        self.salesman.company_ids |= self.company_b
        in_b = partner.with_company(self.company_b)
        self.assertFalse(in_b.clv_summary)
        self.assertNotIn(
            in_b, in_b.search([("clv_alive_band", "in", ("likely", "lost"))])
        )
        # a salesperson of company B only sees none of company A's scores
        salesman_b = new_test_user(
            self.env,
            login="clv_salesman_b",
            groups="sales_team.group_sale_salesman",
            company_id=self.company_b.id,
            company_ids=self.company_b.ids,
        )
        self.assertFalse(self.Score.with_user(salesman_b).search([]))
        self.assertFalse(
            self.Model.with_user(salesman_b).search([]).company_id - self.company_b
        )

    def test_one_company_failure_leaves_the_others(self):
        original = ClientClvEngine._fit_and_score

        def failing(engine, model, today, first_run):
            if model.company_id == self.company_b:
                raise ValueError("boom in company B")
            return original(engine, model, today, first_run)

        with (
            patch.object(ClientClvEngine, "_fit_and_score", failing),
            self.assertLogs(
                "odoo.addons.client_segmentation_clv.models.client_clv_engine",
                level="ERROR",
            ),
        ):
            model = self._run_calibration()
        self.assertEqual(model.state, "fitted")
        self.assertEqual(
            self.Score.search_count([("company_id", "=", self.company.id)]), 2357
        )
        model_b = self._model(self.company_b)
        self.assertEqual(model_b.state, "failed")
        self.assertIn("boom in company B", model_b.status_message)

    def test_no_convergence_keeps_the_last_good_fit(self):
        model = self._run_calibration()
        fitted = (model.fitted_at, model.bgnbd_r, model.gg_p)
        before = self._score(self.cdnow["00004"]).prob_alive

        def no_convergence(*args, **kwargs):
            raise bgnbd.FitError("the likelihood did not converge: test")

        with patch.object(bgnbd, "fit", no_convergence):
            self._nightly(CALIBRATION_END + datetime.timedelta(days=7))
        self.assertEqual(model.state, "failed")
        self.assertEqual((model.fitted_at, model.bgnbd_r, model.gg_p), fitted)
        self.assertIn("did not converge", model.status_message)
        self.assertIn("are kept and used", model.status_message)
        # scored again with the kept parameters, a week older
        after = self._score(self.cdnow["00004"]).prob_alive
        self.assertEqual(
            self.Score.search_count([("company_id", "=", self.company.id)]), 2357
        )
        self.assertNotEqual(before, after)

    def test_edge_clients_never_crash(self):
        edge = [self._client(f"Edge {i}") for i in range(4)]
        self._invoices(
            [
                (edge[0], day(1997, 3, 3), 0.0),  # zero value, once
                (edge[1], CALIBRATION_END, 10.0),  # one-day history
                (edge[2], day(1997, 3, 3), 0.0),
                (edge[2], day(1997, 4, 3), 0.0),  # zero-value repeats
                (edge[3], day(1997, 3, 3), 20.0),
                (edge[3], day(1997, 3, 10), 20.0),
                (edge[3], day(1997, 3, 10), 20.0, "out_refund"),  # refunded
            ]
        )
        model = self._run_calibration()
        self.assertEqual(model.state, "fitted", model.status_message)
        for partner in edge:
            score = self._score(partner)
            self.assertEqual(len(score), 1, partner.name)
            self.assertTrue(0 <= score.prob_alive <= 100)
            self.assertGreaterEqual(score.expected_revenue, 0)
            self.assertGreaterEqual(score.value_at_risk, 0)
        self.assertEqual(self._score(edge[1]).alive_band, "single")
        self.assertEqual(self._score(edge[2]).repeat_purchases, 1)

    def test_trigger_when_probability_falls_below(self):
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "Win back",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_call"
                            ).id,
                            "summary": "Call: slipping away",
                            "responsible_type": "on_demand",
                        }
                    )
                ],
            }
        )
        trigger = self.env["client.work.plan.trigger"].create(
            {
                "company_id": self.company.id,
                "dimension": "clv_alive",
                "clv_threshold": 50.0,
                "plan_id": plan.id,
                "user_id": self.salesman.id,
            }
        )
        self.assertEqual(trigger.value, "50")
        self.assertIn("below 50 %", trigger.display_name)
        steady = self._client("Steady then gone")
        self._invoices(
            [
                (steady, day(1997, 1, 6) + datetime.timedelta(weeks=week), 30.0)
                for week in range(0, 39, 2)
            ]
        )
        self._run_calibration()
        self.assertGreater(self._score(steady).prob_alive, 50)
        self.assertFalse(trigger.run_ids)
        self._nightly(day(1998, 6, 30))
        self.assertLess(self._score(steady).prob_alive, 50)
        self.assertIn(steady, trigger.run_ids.partner_id)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", steady.id)]
        )
        self.assertEqual(activities.summary, "Call: slipping away")
        with self._assert_validation("above 0 and below 100"):
            trigger.clv_threshold = 100.0
            trigger.flush_recordset()

    def test_orm_invoices_read_the_same(self):
        """Invoices created and posted through the ORM (in another company)
        give the engine the same purchase days and values as the raw file
        through tools/summary.py, the rule the figures rest on."""
        sample = sorted(self.purchases)[:40]
        partners = self.Partner.create(
            [{"name": f"ORM {customer}", "is_company": True} for customer in sample]
        )
        specs = [
            (partner, purchase_day, amount)
            for customer, partner in zip(sample, partners, strict=True)
            for purchase_day, amount in self.purchases[customer]
        ]
        self._invoices(specs, company=self.company_b)
        data = self.env["client.clv.engine"]._read_summary(
            self.company_b, CALIBRATION_END
        )
        engine = {
            partner_id: (x, t_x, age, m)
            for partner_id, x, t_x, age, m in zip(
                data["partner_id"].tolist(),
                data["x"].tolist(),
                data["t_x_days"].tolist(),
                data["age_days"].tolist(),
                data["m"].tolist(),
                strict=True,
            )
        }
        rows = [
            (partner.id, purchase_day, amount)
            for customer, partner in zip(sample, partners, strict=True)
            for purchase_day, amount in self.purchases[customer]
        ]
        clients, x, t_x, T, m = summary.summarise(rows, CALIBRATION_END, unit_days=1)
        expected = {
            client: (
                int(x[i]),
                int(t_x[i]),
                int(T[i]),
                float(m[i]) if x[i] else 0.0,
            )
            for i, client in enumerate(clients)
        }
        self.assertEqual(set(engine), set(expected))
        for client, (x, t_x, age, m) in expected.items():
            self.assertEqual(engine[client][:3], (x, t_x, age), client)
            self.assertAlmostEqual(engine[client][3], m, places=6, msg=client)
        self.assertGreater(sum(value[0] for value in expected.values()), 10)

    def _stored(self):
        """Every stored summary and score of the company, by client."""
        self.env.flush_all()
        figures = {}
        for table in ("client_clv_summary", "client_clv_score"):
            self.env.cr.execute(
                SQL(
                    "SELECT * FROM %s WHERE company_id = %s",
                    SQL.identifier(table),
                    self.company.id,
                )
            )
            names = [column.name for column in self.env.cr.description]
            for row in self.env.cr.fetchall():
                values = dict(zip(names, row, strict=True))
                values.pop("id")
                figures[(table, values["partner_id"])] = values
        return figures

    def test_incremental_run_equals_a_full_recompute(self):
        """After one client's invoice is changed (and another's documents
        moved without an edit, as a merge does), the next run re-aggregates
        only the clients that changed, and every client's stored summary
        and scores equal those of a run from scratch on the same day."""
        changed, mover, receiver = (
            self._client(name) for name in ("Changed", "Mover", "Receiver")
        )
        invoices = self._invoices(
            [
                (changed, day(1997, 1, 13), 40.0),
                (changed, day(1997, 3, 10), 60.0),
                (changed, day(1997, 5, 12), 80.0),
                (mover, day(1997, 2, 3), 25.0),
                (mover, day(1997, 4, 7), 35.0),
                (receiver, day(1997, 6, 2), 50.0),
            ]
        )
        model = self._run_calibration()
        self.assertEqual(model.state, "fitted", model.status_message)
        Summary = self.env["client.clv.summary"]
        summary = Summary.search([("partner_id", "=", changed.id)])
        self.assertEqual(summary.repeat_purchases, 2)
        # everything written so far belongs to the past runs
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET write_date = '1990-01-01';"
            " UPDATE res_partner SET write_date = '1990-01-01'"
        )
        invoices[2].button_draft()
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET commercial_partner_id = %s, partner_id = %s"
                " WHERE commercial_partner_id = %s",
                receiver.id,
                receiver.id,
                mover.id,
            )
        )
        self.env["client.segment.engine"]._mark_dirty([mover.id, receiver.id])
        self.env.invalidate_all()
        params = {
            name: model[name]
            for name in ("fitted_at", "bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b")
            + ("gg_p", "gg_q", "gg_v")
        }
        later = CALIBRATION_END + datetime.timedelta(days=7)
        Engine = self.env["client.clv.engine"]
        aggregated = []
        original = ClientClvEngine._update_summaries

        def counting(engine, *args):
            result = original(engine, *args)
            aggregated.append(result[0])
            return result

        with patch.object(ClientClvEngine, "_update_summaries", counting):
            Engine._run_company(self.company, later, False)
        incremental = self._stored()
        # the changed client, the two of the move, and the CDNOW clients who
        # bought in the week since the last run
        bought = {
            customer
            for customer, rows in self.purchases.items()
            if any(CALIBRATION_END < purchase_day <= later for purchase_day, _ in rows)
        }
        self.assertEqual(aggregated, [3 + len(bought)])
        self.assertEqual(
            incremental[("client_clv_summary", changed.id)]["repeat_purchases"], 1
        )
        self.assertNotIn(("client_clv_summary", mover.id), incremental)
        self.assertEqual(
            incremental[("client_clv_summary", receiver.id)]["repeat_purchases"], 2
        )
        # from scratch: no stored summary nor score, the same starting point
        self.env.cr.execute(
            SQL(
                "DELETE FROM client_clv_summary WHERE company_id = %(company)s;"
                " DELETE FROM client_clv_score WHERE company_id = %(company)s",
                company=self.company.id,
            )
        )
        self.env.invalidate_all()
        model.sudo().write({**params, "summary_cutoff": False, "summary_date": False})
        aggregated.clear()
        with patch.object(ClientClvEngine, "_update_summaries", counting):
            Engine._run_company(self.company, later, False)
        self.assertEqual(aggregated, [len(incremental) // 2])
        full = self._stored()
        self.assertEqual(set(full), set(incremental))
        for key, values in full.items():
            self.assertEqual(incremental[key], values, key)
