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
# Fails on any leftover, on a failed step, and on any WARNING/ERROR in the logs.
# Prints `uninstall: N passed, F failed` (scripts/test.sh reads it as a tier).
# Environment: PGPORT, KEEP_DB=1 (keep the databases), OLD_REF.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
[[ -n "${CS_PY:-}" ]] || use_venv # called alone: bootstrap first
bash "$REPO/scripts/pg.sh" start >/dev/null
eval "$(bash "$REPO/scripts/pg.sh" env)"

ADDON=client_segmentation
LOGDIR="$REPO/.test-logs/uninstall_$$"
DB="cs_uninstall_$$" DB_OLD="cs_upgrade_$$"
OLD_DIR="$(mktemp -d)"
mkdir -p "$LOGDIR"
ODOORC="$LOGDIR/odoorc"
bash "$REPO/scripts/odoo-conf.sh" "$ODOORC" >/dev/null
cleanup() {
    if [[ "${KEEP_DB:-}" != 1 ]]; then
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || true
        dropdb --if-exists --force "$DB_OLD" >/dev/null 2>&1 || true
    fi
    rm -rf "$OLD_DIR"
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
        UNION ALL SELECT 'ir_model ' || count(*) FROM ir_model
         WHERE model LIKE 'client.%' HAVING count(*) > 0
        UNION ALL SELECT 'table ' || table_name FROM information_schema.tables
         WHERE table_name LIKE 'client\_%'
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
log "upgrade: 18.0.1.0.0 from ${OLD_REF:0:10} into $DB_OLD"
git archive "$OLD_REF" "$ADDON" | tar -x -C "$OLD_DIR"
OLD_PATH="$(sed -n 's/^addons_path = //p' "$ODOORC" | tr ',' '\n' |
    sed "s#^$REPO\$#$OLD_DIR#" | paste -sd,)"
check "install 18.0.1.0.0" odoo_db "$DB_OLD" install-old.log -i "$ADDON" --addons-path "$OLD_PATH"
check "create data on 18.0.1.0.0" shell_db "$DB_OLD" data-old.log --addons-path "$OLD_PATH" <<<"$CREATE_DATA"
check "upgrade" odoo_db "$DB_OLD" upgrade.log -u "$ADDON"
kept() {
    [[ "$(sql "$DB_OLD" "SELECT latest_version FROM ir_module_module WHERE name = '$ADDON'")" == 18.0.2.0.0 ]] &&
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

# ------------------------------------------------------------- logs
check "no WARNING/ERROR in the logs" "$PY" "$REPO/scripts/logtool.py" checklog \
    "$REPO/scripts/checklog-ignore.txt" "$LOGDIR"/*.log
echo "uninstall: $PASSED passed, $FAILED failed"
((FAILED == 0))
