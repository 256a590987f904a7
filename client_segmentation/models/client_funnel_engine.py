import logging
from collections import namedtuple

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..sqlutil import jsonb_clear_key, jsonb_set_key
from ..tools import funnel

_logger = logging.getLogger(__name__)

# One kind of interest signal (see ClientFunnelEngine._interest_sources):
# ``partners`` selects ``partner_id`` (commercial) and ``temperature`` (hot,
# warm) of the clients having it today; ``changed`` (or None) the clients
# whose signal may have changed since the company's last run.
InterestSource = namedtuple("InterestSource", ("name", "partners", "changed"))

# Stage-change notes logged per _message_log_batch() call.
MESSAGE_BATCH_SIZE = 1_000


class ClientFunnelEngine(models.AbstractModel):
    """Funnel stages and temperature in SQL: the rules of
    :mod:`..tools.funnel` (the reference, tested against this), for the
    segment engine's one write per partner and for manual changes, and the
    chatter log of the stage changes the engine makes.

    Raw SQL bypasses access rules: callers check rights.
    """

    _name = "client.funnel.engine"
    _description = "Client Funnel Engine"

    @api.model
    def _needs_full_update(self, company):
        """Every client must be re-examined when the funnel thresholds or the
        stages changed since the last run (or there was none)."""
        last_run = company.segment_last_run_at
        profile = company._segment_profile()
        if not last_run or profile.funnel_applied_version != profile.funnel_version:
            return True
        Stage = self.env["client.funnel.stage"].with_context(active_test=False)
        return bool(Stage.search_count([("write_date", ">=", last_run)], limit=1))

    @api.model
    def _stage_sql(self, company, aliases, assign=True, scope=None):
        """SQL pieces that decide the stage and temperature of a client of
        ``company``. Every table the pieces read is named by the caller in
        ``aliases`` (a dict of :class:`SQL` identifiers):

        - ``partner``: the client's res_partner row, in the select;
        - ``figures``: a row with its segment columns (recency_segment,
          segment_purchase_count, segment_first/last_purchase_date,
          rhythm_state);
        - ``target``: the res_partner row of the ``UPDATE`` that writes;
        - ``source``: the ``UPDATE``'s source row, holding ``columns`` and
          ``is_client``.

        ``assign=False`` keeps the stage and only refreshes the temperature
        (after a manual change). ``scope``: a function of a commercial
        partner id column giving the condition of the statement's clients
        (the batch), so that the interest signals (:meth:`_signals_sql`) are
        gathered for them only, in the same statement.

        Returns a dict: ``joins`` (lateral joins to add after ``partner``;
        they add the aliases fc, fcs, fr, fn and fns), ``columns`` (select
        list: current_stage, new_stage, current_reason, current_refusal_date,
        clear_reason, new_temperature, old_temperature), ``set`` (assignments
        of the ``UPDATE`` of ``target`` from ``source``) and ``differs``
        (whether ``source`` changes ``target``).
        """
        partner = aliases["partner"]
        figures = aliases["figures"]
        updated = aliases["target"]
        source = aliases["source"]
        key = str(company.id)
        profile = company._segment_profile()
        # sudo: reads the fallback (ir.default) of any company the run is
        # for, the cron's user need not be allowed in it.
        Partner = self.env["res.partner"].sudo().with_company(company)
        Stage = self.env["client.funnel.stage"]
        fallback = Partner._fields["funnel_stage_id"].get_company_dependent_fallback(
            Partner
        )
        fallback_id = fallback.id or None
        temperature_fallback = (
            Partner._fields["temperature"].get_company_dependent_fallback(Partner)
            or None
        )
        rule_stages = Stage._funnel_rule_stages()
        manual_ids = (
            Stage.with_context(active_test=False)
            .search([("is_automatic", "=", False)])
            .ids
        )

        def stored(column, cast):
            return SQL(
                "(%s.%s ->> %s)::%s", partner, SQL.identifier(column), key, SQL(cast)
            )

        def figure(column):
            return SQL("%s.%s", figures, SQL.identifier(column))

        purchases = SQL("COALESCE(%s, 0)", figure("segment_purchase_count"))
        long_cooperation = SQL(
            """(%(purchases)s >= %(long_purchases)s
                AND (%(long_months)s = 0
                     OR %(last)s
                        >= %(first)s + make_interval(months => %(long_months)s)))""",
            purchases=purchases,
            long_purchases=profile.segment_funnel_long_purchases,
            long_months=profile.segment_funnel_long_months,
            first=figure("segment_first_purchase_date"),
            last=figure("segment_last_purchase_date"),
        )
        rule = SQL(
            """CASE WHEN %(purchases)s > 0 THEN
                        CASE WHEN %(recency)s = 'sleeping' THEN
                                  CASE WHEN %(long)s THEN 'platinum_red'
                                       ELSE 'red_gold' END
                             WHEN %(purchases)s >= %(platinum)s THEN 'platinum'
                             ELSE 'gold' END
                    WHEN %(partner)s.is_company AND NOT EXISTS (
                        SELECT 1 FROM res_partner dm
                         WHERE dm.commercial_partner_id = %(partner)s.id
                           AND dm.is_decision_maker AND dm.active) THEN 'grey'
                    ELSE 'white' END""",
            purchases=purchases,
            recency=figure("recency_segment"),
            long=long_cooperation,
            platinum=profile.segment_funnel_platinum_purchases,
            partner=partner,
        )
        if assign and rule_stages:
            target = SQL(
                "CASE fr.rule %s END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", name, stage_id)
                    for name, stage_id in rule_stages.items()
                ),
            )
            # Same precedence as tools.funnel.next_stage_rule.
            new_stage = SQL(
                """CASE WHEN fr.locked OR fr.refusal_stands THEN fr.current
                        WHEN fr.rule IN %(purchase_rules)s
                            THEN COALESCE(%(target)s, fr.current)
                        WHEN fr.current = ANY(%(manual)s) THEN fr.current
                        ELSE COALESCE(%(target)s, fr.current) END""",
                purchase_rules=funnel.PURCHASE_RULES,
                target=target,
                manual=manual_ids,
            )
        else:
            new_stage = SQL("fr.current")
        joins = SQL(
            """
            CROSS JOIN LATERAL (
                SELECT COALESCE(%(current)s, %(fallback)s) AS current,
                       %(reason)s AS reason,
                       %(refusal_date)s AS refusal_date
            ) fc
            LEFT JOIN client_funnel_stage fcs ON fcs.id = fc.current
            CROSS JOIN LATERAL (
                SELECT fc.*,
                       COALESCE(%(locked)s, FALSE) AS locked,
                       %(rule)s AS rule,
                       -- a refusal stands until the client buys after it
                       (COALESCE(fcs.requires_reason, FALSE)
                        AND fc.reason IS NOT NULL
                        AND NOT COALESCE(%(last_purchase)s > fc.refusal_date,
                                         FALSE)) AS refusal_stands
            ) fr
            CROSS JOIN LATERAL (SELECT %(new_stage)s AS new_stage) fn
            LEFT JOIN client_funnel_stage fns ON fns.id = fn.new_stage
            LEFT JOIN (%(signals)s) fsig ON fsig.partner_id = %(partner)s.id
            """,
            signals=self._signals_sql(company, scope),
            partner=partner,
            current=stored("funnel_stage_id", "int4"),
            fallback=fallback_id,
            reason=stored("refusal_reason_id", "int4"),
            refusal_date=stored("refusal_date", "date"),
            locked=stored("funnel_stage_locked", "boolean"),
            rule=rule,
            last_purchase=figure("segment_last_purchase_date"),
            new_stage=new_stage,
        )
        # Same rule as tools.funnel.temperature: the override, a standing
        # refusal's stage, else the warmest of the client's rhythm, interest
        # signals, activity as a buyer and stage (not a purchase stage).
        ranks = list(funnel.TEMPERATURES)

        def rank(value):
            return SQL("COALESCE(array_position(%s, %s::varchar) - 1, 0)", ranks, value)

        temperature = SQL(
            """CASE WHEN %(override)s IS NOT NULL THEN %(override)s
                    WHEN fr.refusal_stands THEN COALESCE(fns.temperature, 'cold')
                    ELSE (%(ranks)s::varchar[])[1 + GREATEST(
                        CASE WHEN %(rhythm)s IN %(kept)s THEN 2 ELSE 0 END,
                        COALESCE(fsig.signal_rank, 0),
                        CASE WHEN %(purchases)s > 0 AND %(recency)s IN %(active)s
                             THEN 1 ELSE 0 END,
                        CASE WHEN fns.auto_rule IN %(purchase_rules)s THEN 0
                             ELSE %(stage_rank)s END)] END""",
            override=stored("temperature_override", "varchar"),
            ranks=ranks,
            rhythm=figure("rhythm_state"),
            kept=funnel.KEPT_RHYTHM,
            purchases=purchases,
            recency=figure("recency_segment"),
            active=funnel.ACTIVE_RECENCY,
            purchase_rules=funnel.PURCHASE_RULES,
            stage_rank=rank(SQL("fns.temperature")),
        )
        columns = SQL(
            """fr.current AS current_stage, fn.new_stage,
               fr.reason AS current_reason,
               fr.refusal_date AS current_refusal_date,
               NOT COALESCE(fns.requires_reason, FALSE) AS clear_reason,
               %(temperature)s AS new_temperature,
               COALESCE(%(old_temperature)s, %(temperature_fallback)s)
                   AS old_temperature""",
            temperature=temperature,
            old_temperature=stored("temperature", "varchar"),
            temperature_fallback=temperature_fallback,
        )
        stage_value = SQL("NULLIF(%s.new_stage, %s)", source, fallback_id)
        temperature_value = SQL(
            "NULLIF(%s.new_temperature, %s)", source, temperature_fallback
        )

        def column(name):
            return SQL("%s.%s", updated, SQL.identifier(name))

        assignments = SQL(
            """funnel_stage_id = CASE WHEN %(v)s.is_client THEN %(stage)s
                                      ELSE %(old_stage)s END,
               temperature = CASE WHEN %(v)s.is_client THEN %(temperature)s
                                  ELSE %(old_temperature)s END,
               refusal_reason_id = CASE WHEN %(v)s.is_client AND %(v)s.clear_reason
                                        THEN %(clear_reason)s
                                        ELSE %(old_reason)s END,
               refusal_date = CASE WHEN %(v)s.is_client AND %(v)s.clear_reason
                                   THEN %(clear_date)s ELSE %(old_date)s END""",
            v=source,
            stage=jsonb_set_key(column("funnel_stage_id"), key, stage_value),
            old_stage=column("funnel_stage_id"),
            temperature=jsonb_set_key(column("temperature"), key, temperature_value),
            old_temperature=column("temperature"),
            clear_reason=jsonb_clear_key(column("refusal_reason_id"), key),
            old_reason=column("refusal_reason_id"),
            clear_date=jsonb_clear_key(column("refusal_date"), key),
            old_date=column("refusal_date"),
        )
        differs = SQL(
            """(%(v)s.new_stage IS DISTINCT FROM %(v)s.current_stage
                OR %(v)s.new_temperature IS DISTINCT FROM %(v)s.old_temperature
                OR (%(v)s.clear_reason AND (%(reason)s ? %(key)s
                                            OR %(date)s ? %(key)s)))""",
            v=source,
            reason=column("refusal_reason_id"),
            date=column("refusal_date"),
            key=key,
        )
        return {
            "joins": joins,
            "columns": columns,
            "set": assignments,
            "differs": differs,
        }

    # ------------------------------------------------------------------
    # Interest signals (DOMAIN 2.3)
    # ------------------------------------------------------------------

    @api.model
    def _interest_sources(self, company, today):
        """The interest signals the data of ``company`` holds on ``today``,
        one :class:`InterestSource` each: the base's conversations and done
        activities; the bridge and glue modules add theirs (open quotations,
        opportunities, mailing lists) by overriding this method. See
        docs/adr-004-funnel.md."""
        return [self._interest_conversation_source(company, today)]

    @api.model
    def _interest_source(self, name, partners, changed):
        """An :class:`InterestSource`, for the glue modules' sources."""
        return InterestSource(name, partners, changed)

    @api.model
    def _since_last_run(self, company, today):
        """``(since, previous_day)`` of the company's last run, for the
        ``changed`` queries of the sources: ``(None, None)`` before the first
        one (a first run examines every client)."""
        if not company.segment_last_run_at or not company.segment_last_run_date:
            return None, None
        return company.segment_last_run_at, company.segment_last_run_date

    @api.model
    def _interest_conversation_source(self, company, today):
        """Warm: a conversation logged on the client or one of its contacts
        (a note, an e-mail, sent or received) or an activity done with it
        (its "done" message, kept by Odoo also when the activity itself is
        deleted) within the profile's ``segment_interest_days``. Messages
        carry no company: a conversation counts for every company of a
        shared client. Tracking and system notes (``notification`` without
        an activity type) are no conversation."""
        days = company._segment_profile().segment_interest_days
        cutoff = funnel.interest_cutoff(today, days)
        conversation = SQL(
            """m.model = 'res.partner'
               AND (m.message_type IN ('comment', 'email')
                    OR m.mail_activity_type_id IS NOT NULL)"""
        )
        partners = SQL(
            """
            SELECT mp.commercial_partner_id AS partner_id, 'warm' AS temperature
              FROM mail_message m
              JOIN res_partner mp ON mp.id = m.res_id
             WHERE %(conversation)s AND m.date >= %(cutoff)s
            """,
            conversation=conversation,
            cutoff=cutoff,
        )
        since, previous_day = self._since_last_run(company, today)
        changed = None
        if since:
            previous = funnel.interest_cutoff(previous_day, days)
            # new since the last run, or crossed out of (or back into, with
            # a clock set back) the window between the two runs' days
            changed = SQL(
                """
                SELECT mp.commercial_partner_id AS partner_id
                  FROM mail_message m
                  JOIN res_partner mp ON mp.id = m.res_id
                 WHERE %(conversation)s
                   AND (m.date >= %(since)s
                        OR (m.date >= %(low)s AND m.date < %(high)s))
                """,
                conversation=conversation,
                since=since,
                low=min(previous, cutoff),
                high=max(previous, cutoff),
            )
        return InterestSource("conversation", partners, changed)

    # The quotation signal reads the Sales app: it moves into the Sales
    # bridge module (client_segmentation_sale) with the Sales revenue source.
    @api.model
    def _signals_sql(self, company, scope=None, today=None):
        """One row per client of ``scope`` with an interest signal: its
        ``partner_id`` and ``signal_rank``, the warmest signal's index in
        ``tools.funnel.TEMPERATURES`` (1 warm, 2 hot)."""
        today = today or fields.Date.context_today(self.with_company(company))
        sources = self._interest_sources(company, today)
        if not sources:
            return SQL(
                "SELECT NULL::int4 AS partner_id, NULL::int4 AS signal_rank LIMIT 0"
            )
        condition = scope(SQL("s.partner_id")) if scope else SQL("TRUE")
        return SQL(
            """
            SELECT s.partner_id,
                   MAX(array_position(%(ranks)s, s.temperature::varchar) - 1)
                       AS signal_rank
              FROM (%(sources)s) s
             WHERE %(condition)s
             GROUP BY s.partner_id
            """,
            ranks=list(funnel.TEMPERATURES),
            sources=SQL(" UNION ALL ").join(
                SQL("SELECT partner_id, temperature FROM (%s) src", source.partners)
                for source in sources
            ),
            condition=condition,
        )

    @api.model
    def _signals_changed_sql(self, company, today):
        """The clients whose interest signals may have changed since the
        company's last run (a note logged, an activity done, a quotation or
        an opportunity opened, won, lost or edited, a subscription), and
        those whose conversation left the interest window: the incremental
        run re-examines their temperature. None when there is none to ask
        (no earlier run)."""
        changed = [
            source.changed
            for source in self._interest_sources(company, today)
            if source.changed is not None
        ]
        if not changed:
            return None
        return SQL(" UNION ").join(
            SQL("SELECT partner_id FROM (%s) src", query) for query in changed
        )

    def _refresh_temperature(self, partners, company):
        """Recompute the temperature of ``partners`` from their stored
        segments and stage, after a manual stage or override change."""
        if not partners:
            return
        self.env.flush_all()
        ids = partners.ids
        pieces = self._stage_sql(
            company,
            {
                "partner": SQL("p2"),
                "figures": SQL("fig"),
                "target": SQL("p"),
                "source": SQL("v"),
            },
            assign=False,
            scope=lambda column: SQL("%s = ANY(%s)", column, ids),
        )
        key = str(company.id)
        figures = SQL(
            """CROSS JOIN LATERAL (
                   SELECT (p2.segment_purchase_count ->> %(key)s)::int4
                              AS segment_purchase_count,
                          p2.recency_segment ->> %(key)s AS recency_segment,
                          p2.rhythm_state ->> %(key)s AS rhythm_state,
                          (p2.segment_first_purchase_date ->> %(key)s)::date
                              AS segment_first_purchase_date,
                          (p2.segment_last_purchase_date ->> %(key)s)::date
                              AS segment_last_purchase_date
               ) fig""",
            key=key,
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p SET %(set)s
                  FROM (
                      SELECT p2.id, TRUE AS is_client, %(columns)s
                        FROM res_partner p2 %(figures)s %(joins)s
                       WHERE p2.id = ANY(%(ids)s)
                  ) v
                 WHERE p.id = v.id AND %(differs)s
                """,
                set=pieces["set"],
                columns=pieces["columns"],
                figures=figures,
                joins=pieces["joins"],
                ids=ids,
                differs=pieces["differs"],
            )
        )
        partners.invalidate_recordset(
            ["funnel_stage_id", "temperature", "refusal_reason_id", "refusal_date"]
        )

    @api.model
    def _log_stage_changes(self, company, moves):
        """Post one note per row of ``moves`` (a TempTable of the engine: the
        client, its old and new stage, and the refusal it had when the
        engine ended it), with the tracking values a manual change shows:
        the stage, and the refusal reason and date that the client's new
        purchase ended. Through Odoo's mail layer, per batch of
        :data:`MESSAGE_BATCH_SIZE`: ``_message_log_batch`` (a note, no
        notification, authored by the current user) and one
        ``mail.tracking.value`` create, as ``_message_log`` would write them
        for one client (18.0 refuses tracking values on a batch log). Rights
        were checked by the caller (sales manager action or the cron)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT partner_id, old_stage, new_stage, old_reason,
                       old_refusal_date, reason_cleared
                  FROM %s ORDER BY partner_id
                """,
                moves.sql,
            )
        )
        rows = cr.fetchall()
        if not rows:
            return
        # sudo: a note of the engine, as _message_log_batch writes it
        Partner = self.env["res.partner"].sudo()
        Stage = self.env["client.funnel.stage"].sudo().with_context(active_test=False)
        Reason = (
            self.env["client.refusal.reason"].sudo().with_context(active_test=False)
        )
        # the names the tracking values keep, read once for the run
        Stage.browse({row[i] for row in rows for i in (1, 2) if row[i]}).mapped(
            "display_name"
        )
        Reason.browse({row[3] for row in rows if row[3]}).mapped("display_name")
        tracked = Partner.fields_get(
            ["funnel_stage_id", "refusal_reason_id", "refusal_date"],
            attributes=("string", "type", "selection", "currency_field"),
        )
        body = Markup("<p>%s</p>") % self.env._(
            "Funnel stage updated by the segment recompute (%(company)s).",
            company=company.name,
        )
        refusal_body = Markup("<p>%s</p>") % self.env._(
            "The client bought again after refusing: the segment recompute "
            "(%(company)s) moved it out of the refusal stage.",
            company=company.name,
        )

        def note(row):
            _partner, old_stage, new_stage, _reason, _date, reason_cleared = row
            if reason_cleared and old_stage != new_stage:
                return refusal_body
            return body

        def tracking_values(row, partner):
            _id, old_stage, new_stage, old_reason, old_date, reason_cleared = row
            Tracking = self.env["mail.tracking.value"]
            values = []
            if old_stage != new_stage:
                values.append(
                    Tracking._create_tracking_values(
                        Stage.browse(old_stage or ()),
                        Stage.browse(new_stage or ()),
                        "funnel_stage_id",
                        tracked["funnel_stage_id"],
                        partner,
                    )
                )
            if reason_cleared:
                values.append(
                    Tracking._create_tracking_values(
                        Reason.browse(old_reason),
                        Reason,
                        "refusal_reason_id",
                        tracked["refusal_reason_id"],
                        partner,
                    )
                )
                if old_date:
                    values.append(
                        Tracking._create_tracking_values(
                            old_date,
                            False,
                            "refusal_date",
                            tracked["refusal_date"],
                            partner,
                        )
                    )
            return values

        for start in range(0, len(rows), MESSAGE_BATCH_SIZE):
            self._log_notes(
                Partner, rows[start : start + MESSAGE_BATCH_SIZE], note, tracking_values
            )
        self.env["res.partner"].invalidate_model(["message_ids"])

    @api.model
    def _log_notes(self, Partner, rows, note, tracking_values):
        """Log the notes of ``rows`` (their first column is the partner) in
        one batch; if the batch fails, note by note, so that one client whose
        note cannot be written (another module's override of the message
        creation) loses its note alone, not the run."""
        try:
            with self.env.cr.savepoint():
                self._log_batch(Partner, rows, note, tracking_values)
            return
        except (UserError, psycopg2.Error) as error:
            failed = [(rows[0][0], error)] if len(rows) == 1 else []
        if not failed:  # the batch failed: note by note
            for row in rows:
                try:
                    with self.env.cr.savepoint():
                        self._log_batch(Partner, [row], note, tracking_values)
                except (UserError, psycopg2.Error) as error:
                    failed.append((row[0], error))
        for partner_id, error in failed:
            _logger.warning(
                "Funnel stage note of partner %s not logged: %s", partner_id, error
            )

    @api.model
    def _log_batch(self, Partner, rows, note, tracking_values):
        partners = Partner.browse([row[0] for row in rows])
        messages = partners._message_log_batch(
            {row[0]: note(row) for row in rows},
            author_id=self.env.user.partner_id.id,
        )
        # _message_log_batch creates the messages in the records' order
        self.env["mail.tracking.value"].sudo().create(
            [
                dict(values, mail_message_id=message.id)
                for message, row, partner in zip(messages, rows, partners, strict=True)
                for values in tracking_values(row, partner)
            ]
        )
