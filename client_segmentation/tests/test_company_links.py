from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import FunnelCase


@tagged("post_install", "-at_install")
class TestCompanyLinks(FunnelCase):
    """Every link the addon adds stays inside the user's companies: another
    company's typology, refusal reason or stage is refused on a client, and a
    key date cannot be moved into another company or onto its contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "Links Other Company"})
        cls.seller = new_test_user(
            cls.env,
            login="cs_links_seller",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.client_a = cls._client("Links Client A", company_id=cls.company.id)
        cls.contact_b = cls.Partner.create(
            {"name": "Links Contact B", "company_id": cls.other.id}
        )
        cls.type_b = cls.env["client.type"].create(
            {"name": "Other Company Type", "company_id": cls.other.id}
        )
        cls.reason_b = cls.env["client.refusal.reason"].create(
            {"name": "Other Company Reason", "company_id": cls.other.id}
        )
        cls.stage_b = cls.Stage.create(
            {"name": "Other Company Stage", "company_id": cls.other.id}
        )
        cls.type_shared = cls.env["client.type"].create({"name": "Shared Type"})
        cls.occasion = cls.env.ref("client_segmentation.client_key_date_type_birthday")
        cls.occasion_b = cls.env["client.key.date.type"].create(
            {"name": "Other Company Occasion", "company_id": cls.other.id}
        )

    def test_other_company_configuration_refused_on_a_client(self):
        client = self.client_a.with_user(self.seller)
        for values in (
            {"client_type_id": self.type_b.id},
            {"refusal_reason_id": self.reason_b.id},
            {"funnel_stage_id": self.stage_b.id},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                client.write(values)
            with self.subTest(create=values), self.assertRaises(UserError):
                self.Partner.with_user(self.seller).create(
                    {"name": "Links New", "is_company": True, **values}
                )
        # nothing was written: the recompute of a manager still works
        self.assertFalse(self.client_a.client_type_id)
        self.assertFalse(self.client_a.refusal_reason_id)
        # the company's own and the shared records are taken
        client.write({"client_type_id": self.type_shared.id})
        self.assertEqual(client.client_type_id, self.type_shared)
        client.write({"client_type_id": self.type_loyal.id})
        self.assertEqual(client.client_type_id, self.type_loyal)
        self.env["client.segment.engine"].with_user(self.sales_manager).recompute(
            self.company
        )

    def test_a_user_of_both_companies_sets_each_company_its_own(self):
        self.seller.company_ids = [Command.link(self.other.id)]
        client = self.client_a.with_user(self.seller)
        with self.assertRaises(UserError):
            client.write({"client_type_id": self.type_b.id})
        shared = self.Partner.create({"name": "Links Shared Client"})
        shared.with_user(self.seller).with_company(self.other).write(
            {"client_type_id": self.type_b.id}
        )
        self.assertEqual(shared.with_company(self.other).client_type_id, self.type_b)
        self.assertFalse(shared.client_type_id)

    def _own_key_date(self):
        return (
            self.env["client.key.date"]
            .with_user(self.seller)
            .create(
                {
                    "partner_id": self.client_a.id,
                    "type_id": self.occasion.id,
                    "date": "1980-05-17",
                }
            )
        )

    def test_key_date_stays_in_its_company(self):
        key_date = self._own_key_date()
        self.assertEqual(key_date.company_id, self.company)
        with self.assertRaises(UserError):
            key_date.write({"company_id": self.other.id})
        with self.assertRaises(UserError):
            key_date.write({"partner_id": self.contact_b.id})
        with self.assertRaises(UserError):
            key_date.write({"type_id": self.occasion_b.id})
        with self.assertRaises(UserError):
            self.env["client.key.date"].with_user(self.seller).create(
                {
                    "partner_id": self.contact_b.id,
                    "type_id": self.occasion.id,
                    "date": "1980-05-17",
                }
            )
        key_date.invalidate_recordset()
        self.assertEqual(key_date.sudo().company_id, self.company)
        self.assertEqual(key_date.sudo().partner_id, self.client_a)
        # other company's users see nothing of it
        other_user = new_test_user(
            self.env,
            login="cs_links_other",
            groups="sales_team.group_sale_salesman",
            company_id=self.other.id,
            company_ids=[Command.set(self.other.ids)],
        )
        self.assertFalse(
            self.env["client.key.date"]
            .with_user(other_user)
            .search([("id", "=", key_date.id)])
        )
