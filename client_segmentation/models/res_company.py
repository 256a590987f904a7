from odoo import api, fields, models


class ResCompany(models.Model):
    """The company keeps the engine's bookkeeping of its last recompute; its
    thresholds and choices are its ``client.segmentation.profile``."""

    _inherit = "res.company"

    segment_profile_ids = fields.One2many(
        comodel_name="client.segmentation.profile",
        inverse_name="company_id",
        string="Client Segmentation Settings",
        readonly=True,
    )
    segment_last_run_at = fields.Datetime(
        string="Segments Computed On",
        readonly=True,
        copy=False,
        help="Start of the last recompute: documents and partners changed "
        "since then are re-examined by the next one.",
    )
    segment_last_run_date = fields.Date(
        readonly=True,
        copy=False,
        help="The day the last recompute classified for (its window).",
    )
    segment_history_start = fields.Date(
        string="Segment History Since",
        readonly=True,
        copy=False,
        help="Date of the first segment recompute: from then on, every change "
        "of class, segment and stage is in the segment history.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # sudo: the profile comes with the company, whoever creates it
        self.env["client.segmentation.profile"].sudo().create(
            [{"company_id": company.id} for company in companies]
        )
        self.env["client.work.plan.trigger"]._create_default_triggers(companies)
        return companies

    def _segment_profile(self):
        """The company's settings profile, to read them for a computation.

        sudo: the engine, the crons, the work plans and the glue modules read
        the settings of the company they compute for, whichever companies the
        user has active (the profile's record rule would hide the others);
        nothing is written through the record returned but the engine's own
        bookkeeping. A company created before the addon was installed, by
        SQL, gets its profile here."""
        self.ensure_one()
        profile = self.sudo().segment_profile_ids[:1]
        if not profile:
            profile = (
                self.env["client.segmentation.profile"]
                .sudo()
                .create({"company_id": self.id})
            )
        return profile
