from odoo.tests import TransactionCase, new_test_user

from .common import AssertValidationMixin


class ClientCardCase(AssertValidationMixin, TransactionCase):
    """Clients, contact persons and users of the client card tests; no demo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.Partner = cls.env["res.partner"]
        cls.KeyDate = cls.env["client.key.date"]
        cls.salesman = new_test_user(
            cls.env,
            login="card_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="card_sales_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        cls.responsible = new_test_user(
            cls.env, login="card_responsible", groups="base.group_user"
        )
        cls.client = cls.Partner.create(
            {"name": "Nordwind Trading", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = cls.Partner.create(
            {"name": "Anna Berg", "parent_id": cls.client.id, "function": "CEO"}
        )
        cls.birthday = cls.env.ref("client_segmentation.client_key_date_type_birthday")
        cls.child_birthday = cls.env.ref(
            "client_segmentation.client_key_date_type_child_birthday"
        )
        cls.anniversary = cls.env.ref(
            "client_segmentation.client_key_date_type_company_anniversary"
        )
        cls.activity_congratulate = cls.env.ref(
            "client_segmentation.mail_activity_type_key_date_congratulate"
        )
        cls.activity_call = cls.env.ref(
            "client_segmentation.mail_activity_type_key_date_call"
        )

    def _key_date(self, partner, key_date_type, day, **values):
        key_date = self.KeyDate.create(
            {
                "partner_id": partner.id,
                "type_id": key_date_type.id,
                "date": day,
                **values,
            }
        )
        # stored computes are flushed now, under the test's frozen day
        key_date.flush_recordset()
        return key_date

    def _reminders(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.client).id),
                (
                    "activity_type_id",
                    "in",
                    (self.activity_call | self.activity_congratulate).ids,
                ),
            ]
        )

    def _run_cron(self):
        return self.KeyDate._cron_create_reminders()
