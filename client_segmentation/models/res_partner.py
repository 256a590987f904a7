import logging
import time

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import key_dates, segmentation

_logger = logging.getLogger(__name__)

# Partners written per UPDATE statement of a recompute (by id range).
SEGMENT_BATCH_SIZE = 100_000

# Segment fields are stored company_dependent (jsonb keyed by company id, see
# docs/adr-001-segment-storage.md); the engine writes them in SQL, nobody else.
SEGMENT_FIELDS = (
    "abc_class",
    "recency_segment",
    "segment_revenue_window",
    "segment_revenue_total",
    "segment_purchase_count",
    "segment_purchase_average",
    "segment_first_purchase_date",
    "segment_last_purchase_date",
    # client card (issue #3)
    "purchase_frequency",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="ABC Class",
        company_dependent=True,
        readonly=True,
        index=False,
        help="Value of the client by its share of the revenue in the ABC window "
        "(A: the most valuable). Empty: no revenue in the window.",
    )
    recency_segment = fields.Selection(
        selection=[
            ("hot", "Hot"),
            ("warm", "Warm"),
            ("sleeping", "Sleeping"),
            ("none", "Never Bought"),
        ],
        string="Recency",
        company_dependent=True,
        readonly=True,
        index=False,
        help="How fresh the last purchase is: hot, warm or sleeping by the "
        "thresholds of the company's settings.",
    )
    segment_revenue_window = fields.Float(
        string="Revenue in Window",
        company_dependent=True,
        readonly=True,
        index=False,
        digits="Account",
        help="Untaxed revenue, net of credit notes, in the ABC window, in the "
        "company currency.",
    )
    segment_revenue_total = fields.Float(
        string="Lifetime Revenue",
        company_dependent=True,
        readonly=True,
        index=False,
        digits="Account",
    )
    segment_purchase_count = fields.Integer(
        string="Purchases",
        company_dependent=True,
        readonly=True,
        index=False,
        help="Number of purchases (credit notes are not purchases).",
    )
    segment_purchase_average = fields.Float(
        string="Average Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
        digits="Account",
        help="Lifetime revenue divided by the number of purchases.",
    )
    segment_first_purchase_date = fields.Date(
        string="First Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
    )
    segment_last_purchase_date = fields.Date(
        string="Last Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
    )
    segment_rank = fields.Integer(
        string="ABC Rank",
        compute="_compute_segment_rank",
        help="Position of the client in the ABC ranking of the last recompute.",
    )
    segment_cumulative_share = fields.Float(
        string="Cumulative Share Before (%)",
        compute="_compute_segment_rank",
        digits=(16, 2),
        help="Share of the revenue of all clients ranked before this one; it "
        "decides the ABC class.",
    )
    segment_computed_at = fields.Datetime(
        string="Segments Computed On",
        compute="_compute_segment_computed_at",
    )
    segment_currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_segment_computed_at",
    )

    @api.depends_context("company")
    def _compute_segment_computed_at(self):
        company = self.env.company
        self.segment_computed_at = company.segment_last_run_at
        self.segment_currency_id = company.currency_id

    @api.depends_context("company")
    @api.depends("commercial_partner_id", "segment_revenue_window")
    def _compute_segment_rank(self):
        """Rank and cumulative share follow from the stored window revenues of
        the last recompute; one query ranks the company's clients for the whole
        recordset (see docs/adr-001-segment-storage.md for why they are not
        stored per partner)."""
        self.segment_rank = 0
        self.segment_cumulative_share = 0.0
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids:
            return
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        company_key = str(self.env.company.id)
        self.env.cr.execute(
            SQL(
                """
                WITH ranked AS (
                    SELECT id,
                           row_number() OVER w AS rank,
                           COALESCE(SUM(revenue) OVER (w ROWS BETWEEN UNBOUNDED
                               PRECEDING AND 1 PRECEDING), 0) * 100
                               / SUM(revenue) OVER () AS share
                      FROM (
                          SELECT id,
                                 (segment_revenue_window ->> %(company)s)::numeric
                                     AS revenue
                            FROM res_partner
                           WHERE id = commercial_partner_id
                             AND segment_revenue_window ? %(company)s
                      ) figures
                     WHERE revenue > 0
                    WINDOW w AS (ORDER BY revenue DESC, id)
                )
                SELECT id, rank, share FROM ranked WHERE id = ANY(%(ids)s)
                """,
                company=company_key,
                ids=commercial_ids,
            )
        )
        by_commercial = {
            pid: (rank, share) for pid, rank, share in self.env.cr.fetchall()
        }
        for partner in self:
            rank, share = by_commercial.get(partner.commercial_partner_id.id, (0, 0.0))
            partner.segment_rank = rank
            partner.segment_cumulative_share = float(share)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Defaults (e.g. the 'none' recency fallback, which res.users and
            # forms pass along) are not a hand-set segment.
            self._check_segment_fields_not_written(
                {
                    name: value
                    for name, value in vals.items()
                    if value not in (False, None, 0, "none")
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_segment_fields_not_written(vals)
        return super().write(vals)

    @api.model
    def _check_segment_fields_not_written(self, vals):
        written = sorted(set(vals) & set(SEGMENT_FIELDS))
        if written:
            raise UserError(
                self.env._(
                    "Segments are computed from posted documents and cannot be "
                    "set by hand (%(fields)s). Use 'Recompute segments' instead.",
                    fields=", ".join(self._fields[name].string for name in written),
                )
            )

    def action_recompute_segments(self):
        """Recompute the segments of the current companies (server action,
        settings button). ABC is relative, so the whole company is re-ranked
        whatever partners are selected."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators can recompute client segments.")
            )
        stats = self._segment_recompute(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Segments recomputed"),
                "message": self.env._(
                    "%(clients)s clients ranked, %(written)s contacts updated.",
                    clients=stats["clients"],
                    written=stats["written"],
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_recompute_segments(self):
        """Nightly job: every company, each from its own documents."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, start=1):
            self._segment_recompute(company)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

    @api.model
    def _segment_recompute(self, companies):
        """Recompute segments for ``companies``; return summed statistics.

        Per company: one aggregate query over its documents into a temporary
        table, the ABC cut-offs from :mod:`..tools.segmentation`, then one
        UPDATE per batch of partner ids that writes only the rows whose values
        change. Raw SQL bypasses access rules: callers check rights.
        """
        totals = {"clients": 0, "written": 0}
        for company in companies:
            stats = self._segment_recompute_company(company)
            totals["clients"] += stats["clients"]
            totals["written"] += stats["written"]
        return totals

    @api.model
    def _segment_recompute_company(self, company):
        started = time.monotonic()
        today = fields.Date.context_today(self.with_company(company))
        self.env.flush_all()
        self._segment_collect_figures(company, today)
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT partner_id, revenue_window FROM client_segment_figures"
                " WHERE revenue_window > 0 ORDER BY revenue_window DESC, partner_id"
            )
        )
        cut_a, cut_b = segmentation.abc_cutoffs(
            cr.fetchall(), company.segment_abc_a_share, company.segment_abc_b_share
        )
        hot_since, warm_since = segmentation.recency_cutoffs(
            today, company.segment_recency_hot_days, company.segment_recency_warm_days
        )
        cr.execute(SQL("SELECT count(*) FROM client_segment_figures"))
        clients = cr.fetchone()[0]
        written = self._segment_write(company, cut_a, cut_b, hot_since, warm_since)
        cr.execute(SQL("DROP TABLE client_segment_figures"))
        self.invalidate_model(list(SEGMENT_FIELDS))
        company.sudo().segment_last_run_at = fields.Datetime.now()
        _logger.info(
            "Client segments of %s: %s clients ranked, %s contacts written in %.1fs",
            company.name,
            clients,
            written,
            time.monotonic() - started,
        )
        return {"clients": clients, "written": written}

    @api.model
    def _segment_collect_figures(self, company, today):
        """Aggregate the company's purchases per commercial partner into the
        temporary table ``client_segment_figures`` (one query)."""
        start = segmentation.window_start(today, company.segment_window_months)
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS client_segment_figures"))
        if company.segment_revenue_source == "sale" and "sale.order" in self.env:
            documents = SQL(
                """
                SELECT partner.commercial_partner_id AS partner_id,
                       so.date_order::date AS day,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                           AS amount,
                       TRUE AS is_purchase
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND so.date_order::date <= %(today)s
                """,
                company=company.id,
                today=today,
            )
        else:
            documents = SQL(
                """
                SELECT move.commercial_partner_id AS partner_id,
                       move.invoice_date AS day,
                       move.amount_untaxed_signed AS amount,
                       move.move_type = 'out_invoice' AS is_purchase
                  FROM account_move move
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.commercial_partner_id IS NOT NULL
                   AND move.invoice_date <= %(today)s
                """,
                company=company.id,
                today=today,
            )
        in_window = SQL("TRUE") if start is None else SQL("day >= %s", start)
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE client_segment_figures AS
                SELECT partner_id,
                       COALESCE(SUM(amount) FILTER (WHERE %(in_window)s), 0)
                           AS revenue_window,
                       SUM(amount) AS revenue_total,
                       COUNT(*) FILTER (WHERE is_purchase) AS purchase_count,
                       COUNT(*) FILTER (WHERE is_purchase AND %(in_window)s)
                           AS window_purchase_count,
                       MIN(day) FILTER (WHERE is_purchase) AS first_purchase,
                       MAX(day) FILTER (WHERE is_purchase) AS last_purchase
                  FROM (%(documents)s) documents
                 GROUP BY partner_id
                """,
                in_window=in_window,
                documents=documents,
            )
        )
        cr.execute(SQL("CREATE UNIQUE INDEX ON client_segment_figures (partner_id)"))
        cr.execute(SQL("ANALYZE client_segment_figures"))

    @api.model
    def _segment_write(self, company, cut_a, cut_b, hot_since, warm_since):
        """Apply the classification to the partners of ``company`` and write
        only what changed; children of a commercial partner, archived ones
        included, get its values. Return the number of rows written."""
        key = str(company.id)

        def ranked_up_to(cut):
            if cut is None:
                return SQL("FALSE")
            revenue, partner_id = cut
            return SQL(
                "(f.revenue_window > %(revenue)s OR (f.revenue_window = %(revenue)s"
                " AND f.partner_id <= %(partner)s))",
                revenue=revenue,
                partner=partner_id,
            )

        new_values = {
            "abc_class": SQL(
                """CASE WHEN COALESCE(f.revenue_window, 0) <= 0 THEN NULL
                        WHEN %(a)s THEN 'a' WHEN %(b)s THEN 'b' ELSE 'c' END""",
                a=ranked_up_to(cut_a),
                b=ranked_up_to(cut_b),
            ),
            # 'none' (never bought) is the field's fallback: stored as no key.
            "recency_segment": SQL(
                """CASE WHEN f.last_purchase IS NULL THEN NULL
                        WHEN f.last_purchase >= %(hot)s THEN 'hot'
                        WHEN f.last_purchase >= %(warm)s THEN 'warm'
                        ELSE 'sleeping' END""",
                hot=hot_since,
                warm=warm_since,
            ),
            "segment_revenue_window": SQL("NULLIF(f.revenue_window, 0)"),
            "segment_revenue_total": SQL("NULLIF(f.revenue_total, 0)"),
            "segment_purchase_count": SQL("NULLIF(f.purchase_count, 0)"),
            "segment_purchase_average": SQL(
                "ROUND(f.revenue_total / NULLIF(f.purchase_count, 0), 2)"
            ),
            "segment_first_purchase_date": SQL("f.first_purchase"),
            "segment_last_purchase_date": SQL("f.last_purchase"),
            # Same rule as tools.segmentation.purchase_frequency.
            "purchase_frequency": SQL(
                """CASE WHEN COALESCE(f.window_purchase_count, 0) <= 0 THEN NULL
                        WHEN f.window_purchase_count = 1 THEN 'one_off'
                        WHEN f.window_purchase_count >= %(regular)s THEN 'regular'
                        ELSE 'rare' END""",
                regular=company.segment_frequency_regular_min,
            ),
        }
        columns = [SQL.identifier(name) for name in new_values]
        cr = self.env.cr
        written = 0
        # 1. Partners with documents (and their contacts): set what changed.
        cr.execute(
            SQL(
                "SELECT COALESCE(MIN(partner_id), 0), COALESCE(MAX(partner_id), -1)"
                " FROM client_segment_figures"
            )
        )
        first_id, last_id = cr.fetchone()
        for low in range(first_id, last_id + 1, SEGMENT_BATCH_SIZE):
            cr.execute(
                SQL(
                    """
                    UPDATE res_partner p
                       SET %(assignments)s
                      FROM (
                          SELECT f.partner_id, %(selects)s
                            FROM client_segment_figures f
                           WHERE f.partner_id >= %(low)s AND f.partner_id < %(high)s
                      ) n
                     WHERE p.commercial_partner_id = n.partner_id AND (%(changed)s)
                    """,
                    assignments=SQL(", ").join(
                        SQL(
                            """%(col)s = CASE WHEN n.%(col)s IS NULL
                                    THEN p.%(col)s - %(key)s
                                    ELSE COALESCE(p.%(col)s, '{}'::jsonb)
                                        || jsonb_build_object(%(key)s, n.%(col)s)
                                    END""",
                            col=column,
                            key=key,
                        )
                        for column in columns
                    ),
                    selects=SQL(", ").join(
                        SQL("%s AS %s", expr, SQL.identifier(name))
                        for name, expr in new_values.items()
                    ),
                    low=low,
                    high=low + SEGMENT_BATCH_SIZE,
                    changed=SQL(" OR ").join(
                        SQL(
                            "(p.%(col)s -> %(key)s)"
                            " IS DISTINCT FROM to_jsonb(n.%(col)s)",
                            col=column,
                            key=key,
                        )
                        for column in columns
                    ),
                )
            )
            written += cr.rowcount
        # 2. Partners that had values for this company and no documents any
        #    more: drop this company's keys, other companies' stay.
        cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %(clear)s
                 WHERE (%(has_value)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM client_segment_figures f
                        WHERE f.partner_id = p.commercial_partner_id
                   )
                """,
                clear=SQL(", ").join(
                    SQL("%(col)s = p.%(col)s - %(key)s", col=column, key=key)
                    for column in columns
                ),
                has_value=SQL(" OR ").join(
                    SQL("p.%s ? %s", column, key) for column in columns
                ),
            )
        )
        written += cr.rowcount
        return written

    # ------------------------------------------------------------------
    # Client card (issue #3): reference, business and relationship
    # information, key dates. See docs/adr-003-client-card-key-dates.md.
    # ------------------------------------------------------------------

    preferred_channel_id = fields.Many2one(
        comodel_name="client.channel",
        tracking=True,
        index="btree_not_null",
        help="How this client or contact person prefers to be reached.",
    )
    call_time_from = fields.Float(
        string="Call From",
        help="Start of the convenient time to call, in the contact's time zone.",
    )
    call_time_to = fields.Float(
        string="Call Until",
        help="End of the convenient time to call, in the contact's time zone.",
    )
    working_hours = fields.Char(
        help="Working hours of the organisation, e.g. Mon-Fri 9:00-18:00.",
    )
    is_decision_maker = fields.Boolean(
        string="Decision Maker",
        tracking=True,
        help="This contact person decides on purchases.",
    )
    decision_maker_known = fields.Boolean(
        compute="_compute_decision_maker_known",
        search="_search_decision_maker_known",
        help="The client itself or one of its active contact persons is flagged "
        "as decision maker.",
    )
    purchase_frequency = fields.Selection(
        selection=[("one_off", "One-off"), ("rare", "Rare"), ("regular", "Regular")],
        company_dependent=True,
        readonly=True,
        index=False,
        help="Purchases in the segmentation window: one is a one-off, from the "
        "company's threshold on the client is regular, in between rare. Empty: "
        "no purchase in the window. Computed with the segments.",
    )
    current_order_stage = fields.Char(
        string="Current Order",
        compute="_compute_current_order_stage",
        help="Latest open quotation or sales order and its state (with Sales), "
        "otherwise the latest customer invoice and its payment state.",
    )
    top_product_category_ids = fields.Many2many(
        comodel_name="product.category",
        string="Buys Most",
        compute="_compute_purchase_preferences",
        help="Product categories with the highest invoiced revenue.",
    )
    usual_payment_term_id = fields.Many2one(
        comodel_name="account.payment.term",
        string="Usual Payment Terms",
        compute="_compute_purchase_preferences",
        help="Payment terms of most of the client's invoices.",
    )
    client_needs = fields.Text(
        string="Needs and Pains",
        help="Qualifying information: what the client needs, what hurts.",
    )
    interest_tag_ids = fields.Many2many(
        comodel_name="client.interest.tag",
        relation="res_partner_client_interest_tag_rel",
        column1="partner_id",
        column2="tag_id",
        string="Interests and Hobbies",
    )
    gift_preferences = fields.Text()
    relationship_notes = fields.Text(
        string="Informal Notes",
        help="Facts not tied to a deal that matter for a long relationship.",
    )
    key_date_ids = fields.One2many(
        comodel_name="client.key.date",
        inverse_name="partner_id",
        string="Key Dates",
    )
    next_key_date = fields.Date(
        compute="_compute_next_key_date",
        help="Next occurrence among the key dates of this partner and of its "
        "contact persons.",
    )
    next_key_date_name = fields.Char(
        string="Next Key Date For",
        compute="_compute_next_key_date",
    )

    @api.depends("is_decision_maker", "child_ids.is_decision_maker", "child_ids.active")
    def _compute_decision_maker_known(self):
        """One grouped query for the whole recordset (non-stored on purpose:
        no install-time recompute of every partner, see the ADR)."""
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        known = set()
        if commercial_ids:
            groups = self._read_group(
                [
                    ("is_decision_maker", "=", True),
                    ("commercial_partner_id", "in", commercial_ids),
                ],
                ["commercial_partner_id"],
            )
            known = {partner.id for (partner,) in groups}
        for partner in self:
            partner.decision_maker_known = partner.commercial_partner_id.id in known

    def _search_decision_maker_known(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Decision Maker Known can only be searched with = or !=.")
            )
        flagged = self._search([("is_decision_maker", "=", True)])
        positive = (operator == "=") == bool(value)
        return [
            (
                "commercial_partner_id",
                "in" if positive else "not in",
                flagged.subselect("commercial_partner_id"),
            )
        ]

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_current_order_stage(self):
        self.current_order_stage = False
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids:
            return
        stage_by_client = {}
        SaleOrder = self.env.get("sale.order")
        if SaleOrder is not None and SaleOrder.has_access("read"):
            groups = SaleOrder._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", commercial_ids),
                    "|",
                    ("state", "in", ("draft", "sent")),
                    "&",
                    ("state", "=", "sale"),
                    ("invoice_status", "!=", "invoiced"),
                ],
                ["partner_id"],
                ["id:max"],
            )
            latest = {}
            for partner, order_id in groups:
                client_id = partner.commercial_partner_id.id
                latest[client_id] = max(latest.get(client_id, 0), order_id)
            states = dict(SaleOrder._fields["state"]._description_selection(self.env))
            for order in SaleOrder.browse(latest.values()):
                stage_by_client[order.partner_id.commercial_partner_id.id] = (
                    f"{order.name} - {states.get(order.state, order.state)}"
                )
        Move = self.env["account.move"]
        missing = [pid for pid in commercial_ids if pid not in stage_by_client]
        if missing and Move.has_access("read"):
            groups = Move._read_group(
                [
                    ("commercial_partner_id", "in", missing),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                ["commercial_partner_id"],
                ["id:max"],
            )
            payment_states = dict(
                Move._fields["payment_state"]._description_selection(self.env)
            )
            for invoice in Move.browse(move_id for _partner, move_id in groups):
                stage_by_client[invoice.commercial_partner_id.id] = (
                    f"{invoice.name} - {payment_states.get(invoice.payment_state, '')}"
                )
        for partner in self:
            partner.current_order_stage = stage_by_client.get(
                partner.commercial_partner_id.id, False
            )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_purchase_preferences(self):
        """Top three product categories by invoiced revenue and the most used
        payment terms, from posted customer invoices (two grouped queries)."""
        self.top_product_category_ids = False
        self.usual_payment_term_id = False
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids or not self.env["account.move.line"].has_access("read"):
            return
        revenue = {}
        groups = self.env["account.move.line"]._read_group(
            [
                ("move_id.commercial_partner_id", "in", commercial_ids),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("display_type", "=", "product"),
                ("product_id", "!=", False),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["partner_id", "product_id"],
            ["balance:sum"],
        )
        for partner, product, balance in groups:
            by_category = revenue.setdefault(partner.commercial_partner_id.id, {})
            category = product.categ_id.id
            by_category[category] = by_category.get(category, 0.0) - balance
        terms = {}
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", commercial_ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_payment_term_id", "!=", False),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["commercial_partner_id", "invoice_payment_term_id"],
            ["__count"],
        )
        for partner, term, count in groups:
            best = terms.get(partner.id)
            if best is None or count > best[1]:
                terms[partner.id] = (term, count)
        for partner in self:
            client_id = partner.commercial_partner_id.id
            by_category = revenue.get(client_id, {})
            top = sorted(
                (cid for cid, amount in by_category.items() if amount > 0),
                key=lambda cid: (-by_category[cid], cid),
            )[:3]
            partner.top_product_category_ids = [Command.set(top)]
            partner.usual_payment_term_id = terms.get(
                client_id, (self.env["account.payment.term"], 0)
            )[0]

    @api.depends_context("tz")
    @api.depends("key_date_ids.next_occurrence", "child_ids.key_date_ids")
    def _compute_next_key_date(self):
        """Next occurrence among the key dates of each partner and of its
        contacts: one search for the whole recordset."""
        self.next_key_date = False
        self.next_key_date_name = False
        partner_ids = [pid for pid in self.ids if pid]
        if not partner_ids:
            return
        today = fields.Date.context_today(self)
        upcoming = self.env["client.key.date"].search(
            [
                ("partner_id", "child_of", partner_ids),
                ("partner_id.active", "=", True),
                ("next_occurrence", ">=", today),
            ],
            order="next_occurrence, id",
        )
        wanted = set(partner_ids)
        found = {}
        for key_date in upcoming:
            ancestor = key_date.partner_id
            while ancestor:
                if ancestor.id in wanted:
                    found.setdefault(ancestor.id, key_date)
                ancestor = ancestor.parent_id
        for partner in self:
            key_date = found.get(partner.id)
            if key_date:
                partner.next_key_date = key_date.next_occurrence
                partner.next_key_date_name = key_date.display_name

    @api.constrains("call_time_from", "call_time_to")
    def _check_call_window(self):
        for partner in self:
            try:
                key_dates.check_call_window(
                    partner.call_time_from, partner.call_time_to
                )
            except key_dates.KeyDateError as error:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the convenient time to call must lie between "
                        "00:00 and 24:00 and start before it ends (from "
                        "%(start)s to %(end)s).",
                        partner=partner.display_name,
                        start=self._format_call_time(partner.call_time_from),
                        end=self._format_call_time(partner.call_time_to),
                    )
                ) from error

    @api.model
    def _format_call_time(self, value):
        hours, minutes = divmod(round((value or 0.0) * 60), 60)
        return f"{hours:02d}:{minutes:02d}"

    def action_view_key_dates(self):
        """Key dates of the client and of all its contact persons."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "client_segmentation.client_key_date_action"
        )
        action["domain"] = [("partner_id", "child_of", self.ids)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_upcoming": 1,
        }
        return action
