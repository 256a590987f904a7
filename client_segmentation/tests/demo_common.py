from freezegun import freeze_time

from odoo import Command

from .common import SegmentationCase

# A day in the middle of a month: the weekly runs of the demo fall in this
# month and the last one.
DEMO_TODAY = "2026-11-18"


class DemoCase(SegmentationCase):
    """The demo generator run in the test's accounting company (no demo data
    installed: the test writes it), as the install of the demo does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo's salespeople (the administrator, and the demo user when
        # Odoo's demo data is there) work in the company
        cls.env.ref("base.user_admin").write(
            {"company_ids": [Command.link(cls.company.id)]}
        )
        # sudo: the demo is written as the installer writes it
        cls.Demo = cls.env["client.demo.data"].sudo().with_company(cls.company)
        with freeze_time(DEMO_TODAY):
            cls.clients = cls.Demo._generate_demo_clients()
            cls.Demo._demo_replay_history(cls.company)
            cls.counts = dict(cls.Demo._demo_counts(cls.company))
