import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import FunnelCase


@tagged("post_install", "-at_install")
class TestPublicEntries(FunnelCase):
    """What public methods receive is checked, with messages that say what is
    wrong: ids for the engine, one record for the actions, an id for a
    stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["client.segment.engine"]
        cls.other = cls.env["res.company"].create({"name": "Entries Other Company"})
        cls.client_a = cls._client("Entries Client")

    def test_recompute_takes_ids(self):
        Engine = self.Engine.with_user(self.sales_manager)
        first = Engine.recompute(self.company)
        by_ids = Engine.recompute([self.company.id], [self.client_a.id])
        by_id = Engine.recompute(self.company.id)
        for result in (first, by_ids, by_id):
            result.pop("seconds")
            for company_result in result["companies"]:
                company_result.pop("seconds", None)
        # a rerun with nothing changed: the same result by ids and by records
        self.assertEqual(by_ids["clients"], first["clients"])
        self.assertFalse(any(by_ids["changes"].values()))
        self.assertEqual(by_id, by_ids)
        for bad in ("main", [self.company.id, "x"], {"id": 1}, True):
            with (
                self.subTest(companies=bad),
                self.assertRaisesRegex(UserError, "Companies must be given as ids"),
            ):
                Engine.recompute(bad)
        with self.assertRaisesRegex(UserError, "no res.company with the ids 999999"):
            Engine.recompute([999999])
        with self.assertRaisesRegex(UserError, "Clients must be given as ids"):
            Engine.recompute(self.company, partners="everyone")

    def test_recompute_refuses_other_companies(self):
        Engine = self.Engine.with_user(self.sales_manager)
        with self.assertRaisesRegex(AccessError, "Entries Other Company"):
            Engine.recompute([self.other.id])
        with self.assertRaisesRegex(AccessError, "Entries Other Company"):
            Engine.recompute(self.company | self.other)
        # no commit parameter on the public entry: the caller's transaction
        with self.assertRaises(TypeError):
            Engine.recompute(self.company, None, True)
        self.sales_manager.company_ids = [Command.link(self.other.id)]
        Engine.recompute(self.company | self.other)

    def test_actions_want_one_record(self):
        Partner = self.Partner.with_user(self.salesman)
        two = Partner.browse((self.client_a | self._client("Entries Second")).ids)
        for method in ("action_view_segment_history", "action_view_key_dates"):
            for records in (Partner, two):
                with self.subTest(method=method, count=len(records)):
                    with self.assertRaisesRegex(UserError, "one client at a time"):
                        getattr(records, method)()
        wizard = self.env["client.refusal.wizard"].with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "one refusal at a time"):
            wizard.action_apply()

    def test_stage_id_must_be_an_id(self):
        client = self.client_a.with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "must be the id of a client.funnel"):
            client.write({"funnel_stage_id": "green"})
        with self.assertRaisesRegex(UserError, "must be the id of a client.type"):
            client.write({"client_type_id": "loyal"})
        with self.assertRaisesRegex(UserError, "must be the id"):
            self.Partner.with_user(self.salesman).create(
                {"name": "Entries New", "funnel_stage_id": "green"}
            )
        client.write({"funnel_stage_id": self.green.id})
        self.assertEqual(client.funnel_stage_id, self.green)


@tagged("post_install", "-at_install")
class TestRecomputeOverRpc(HttpCase):
    def test_call_kw_with_ids_and_bad_input(self):
        new_test_user(
            self.env,
            login="cs_entries_manager",
            password="cs_entries_manager_pw",
            groups="sales_team.group_sale_manager",
        )
        self.authenticate("cs_entries_manager", "cs_entries_manager_pw")

        def call(args, kwargs=None):
            response = self.url_open(
                "/web/dataset/call_kw/client.segment.engine/recompute",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": "client.segment.engine",
                            "method": "recompute",
                            "args": args,
                            "kwargs": kwargs or {},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            return response.json()

        result = call([[self.env.company.id]])
        self.assertIn("changes", result["result"])
        with mute_logger("odoo.http"):
            bad = call(["x"])["error"]["data"]
            other = call([[999999]])["error"]["data"]
            commit = call([[self.env.company.id]], {"commit": True})
        self.assertEqual(bad["name"], "odoo.exceptions.UserError")
        self.assertIn("Companies must be given as ids", bad["message"])
        self.assertIn("no res.company with the ids 999999", other["message"])
        # committing is the cron's, not a parameter of the public entry
        self.assertIn("commit", commit["error"]["data"]["message"])
