from freezegun import freeze_time

from odoo.tools import SQL

from ..tools import funnel
from .common import FunnelCase


class TemperatureCase(FunnelCase):
    """Clients of every kind of interest; helpers for the signals of the
    base module (conversations and done activities)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_profile.segment_interest_days = 90
        days = cls._days_ago
        # the top A client: most of the revenue, monthly for a year, then
        # nothing for five months (sleeping, its rhythm overdue)
        cls.top = cls._client("Top A Sleeping")
        cls.one_off = cls._client("One-off Recent Buyer")
        cls.rhythm = cls._client("Keeps Its Rhythm")
        cls.prospect = cls._client("Prospect")
        cls._invoices(
            [
                *((cls.top, days(150 + 30 * n), 10_000) for n in range(12)),
                (cls.one_off, days(5), 100),
                # every 60 days: the last one 50 days ago (warm recency),
                # the next one not due yet
                *((cls.rhythm, days(50 + 60 * n), 300) for n in range(4)),
            ]
        )

    def _done_activity(self, partner, when):
        """An activity done with ``partner`` (its "done" message) at
        ``when``."""
        with freeze_time(when):
            activity = self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "summary": "Call",
                    "user_id": self.env.uid,
                }
            )
            activity.action_feedback(feedback="Interested in the new range")
            self.env.flush_all()

    def _pure(self, partner):
        """The temperature of the pure rule, from what the engine stored
        and the signals the engine sees."""
        self.env.flush_all()
        self.env.cr.execute(
            self.env["client.funnel.engine"]._signals_sql(
                self.company, lambda column: SQL("%s = %s", column, partner.id)
            )
        )
        row = self.env.cr.fetchone()
        signal = funnel.TEMPERATURES[row[1]] if row else None
        stage = partner.funnel_stage_id
        return funnel.temperature(
            partner.temperature_override,
            partner.segment_purchase_count,
            partner.recency_segment,
            stage.temperature,
            refused=False,
            rhythm_state=partner.rhythm_state,
            signal=signal,
            purchase_stage=stage.auto_rule in funnel.PURCHASE_RULES,
        )
