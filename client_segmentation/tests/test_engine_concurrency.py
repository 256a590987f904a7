"""The recompute against other connections: a second run, edits committed
during a run, edits that collide with a batch. These tests work with real,
committed data in their own cursors (the test transaction cannot see other
connections' commits) and delete it afterwards."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestEngineConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["client.segment.engine"]
        cls.grey = cls.env.ref("client_segmentation.client_funnel_stage_grey")
        cls.white = cls.env.ref("client_segmentation.client_funnel_stage_white")

    def setUp(self):
        super().setUp()
        with self._cursor() as env:
            self.company_id = env["res.company"].create({"name": "Concurrency Co"}).id
            self.client_ids = (
                env["res.partner"]
                .create(
                    [
                        {"name": f"Concurrent Client {i}", "is_company": True}
                        for i in range(2)
                    ]
                )
                .ids
            )
        self.addCleanup(self._delete_data)

    @contextmanager
    def _cursor(self):
        """An environment on a new connection, committed on exit."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _delete_data(self):
        with self._cursor() as env:
            partners = env["res.partner"].with_context(active_test=False)
            clients = partners.browse(self.client_ids)
            contacts = partners.search([("parent_id", "in", self.client_ids)])
            env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "in", clients.ids)]
            ).unlink()
            (contacts | clients).unlink()
            company = env["res.company"].browse(self.company_id)
            env["client.segment.state"].search(
                [("company_id", "=", company.id)]
            ).unlink()
            env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner
                       SET funnel_stage_id = funnel_stage_id - %(key)s,
                           temperature = temperature - %(key)s
                     WHERE funnel_stage_id ? %(key)s OR temperature ? %(key)s
                    """,
                    key=str(company.id),
                )
            )
            company_partner = company.partner_id
            company.unlink()
            company_partner.unlink()

    def _run(self, env):
        """The nightly job's way: the engine commits per batch."""
        company = env["res.company"].browse(self.company_id)
        return env["client.segment.engine"]._recompute(company, commit=True)

    def _stage(self, env, index=0):
        company = env["res.company"].browse(self.company_id)
        client = env["res.partner"].with_company(company).browse(self.client_ids)
        return client[index].funnel_stage_id

    def test_second_run_refused_at_once(self):
        first = self.registry.cursor()
        try:
            env = api.Environment(first, SUPERUSER_ID, {})
            # a run in progress: its transaction holds the company's lock
            env["client.segment.engine"].recompute(
                env["res.company"].browse(self.company_id)
            )
            with self._cursor() as other:
                company = other["res.company"].browse(self.company_id)
                with self.assertRaisesRegex(UserError, "being recomputed right now"):
                    other["client.segment.engine"].recompute(company)
                # the nightly job goes on with the other companies instead
                result = other["client.segment.engine"]._recompute(company, commit=True)
                self.assertEqual(result["companies"], [])
        finally:
            first.rollback()
            first.close()
        # once it is over, the next run goes ahead
        with self._cursor() as env:
            self.assertEqual(self._run(env)["skipped"], 0)

    def test_edit_committed_during_a_run_is_picked_up(self):
        with self._cursor() as env:
            self._run(env)
            self.assertEqual(self._stage(env), self.grey)
        # the edit's transaction starts before the run and commits after it
        with self._cursor() as editor:
            editor["res.partner"].create(
                {
                    "name": "Late Decider",
                    "parent_id": self.client_ids[0],
                    "is_decision_maker": True,
                }
            )
            editor.flush_all()
            with self._cursor() as env:
                self._run(env)
                self.assertEqual(self._stage(env), self.grey)
        with self._cursor() as env:
            self._run(env)
            self.assertEqual(self._stage(env), self.white)

    def _collide(self, times):
        """Make the first ``times`` batches meet an edit of the first client
        committed by another connection after the batch's snapshot."""
        Engine = self.registry["client.segment.engine"]
        original = Engine._write_batch
        calls = []
        test = self

        def write_batch(engine, *args):
            calls.append(args)
            if len(calls) <= times:
                engine.env.cr.execute(SQL("SELECT 1 FROM res_partner LIMIT 1"))
                with test._cursor() as other:
                    other["res.partner"].browse(test.client_ids[0]).write(
                        {"name": f"Renamed {len(calls)}"}
                    )
            return original(engine, *args)

        return patch.object(Engine, "_write_batch", write_batch), calls

    def _first_run_then_decision_maker(self):
        """A first run, committed, then a decision maker for the first client:
        the next run moves it from grey to white (a write in its batch)."""
        with self._cursor() as env:
            self._run(env)
            env["res.partner"].create(
                {
                    "name": "Decider",
                    "parent_id": self.client_ids[0],
                    "is_decision_maker": True,
                }
            )

    def test_concurrent_edit_retries_the_batch(self):
        self._first_run_then_decision_maker()
        collide, calls = self._collide(1)
        with collide, self._cursor() as env:
            result = self._run(env)
            self.assertEqual(len(calls), 2)
            self.assertEqual(result["skipped"], 0)
            self.assertEqual(self._stage(env), self.white)
            # the other connection's edit is kept
            self.assertEqual(
                env["res.partner"].browse(self.client_ids[0]).name, "Renamed 1"
            )

    def test_batch_failing_again_is_left_to_the_next_run(self):
        self._first_run_then_decision_maker()
        collide, _calls = self._collide(3)
        logger = "odoo.addons.client_segmentation.models.client_segment_engine"
        with collide, mute_logger(logger), self._cursor() as env:
            result = self._run(env)
            self.assertGreaterEqual(result["skipped"], 1)
            self.assertEqual(self._stage(env), self.grey)
        with self._cursor() as env:
            result = self._run(env)
            self.assertEqual(result["skipped"], 0)
            self.assertEqual(self._stage(env), self.white)
