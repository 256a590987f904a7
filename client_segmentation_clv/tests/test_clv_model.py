from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ClvCase


@tagged("post_install", "-at_install", "client_segmentation_clv")
class TestClvModelSettings(ClvCase):
    """The model page: defaults, validation of the settings, who may edit."""

    def test_defaults_and_one_per_company(self):
        model = self.Model._for_company(self.company)
        self.assertEqual(model.horizon_days, 365)
        self.assertEqual(model.state, "new")
        self.assertEqual(model.time_unit, "week")
        self.assertEqual(self.Model._for_company(self.company), model)
        action = self.Model.with_user(self.salesman).action_open_current()
        self.assertEqual(action["res_id"], model.id)

    def test_bad_settings_refused(self):
        model = self.Model._for_company(self.company).with_user(self.sales_manager)
        cases = [
            ({"horizon_days": 0}, r"horizon .* between 1 and 3650 days"),
            ({"horizon_days": -30}, r"horizon .* between 1 and 3650 days"),
            ({"likely_threshold": 120.0}, r"between 0 and 100 %"),
            ({"lost_threshold": -5.0}, r"between 0 and 100 %"),
            (
                {"likely_threshold": 40.0, "lost_threshold": 60.0},
                r"'Probably lost below' \(60.0 %\) cannot be above",
            ),
        ]
        for values, message in cases:
            with self.subTest(values=values), self._assert_validation(message):
                model.write(values)
                model.flush_recordset()
        model.write({"horizon_days": 90, "likely_threshold": 80.0})
        self.assertEqual(model.horizon_days, 90)

    def test_salespeople_read_managers_edit(self):
        model = self.Model._for_company(self.company)
        as_salesman = model.with_user(self.salesman)
        self.assertEqual(as_salesman.horizon_days, 365)
        with self.assertRaises(AccessError):
            as_salesman.write({"horizon_days": 30})
        with self.assertRaises(AccessError):
            model.with_user(self.sales_manager).write({"bgnbd_r": 2.0})
        # the fitted figures are the engine's, not even a manager's
        model.with_user(self.sales_manager).write({"horizon_days": 30})
        self.assertEqual(model.horizon_days, 30)

    def test_portal_and_public_read_nothing(self):
        client = self._client("Portal Client")
        portal = new_test_user(self.env, login="clv_portal", groups="base.group_portal")
        public = self.env.ref("base.public_user")
        employee = new_test_user(
            self.env, login="clv_employee", groups="base.group_user"
        )
        names = [
            name for name in self.env["res.partner"]._fields if name.startswith("clv_")
        ]
        self.assertEqual(len(names), 7)
        for user in (portal, public, employee):
            Partner = self.env["res.partner"].with_user(user)
            with self.subTest(user=user.id):
                for name in names:
                    with self.assertRaises(AccessError):
                        Partner.check_field_access_rights("read", [name])
                with self.assertRaises(AccessError):
                    self.Model.with_user(user).action_open_current()
                for model in ("client.clv.score", "client.clv.model"):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search([])
        for user in (portal, employee):
            with self.subTest(user=user.id):
                own = user.partner_id.with_user(user)
                self.assertFalse(set(own.fields_get()) & set(names))
                # their own contact: readable, but not its predicted value
                self.assertTrue(own.read(["name"]))
                with self.assertRaises(AccessError):
                    own.read(["clv_summary"])
        self.assertEqual(
            client.with_user(self.salesman).read(["clv_summary"])[0]["clv_summary"],
            False,
        )
