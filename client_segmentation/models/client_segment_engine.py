import logging
import time
from collections import Counter

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import validation
from ..classification_sql import classified_sql
from ..sqlutil import TempTable, id_ranges, jsonb_differs, jsonb_set_key
from ..tools import segmentation

_logger = logging.getLogger(__name__)

# Commercial partners written per UPDATE statement (and per transaction when
# the engine owns it).
BATCH_SIZE = 100_000
# Attempts of one batch that a concurrent edit made fail, before the batch is
# left to the next run.
BATCH_ATTEMPTS = 3
# First key of the advisory lock of a company's run (the second is the company
# id); any constant unlikely to be used by another addon.
LOCK_NAMESPACE = 1_130_063_233

# Segment fields of res.partner (company_dependent jsonb, ADR 001), written by
# the engine only. The same names are the columns of client.segment.state.
SEGMENT_FIELDS = (
    "abc_class",
    "recency_segment",
    "segment_revenue_window",
    "segment_revenue_total",
    "segment_purchase_count",
    "segment_purchase_average",
    "segment_first_purchase_date",
    "segment_last_purchase_date",
    "purchase_frequency",
    # buying rhythm (client.segment.rhythm)
    "buying_interval_days",
    "next_purchase_date",
    "rhythm_state",
)
# Figures of a client: aggregated from its documents, kept in the state so
# that a rerun re-aggregates only the clients whose documents changed.
FIGURE_COLUMNS = (
    "segment_revenue_window",
    "segment_revenue_total",
    "segment_purchase_count",
    "segment_window_purchase_count",
    "segment_first_purchase_date",
    "segment_last_purchase_date",
    "buying_interval_days",
)
# Columns of client.segment.state: the figures and the segment values.
STATE_COLUMNS = tuple(dict.fromkeys(FIGURE_COLUMNS + SEGMENT_FIELDS))
# Dimensions of the change set whose values are segment fields.
SEGMENT_DIMENSIONS = {
    "abc": "abc_class",
    "recency": "recency_segment",
    "frequency": "purchase_frequency",
    "rhythm": "rhythm_state",
}
# Errors of one batch caused by a concurrent transaction: retried, then left
# to the next run; never fatal to the whole run.
CONCURRENCY_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


