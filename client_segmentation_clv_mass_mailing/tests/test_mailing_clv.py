from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.work_plan_common import WorkPlanCase


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestMailingClv(WorkPlanCase):
    """The mailing segment picker knows the predicted value bands."""

    def test_target_a_still_active_band(self):
        lost = self._client("Lost One", email="lost.one@example.com")
        likely = self._client("Likely One", email="likely.one@example.com")
        contact = self.env["res.partner"].create(
            {"name": "Lost Buyer", "parent_id": lost.id, "email": "buyer@example.com"}
        )
        # scores as the engine writes them (its own tests cover the fit)
        self.env["client.clv.score"].sudo().create(
            [
                {
                    "company_id": self.company.id,
                    "partner_id": partner.id,
                    "repeat_purchases": 3,
                    "prob_alive": prob,
                    "alive_band": band,
                }
                for partner, prob, band in (
                    (lost, 12.0, "lost"),
                    (likely, 91.0, "likely"),
                )
            ]
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "We miss you",
                "body_html": "<p>Anything we can do better?</p>",
                "mailing_type": "mail",
                "mailing_model_id": self.env.ref("base.model_res_partner").id,
                "client_target": "clv",
                "client_clv_alive_band": "lost",
            }
        )
        self.assertIn("clv_alive_band", mailing.mailing_domain)
        recipients = self.env["res.partner"].browse(mailing._get_recipients())
        self.assertIn(lost, recipients)
        self.assertIn(contact, recipients)
        self.assertNotIn(likely, recipients)
        mailing.client_clv_alive_band = "likely"
        recipients = self.env["res.partner"].browse(mailing._get_recipients())
        self.assertEqual(recipients & (lost | likely | contact), likely)
