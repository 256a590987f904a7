import io
import logging
import time

import numpy as np

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.client_segmentation.sqlutil import TempTable

from ..tools import bgnbd, gamma_gamma, pgcopy

_logger = logging.getLogger(__name__)

# The least data a fit needs (docs/clv-cdnow.md, "Minimum data"): clients
# with a purchase, clients with a repeat purchase day, days of history.
MIN_CLIENTS = 300
MIN_REPEAT_CLIENTS = 100
MIN_HISTORY_DAYS = 180
# Days in the time unit of the fit (weeks, as in the paper).
UNIT_DAYS = 7
# Repeat purchases of the fit check: 0 .. FIT_CHECK_MAX - 1, then "N+".
FIT_CHECK_MAX = 7
# Columns of client_clv_score the engine writes and their types in the
# binary COPY of the new scores (the numeric columns are copied as float8
# and cast on the way in; the band as its index in ALIVE_BANDS).
SCORE_COLUMNS = (
    ("partner_id", "int4"),
    ("repeat_purchases", "int4"),
    ("first_purchase_date", "date"),
    ("last_purchase_date", "date"),
    ("average_value", "float8"),
    ("prob_alive", "float8"),
    ("expected_purchases", "float8"),
    ("expected_revenue", "float8"),
    ("value_at_risk", "float8"),
    ("alive_band", "int2"),
    ("value_decile", "int4"),
)
BANDS = ("likely", "uncertain", "lost", "single")
# Columns of client_clv_summary, as read (binary COPY) by every run.
INPUT_COLUMNS = (
    ("partner_id", "int4"),
    ("repeat_purchases", "int4"),
    ("first_purchase_date", "date"),
    ("last_purchase_date", "date"),
    ("average_value", "float8"),
)


