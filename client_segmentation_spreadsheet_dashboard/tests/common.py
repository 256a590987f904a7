import datetime
import json

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.client_segmentation.tests.common import FunnelCase

day = datetime.date


class DashboardCase(FunnelCase):
    """The "Client base" dashboard and a client base moved by three
    recomputes (May 10, May 25, June 20), with a win-back plan for the
    clients who fall asleep; no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "client_segmentation_spreadsheet_dashboard.spreadsheet_dashboard_client_base"
        )
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        cls.sheet = cls.data["sheets"][0]
        cls.dashboard_salesman = new_test_user(
            cls.env,
            login="cs_dash_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.company.segment_profile_ids.write(
            {"segment_rhythm_lead_days": 7, "segment_rhythm_tolerance_days": 7}
        )
        cls.big = cls._client("Dash Monthly Big")
        cls.small = cls._client("Dash Monthly Small")
        cls.hot = cls._client("Dash New Buyer")
        cls.sleeper = cls._client("Dash Sleeper")
        cls.may_mover = cls._client("Dash May Mover", user_id=cls.dashboard_salesman.id)
        cls.never = cls._client("Dash Never Bought")
        cls.refused = cls._client(
            "Dash Refused",
            funnel_stage_id=cls.red_green.id,
            refusal_reason_id=cls.reason_price.id,
        )
        # a win-back plan for the clients who fall asleep
        call = cls.env.ref("client_segmentation.mail_activity_type_work_plan_call")
        cls.win_back = cls.env["client.work.plan.trigger"].create(
            {
                "company_id": cls.company.id,
                "dimension": "recency",
                "recency_segment": "sleeping",
                "plan_id": cls.env["mail.activity.plan"]
                .create(
                    {
                        "name": "Dash win-back",
                        "res_model": "res.partner",
                        "template_ids": [
                            Command.create(
                                {"activity_type_id": call.id, "summary": "Call"}
                            )
                        ],
                    }
                )
                .id,
            }
        )
        engine = cls.env["client.segment.engine"]
        with freeze_time("2026-05-10"):
            cls._invoices(
                [
                    (cls.big, day(2026, 3, 1), 1000),
                    (cls.big, day(2026, 4, 1), 1000),
                    (cls.big, day(2026, 5, 1), 1000),
                    (cls.small, day(2026, 3, 20), 100),
                    (cls.small, day(2026, 4, 20), 100),
                    (cls.sleeper, day(2025, 12, 1), 200),
                    (cls.may_mover, day(2026, 1, 20), 150),
                ]
            )
            engine.recompute(cls.company)
        # May 25: the May mover falls asleep (a move of last month)
        with freeze_time("2026-05-25"):
            cls._invoices([(cls.small, day(2026, 5, 20), 100)])
            engine.recompute(cls.company)
        # June 20: the monthly clients cool down, a new buyer arrives
        cls.hot_stage_before = cls.hot.funnel_stage_id
        with freeze_time("2026-06-20"):
            cls._invoices([(cls.hot, day(2026, 6, 15), 50)])
            engine.recompute(cls.company)