class ClientSegmentEngine(models.AbstractModel):
    """The segment recompute: figures, classification, funnel stages, one
    write per partner, the state of the next run, and the change set handed
    to :meth:`_after_changes`. See docs/architecture.md and ADR 005.

    Raw SQL bypasses access rules: :meth:`recompute` lets only sales
    administrators (or the superuser) run it.
    """

    _name = "client.segment.engine"
    _description = "Client Segment Engine"

    # ------------------------------------------------------------------
    # Public entry
    # ------------------------------------------------------------------

    @api.model
    def recompute(self, companies=None, partners=None):
        """Recompute segments and funnel stages of ``companies`` (default: the
        current companies) and return the summed result (see
        :meth:`_empty_result`). Everything stays in the caller's transaction.

        ``companies`` and ``partners`` are recordsets or ids (also over RPC);
        ``partners``: commercial partners to re-aggregate in any case (e.g.
        the survivor of a merge), on top of those whose documents changed.
        A company the user does not have is refused.
        """
        self._check_recompute_rights()
        if companies is None:
            companies = self.env.companies
        else:
            companies = validation.records_of(
                self.env, "res.company", companies, self.env._("Companies")
            )
        if partners is not None:
            partners = validation.records_of(
                self.env, "res.partner", partners, self.env._("Clients")
            )
        refused = companies - self.env.user.company_ids
        if refused and not self.env.su:
            raise AccessError(
                self.env._(
                    "You cannot recompute the segments of %(companies)s: not "
                    "one of your companies.",
                    companies=", ".join(refused.sudo().mapped("name")),
                )
            )
        return self._recompute(companies, partners)

    @api.model
    def _check_recompute_rights(self):
        # Raw SQL below bypasses access rules: only sales administrators (or
        # the superuser: the cron, scripts) may run it, also through RPC.
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(
                self.env._("Only sales administrators can recompute client segments.")
            )

    @api.model
    def _recompute(self, companies, partners=None, commit=False, today=None):
        """:meth:`recompute` without the checks of its input. ``commit``: the
        caller (the cron job) lets the engine commit per company and per
        batch; only the cron owns its transaction, so it is not a parameter
        of the public entry. ``today``: the run's date (default: the
        company's today); the demo replays past nights with it, and the
        documents dated after it do not exist for that run."""
        self._check_recompute_rights()
        total = self._empty_result()
        for done, company in enumerate(companies, start=1):
            result = self._recompute_company(company, partners, commit, today)
            if result is not None:
                self._add_result(total, result)
            if commit:
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=len(companies) - done
                )
                self._commit()  # the cron's progress and the company's run
        return total

    @api.model
    def _after_changes(self, company, changes, today, first_run):
        """Hand a run's changes to their consumers: the segment history here;
        the work plans (client_segment_engine_work_plan.py) and the predicted
        value module extend it.

        ``changes`` is a :class:`~..sqlutil.TempTable` with rows
        ``(partner_id, dimension, old_value, new_value)``; dimension in
        ``abc``, ``recency``, ``frequency``, ``rhythm``, ``stage``. Called
        once per company, after the partners are written, in the run's
        transaction.
        """
        self.env["client.segment.history"]._record_changes(
            company, changes, today, first_run
        )

    # ------------------------------------------------------------------
    # Result
    # ------------------------------------------------------------------

    @api.model
    def _empty_result(self):
        return {
            "clients": 0,
            "written": 0,
            "seconds": 0.0,
            "changes": dict.fromkeys(
                ("abc", "recency", "frequency", "rhythm", "stage"), 0
            ),
            "classes": dict.fromkeys(segmentation.ABC_CLASSES, 0),
            "segments": dict.fromkeys(segmentation.RECENCY_SEGMENTS[:3], 0),
            "skipped": 0,
            "aggregated": 0,
            "companies": [],
        }

    @api.model
    def _add_result(self, total, result):
        for key in ("clients", "written", "seconds", "skipped", "aggregated"):
            total[key] += result[key]
        for key in ("changes", "classes", "segments"):
            for name, count in result[key].items():
                total[key][name] = total[key].get(name, 0) + count
        total["companies"].append(result)

    @api.model
    def _describe(self, result):
        """The result in a manager's words, for the notification."""
        _ = self.env._
        changes = result["changes"]
        classes = ", ".join(
            f"{name.upper()} {count}" for name, count in result["classes"].items()
        )
        labels = dict(
            self.env["res.partner"]
            ._fields["recency_segment"]
            ._description_selection(self.env)
        )
        segments = ", ".join(
            f"{labels.get(name, name)} {count}"
            for name, count in result["segments"].items()
        )
        lines = [
            _(
                "%(clients)s clients with purchases: classes %(classes)s; "
                "recency %(segments)s.",
                clients=result["clients"],
                classes=classes,
                segments=segments,
            )
        ]
        if any(changes.values()):
            lines.append(
                _(
                    "Since the last run: %(abc)s clients changed ABC class, "
                    "%(recency)s changed recency, %(frequency)s changed purchase "
                    "frequency, %(stage)s moved to another funnel stage.",
                    **changes,
                )
            )
        else:
            lines.append(_("Nothing changed since the last run."))
        if result["skipped"]:
            lines.append(
                _(
                    "%(count)s clients were being edited and will be updated "
                    "by the next run.",
                    count=result["skipped"],
                )
            )
        return " ".join(lines)

    # ------------------------------------------------------------------
    # One company
    # ------------------------------------------------------------------

    @api.model
    def _recompute_company(self, company, partners, commit, today=None):
        started = time.monotonic()
        cr = self.env.cr
        self.env.flush_all()
        if commit:
            # A fresh transaction: its snapshot is the run's.
            self._commit()
        if not self._lock(company, commit):
            if not commit:
                raise UserError(
                    self.env._(
                        "The segments of %(company)s are being recomputed right "
                        "now (by another user or the nightly job). Try again when "
                        "that run has finished.",
                        company=company.name,
                    )
                )
            # the cron goes on with the other companies; this one is being
            # recomputed by the other run
            _logger.info("Client segments of %s: already running", company.name)
            return None
        # The run's statements are large but cheap: compiling them (JIT)
        # costs seconds and saves nothing. Off for the run's transaction, or
        # for the session while the engine commits per batch.
        cr.execute(SQL("SELECT set_config('jit', 'off', %s)", not commit))
        try:
            return self._run_company(company, partners, commit, started, today)
        except Exception:
            if commit:
                cr.rollback()
            raise
        finally:
            if commit:
                cr.execute(SQL("RESET jit"))
                cr.execute(
                    SQL("SELECT pg_advisory_unlock(%s, %s)", LOCK_NAMESPACE, company.id)
                )

    @api.model
    def _commit(self):
        """Commit the run's work so far. Only when the engine owns the
        transaction (``commit=True``: the cron), like core crons between
        batches, so that a failure or a kill loses one batch, not the night."""
        self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _lock(self, company, commit):
        """Whether this run may go: no other run for ``company`` holds its
        advisory lock. The lock is the session's when the engine commits per
        batch (released in :meth:`_recompute_company`), else the
        transaction's."""
        function = "pg_try_advisory_lock" if commit else "pg_try_advisory_xact_lock"
        self.env.cr.execute(
            SQL("SELECT %s(%s, %s)", SQL(function), LOCK_NAMESPACE, company.id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _cutoff(self):
        """The run's "last run" time, taken at its start: the start of the
        oldest client transaction still open on the database, ours included
        (autovacuum and other background work write no user data). Every
        edit committed before it is in the run's snapshot; any later one
        carries a later write_date (Odoo stamps the transaction's start) and
        is picked up by the next run."""
        self.env.cr.execute(
            SQL(
                """
                SELECT LEAST(now(), (SELECT min(xact_start) FROM pg_stat_activity
                                      WHERE datname = current_database()
                                        AND backend_type = 'client backend'))
                       AT TIME ZONE 'UTC'
                """
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _run_company(self, company, partners, commit, started, today=None):
        cr = self.env.cr
        Funnel = self.env["client.funnel.engine"]
        cutoff = self._cutoff()
        today = today or fields.Date.context_today(self.with_company(company))
        last_run = company.segment_last_run_at
        first_run = not last_run
        profile = company._segment_profile()
        # the versions of the settings this run applies (ADR 008): a change
        # saved during the run makes the next one full again
        versions = {
            "figures_applied_version": profile.figures_version,
            "funnel_applied_version": profile.funnel_version,
        }
        self.env["client.segment.state"].flush_model()
        cr.execute(
            SQL(
                "SELECT 1 FROM client_segment_state WHERE company_id = %s LIMIT 1",
                company.id,
            )
        )
        full = (
            first_run
            or not cr.fetchone()
            or not company.segment_last_run_date
            or profile.figures_applied_version != profile.figures_version
        )
        funnel_full = full or Funnel._needs_full_update(company)
        dirty = None if full else self._dirty_clients(company, today, partners)
        figures = self._collect_figures(company, today, dirty)
        writes = self._build_writes(company, today, figures, dirty, funnel_full)
        aggregated = figures.count()
        figures.drop()
        if dirty is not None:
            dirty.drop()
        changes = TempTable(
            cr,
            "client_segment_changes",
            SQL(
                "SELECT NULL::int4 AS partner_id, NULL::varchar AS dimension,"
                " NULL::varchar AS old_value, NULL::varchar AS new_value LIMIT 0"
            ),
            analyze=False,
        )
        if commit:
            self._commit()
        written = skipped = 0
        tally = Counter()
        for low, high in id_ranges(cr, writes.sql, SQL("partner_id"), BATCH_SIZE):
            for attempt in range(1, BATCH_ATTEMPTS + 1):
                batch_tally = Counter()
                try:
                    written += self._write_batch(
                        company, writes, changes, low, high, first_run, batch_tally
                    )
                    if commit:
                        self._commit()
                    tally.update(batch_tally)
                    break
                except CONCURRENCY_ERRORS as error:
                    if not commit:
                        raise
                    cr.rollback()
                    _logger.info(
                        "Client segments of %s: ids %s-%s, attempt %s: %s",
                        company.name,
                        low,
                        high,
                        attempt,
                        error.pgcode,
                    )
            else:
                skipped += self._leave_to_next_run(company, writes, low, high)
                self._commit()
        self.env.invalidate_all()
        self._after_changes(company, changes, today, first_run)
        result = self._summarise(company, changes, tally)
        # sudo: engine bookkeeping on the company; the caller's rights were
        # checked (sales manager action or the cron), and sales managers
        # cannot write the company record itself.
        company.sudo().write(
            {"segment_last_run_at": cutoff, "segment_last_run_date": today}
        )
        profile.write(versions)  # the profile of _segment_profile(): sudo
        writes.drop()
        changes.drop()
        result.update(
            written=written,
            skipped=skipped,
            aggregated=aggregated,
            seconds=time.monotonic() - started,
            first_run=first_run,
            incremental=not full,
        )
        _logger.info(
            "Client segments of %s: %s clients, %s contacts written, changes %s, "
            "%s left to the next run, in %.1fs",
            company.name,
            result["clients"],
            written,
            result["changes"],
            skipped,
            result["seconds"],
        )
        return result

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    @api.model
    def _documents_sql(self, company, today):
        """The company's purchase documents, from the revenue source of its
        profile (:meth:`_revenue_documents_sql`): ``partner_id``
        (commercial), ``day``, ``amount`` (untaxed, company currency),
        ``is_purchase`` (the document makes a purchase day), ``counts`` (it
        counts at all: posted, confirmed, paid) and ``write_date``."""
        source = company._segment_profile().segment_revenue_source
        documents = self._revenue_documents_sql(source, company)
        if documents is None:
            # a value left by a module that is gone without uninstalling
            # (uninstalling a bridge module resets its profiles to invoices)
            raise UserError(
                self.env._(
                    "%(company)s: the revenue source %(choice)s needs a module "
                    "that is not installed. Choose another source in the client "
                    "segmentation settings.",
                    company=company.name,
                    choice=source,
                )
            )
        return documents

    @api.model
    def _revenue_documents_sql(self, source, company):
        """The purchase documents of ``company`` for the revenue source
        ``source`` (a value of the profile's ``segment_revenue_source``), in
        the columns of :meth:`_documents_sql`, or None for a source this
        registry does not know.

        The hook of the revenue sources (docs/adr-010-revenue-sources.md):
        this addon knows the posted customer invoices; each bridge module
        that adds a choice to ``segment_revenue_source`` (Sales, Point of
        Sale) returns the documents of its choices and calls ``super()`` for
        the others. The rules that depend on the kind of document live
        here: what counts, what makes a purchase day, the amount in the
        company currency, refunds as negative amounts that make no
        purchase."""
        if source == "invoice":
            return self._invoice_documents_sql(company)
        return None

    @api.model
    def _invoice_documents_sql(self, company):
        """Posted customer invoices and credit notes of ``company``."""
        return SQL(
            """
            SELECT move.commercial_partner_id AS partner_id,
                   move.invoice_date AS day,
                   move.amount_untaxed_signed AS amount,
                   -- an invoice cancelled by its credit note (fully
                   -- reversed) is no purchase: its amount and the credit
                   -- note's cancel out, and it makes no purchase day
                   move.move_type = 'out_invoice'
                       AND move.payment_state IS DISTINCT FROM 'reversed'
                       AS is_purchase,
                   move.state = 'posted' AS counts,
                   move.write_date
              FROM account_move move
             WHERE move.company_id = %(company)s
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.commercial_partner_id IS NOT NULL
            """,
            company=company.id,
        )

    @api.model
    def _dirty_clients(self, company, today, partners):
        """Clients to re-aggregate on a rerun: documents created, edited,
        cancelled or refunded since the last run, documents that left the
        window or reached their date since then, partners edited since then
        (a re-parented contact brings its documents), state rows marked
        dirty, and ``partners``."""
        last_run = company.segment_last_run_at
        previous_day = company.segment_last_run_date
        months = company._segment_profile().segment_window_months
        start = segmentation.window_start(today, months)
        previous_start = segmentation.window_start(previous_day, months)
        # Both ways: a clock set back (or a date frozen in a test) too.
        crossed = [
            SQL(
                "(day > %s AND day <= %s)",
                min(previous_day, today),
                max(previous_day, today),
            )
        ]
        if start is not None:
            crossed.append(
                SQL(
                    "(day >= %s AND day < %s)",
                    min(previous_start, start),
                    max(previous_start, start),
                )
            )
        return TempTable(
            self.env.cr,
            "client_segment_dirty",
            SQL(
                """
                SELECT partner_id FROM (%(documents)s) documents
                 WHERE write_date >= %(since)s
                 UNION
                %(crossed)s
                 UNION
                SELECT commercial_partner_id FROM res_partner
                 WHERE write_date >= %(since)s AND commercial_partner_id IS NOT NULL
                 UNION
                SELECT partner_id FROM client_segment_state
                 WHERE company_id = %(company)s AND dirty
                 UNION
                SELECT unnest(%(partners)s::int4[])
                """,
                documents=self._documents_sql(company, today),
                since=last_run,
                # one statement per date range: each an index range scan
                crossed=SQL(" UNION ").join(
                    SQL(
                        "SELECT partner_id FROM (%s) documents WHERE counts AND %s",
                        self._documents_sql(company, today),
                        condition,
                    )
                    for condition in crossed
                ),
                company=company.id,
                partners=(partners.commercial_partner_id.ids if partners else []),
            ),
        )

    @api.model
    def _collect_figures(self, company, today, dirty):
        """Aggregate the documents of every client (``dirty`` None) or of the
        ``dirty`` clients, one row per commercial partner, in the columns of
        the state, in one pass: the documents are summed per client and day,
        each purchase day gets the gap since the client's previous one, and
        the days are summed per client, with the usual buying interval of
        ``client.segment.rhythm`` (the median of the gaps)."""
        months = company._segment_profile().segment_window_months
        start = segmentation.window_start(today, months)
        in_window = SQL("TRUE") if start is None else SQL("day >= %s", start)
        scope = (
            SQL("TRUE")
            if dirty is None
            else SQL("partner_id IN (SELECT partner_id FROM %s)", dirty.sql)
        )
        interval = self.env["client.segment.rhythm"]._interval_sql(SQL("gap"))
        return TempTable(
            self.env.cr,
            "client_segment_figures",
            SQL(
                """
                SELECT partner_id,
                       NULLIF(COALESCE(SUM(amount) FILTER (WHERE in_window), 0),
                              0) AS segment_revenue_window,
                       NULLIF(SUM(amount), 0) AS segment_revenue_total,
                       NULLIF(SUM(purchases), 0)::int4 AS segment_purchase_count,
                       COALESCE(SUM(purchases) FILTER (WHERE in_window), 0)::int4
                           AS segment_window_purchase_count,
                       MIN(day) FILTER (WHERE purchases > 0)
                           AS segment_first_purchase_date,
                       MAX(day) FILTER (WHERE purchases > 0)
                           AS segment_last_purchase_date,
                       %(interval)s AS buying_interval_days
                  FROM (
                      SELECT days.*,
                             CASE WHEN purchases > 0 THEN
                                 day - MAX(day) FILTER (WHERE purchases > 0)
                                       OVER (PARTITION BY partner_id ORDER BY day
                                             ROWS BETWEEN UNBOUNDED PRECEDING
                                                      AND 1 PRECEDING)
                             END AS gap
                        FROM (
                            SELECT partner_id, day, SUM(amount) AS amount,
                                   COUNT(*) FILTER (WHERE is_purchase) AS purchases,
                                   %(in_window)s AS in_window
                              FROM (%(documents)s) documents
                             WHERE counts AND day <= %(today)s AND %(scope)s
                             GROUP BY partner_id, day
                        ) days
                  ) days
                 GROUP BY partner_id
                """,
                in_window=in_window,
                documents=self._documents_sql(company, today),
                today=today,
                scope=scope,
                interval=interval,
            ),
        )

    @api.model
    def _classified_sql(self, company, today, figures, dirty):
        """Every client of the company with its figures (the state's, the
        re-aggregated ones for ``dirty`` clients) and its classes: the rules
        of :mod:`..tools.segmentation` in SQL. ABC: cumulative share of the
        clients ranked before, exact numeric comparisons."""
        columns = SQL(", ").join(SQL.identifier(name) for name in FIGURE_COLUMNS)
        if dirty is None:
            all_figures = SQL("SELECT partner_id, %s FROM %s", columns, figures.sql)
        else:
            all_figures = SQL(
                """
                SELECT partner_id, %(columns)s FROM client_segment_state s
                 WHERE company_id = %(company)s AND NOT s.dirty
                   AND NOT EXISTS (SELECT 1 FROM %(dirty)s d
                                    WHERE d.partner_id = s.partner_id)
                 UNION ALL
                SELECT partner_id, %(columns)s FROM %(figures)s
                """,
                columns=columns,
                company=company.id,
                dirty=dirty.sql,
                figures=figures.sql,
            )
        profile = company._segment_profile()
        segmentation.check_abc_shares(
            profile.segment_abc_a_share, profile.segment_abc_b_share
        )
        hot_since, warm_since = segmentation.recency_cutoffs(
            today, profile.segment_recency_hot_days, profile.segment_recency_warm_days
        )
        regular = profile.segment_frequency_regular_min
        segmentation.check_frequency_threshold(regular)
        classified = classified_sql(
            all_figures,
            revenue="segment_revenue_window",
            last_purchase="segment_last_purchase_date",
            a_share=profile.segment_abc_a_share,
            b_share=profile.segment_abc_b_share,
            hot_since=hot_since,
            warm_since=warm_since,
        )
        return SQL(
            """
            SELECT r.*,
                   r.rule_abc_class AS abc_class,
                   r.rule_recency AS recency_segment,
                   CASE WHEN r.segment_window_purchase_count <= 0 THEN NULL
                        WHEN r.segment_window_purchase_count = 1 THEN 'one_off'
                        WHEN r.segment_window_purchase_count >= %(regular)s
                            THEN 'regular'
                        ELSE 'rare' END AS purchase_frequency,
                   ROUND(r.segment_revenue_total / r.segment_purchase_count,
                         %(digits)s) AS segment_purchase_average,
                   %(rhythm)s
              FROM (%(classified)s) r
            """,
            regular=regular,
            digits=company.currency_id.decimal_places,
            classified=classified,
            rhythm=SQL(", ").join(
                SQL("%s AS %s", expression, SQL.identifier(name))
                for name, expression in self.env["client.segment.rhythm"]
                ._values_sql(company, today, SQL("r"))
                .items()
            ),
        )

    @api.model
    def _build_writes(self, company, today, figures, dirty, funnel_full):
        """The clients to write, with their new segment values and the
        classes the state holds from the previous run: those whose values
        changed, the re-aggregated ones, and the funnel's candidates (every
        commercial partner when ``funnel_full``, else those edited since the
        last run, or whose interest signals changed)."""
        values = SQL(", ").join(
            SQL("n.%s", SQL.identifier(name)) for name in SEGMENT_FIELDS
        )
        compared = STATE_COLUMNS
        new = SQL(", ").join(SQL("n.%s", SQL.identifier(name)) for name in compared)
        old = SQL(", ").join(SQL("o.%s", SQL.identifier(name)) for name in compared)
        if funnel_full:
            candidates = SQL(
                "SELECT id AS partner_id FROM res_partner"
                " WHERE id = commercial_partner_id"
            )
        else:
            # and those whose interest signals changed (temperature)
            signals = self.env["client.funnel.engine"]._signals_changed_sql(
                company, today
            )
            candidates = SQL(
                """
                SELECT partner_id FROM %(dirty)s
                 UNION
                SELECT commercial_partner_id FROM res_partner
                 WHERE write_date >= %(since)s AND commercial_partner_id IS NOT NULL
                %(signals)s
                """,
                dirty=dirty.sql,
                since=company.segment_last_run_at,
                signals=SQL("UNION %s", signals) if signals else SQL(),
            )
        return TempTable(
            self.env.cr,
            "client_segment_writes",
            SQL(
                """
                SELECT COALESCE(n.partner_id, o.partner_id, c.partner_id)
                           AS partner_id,
                       %(values)s,
                       n.segment_window_purchase_count,
                       n.partner_id IS NOT NULL AS has_figures,
                       n.partner_id IS NULL OR o.partner_id IS NULL
                           OR c.partner_id IS NOT NULL
                           OR (%(new)s) IS DISTINCT FROM (%(old)s) AS segment_changed,
                       %(old_values)s
                  FROM (%(classified)s) n
                  FULL JOIN (SELECT * FROM client_segment_state
                              WHERE company_id = %(company)s) o
                         ON o.partner_id = n.partner_id
                  FULL JOIN (%(candidates)s) c
                         ON c.partner_id = COALESCE(n.partner_id, o.partner_id)
                 WHERE c.partner_id IS NOT NULL
                    OR n.partner_id IS NULL OR o.partner_id IS NULL
                    OR (%(new)s) IS DISTINCT FROM (%(old)s)
                """,
                values=values,
                new=new,
                old=old,
                old_values=SQL(", ").join(
                    SQL(
                        "o.%s AS %s",
                        SQL.identifier(field),
                        SQL.identifier(f"old_{dim}"),
                    )
                    for dim, field in SEGMENT_DIMENSIONS.items()
                ),
                classified=self._classified_sql(company, today, figures, dirty),
                company=company.id,
                candidates=candidates,
            ),
        )

    @api.model
    def _write_batch(self, company, writes, changes, low, high, first_run, tally):
        """Write the commercial partners of ``writes`` in ``[low, high)`` and
        their contacts once each (segments and funnel stage together), keep
        their state, and add their changes to ``changes`` (or count them in
        ``tally``, see :meth:`_record_changes`). Return the rows written."""
        cr = self.env.cr
        key = str(company.id)
        Funnel = self.env["client.funnel.engine"]

        def in_range(column):
            return SQL("%s >= %s AND %s < %s", column, low, column, high)

        funnel = Funnel._stage_sql(
            company,
            {
                "partner": SQL("p2"),
                "figures": SQL("w"),
                "target": SQL("p"),
                "source": SQL("v"),
            },
            scope=in_range,
        )

        in_batch = in_range(SQL("w.partner_id"))
        segment_set = [
            SQL(
                "%(col)s = %(value)s",
                col=SQL.identifier(name),
                value=jsonb_set_key(
                    SQL("p.%s", SQL.identifier(name)),
                    key,
                    SQL("v.%s", SQL.identifier(name)),
                ),
            )
            for name in SEGMENT_FIELDS
        ]
        segment_differs = [
            jsonb_differs(
                SQL("p.%s", SQL.identifier(name)),
                key,
                SQL("v.%s", SQL.identifier(name)),
            )
            for name in SEGMENT_FIELDS
        ]
        moves = TempTable(
            cr,
            "client_segment_moves",
            SQL(
                "SELECT NULL::int4 AS partner_id, NULL::int4 AS old_stage,"
                " NULL::int4 AS new_stage, NULL::int4 AS old_reason,"
                " NULL::date AS old_refusal_date, NULL::bool AS reason_cleared"
                " LIMIT 0"
            ),
            analyze=False,
        )
        cr.execute(
            SQL(
                """
                WITH updated AS (
                    UPDATE res_partner p
                       SET %(segment_set)s, %(funnel_set)s
                      FROM (
                          SELECT w.*, p2.id AS target_id,
                                 p2.id = w.partner_id AS is_client,
                                 %(funnel_columns)s
                            FROM %(writes)s w
                            JOIN res_partner p2
                              ON p2.commercial_partner_id = w.partner_id
                            %(funnel_joins)s
                           WHERE %(in_batch)s AND %(p2_in_batch)s
                          -- a fence: each value of a client is computed once,
                          -- not again wherever the UPDATE refers to it
                          OFFSET 0
                      ) v
                     WHERE p.id = v.target_id AND %(p_in_batch)s
                       AND ((v.segment_changed AND (%(segment_differs)s))
                            OR (v.is_client AND %(funnel_differs)s))
                    RETURNING p.id, v.is_client, v.current_stage, v.new_stage,
                              v.current_reason, v.current_refusal_date,
                              v.clear_reason
                ), logged AS (
                    INSERT INTO %(moves)s
                    SELECT id, current_stage, new_stage, current_reason,
                           current_refusal_date,
                           clear_reason AND current_reason IS NOT NULL
                      FROM updated
                     WHERE is_client AND (current_stage IS DISTINCT FROM new_stage
                                          OR (clear_reason
                                              AND current_reason IS NOT NULL))
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM logged)
                """,
                segment_set=SQL(", ").join(segment_set),
                funnel_set=funnel["set"],
                funnel_columns=funnel["columns"],
                funnel_joins=funnel["joins"],
                writes=writes.sql,
                in_batch=in_batch,
                # the batch's range on both sides of the self-join: index
                # range scans of the batch's partners, not of the whole table
                p2_in_batch=in_range(SQL("p2.commercial_partner_id")),
                p_in_batch=in_range(SQL("p.commercial_partner_id")),
                segment_differs=SQL(" OR ").join(segment_differs),
                funnel_differs=funnel["differs"],
                moves=moves.sql,
            ),
            log_exceptions=False,  # a concurrent edit is retried, not an error
        )
        written = cr.fetchone()[0]
        self._store_state(company, writes, in_batch)
        self._record_changes(writes, moves, changes, in_batch, first_run, tally)
        if not first_run:
            Funnel._log_stage_changes(company, moves)
        moves.drop()
        return written

    @api.model
    def _store_state(self, company, writes, in_batch):
        """Make the state of the batch's clients what was just written."""
        cr = self.env.cr
        columns = SQL(", ").join(SQL.identifier(name) for name in STATE_COLUMNS)
        cr.execute(
            SQL(
                """
                DELETE FROM client_segment_state
                 WHERE company_id = %(company)s
                   AND partner_id IN (SELECT w.partner_id FROM %(writes)s w
                                       WHERE w.segment_changed AND %(in_batch)s)
                """,
                company=company.id,
                writes=writes.sql,
                in_batch=in_batch,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO client_segment_state (company_id, partner_id, dirty,
                                                  %(columns)s)
                SELECT %(company)s, w.partner_id, FALSE, %(columns)s
                  FROM %(writes)s w
                 WHERE w.segment_changed AND w.has_figures AND %(in_batch)s
                """,
                columns=columns,
                company=company.id,
                writes=writes.sql,
                in_batch=in_batch,
            )
        )

    @api.model
    def _record_changes(self, writes, moves, changes, in_batch, first_run, tally):
        """Add the batch's class and stage changes to the change set.

        A company's first run is its starting point (no history row, no work
        plan entry): the first values of its clients (a row per client and
        dimension, the bulk of that run's change set) are only counted, in
        ``tally``; the change set keeps the changes from a value an earlier
        run left in the state, if any."""
        rows = []
        if not first_run or self._count_first_values(writes, in_batch, tally):
            rows = [
                SQL(
                    "SELECT w.partner_id, %(dimension)s, w.%(old)s::varchar,"
                    " w.%(new)s::varchar FROM %(writes)s w"
                    " WHERE %(in_batch)s AND w.%(old)s IS DISTINCT FROM w.%(new)s"
                    "%(earlier_only)s",
                    dimension=dimension,
                    old=SQL.identifier(f"old_{dimension}"),
                    new=SQL.identifier(field),
                    writes=writes.sql,
                    in_batch=in_batch,
                    earlier_only=SQL(
                        " AND w.%s IS NOT NULL", SQL.identifier(f"old_{dimension}")
                    )
                    if first_run
                    else SQL(),
                )
                for dimension, field in SEGMENT_DIMENSIONS.items()
            ]
        # the stage moves from the stage shown before (the default one on a
        # first run): real changes on every run
        rows.append(
            SQL(
                "SELECT partner_id, 'stage', old_stage::varchar, new_stage::varchar"
                " FROM %s WHERE old_stage IS DISTINCT FROM new_stage",
                moves.sql,
            )
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (partner_id, dimension, old_value, new_value) %s",
                changes.sql,
                SQL(" UNION ALL ").join(rows),
            )
        )

    @api.model
    def _count_first_values(self, writes, in_batch, tally):
        """On a first run: add to ``tally`` the batch's clients that get a
        first value, per dimension, in one scan; return how many of them hold
        a value an earlier run left in the state."""
        self.env.cr.execute(
            SQL(
                "SELECT %(counts)s, count(*) FILTER (WHERE %(earlier)s)"
                " FROM %(writes)s w WHERE %(in_batch)s",
                counts=SQL(", ").join(
                    SQL(
                        "count(*) FILTER (WHERE w.%(old)s IS NULL"
                        " AND w.%(new)s IS NOT NULL)",
                        old=SQL.identifier(f"old_{dimension}"),
                        new=SQL.identifier(field),
                    )
                    for dimension, field in SEGMENT_DIMENSIONS.items()
                ),
                earlier=SQL(" OR ").join(
                    SQL("w.%s IS NOT NULL", SQL.identifier(f"old_{dimension}"))
                    for dimension in SEGMENT_DIMENSIONS
                ),
                writes=writes.sql,
                in_batch=in_batch,
            )
        )
        *counts, earlier = self.env.cr.fetchone()
        for dimension, count in zip(SEGMENT_DIMENSIONS, counts, strict=True):
            tally[dimension] += count
        return earlier

    @api.model
    def _leave_to_next_run(self, company, writes, low, high):
        """A batch kept failing on concurrent edits: mark its clients dirty
        so that the next run re-examines them. Return how many."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                INSERT INTO client_segment_state (company_id, partner_id, dirty)
                SELECT %(company)s, partner_id, TRUE FROM %(writes)s
                 WHERE partner_id >= %(low)s AND partner_id < %(high)s
                ON CONFLICT (company_id, partner_id) DO UPDATE SET dirty = TRUE
                """,
                company=company.id,
                writes=writes.sql,
                low=low,
                high=high,
            )
        )
        _logger.warning(
            "Client segments of %s: %s clients were edited during the run and "
            "are left to the next run.",
            company.name,
            cr.rowcount,
        )
        return cr.rowcount

    @api.model
    def _summarise(self, company, changes, tally):
        """Counts of the company's run: clients, classes, segments, changes
        (those of the change set and those counted in ``tally``)."""
        cr = self.env.cr
        result = self._empty_result()
        del result["companies"]
        result["company_id"] = company.id
        cr.execute(
            SQL(
                """
                SELECT GROUPING(abc_class), GROUPING(recency_segment),
                       abc_class, recency_segment, count(*)
                  FROM client_segment_state
                 WHERE company_id = %s AND NOT dirty
                 GROUP BY GROUPING SETS ((abc_class), (recency_segment), ())
                """,
                company.id,
            )
        )
        for by_abc, by_recency, abc_class, recency, count in cr.fetchall():
            if by_abc and by_recency:
                result["clients"] = count
            elif not by_abc and abc_class:
                result["classes"][abc_class] = count
            elif not by_recency and recency:
                result["segments"][recency] = count
        cr.execute(
            SQL("SELECT dimension, count(*) FROM %s GROUP BY dimension", changes.sql)
        )
        result["changes"].update(dict(cr.fetchall()))
        for dimension, count in tally.items():
            result["changes"][dimension] += count
        return result

    # ------------------------------------------------------------------
    # Helpers for res.partner
    # ------------------------------------------------------------------

    @api.model
    def _mark_dirty(self, partner_ids):
        """Have the next run re-aggregate these commercial partners in every
        company (e.g. a contact with documents moved away from them)."""
        if not partner_ids:
            return
        self.env["client.segment.state"].flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE client_segment_state SET dirty = TRUE"
                " WHERE partner_id = ANY(%s) AND NOT dirty",
                list(partner_ids),
            )
        )
        self.env["client.segment.state"].invalidate_model(["dirty"])