class ClientClvEngine(models.AbstractModel):
    """Fit and score of the predicted-value models of one company, in the
    nightly segment run (client.segment.engine._after_changes): the purchase
    summaries of the clients whose documents changed since the last run
    re-aggregated into client.clv.summary (the engine's own documents:
    currencies, refunds, revenue source; every client on the first run),
    every summary read in one binary COPY, the fit on the distinct
    summaries, the scores of every client copied into a temporary table and
    applied in one UPDATE of only the changed rows. Raw SQL: the segment
    engine's callers checked the rights."""

    _name = "client.clv.engine"
    _description = "Client Predicted Value Engine"

    @api.model
    def _run_company(self, company, today, first_run):
        """Fit and score ``company``; never raises: a failure is logged and
        shown on the company's model page, the other companies go on, the
        previous results stay. Returns the model record."""
        model = self.env["client.clv.model"]._for_company(company)
        started = time.monotonic()
        try:
            with self.env.cr.savepoint():
                self._fit_and_score(model, today, first_run)
        except Exception as error:  # noqa: BLE001 - one company's failure
            _logger.exception("Predicted value of %s failed", company.name)
            self.env.invalidate_all()
            model.write(
                {
                    "state": "failed",
                    "last_run_at": fields.Datetime.now(),
                    "status_message": self.env._(
                        "The last run failed (%(error)s); the results of the last "
                        "good run are kept.",
                        error=str(error) or type(error).__name__,
                    ),
                }
            )
        _logger.info(
            "Predicted value of %s: %s in %.1fs",
            company.name,
            model.state,
            time.monotonic() - started,
        )
        return model

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------

    @api.model
    def _summary_sql(self, company, today, scope=None):
        """One row per client of ``company`` with a purchase up to
        ``today``: purchase days (several documents of a day are one
        purchase, a credit note lowers the value of the client's last
        purchase day up to its own day), repeat purchases ``x``, first and
        last purchase day, average net value ``m`` of the repeat purchase
        days (0 without one). ``scope``: a temporary table of the
        clients to aggregate (default: every client)."""
        documents = self.env["client.segment.engine"]._documents_sql(company, today)
        in_scope = (
            SQL("TRUE")
            if scope is None
            else SQL("partner_id IN (SELECT partner_id FROM %s)", scope.sql)
        )
        return SQL(
            """
            WITH days AS (
                SELECT partner_id, day, SUM(amount) AS amount,
                       BOOL_OR(is_purchase) AS purchase
                  FROM (%(documents)s) documents
                 WHERE counts AND day <= %(today)s AND %(in_scope)s
                 GROUP BY partner_id, day
            ), numbered AS (
                SELECT partner_id, day, amount,
                       COUNT(*) FILTER (WHERE purchase)
                           OVER (PARTITION BY partner_id ORDER BY day) AS n
                  FROM days
            ), purchases AS (
                SELECT partner_id, n, MIN(day) AS day, SUM(amount) AS amount
                  FROM numbered WHERE n > 0
                 GROUP BY partner_id, n
            )
            SELECT partner_id, (COUNT(*) - 1)::int4 AS x,
                   MIN(day) AS first_day, MAX(day) AS last_day,
                   COALESCE(AVG(amount) FILTER (WHERE n > 1), 0)::float8 AS m
              FROM purchases
             GROUP BY partner_id
            """,
            documents=documents,
            today=today,
            in_scope=in_scope,
        )

    @api.model
    def _read_summary(self, company, today):
        """Every client's summary aggregated from the documents (no store):
        arrays by client, as :meth:`_read_inputs` gives them."""
        self.env.flush_all()
        self._jit_off()
        return self._copy_inputs(
            SQL(
                "SELECT * FROM (%s) summary ORDER BY partner_id",
                self._summary_sql(company, today),
            ),
            today,
        )

    @api.model
    def _jit_off(self):
        # a large but cheap statement: compiling it (JIT) costs seconds and
        # saves nothing (as the segment engine's run); local to the transaction
        self.env.cr.execute(SQL("SELECT set_config('jit', 'off', true)"))

    @api.model
    def _read_inputs(self, company, today):
        """Every stored summary of ``company`` (client.clv.summary), by
        client: the models' inputs on ``today``."""
        self.env["client.clv.summary"].flush_model()
        return self._copy_inputs(
            SQL(
                """
                SELECT partner_id, repeat_purchases, first_purchase_date,
                       last_purchase_date, average_value
                  FROM client_clv_summary
                 WHERE company_id = %s
                 ORDER BY partner_id
                """,
                company.id,
            ),
            today,
        )

    @api.model
    def _copy_inputs(self, query, today):
        """The rows of ``query`` (the columns of INPUT_COLUMNS) read in one
        binary COPY into arrays: ``partner_id``, ``x``, ``first_day`` and
        ``last_day`` (PostgreSQL day numbers), ``t_x_days``, ``age_days``
        (to ``today``) and ``m``; no Python object per client."""
        buffer = io.BytesIO()
        self._copy_expert(SQL("COPY (%s) TO STDOUT (FORMAT binary)", query), buffer)
        partner, x, first, last, m = pgcopy.read(
            buffer.getbuffer(), [kind for _name, kind in INPUT_COLUMNS]
        )
        del buffer
        first = first.astype(np.int64)
        last = last.astype(np.int64)
        return {
            "partner_id": partner.astype(np.int64),
            "x": x.astype(np.int64),
            "first_day": first,
            "last_day": last,
            "t_x_days": last - first,
            "age_days": pgcopy.from_date(today) - first,
            "m": m,
        }

    @api.model
    def _copy_expert(self, sql, buffer):
        """COPY through the cursor (the statement with its parameters
        bound: COPY takes none)."""
        cr = self.env.cr
        cr.copy_expert(cr.mogrify(sql.code, sql.params).decode(), buffer)

    # ------------------------------------------------------------------
    # Stored summaries
    # ------------------------------------------------------------------

    @api.model
    def _update_summaries(self, model, today):
        """Bring client.clv.summary up to date with the documents of
        ``today``: every client the first time (or after a change of the
        revenue source), afterwards only the clients whose documents
        changed since the last run. Returns the number of clients
        re-aggregated and the temporary table of them (None when every
        client was: the caller drops it)."""
        company = model.company_id
        cr = self.env.cr
        Segments = self.env["client.segment.engine"]
        cutoff = Segments._cutoff()
        version = company._segment_profile().figures_version
        full = (
            not model.summary_cutoff
            or not model.summary_date
            or model.summary_version != version
        )
        self.env.flush_all()
        self._jit_off()
        scope = None if full else self._changed_clients(model, today)
        fresh = TempTable(
            cr,
            "client_clv_fresh",
            self._summary_sql(company, today, scope),
        )
        gone = (
            SQL("TRUE")
            if scope is None
            else SQL("s.partner_id IN (SELECT partner_id FROM %s)", scope.sql)
        )
        cr.execute(
            SQL(
                """
                DELETE FROM client_clv_summary s
                 WHERE s.company_id = %(company)s AND %(gone)s
                   AND NOT EXISTS (SELECT 1 FROM %(fresh)s f
                                    WHERE f.partner_id = s.partner_id)
                """,
                company=company.id,
                gone=gone,
                fresh=fresh.sql,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO client_clv_summary AS s
                       (company_id, partner_id, repeat_purchases,
                        first_purchase_date, last_purchase_date, average_value,
                        dirty)
                SELECT %(company)s, partner_id, x, first_day, last_day, m, FALSE
                  FROM %(fresh)s
                ON CONFLICT (company_id, partner_id) DO UPDATE
                   SET (repeat_purchases, first_purchase_date, last_purchase_date,
                        average_value, dirty)
                       = ROW(EXCLUDED.repeat_purchases, EXCLUDED.first_purchase_date,
                             EXCLUDED.last_purchase_date, EXCLUDED.average_value,
                             FALSE)
                 WHERE s.dirty
                    OR (s.repeat_purchases, s.first_purchase_date,
                        s.last_purchase_date, s.average_value)
                       IS DISTINCT FROM
                       (EXCLUDED.repeat_purchases, EXCLUDED.first_purchase_date,
                        EXCLUDED.last_purchase_date, EXCLUDED.average_value)
                """,
                company=company.id,
                fresh=fresh.sql,
            )
        )
        aggregated = fresh.count() if scope is None else scope.count()
        fresh.drop()
        self.env["client.clv.summary"].invalidate_model()
        model.write(
            {
                "summary_cutoff": cutoff,
                "summary_date": today,
                "summary_version": version,
            }
        )
        return aggregated, scope

    @api.model
    def _changed_clients(self, model, today):
        """The clients whose summary may have changed since the last run
        (a temporary table): documents created, edited, cancelled or
        refunded since then, documents whose day was reached since then
        (or left behind, a clock set back), partners edited since then (a
        re-parented contact brings its documents), summaries marked dirty
        (documents moved away without an edit: client.segment.engine's
        _mark_dirty and its ``partners``)."""
        company = model.company_id
        documents = self.env["client.segment.engine"]._documents_sql(company, today)
        previous = model.summary_date
        return TempTable(
            self.env.cr,
            "client_clv_changed",
            SQL(
                """
                SELECT partner_id FROM (%(documents)s) documents
                 WHERE write_date >= %(since)s
                 UNION
                SELECT partner_id FROM (%(documents)s) documents
                 WHERE counts AND day > %(low)s AND day <= %(high)s
                 UNION
                SELECT commercial_partner_id FROM res_partner
                 WHERE write_date >= %(since)s AND commercial_partner_id IS NOT NULL
                 UNION
                SELECT partner_id FROM client_clv_summary
                 WHERE company_id = %(company)s AND dirty
                """,
                documents=documents,
                since=model.summary_cutoff,
                low=min(previous, today),
                high=max(previous, today),
                company=company.id,
            ),
        )

    @api.model
    def _missing_data(self, data):
        """What the data lacks for a fit, in words; empty when enough."""
        _ = self.env._
        clients = len(data["x"])
        repeat = int((data["x"] > 0).sum())
        history = int(data["age_days"].max()) if clients else 0
        missing = []
        if clients < MIN_CLIENTS:
            missing.append(
                _(
                    "%(count)s clients with a purchase, %(min)s needed",
                    count=clients,
                    min=MIN_CLIENTS,
                )
            )
        if repeat < MIN_REPEAT_CLIENTS:
            missing.append(
                _(
                    "%(count)s clients who bought on a second day, %(min)s needed",
                    count=repeat,
                    min=MIN_REPEAT_CLIENTS,
                )
            )
        if history < MIN_HISTORY_DAYS:
            missing.append(
                _(
                    "%(days)s days of purchases, %(min)s needed",
                    days=history,
                    min=MIN_HISTORY_DAYS,
                )
            )
        return missing

    # ------------------------------------------------------------------
    # Fit
    # ------------------------------------------------------------------

    @api.model
    def _fit_and_score(self, model, today, first_run):
        # every summary had its score after the last run when it had
        # parameters: then only the re-aggregated clients can be new or gone
        scored = model._params() is not None
        _aggregated, scope = self._update_summaries(model, today)
        try:
            self._fit_and_score_summaries(
                model, today, first_run, scope if scored else None
            )
        finally:
            if scope is not None:
                scope.drop()

    @api.model
    def _fit_and_score_summaries(self, model, today, first_run, scope):
        """Fit and score on the stored summaries; ``scope``: the clients that
        alone can have appeared or disappeared since the last scores (None:
        any)."""
        data = self._read_inputs(model.company_id, today)
        now = fields.Datetime.now()
        values = {"last_run_at": now}
        missing = self._missing_data(data)
        grouped = bgnbd.group_days(
            data["x"], data["t_x_days"], data["age_days"], UNIT_DAYS
        )
        if missing:
            values.update(
                state="insufficient",
                status_message=self.env._(
                    "Not fitted, too little data: %(missing)s.%(kept)s",
                    missing="; ".join(missing),
                    kept=self._kept_note(model),
                ),
            )
        else:
            try:
                values.update(self._fit(data, grouped, model._params()))
                values.update(state="fitted", fitted_at=now, status_message=False)
            except (bgnbd.FitError, gamma_gamma.FitError) as error:
                values.update(
                    state="failed",
                    status_message=self.env._(
                        "The fit did not converge (%(error)s).%(kept)s",
                        error=str(error),
                        kept=self._kept_note(model),
                    ),
                )
        model.write(values)
        params = model._params()
        if params is None:
            self._delete_scores(model.company_id, None)
            return
        if values["state"] == "fitted":
            self._write_fit_check(model, data, params[0])
        self._score(model, data, grouped, params, first_run, scope)

    @api.model
    def _kept_note(self, model):
        if not model.fitted_at:
            return ""
        return " " + self.env._(
            "The parameters fitted on %(date)s are kept and used.",
            date=fields.Date.to_string(model.fitted_at.date()),
        )

    @api.model
    def _fit(self, data, grouped, last=None):
        """Fit BG/NBD on the distinct (x, t_x, T) with their counts and
        Gamma-Gamma on the repeat buyers; the model page's values. ``last``:
        the parameters of the last good fit, where the optimiser starts
        (yesterday's optimum is a few steps from today's); from the default
        start again when that does not converge."""
        gx, gt, gT, weights, _inverse = grouped
        usable = (data["x"] > 0) & (data["m"] > 0)
        starts = [None] if last is None else [last, None]
        for start_params in starts:
            try:
                if start_params is None:
                    (r, alpha, a, b), ll = bgnbd.fit(gx, gt, gT, weights=weights)
                    (p, q, v), gg_ll = gamma_gamma.fit(
                        data["x"][usable], data["m"][usable]
                    )
                else:
                    (r, alpha, a, b), ll = bgnbd.fit(
                        gx, gt, gT, weights=weights, start=start_params[0]
                    )
                    (p, q, v), gg_ll = gamma_gamma.fit(
                        data["x"][usable], data["m"][usable], start=start_params[1]
                    )
                break
            except (bgnbd.FitError, gamma_gamma.FitError):
                if start_params is None:
                    raise
        first, last_day = pgcopy.to_dates(
            [data["first_day"].min(), data["last_day"].max()]
        )
        return {
            "bgnbd_r": r,
            "bgnbd_alpha": alpha,
            "bgnbd_a": a,
            "bgnbd_b": b,
            "bgnbd_log_likelihood": ll,
            "gg_p": p,
            "gg_q": q,
            "gg_v": v,
            "gg_log_likelihood": gg_ll,
            "client_count": len(data["x"]),
            "repeat_client_count": int((data["x"] > 0).sum()),
            "value_client_count": int(usable.sum()),
            "period_start": first,
            "period_end": last_day,
        }

    @api.model
    def _write_fit_check(self, model, data, params):
        """Clients by repeat purchases, actual and expected (the expected:
        P(X(T_i) = x) summed over the clients' ages, per distinct age)."""
        ages, counts = np.unique(data["age_days"], return_counts=True)
        t = np.maximum(ages / UNIT_DAYS, 1e-9)
        lines = []
        expected_below = np.zeros_like(t)
        for x in range(FIT_CHECK_MAX + 1):
            if x < FIT_CHECK_MAX:
                probability = bgnbd.probability_purchases(params, t, x)
                expected_below += probability
                actual = int((data["x"] == x).sum())
                label = str(x)
            else:
                probability = np.clip(1 - expected_below, 0, 1)
                actual = int((data["x"] >= x).sum())
                label = f"{x}+"
            lines.append(
                {
                    "model_id": model.id,
                    "repeat_purchases": x,
                    "label": label,
                    "actual_clients": actual,
                    "expected_clients": float(np.dot(counts, probability)),
                }
            )
        model.line_ids.unlink()
        self.env["client.clv.model.line"].sudo().create(lines)

    # ------------------------------------------------------------------
    # Scores
    # ------------------------------------------------------------------

    @api.model
    def _scores(self, model, data, grouped, params):
        """Arrays of the score columns of every client of ``data``."""
        bg_params, gg_params = params
        gx, gt, gT, _weights, inverse = grouped
        weeks = model.horizon_days / UNIT_DAYS
        alive = bgnbd.probability_alive(bg_params, gx, gt, gT)[inverse]
        purchases = bgnbd.expected_purchases(bg_params, weeks, gx, gt, gT)[inverse]
        value = gamma_gamma.expected_average_value(gg_params, data["x"], data["m"])
        digits = model.company_id.currency_id.decimal_places
        revenue = np.round(purchases * value, digits)
        if_active = purchases / np.maximum(alive, 1e-12) * value
        at_risk = np.round(np.maximum(if_active - purchases * value, 0), digits)
        percent = np.round(alive * 100, 2)
        # indexes in BANDS: likely, uncertain, lost, single
        band = np.where(
            percent >= model.likely_threshold,
            0,
            np.where(percent < model.lost_threshold, 2, 1),
        )
        band = np.where(data["x"] == 0, 3, band).astype(np.int16)
        # deciles of the expected revenue: 1 = the top tenth
        order = np.lexsort((data["partner_id"], -revenue))
        decile = np.empty(len(order), dtype=np.int64)
        decile[order] = np.arange(len(order)) * 10 // max(len(order), 1) + 1
        return {
            "prob_alive": percent,
            "expected_purchases": np.round(purchases, 4),
            "expected_revenue": revenue,
            "value_at_risk": at_risk,
            "alive_band": band,
            "value_decile": decile,
            "average_value": np.round(data["m"], digits),
        }

    @api.model
    def _score(self, model, data, grouped, params, first_run, scope=None):
        company = model.company_id
        scores = self._scores(model, data, grouped, params)
        cr = self.env.cr
        new = TempTable(
            cr,
            "client_clv_new",
            SQL(
                "SELECT %s LIMIT 0",
                SQL(", ").join(
                    SQL("NULL::%s AS %s", SQL(kind), SQL.identifier(name))
                    for name, kind in SCORE_COLUMNS
                ),
            ),
            key=None,  # joined by hash: an index would only slow the COPY
            analyze=False,
        )
        columns = [
            data["partner_id"],
            data["x"],
            data["first_day"],
            data["last_day"],
            # no average without a repeat purchase: NaN, NULL in the table
            np.where(data["x"] > 0, scores["average_value"], np.nan),
        ] + [
            scores[name]
            for name in (
                "prob_alive",
                "expected_purchases",
                "expected_revenue",
                "value_at_risk",
                "alive_band",
                "value_decile",
            )
        ]
        self._copy_expert(
            SQL("COPY %s FROM STDIN (FORMAT binary)", new.sql),
            pgcopy.Writer(columns, [kind for _name, kind in SCORE_COLUMNS]),
        )
        del columns, scores
        cr.execute(SQL("ANALYZE %s", new.sql))
        self.env["client.clv.score"].flush_model()
        self._apply_triggers(company, new, model, first_run)
        self._apply_scores(company, new, scope)
        self._delete_scores(company, new, scope)
        new.drop()
        self.env["client.clv.score"].invalidate_model()

    @api.model
    def _new_values(self, new):
        """The score columns of the temporary table ``new`` as stored
        (float8 to numeric: 15 significant digits, which gives back the
        rounded decimals; the band's name; NaN average to NULL)."""
        values = []
        for name, _kind in SCORE_COLUMNS[1:]:
            column = SQL("%s.%s", new, SQL.identifier(name))
            if name == "alive_band":
                column = SQL("(%s::varchar[])[%s + 1]", list(BANDS), column)
            elif name == "average_value":
                column = SQL("NULLIF(%s, 'NaN'::float8)::numeric", column)
            elif _kind == "float8":
                column = SQL("%s::numeric", column)
            values.append(column)
        return SQL(", ").join(values)

    @api.model
    def _apply_scores(self, company, new, scope=None):
        """One UPDATE of the rows whose stored values changed, one INSERT of
        the new clients' rows (among ``scope`` when given), from the copied
        table ``new``."""
        cr = self.env.cr
        names = SQL(", ").join(
            SQL.identifier(name) for name, _kind in SCORE_COLUMNS[1:]
        )
        current = SQL(", ").join(
            SQL("s.%s", SQL.identifier(name)) for name, _kind in SCORE_COLUMNS[1:]
        )
        values = self._new_values(SQL("n"))
        cr.execute(
            SQL(
                """
                UPDATE client_clv_score s
                   SET (%(names)s) = ROW(%(values)s)
                  FROM %(new)s n
                 WHERE s.company_id = %(company)s AND s.partner_id = n.partner_id
                   AND (%(current)s) IS DISTINCT FROM (%(values)s)
                """,
                names=names,
                values=values,
                current=current,
                new=new.sql,
                company=company.id,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO client_clv_score (company_id, partner_id, %(names)s)
                SELECT %(company)s, n.partner_id, %(values)s FROM %(new)s n
                 WHERE %(in_scope)s AND NOT EXISTS (SELECT 1 FROM client_clv_score s
                                    WHERE s.company_id = %(company)s
                                      AND s.partner_id = n.partner_id)
                """,
                names=names,
                values=values,
                new=new.sql,
                company=company.id,
                in_scope=self._in_scope(SQL("n.partner_id"), scope),
            )
        )

    @api.model
    def _in_scope(self, column, scope):
        if scope is None:
            return SQL("TRUE")
        return SQL("%s IN (SELECT partner_id FROM %s)", column, scope.sql)

    @api.model
    def _delete_scores(self, company, new, scope=None):
        """Remove the scores of clients no longer in ``new`` (all of the
        company's when ``new`` is None), among ``scope`` when given."""
        self.env["client.clv.score"].flush_model()
        if new is None:
            self.env.cr.execute(
                SQL("DELETE FROM client_clv_score WHERE company_id = %s", company.id)
            )
        else:
            self.env.cr.execute(
                SQL(
                    """
                    DELETE FROM client_clv_score s
                     WHERE s.company_id = %(company)s AND %(in_scope)s
                       AND NOT EXISTS (SELECT 1 FROM %(new)s n
                                        WHERE n.partner_id = s.partner_id)
                    """,
                    company=company.id,
                    new=new.sql,
                    in_scope=self._in_scope(SQL("s.partner_id"), scope),
                )
            )
        self.env["client.clv.score"].invalidate_model()

    @api.model
    def _apply_triggers(self, company, new, model, first_run):
        """Work plans of the trigger kind "probability still active falls
        below X %": a change set of the clients (with a repeat purchase) who
        crossed a threshold since their last score, handed to the work plan
        triggers as the segment engine does (dimension ``clv_alive``, value
        the threshold)."""
        Trigger = self.env["client.work.plan.trigger"].sudo()
        triggers = Trigger.search(
            [("company_id", "=", company.id), ("dimension", "=", "clv_alive")]
        )
        if not triggers:
            return
        thresholds = sorted(set(triggers.mapped("clv_threshold")))
        cr = self.env.cr
        changes = TempTable(
            cr,
            "client_clv_changes",
            SQL(
                """
                SELECT n.partner_id, 'clv_alive'::varchar AS dimension,
                       CASE WHEN o.prob_alive < t.threshold THEN t.value END
                           ::varchar AS old_value,
                       CASE WHEN n.prob_alive < t.threshold THEN t.value END
                           ::varchar AS new_value
                  FROM %(new)s n
                  JOIN client_clv_score o
                    ON o.company_id = %(company)s AND o.partner_id = n.partner_id
                 CROSS JOIN unnest(%(thresholds)s::float8[], %(values)s::varchar[])
                       AS t(threshold, value)
                 WHERE n.repeat_purchases > 0
                   AND (o.prob_alive < t.threshold)
                       IS DISTINCT FROM (n.prob_alive < t.threshold)
                """,
                new=new.sql,
                company=company.id,
                thresholds=thresholds,
                values=[Trigger._clv_value(threshold) for threshold in thresholds],
            ),
        )
        today = fields.Date.context_today(self.with_company(company))
        Trigger._apply_changes(company, changes, today, first_run)
        changes.drop()
