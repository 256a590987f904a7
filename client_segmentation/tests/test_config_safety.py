from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AssertValidationMixin, FunnelCase

SHARED_CONFIG_MODELS = (
    "client.funnel.stage",
    "client.type",
    "client.refusal.reason",
    "client.key.date.type",
)


@tagged("post_install", "-at_install")
class TestConfigPerCompany(AssertValidationMixin, FunnelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "Company 2"})
        cls.manager_2 = new_test_user(
            cls.env,
            login="cs_manager_2",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company_2.id,
            company_ids=[cls.company_2.id],
        )

    def _own(self, model, company, name):
        return self.env[model].create({"name": name, "company_id": company.id})

    def test_company_records_hidden_from_other_companies(self):
        for model in SHARED_CONFIG_MODELS:
            with self.subTest(model=model):
                own_1 = self._own(model, self.company, f"Only company 1 {model}")
                own_2 = self._own(model, self.company_2, f"Only company 2 {model}")
                Model_2 = self.env[model].with_user(self.manager_2)
                visible = Model_2.search([])
                self.assertIn(own_2, visible)
                self.assertNotIn(own_1, visible)
                # the shared defaults stay visible to both companies
                self.assertTrue(visible.filtered(lambda rec: not rec.company_id))
                for values in ({"name": "Renamed"}, {"active": False}):
                    with self.assertRaises(AccessError):
                        own_1.with_user(self.manager_2).write(values)
                with self.assertRaises(AccessError):
                    own_1.with_user(self.manager_2).unlink()
                own_1.with_user(self.sales_manager).write({"name": "Renamed"})
                self.assertEqual(own_1.name, "Renamed")
                Company = self.env[model].with_company(self.company)
                self.assertIn(own_1, Company._for_company(self.company))
                self.assertNotIn(own_2, Company._for_company(self.company))

    def test_boards_show_own_and_shared_columns(self):
        own_2 = self._own("client.funnel.stage", self.company_2, "Blue of company 2")
        type_2 = self._own("client.type", self.company_2, "Collector of company 2")
        client = self._client("Board Client")
        admin_both = self.env.user.with_context(
            allowed_company_ids=[self.company.id, self.company_2.id]
        )
        Partner = (
            self.env["res.partner"]
            .with_user(admin_both)
            .with_context(allowed_company_ids=[self.company.id, self.company_2.id])
        )
        for field, own in (("funnel_stage_id", own_2), ("client_type_id", type_2)):
            groups = Partner.web_read_group([("id", "=", client.id)], [field], [field])[
                "groups"
            ]
            column_ids = {group[field][0] for group in groups if group[field]}
            self.assertNotIn(own.id, column_ids)
            groups = Partner.with_company(self.company_2).web_read_group(
                [("id", "=", client.id)], [field], [field]
            )["groups"]
            column_ids = {group[field][0] for group in groups if group[field]}
            self.assertIn(own.id, column_ids)

    def test_automatic_stages_are_shared(self):
        with self._assert_validation("cannot belong to one company"):
            self.gold.company_id = self.company


@tagged("post_install", "-at_install")
class TestInputSafety(AssertValidationMixin, FunnelCase):
    def test_stage_colour_only_plain_colours(self):
        for color in (
            "red; background-image: url(https://example.com/x.png)",
            '#fff" onmouseover="alert(1)',
            "#12345",
            "blue",
            "#1234567",
            "expression(alert(1))",
        ):
            with self.subTest(color=color):
                with self._assert_validation("#rrggbb"):
                    self.green.with_user(self.sales_manager).color = color
        self.green.with_user(self.sales_manager).color = "#12abEF"
        self.assertEqual(self.green.color, "#12abEF")

    def test_plain_text_notes_stay_text(self):
        markup = '<img src="x" onerror="alert(1)"><b>VIP</b>'
        client = self._client("Text Client", client_needs=markup)
        self.assertEqual(client.client_needs, markup)
        self.assertEqual(
            client.fields_get(["client_needs"])["client_needs"]["type"], "text"
        )
        key_date = self.env["client.key.date"].create(
            {
                "partner_id": client.id,
                "type_id": self.env.ref(
                    "client_segmentation.client_key_date_type_company_anniversary"
                ).id,
                "date": date.today(),
                "lead_days": 3,
                "notes": markup,
            }
        )
        activities = self.env["client.key.date"]._cron_create_reminders()
        activity = activities.filtered(lambda act: act.res_id == client.id)
        self.assertTrue(activity, key_date)
        self.assertNotIn("<img", str(activity.note))
        self.assertNotIn("<b>", str(activity.note))
        self.assertIn("&lt;b&gt;VIP&lt;/b&gt;", str(activity.note))


@tagged("post_install", "-at_install")
class TestPartnerMerge(FunnelCase):
    """Merging duplicates through the core wizard, with the addon installed."""

    def _merge(self, user, partners, survivor):
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .create(
                {"partner_ids": [(6, 0, partners.ids)], "dst_partner_id": survivor.id}
            )
        )
        wizard.action_merge()

    def test_merge_keeps_better_data_and_history(self):
        employee = new_test_user(
            self.env,
            login="cs_merge_employee",
            groups="base.group_user,base.group_partner_manager",
        )
        for user in (self.sales_manager, employee):
            with self.subTest(user=user.login):
                duplicate = self._client(
                    f"Merge Co {user.login}",
                    email="buyer@merge.example.com",
                    client_needs="Needs pallets",
                    client_type_id=self.type_loyal.id,
                    funnel_stage_id=self.yellow.id,
                    funnel_stage_locked=True,
                )
                survivor = self._client(
                    f"Merge Co {user.login} (new)",
                    email="buyer@merge.example.com",
                    client_needs="Call after 10",
                )
                self._invoices(
                    [
                        (duplicate, self._days_ago(10), 100.0),
                        (survivor, self._days_ago(5), 50.0),
                    ]
                )
                self._recompute()
                self.assertEqual(survivor.segment_purchase_count, 1)
                self._merge(user, duplicate | survivor, survivor)
                self.assertFalse(duplicate.exists())
                self.assertEqual(survivor.client_type_id, self.type_loyal)
                self.assertEqual(survivor.funnel_stage_id, self.yellow)
                self.assertTrue(survivor.funnel_stage_locked)
                self.assertIn("Needs pallets", survivor.client_needs)
                self.assertIn("Call after 10", survivor.client_needs)
                self._recompute()
                self.assertEqual(survivor.segment_purchase_count, 2)
                self.assertEqual(survivor.segment_revenue_total, 150.0)
                self.assertEqual(survivor.funnel_stage_id, self.yellow)
                self.assertEqual(survivor.abc_class, "a")
