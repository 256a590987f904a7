import datetime

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class FunnelCase(AccountTestInvoicingCommon):
    """Accounting-ready company, funnel stages by rule, users; no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "segment_recency_hot_days": 30,
                "segment_recency_warm_days": 120,
                "segment_window_months": 12,
                "segment_funnel_platinum_purchases": 3,
                "segment_funnel_long_purchases": 4,
                "segment_funnel_long_months": 12,
            }
        )
        cls.Partner = cls.env["res.partner"]
        cls.Stage = cls.env["client.funnel.stage"]

        def ref(name):
            return cls.env.ref(f"client_segmentation.{name}")

        cls.white = ref("client_funnel_stage_white")
        cls.grey = ref("client_funnel_stage_grey")
        cls.green = ref("client_funnel_stage_green")
        cls.yellow = ref("client_funnel_stage_yellow")
        cls.gold = ref("client_funnel_stage_gold")
        cls.platinum = ref("client_funnel_stage_platinum")
        cls.red_green = ref("client_funnel_stage_red_green")
        cls.red_gold = ref("client_funnel_stage_red_gold")
        cls.platinum_red = ref("client_funnel_stage_platinum_red")
        cls.reason_price = ref("client_refusal_reason_price")
        cls.type_loyal = ref("client_type_loyal")
        cls.type_regular = ref("client_type_regular")
        cls.salesman = new_test_user(
            cls.env,
            login="cs_funnel_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="cs_funnel_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company.id,
        )

    @classmethod
    def _client(cls, name, **values):
        return cls.Partner.create(
            {"name": name, "is_company": True, "customer_rank": 1, **values}
        )

    @classmethod
    def _invoices(cls, specs):
        """Create and post invoices from ``(partner, day, amount)`` tuples."""
        moves = (
            cls.env["account.move"]
            .with_company(cls.company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": day,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Funnel test line",
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for partner, day, amount in specs
                ]
            )
        )
        moves.action_post()
        return moves

    @staticmethod
    def _days_ago(days):
        return fields.Date.today() - datetime.timedelta(days=days)

    def _recompute(self):
        """Recompute the company's segments and funnel; return the
        statistics of the company run (``funnel_moved`` included)."""
        return self.env["res.partner"]._segment_recompute_company(self.company)
