#!/usr/bin/env bash
# Uninstall and upgrade for real, in throw-away databases:   bash scripts/test-uninstall.sh
#
#   uninstall  install the addon and client_segmentation_clv (no demo), create
#              data of every kind (clients in stages, key dates, reminder
#              activities, a recompute), uninstall
#              it, check that nothing of it is left, install it again.
#   upgrade    install 18.0.1.0.0 (the released commit, or OLD_REF), create the
#              same data and edit a stage, then
#              upgrade to the working tree: data and the edited stage are kept.
#   upgrade    install 18.0.2.0.0 (OLD2_REF: thresholds on res_company) with
#              Sales, save non-default settings and the sales orders as the
#              revenue source, upgrade: they are in the company's
#              client.segmentation.profile, the old columns are gone, and the
#              Sales bridge module came with the upgrade, keeping the source.
# Fails on any leftover, on a failed step, and on any WARNING/ERROR in the logs.
# Prints `uninstall: N passed, F failed` (scripts/test.sh reads it as a tier).
# Environment: PGPORT, KEEP_DB=1 (keep the databases), OLD_REF, OLD2_REF.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
[[ -n "${CS_PY:-}" ]] || use_venv # called alone: bootstrap first
bash "$REPO/scripts/pg.sh" start >/dev/null
eval "$(bash "$REPO/scripts/pg.sh" env)"

ADDON=client_segmentation
LOGDIR="$REPO/.test-logs/uninstall_$$"
DB="cs_uninstall_$$" DB_OLD="cs_upgrade_$$" DB_OLD2="cs_upgrade2_$$"
OLD_DIR="$(mktemp -d)" OLD2_DIR="$(mktemp -d)"
NEW_VERSION="$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' "$ADDON/__manifest__.py")"
mkdir -p "$LOGDIR"
ODOORC="$LOGDIR/odoorc"
bash "$REPO/scripts/odoo-conf.sh" "$ODOORC" >/dev/null
cleanup() {
    if [[ "${KEEP_DB:-}" != 1 ]]; then
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || true
        dropdb --if-exists --force "$DB_OLD" >/dev/null 2>&1 || true
        dropdb --if-exists --force "$DB_OLD2" >/dev/null 2>&1 || true
    fi
    rm -rf "$OLD_DIR" "$OLD2_DIR"
}
trap cleanup EXIT
PASSED=0 FAILED=0
check() { # check NAME COMMAND...: one counted step
    if "${@:2}"; then
        PASSED=$((PASSED + 1)) && log "ok: $1"
    else
        FAILED=$((FAILED + 1)) && warn "FAILED: $1"
    fi
}
odoo_db() { # odoo_db DB LOG [ARGS...]
    odoo_cmd -c "$ODOORC" -d "$1" --without-demo=all --stop-after-init \
        --log-level=info "${@:3}" >>"$LOGDIR/$2" 2>&1
}
shell_db() { # shell_db DB LOG < python: odoo shell, committed at the end
    odoo_cmd shell -c "$ODOORC" -d "$1" --log-level=info "${@:3}" \
        >>"$LOGDIR/$2" 2>&1
}
sql() { psql -d "$1" -tAq -v ON_ERROR_STOP=1 -c "$2"; }

# Data a user creates in a day of work; runs on 18.0.1.0.0 and on this version.
CREATE_DATA='
import datetime
Partner = env["res.partner"]
green = env.ref("client_segmentation.client_funnel_stage_green")
green.write({"name": "Green (ours)", "color": "#00AA00"})
client = Partner.create({"name": "Uninstall Client", "is_company": True,
    "funnel_stage_id": green.id, "client_needs": "Needs a demo",
    "client_type_id": env.ref("client_segmentation.client_type_loyal").id})
env["client.key.date"].create({"partner_id": client.id, "date": datetime.date.today(),
    "type_id": env.ref("client_segmentation.client_key_date_type_company_anniversary").id})
env["client.key.date"]._cron_create_reminders()
Partner._cron_recompute_segments()
env.cr.commit()
'

