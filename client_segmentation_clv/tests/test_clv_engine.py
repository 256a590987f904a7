import datetime
import math

from odoo.tests import tagged

from odoo.addons.client_segmentation_clv.tools import bgnbd

from .common import ClvCase

day = datetime.date


@tagged("post_install", "-at_install", "client_segmentation_clv")
class TestClvSmall(ClvCase):
    """Small cases through the engine's own document query."""

    def test_likelihood_of_a_hand_computed_case(self):
        # client A bought once, 3 weeks ago; client B on three days (two
        # invoices on the first): x = 2, t_x = 1 week, T = 3 weeks
        a, b = self._client("Hand A"), self._client("Hand B")
        start = day(2026, 3, 2)
        self._invoices(
            [
                (a, start, 100.0),
                (b, start, 40.0),
                (b, start, 60.0),
                (b, start + datetime.timedelta(days=3), 50.0),
                (b, start + datetime.timedelta(days=7), 70.0),
                (b, start + datetime.timedelta(days=8), 30.0, "out_refund"),
            ]
        )
        today = start + datetime.timedelta(days=21)
        data = self.env["client.clv.engine"]._read_summary(self.company, today)
        by_partner = dict(
            zip(
                data["partner_id"].tolist(),
                zip(
                    data["x"].tolist(),
                    data["t_x_days"].tolist(),
                    data["age_days"].tolist(),
                    data["m"].tolist(),
                    strict=True,
                ),
                strict=True,
            )
        )
        self.assertEqual(by_partner[a.id], (0, 0, 21, 0.0))
        # repeat days: 50 and 70 - 30 (the credit note lowers the last purchase)
        self.assertEqual(by_partner[b.id], (2, 7, 21, 45.0))
        x, t_x, T, weights, _inverse = bgnbd.group_days([0, 2], [0, 7], [21, 21], 7)
        self.assertAlmostEqual(
            bgnbd.log_likelihood((1.0, 2.0, 1.0, 2.0), x, t_x, T, weights),
            math.log(0.4) + math.log(0.016 + 4 / 162),
            places=10,
        )

    def test_too_little_data_is_explained(self):
        client = self._client("Lonely Client")
        self._invoices([(client, day(2026, 1, 5), 100.0)])
        self._nightly(day(2026, 2, 1))
        model = self._model()
        self.assertEqual(model.state, "insufficient")
        self.assertIn("clients with a purchase, 300 needed", model.status_message)
        self.assertIn("who bought on a second day", model.status_message)
        self.assertIn("days of purchases, 180 needed", model.status_message)
        self.assertFalse(self._score(client))
        self.assertFalse(client.with_user(self.salesman).clv_summary)
        # the segments are computed as usual
        self.assertEqual(client.recency_segment, "hot")
