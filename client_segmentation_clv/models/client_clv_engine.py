import io
import logging
import time

import numpy as np

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.client_segmentation.sqlutil import TempTable

from ..tools import bgnbd, gamma_gamma

_logger = logging.getLogger(__name__)

# The least data a fit needs (docs/clv-cdnow.md, "Minimum data"): clients
# with a purchase, clients with a repeat purchase day, days of history.
MIN_CLIENTS = 300
MIN_REPEAT_CLIENTS = 100
MIN_HISTORY_DAYS = 180
# Days in the time unit of the fit (weeks, as in the paper).
UNIT_DAYS = 7
# Score rows upserted per statement.
WRITE_BATCH = 100_000
# Repeat purchases of the fit check: 0 .. FIT_CHECK_MAX - 1, then "N+".
FIT_CHECK_MAX = 7
# Columns of client_clv_score the engine writes, in the COPY order.
SCORE_COLUMNS = (
    "partner_id",
    "repeat_purchases",
    "first_purchase_date",
    "last_purchase_date",
    "average_value",
    "prob_alive",
    "expected_purchases",
    "expected_revenue",
    "value_at_risk",
    "alive_band",
    "value_decile",
)


class ClientClvEngine(models.AbstractModel):
    """Fit and score of the predicted-value models of one company, in the
    nightly segment run (client.segment.engine._after_changes): one query
    for every client's purchase days summary (the engine's own documents:
    currencies, refunds, revenue source), the fit on the distinct summaries,
    the scores of every client, one upsert per batch of only the changed
    rows. Raw SQL: the segment engine's callers checked the rights."""

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
    def _summary_sql(self, company, today):
        """One row per client of ``company`` with a purchase up to
        ``today``: purchase days (several documents of a day are one
        purchase, a credit note lowers the value of the client's last
        purchase day up to its own day), repeat purchases ``x``, days from
        the first to the last purchase and to ``today``, average net value of
        the repeat purchase days."""
        documents = self.env["client.segment.engine"]._documents_sql(company, today)
        return SQL(
            """
            WITH days AS (
                SELECT partner_id, day, SUM(amount) AS amount,
                       BOOL_OR(is_purchase) AS purchase
                  FROM (%(documents)s) documents
                 WHERE counts AND day <= %(today)s
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
                   MAX(day) - MIN(day) AS t_x_days,
                   %(today)s::date - MIN(day) AS age_days,
                   MIN(day) AS first_day, MAX(day) AS last_day,
                   COALESCE(AVG(amount) FILTER (WHERE n > 1), 0)::float8 AS m
              FROM purchases
             GROUP BY partner_id
             ORDER BY partner_id
            """,
            documents=documents,
            today=today,
        )

    @api.model
    def _read_summary(self, company, today):
        self.env.flush_all()
        cr = self.env.cr
        # a large but cheap statement: compiling it (JIT) costs seconds and
        # saves nothing (as the segment engine's run); local to the transaction
        cr.execute(SQL("SELECT set_config('jit', 'off', true)"))
        cr.execute(self._summary_sql(company, today))
        rows = cr.fetchall()
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return {
                "partner_id": empty,
                "x": empty,
                "t_x_days": empty,
                "age_days": empty,
                "first_day": [],
                "last_day": [],
                "m": np.zeros(0),
            }
        columns = list(zip(*rows, strict=True))
        return {
            "partner_id": np.array(columns[0], dtype=np.int64),
            "x": np.array(columns[1], dtype=np.int64),
            "t_x_days": np.array(columns[2], dtype=np.int64),
            "age_days": np.array(columns[3], dtype=np.int64),
            "first_day": columns[4],
            "last_day": columns[5],
            "m": np.array(columns[6], dtype=float),
        }

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
        data = self._read_summary(model.company_id, today)
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
                values.update(self._fit(data, grouped))
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
        self._score(model, data, grouped, params, first_run)

    @api.model
    def _kept_note(self, model):
        if not model.fitted_at:
            return ""
        return " " + self.env._(
            "The parameters fitted on %(date)s are kept and used.",
            date=fields.Date.to_string(model.fitted_at.date()),
        )

    @api.model
    def _fit(self, data, grouped):
        """Fit BG/NBD on the distinct (x, t_x, T) with their counts and
        Gamma-Gamma on the repeat buyers; the model page's values."""
        gx, gt, gT, weights, _inverse = grouped
        (r, alpha, a, b), ll = bgnbd.fit(gx, gt, gT, weights=weights)
        usable = (data["x"] > 0) & (data["m"] > 0)
        (p, q, v), gg_ll = gamma_gamma.fit(data["x"][usable], data["m"][usable])
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
            "period_start": min(data["first_day"]),
            "period_end": max(data["last_day"]),
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
        band = np.where(
            percent >= model.likely_threshold,
            "likely",
            np.where(percent < model.lost_threshold, "lost", "uncertain"),
        )
        band = np.where(data["x"] == 0, "single", band)
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
    def _score(self, model, data, grouped, params, first_run):
        company = model.company_id
        scores = self._scores(model, data, grouped, params)
        cr = self.env.cr
        new = TempTable(
            cr,
            "client_clv_new",
            SQL(
                "SELECT %s FROM client_clv_score LIMIT 0",
                SQL(", ").join(SQL.identifier(name) for name in SCORE_COLUMNS),
            ),
            analyze=False,
        )
        buffer = io.StringIO()
        average = np.where(data["x"] > 0, scores["average_value"], np.nan)
        for row in zip(
            data["partner_id"].tolist(),
            data["x"].tolist(),
            data["first_day"],
            data["last_day"],
            average.tolist(),
            scores["prob_alive"].tolist(),
            scores["expected_purchases"].tolist(),
            scores["expected_revenue"].tolist(),
            scores["value_at_risk"].tolist(),
            scores["alive_band"].tolist(),
            scores["value_decile"].tolist(),
            strict=True,
        ):
            buffer.write(
                "%d\t%d\t%s\t%s\t%s\t%r\t%r\t%r\t%r\t%s\t%d\n"
                % (*row[:4], r"\N" if row[4] != row[4] else repr(row[4]), *row[5:])
            )
        buffer.seek(0)
        cr.copy_expert(
            SQL("COPY %s FROM STDIN", new.sql).code,
            buffer,
        )
        cr.execute(SQL("ANALYZE %s", new.sql))
        self._apply_triggers(company, new, model, first_run)
        self._upsert(company, new)
        self._delete_scores(company, new)
        new.drop()
        self.env["client.clv.score"].invalidate_model()

    @api.model
    def _upsert(self, company, new):
        """Insert new clients, update only the rows whose values changed."""
        cr = self.env.cr
        columns = SCORE_COLUMNS[1:]
        names = SQL(", ").join(SQL.identifier(name) for name in columns)
        excluded = SQL(", ").join(
            SQL("EXCLUDED.%s", SQL.identifier(name)) for name in columns
        )
        current = SQL(", ").join(
            SQL("client_clv_score.%s", SQL.identifier(name)) for name in columns
        )
        cr.execute(SQL("SELECT min(partner_id), max(partner_id) FROM %s", new.sql))
        low, high = cr.fetchone()
        if low is None:
            return
        cr.execute(SQL("SELECT partner_id FROM %s ORDER BY partner_id", new.sql))
        ids = [row[0] for row in cr.fetchall()]
        for start in range(0, len(ids), WRITE_BATCH):
            first = ids[start]
            last = ids[min(start + WRITE_BATCH, len(ids)) - 1]
            cr.execute(
                SQL(
                    """
                    INSERT INTO client_clv_score (company_id, partner_id, %(names)s)
                    SELECT %(company)s, partner_id, %(names)s FROM %(new)s
                     WHERE partner_id BETWEEN %(first)s AND %(last)s
                    ON CONFLICT (company_id, partner_id) DO UPDATE
                       SET (%(names)s) = ROW(%(excluded)s)
                     WHERE (%(current)s) IS DISTINCT FROM (%(excluded)s)
                    """,
                    names=names,
                    excluded=excluded,
                    current=current,
                    company=company.id,
                    new=new.sql,
                    first=first,
                    last=last,
                )
            )

    @api.model
    def _delete_scores(self, company, new):
        """Remove the scores of clients no longer in ``new`` (all of the
        company's when ``new`` is None)."""
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
                     WHERE s.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM %(new)s n
                                        WHERE n.partner_id = s.partner_id)
                    """,
                    company=company.id,
                    new=new.sql,
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