leftovers() { # leftovers DB: one line per kind of data the addon left behind
    sql "$1" "
        SELECT 'ir_model_data ' || count(*) FROM ir_model_data WHERE module = '$ADDON'
         HAVING count(*) > 0
        UNION ALL SELECT 'ir_cron ' || count(*) FROM ir_cron c
          JOIN ir_act_server a ON a.id = c.ir_actions_server_id
         WHERE a.code LIKE '%_cron_recompute_segments%'
            OR a.code LIKE '%_cron_create_reminders%' HAVING count(*) > 0
        UNION ALL SELECT 'ir_act_server ' || count(*) FROM ir_act_server
         WHERE code LIKE '%recompute_segments%' OR code LIKE '%_cron_create_reminders%'
        HAVING count(*) > 0
        UNION ALL SELECT 'ir_config_parameter ' || count(*) FROM ir_config_parameter
         WHERE key LIKE '$ADDON%' HAVING count(*) > 0
        UNION ALL SELECT 'mail_activity_type ' || count(*) FROM mail_activity_type
         WHERE summary->>'en_US' LIKE '% for a key date' HAVING count(*) > 0
        UNION ALL SELECT 'mail_activity ' || count(*) FROM mail_activity
         WHERE summary LIKE '%Uninstall Client%' HAVING count(*) > 0
        UNION ALL SELECT 'ir_model ' || count(*) FROM ir_model WHERE model LIKE 'client.%' HAVING count(*) > 0
        UNION ALL SELECT 'translated ' || table_name || '.' || column_name
          FROM information_schema.columns WHERE udt_name = 'jsonb' AND (table_name,
               column_name) IN (('mail_activity_plan', 'name'), ('mail_activity_plan_template', 'summary'))
        UNION ALL SELECT 'table ' || table_name FROM information_schema.tables
         WHERE table_name LIKE 'client\_%' UNION ALL SELECT 'index ' || indexname
          FROM pg_indexes WHERE indexname LIKE 'client\_segment\_%'
        UNION ALL SELECT 'column ' || table_name || '.' || column_name
          FROM information_schema.columns
         WHERE table_name IN ('res_partner', 'res_company')
           AND (column_name LIKE 'segment\_%' OR column_name LIKE 'funnel\_%'
                OR column_name IN ('abc_class', 'recency_segment', 'client_needs',
                                   'temperature', 'client_type_id',
                                   'key_date_responsible_user_id'))"
}
no_leftovers() {
    local left
    left="$(leftovers "$1")" || return 1
    [[ -z "$left" ]] || {
        echo "$left" >&2
        return 1
    }
}
installed() { [[ "$(sql "$1" "SELECT state FROM ir_module_module WHERE name = '$ADDON'")" == installed ]]; }
uninstall() {
    shell_db "$1" "$2" <<<"env['ir.module.module'].search([('name', '=', '$ADDON')]).button_immediate_uninstall()"
    [[ "$(sql "$1" "SELECT state FROM ir_module_module WHERE name = '$ADDON'")" == uninstalled ]]
}
reminders() { [[ "$(sql "$1" "SELECT count(*) FROM mail_activity WHERE summary LIKE '%Uninstall Client%'")" -gt 0 ]]; }

# ------------------------------------------------------------- uninstall
log "uninstall: $DB (logs: $LOGDIR)"
# with the optional predicted-value module: it goes with the addon
check "install" odoo_db "$DB" install.log -i "$ADDON,${ADDON}_clv"
check "create data" shell_db "$DB" data.log <<<"$CREATE_DATA"
check "reminder activities exist" reminders "$DB"
check "uninstall" uninstall "$DB" uninstall.log
check "no leftovers after uninstall" no_leftovers "$DB"
check "reinstall" odoo_db "$DB" reinstall.log -i "$ADDON"
check "reinstalled" installed "$DB"

