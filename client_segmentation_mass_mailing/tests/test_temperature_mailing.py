from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.temperature_common import TemperatureCase


@tagged("post_install", "-at_install", "client_segmentation_glue")
@freeze_time("2026-06-30")
class TestTemperatureMailing(TemperatureCase):
    def test_subscriber_is_warm_until_opting_out(self):
        self.top.email = "Top.Buyer@Example.com"
        mailing_list = self.env["mailing.list"].create({"name": "News"})
        contact = self.env["mailing.contact"].create(
            {
                "name": "Top buyer",
                "email": "top.buyer@example.com",
                "list_ids": [Command.link(mailing_list.id)],
            }
        )
        self._recompute()
        self.assertEqual(self.top.recency_segment, "sleeping")
        self.assertEqual(self.top.temperature, "warm")
        self.assertEqual(self._pure(self.top), "warm")
        contact.subscription_ids.opt_out = True
        self.env.flush_all()
        result = self._recompute()
        self.assertTrue(result["companies"][0]["incremental"])
        self.assertEqual(self.top.temperature, "cold")

    def test_blacklisted_subscriber_is_not_warm(self):
        self.prospect.email = "prospect@example.com"
        mailing_list = self.env["mailing.list"].create({"name": "News"})
        self.env["mailing.contact"].create(
            {
                "name": "Prospect",
                "email": "prospect@example.com",
                "list_ids": [Command.link(mailing_list.id)],
            }
        )
        self.env["mail.blacklist"].create({"email": "prospect@example.com"})
        self._recompute()
        self.assertEqual(self.prospect.temperature, "cold")
