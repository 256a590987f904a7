import json
from collections import namedtuple

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..sqlutil import id_ranges, jsonb_clear_key, jsonb_set_key
from ..tools import funnel

# One kind of interest signal (see ClientFunnelEngine._interest_sources):
# ``partners`` selects ``partner_id`` (commercial) and ``temperature`` (hot,
# warm) of the clients having it today; ``changed`` (or None) the clients
# whose signal may have changed since the company's last run.
InterestSource = namedtuple("InterestSource", ("name", "partners", "changed"))

# Stage-change notes written per INSERT statement.
MESSAGE_BATCH_SIZE = 10_000


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
    def _stage_sql(self, company, figures, partner, assign=True, scope=None):
        """SQL pieces that decide the stage and temperature of the client
        ``partner`` (an alias of res_partner) from its segment ``figures``
        (an alias with the segment columns, ``rhythm_state`` among them).
        ``assign=False`` keeps the stage and only refreshes the temperature
        (after a manual change). ``scope``: a function of a commercial
        partner id column giving the condition of the statement's clients
        (the batch), so that the interest signals (:meth:`_signals_sql`) are
        gathered for them only, in the same statement.

        Returns a dict: ``joins`` (lateral joins to add after ``partner``),
        ``columns`` (select list: current_stage, new_stage, current_reason,
        current_refusal_date, clear_reason, new_temperature,
        old_temperature), ``set`` (assignments of an ``UPDATE res_partner p``
        over a source ``v`` holding those columns and ``is_client``) and
        ``differs`` (whether ``v`` changes ``p``).
        """
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
        stage_value = SQL("NULLIF(v.new_stage, %s)", fallback_id)
        temperature_value = SQL("NULLIF(v.new_temperature, %s)", temperature_fallback)
        assignments = SQL(
            """funnel_stage_id = CASE WHEN v.is_client THEN %(stage)s
                                      ELSE p.funnel_stage_id END,
               temperature = CASE WHEN v.is_client THEN %(temperature)s
                                  ELSE p.temperature END,
               refusal_reason_id = CASE WHEN v.is_client AND v.clear_reason
                                        THEN %(clear_reason)s
                                        ELSE p.refusal_reason_id END,
               refusal_date = CASE WHEN v.is_client AND v.clear_reason
                                   THEN %(clear_date)s ELSE p.refusal_date END""",
            stage=jsonb_set_key(SQL("p.funnel_stage_id"), key, stage_value),
            temperature=jsonb_set_key(SQL("p.temperature"), key, temperature_value),
            clear_reason=jsonb_clear_key(SQL("p.refusal_reason_id"), key),
            clear_date=jsonb_clear_key(SQL("p.refusal_date"), key),
        )
        differs = SQL(
            """(v.new_stage IS DISTINCT FROM v.current_stage
                OR v.new_temperature IS DISTINCT FROM v.old_temperature
                OR (v.clear_reason AND (p.refusal_reason_id ? %(key)s
                                        OR p.refusal_date ? %(key)s)))""",
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
        activities, and the open quotations while the Sales app is there;
        the glue modules add theirs (opportunities, mailing lists) by
        overriding this method. See docs/adr-004-funnel.md."""
        sources = [self._interest_conversation_source(company, today)]
        if "sale.order" in self.env:
            sources.append(self._interest_quotation_source(company, today))
        return sources

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
    def _interest_quotation_source(self, company, today):
        """Hot: an open quotation of the company for the client (draft or
        sent, not past its expiration date): ready to buy now."""
        partners = SQL(
            """
            SELECT qp.commercial_partner_id AS partner_id, 'hot' AS temperature
              FROM sale_order q
              JOIN res_partner qp ON qp.id = q.partner_id
             WHERE q.company_id = %(company)s AND q.state IN ('draft', 'sent')
               AND (q.validity_date IS NULL OR q.validity_date >= %(today)s)
            """,
            company=company.id,
            today=today,
        )
        since, previous_day = self._since_last_run(company, today)
        changed = None
        if since:
            changed = SQL(
                """
                SELECT qp.commercial_partner_id AS partner_id
                  FROM sale_order q
                  JOIN res_partner qp ON qp.id = q.partner_id
                 WHERE q.company_id = %(company)s
                   AND (q.write_date >= %(since)s
                        OR (q.validity_date >= %(low)s
                            AND q.validity_date < %(high)s))
                """,
                company=company.id,
                since=since,
                low=min(previous_day, today),
                high=max(previous_day, today),
            )
        return InterestSource("quotation", partners, changed)

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
            SQL("fig"),
            SQL("p2"),
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
        purchase ended. One INSERT of messages and one of tracking values per
        batch, the rows mail.message.create() would write for a note (no
        follower is notified of a note). Rights were checked by the caller
        (sales manager action or the cron)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT array_agg(DISTINCT s) FILTER (WHERE s IS NOT NULL),
                       array_agg(DISTINCT old_reason)
                           FILTER (WHERE old_reason IS NOT NULL)
                  FROM %s, unnest(ARRAY[old_stage, new_stage]) s
                """,
                moves.sql,
            )
        )
        stage_ids, reason_ids = cr.fetchone()
        if not stage_ids and not reason_ids:
            return
        stage_names = {
            str(stage.id): stage.display_name
            for stage in self.env["client.funnel.stage"]
            .with_context(active_test=False)
            .browse(stage_ids or [])
        }
        reason_names = {
            str(reason.id): reason.display_name
            for reason in self.env["client.refusal.reason"]
            .with_context(active_test=False)
            .browse(reason_ids or [])
        }
        fields_by_name = {
            name: self.env["ir.model.fields"]._get("res.partner", name).id
            for name in ("funnel_stage_id", "refusal_reason_id", "refusal_date")
        }
        body = self.env._(
            "Funnel stage updated by the segment recompute (%(company)s).",
            company=company.name,
        )
        refusal_body = self.env._(
            "The client bought again after refusing: the segment recompute "
            "(%(company)s) moved it out of the refusal stage.",
            company=company.name,
        )
        now = fields.Datetime.now()
        for low, high in id_ranges(
            cr, moves.sql, SQL("partner_id"), MESSAGE_BATCH_SIZE
        ):
            cr.execute(
                SQL(
                    """
                    WITH m AS (
                        SELECT * FROM %(moves)s
                         WHERE partner_id >= %(low)s AND partner_id < %(high)s
                    ), messages AS (
                        INSERT INTO mail_message (model, res_id, message_type,
                                                  subtype_id, author_id, is_internal,
                                                  body, date, create_uid, write_uid,
                                                  create_date, write_date)
                        SELECT 'res.partner', partner_id, 'notification', %(note)s,
                               %(author)s, TRUE,
                               CASE WHEN reason_cleared
                                         AND old_stage IS DISTINCT FROM new_stage
                                    THEN %(refusal_body)s
                                    ELSE %(body)s END,
                               %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                          FROM m
                        RETURNING id, res_id
                    )
                    INSERT INTO mail_tracking_value (field_id, mail_message_id,
                                                     old_value_integer,
                                                     old_value_char,
                                                     old_value_datetime,
                                                     new_value_integer,
                                                     new_value_char, create_uid,
                                                     write_uid, create_date,
                                                     write_date)
                    SELECT t.field_id, msg.id, t.old_integer, t.old_char,
                           t.old_datetime, t.new_integer, t.new_char,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM messages msg
                      JOIN m ON m.partner_id = msg.res_id
                     CROSS JOIN LATERAL (
                           SELECT %(stage_field)s AS field_id,
                                  COALESCE(m.old_stage, 0) AS old_integer,
                                  COALESCE((%(stages)s::jsonb) ->> m.old_stage::text,
                                           '') AS old_char,
                                  NULL::timestamp AS old_datetime,
                                  COALESCE(m.new_stage, 0) AS new_integer,
                                  COALESCE((%(stages)s::jsonb) ->> m.new_stage::text,
                                           '') AS new_char
                            WHERE m.old_stage IS DISTINCT FROM m.new_stage
                           UNION ALL
                           SELECT %(reason_field)s, m.old_reason,
                                  COALESCE((%(reasons)s::jsonb)
                                           ->> m.old_reason::text, ''),
                                  NULL, 0, ''
                            WHERE m.reason_cleared
                           UNION ALL
                           SELECT %(date_field)s, 0, '', m.old_refusal_date, 0, ''
                            WHERE m.reason_cleared AND m.old_refusal_date IS NOT NULL
                     ) t
                    """,
                    moves=moves.sql,
                    low=low,
                    high=high,
                    note=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                    author=self.env.user.partner_id.id,
                    body=str(Markup("<p>%s</p>") % body),
                    refusal_body=str(Markup("<p>%s</p>") % refusal_body),
                    now=now,
                    uid=self.env.uid,
                    stage_field=fields_by_name["funnel_stage_id"],
                    reason_field=fields_by_name["refusal_reason_id"],
                    date_field=fields_by_name["refusal_date"],
                    stages=json.dumps(stage_names),
                    reasons=json.dumps(reason_names),
                )
            )
        self.env["mail.message"].invalidate_model()
        self.env["mail.tracking.value"].invalidate_model()
        self.env["res.partner"].invalidate_model(["message_ids"])
