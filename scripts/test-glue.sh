#!/usr/bin/env bash
# The glue tier of scripts/test.sh, also alone:   bash scripts/test-glue.sh
# The glue modules (client_segmentation_crm, _mass_mailing,
# _spreadsheet_dashboard) install themselves with their app, alone and together,
# pass their tests (tag client_segmentation_glue) and uninstall cleanly, alone
# and together. Runs in test.sh's database; alone, in a throw-away one with
# the addon installed (lib.sh test_database). Logs: glue-*.log and glue.log.
# Records the tier line (lib.sh tier), exits 1 when the tier failed.
# Environment: PGPORT, KEEP_DB=1 (alone: keep the database).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
ADDON=client_segmentation
test_database glue

# Glue modules (auto_install): spreadsheet_dashboard comes with account, so its
# glue came with the addon; crm's glue installs alone, uninstalls alone; then
# crm's and mass_mailing's together, the glue tests, and all three uninstalled
# together. Each step checks the modules' states.
t=$SECONDS gp=0 gf=0
states() {
    psql -d "$DB" -tAc "SELECT string_agg(name || '=' || state, ' ' ORDER BY name)
        FROM ir_module_module WHERE name LIKE '${ADDON}%' OR name IN ('crm', 'mass_mailing')"
}
expect() { # expect WHAT NAME=STATE...: one passed or failed check
    local what=$1 now
    shift
    now=" $(states) "
    for want in "$@"; do
        if [[ "$now" != *" $want "* ]]; then
            echo "glue: $what: expected $want, got:$now"
            gf=$((gf + 1))
            return
        fi
    done
    gp=$((gp + 1))
}
glue_odoo() { # glue_odoo LOG ARGS...: an Odoo run that must succeed
    local log=$1
    shift
    odoo_cmd -c "$ODOORC" -d "$DB" --stop-after-init --log-level=info "$@" >"$log" 2>&1 ||
        { tail -n 30 "$log"; gf=$((gf + 1)); }
}
uninstall() { # uninstall LOG MODULE,...: Odoo's shell, as an admin would
    printf '%s\n' \
        "env['ir.module.module'].search([('name', 'in', '$2'.split(','))]).button_immediate_uninstall()" \
        "env.cr.commit()" |
        odoo_cmd shell -c "$ODOORC" -d "$DB" --no-http --log-level=info >"$1" 2>&1 ||
        { tail -n 30 "$1"; gf=$((gf + 1)); }
}
expect "with the addon" "${ADDON}_spreadsheet_dashboard=installed" \
    "${ADDON}_crm=uninstalled" "${ADDON}_mass_mailing=uninstalled"
glue_odoo "$LOGDIR/glue-crm.log" -i crm
expect "crm alone" "${ADDON}_crm=installed" "${ADDON}_mass_mailing=uninstalled"
uninstall "$LOGDIR/glue-uninstall-crm.log" "${ADDON}_crm"
expect "crm glue uninstalled alone" "${ADDON}_crm=uninstalled" "crm=installed" \
    "${ADDON}=installed"
# The predicted-value module (optional, not auto_install): installed alone, its
# tests (tag client_segmentation_clv, the CDNOW figures among them), uninstalled
# alone; then installed again with the others, bringing its glue modules.
glue_odoo "$LOGDIR/glue-clv.log" -i "${ADDON}_clv"
expect "clv alone" "${ADDON}_clv=installed" "${ADDON}_clv_spreadsheet_dashboard=installed" \
    "${ADDON}_clv_mass_mailing=uninstalled"
odoo_tests "/${ADDON}_clv" "$LOGDIR/glue-clv-tests.log" 0
cp=$P cf=$F cs=$S
((RC == 0)) || cf=$((cf + 1))
uninstall "$LOGDIR/glue-uninstall-clv.log" "${ADDON}_clv"
expect "clv uninstalled alone" "${ADDON}_clv=uninstalled" \
    "${ADDON}_clv_spreadsheet_dashboard=uninstalled" "${ADDON}=installed"
glue_odoo "$LOGDIR/glue-install.log" -i "mass_mailing,${ADDON}_crm,${ADDON}_clv"
expect "together" "${ADDON}_crm=installed" "${ADDON}_mass_mailing=installed" \
    "${ADDON}_spreadsheet_dashboard=installed" "${ADDON}_clv_mass_mailing=installed" \
    "${ADDON}_clv_spreadsheet_dashboard=installed"
# --http-port 0: the system picks a free port, so a concurrent run cannot
# take it between choice and bind (the dashboard's browser test asks Odoo
# for the port it bound).
odoo_tests "${ADDON}_glue" "$LOGDIR/glue.log" 0
uninstall "$LOGDIR/glue-uninstall.log" \
    "${ADDON}_crm,${ADDON}_mass_mailing,${ADDON}_spreadsheet_dashboard,${ADDON}_clv"
expect "uninstalled together" "${ADDON}_crm=uninstalled" \
    "${ADDON}_mass_mailing=uninstalled" "${ADDON}_spreadsheet_dashboard=uninstalled" \
    "${ADDON}_clv=uninstalled" "${ADDON}_clv_mass_mailing=uninstalled" \
    "${ADDON}_clv_spreadsheet_dashboard=uninstalled" "${ADDON}=installed"
tier glue $((P + gp + cp)) $((F + gf + cf)) $((S + cs)) $((SECONDS - t)) \
    "$gp state checks$( ((RC)) && echo "; FAIL odoo rc=$RC")"
[[ "$TIER_STATUS" == PASS ]]