# ------------------------------------------------------------- upgrade
# 18.0.1.0.0 as released: main before the 18.0.2.0.0 work started.
OLD_REF="${OLD_REF:-ec0cb24965814108042769c3b0c0c007a4506ded}"
old_addons_path() { # old_addons_path REF DIR: the addons path with the addon at REF
    git archive "$1" "$ADDON" | tar -x -C "$2"
    sed -n 's/^addons_path = //p' "$ODOORC" | tr ',' '\n' |
        sed "s#^$REPO\$#$2#" | paste -sd,
}
upgrade_from() { # upgrade_from NAME REF DIR DB DATA [MODULES]: install at REF, DATA, upgrade
    local path
    log "upgrade: $1 from ${2:0:10} into $4"
    path="$(old_addons_path "$2" "$3")"
    check "install $1" odoo_db "$4" "install-$1.log" -i "${6:-$ADDON}" --addons-path "$path"
    check "create data on $1" shell_db "$4" "data-$1.log" --addons-path "$path" <<<"$5"
    check "upgrade from $1" odoo_db "$4" "upgrade-$1.log" -u "$ADDON"
}
upgrade_from 18.0.1.0.0 "$OLD_REF" "$OLD_DIR" "$DB_OLD" "$CREATE_DATA"
kept() {
    [[ "$(sql "$DB_OLD" "SELECT latest_version FROM ir_module_module WHERE name = '$ADDON'")" == "$NEW_VERSION" ]] &&
        [[ "$(sql "$DB_OLD" "SELECT s.name->>'en_US' || ' ' || s.color FROM client_funnel_stage s
            JOIN ir_model_data d ON d.res_id = s.id AND d.model = 'client.funnel.stage'
            WHERE d.name = 'client_funnel_stage_green'")" == "Green (ours) #00AA00" ]] &&
        [[ "$(sql "$DB_OLD" "SELECT count(*) FROM res_partner p JOIN client_key_date k
            ON k.partner_id = p.id WHERE p.name = 'Uninstall Client'
            AND p.client_needs = 'Needs a demo' AND p.client_type_id IS NOT NULL")" == 1 ]]
}
check "user data and edited stage kept" kept
check "uninstall after upgrade" uninstall "$DB_OLD" uninstall-old.log
check "no leftovers after upgrade and uninstall" no_leftovers "$DB_OLD"

# 18.0.2.0.0: main before the settings profile, its thresholds on res_company.
OLD2_REF="${OLD2_REF:-71cb129c8b3f23365446ec8bc8bf05ab97860784}"
SETTINGS_DATA='
env.company.write({"segment_abc_a_share": 60.0, "segment_abc_b_share": 30.0,
    "segment_recency_hot_days": 15, "work_plan_pressure_days": 14,
    "segment_revenue_source": "sale"})
'"$CREATE_DATA"
upgrade_from 18.0.2.0.0 "$OLD2_REF" "$OLD2_DIR" "$DB_OLD2" "$SETTINGS_DATA" "$ADDON,sale"
moved() {
    [[ "$(sql "$DB_OLD2" "SELECT p.segment_abc_a_share || ' ' || p.segment_abc_b_share
        || ' ' || p.segment_recency_hot_days || ' ' || p.work_plan_pressure_days
        FROM client_segmentation_profile p JOIN res_users u ON u.company_id = p.company_id
        WHERE u.login = 'admin'")" == "60 30 15 14" ]] &&
        [[ "$(sql "$DB_OLD2" "SELECT count(*) FROM information_schema.columns
            WHERE table_name = 'res_company' AND column_name IN
            ('segment_abc_a_share', 'work_plan_pressure_days', 'segment_figures_applied_key')")" == 0 ]] &&
        [[ -z "$(sql "$DB_OLD2" "SELECT to_regclass('client_segmentation_settings')")" ]]
}
check "settings moved into the profile, old columns dropped" moved
# ADR 010: the sales orders' source moved to a bridge module, which the
# upgrade installs (Odoo's auto_install does not on an update)
sale_kept() {
    [[ "$(sql "$DB_OLD2" "SELECT state FROM ir_module_module
        WHERE name = '${ADDON}_sale'")" == installed ]] &&
        [[ "$(sql "$DB_OLD2" "SELECT string_agg(DISTINCT p.segment_revenue_source, ',')
        FROM client_segmentation_profile p JOIN res_users u ON u.company_id = p.company_id
        WHERE u.login = 'admin'")" == sale ]]
}
check "the sales bridge installed by the upgrade, the source kept" sale_kept
check "uninstall after the upgrade from 18.0.2.0.0" uninstall "$DB_OLD2" uninstall-old2.log
check "no leftovers after that uninstall" no_leftovers "$DB_OLD2"

# ------------------------------------------------------------- logs
check "no WARNING/ERROR in the logs" checklog "$LOGDIR"/*.log
echo "uninstall: $PASSED passed, $FAILED failed"
((FAILED == 0))
