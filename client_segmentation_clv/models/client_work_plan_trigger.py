from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClientWorkPlanTrigger(models.Model):
    """A trigger kind of its own: the client's probability of being still
    active falls below a threshold (the predicted value engine hands the
    crossings over as the segment engine hands its changes)."""

    _inherit = "client.work.plan.trigger"

    clv_threshold = fields.Float(
        string="Probability Still Active Below (%)",
        help="Launch the plan for a client (with at least one repeat purchase) "
        "whose probability of being still active drops below this percentage "
        "at a nightly run; its remaining steps are cancelled when it rises "
        "above again.",
    )

    @api.model
    def _selection_dimension(self):
        return super()._selection_dimension() + [
            ("clv_alive", self.env._("Probability still active falls below"))
        ]

    @api.model
    def _clv_value(self, threshold):
        """The trigger's value, as the change set names it: the threshold."""
        return f"{threshold:g}"

    @api.depends(
        "dimension",
        "recency_segment",
        "abc_class",
        "funnel_stage_id",
        "rhythm_state",
        "clv_threshold",
    )
    def _compute_value(self):
        result = super()._compute_value()
        for trigger in self.filtered(lambda t: t.dimension == "clv_alive"):
            trigger.value = (
                self._clv_value(trigger.clv_threshold)
                if trigger.clv_threshold
                else False
            )
        return result

    @api.depends(
        "dimension",
        "recency_segment",
        "abc_class",
        "funnel_stage_id",
        "rhythm_state",
        "clv_threshold",
    )
    @api.depends_context("lang")
    def _compute_display_name(self):
        result = super()._compute_display_name()
        for trigger in self.filtered(lambda t: t.dimension == "clv_alive"):
            trigger.display_name = self.env._(
                "Probability still active below %(threshold)s %%: %(plan)s",
                threshold=self._clv_value(trigger.clv_threshold),
                plan=trigger.plan_id.name or "",
            )
        return result

    @api.constrains("dimension", "clv_threshold")
    def _check_clv_threshold(self):
        for trigger in self.filtered(lambda t: t.dimension == "clv_alive"):
            if not 0 < trigger.clv_threshold < 100:
                raise ValidationError(
                    self.env._(
                        "The probability still active of a work plan trigger must "
                        "be a percentage above 0 and below 100 %% (%(value)s).",
                        value=trigger.clv_threshold,
                    )
                )
