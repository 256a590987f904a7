#!/usr/bin/env bash
# The bridges tier of scripts/test.sh, also alone:   bash scripts/test-bridges.sh
# The revenue sources' bridge modules (client_segmentation_sale, _pos) install
# themselves with their app, alone and together, pass their tests (tag
# client_segmentation_bridge; with both: client_segmentation_bridges_both too),
# and uninstall cleanly, each alone, resetting their profiles to the invoices.
#   Sales alone          in test.sh's database (alone: a throw-away one with the
#                        addon, lib.sh test_database): `sale` installed
#   Point of Sale alone  in a second database, <db>_pos: the addon and
#                        point_of_sale installed without demo
#   together             `sale` added to <db>_pos; then the uninstalls there
# Logs: bridges-*.log. Records the tier line (lib.sh tier), exits 1 when the
# tier failed. Environment: PGPORT, KEEP_DB=1 (keep the databases).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
ADDON=client_segmentation
test_database bridges
MAIN_DB=$DB POS_DB="${DB}_pos"
trap 'drop_test_database "$POS_DB"; [[ -n "${CS_TEST_DB:-}" ]] || drop_test_database "$MAIN_DB"' EXIT
t=$SECONDS bp=0 bf=0 tp=0 tf=0 ts=0

states() {
    psql -d "$DB" -tAc "SELECT string_agg(name || '=' || state, ' ' ORDER BY name)
        FROM ir_module_module WHERE name IN ('$ADDON', '${ADDON}_sale', '${ADDON}_pos',
        'sale', 'point_of_sale')"
}
expect() { # expect WHAT NAME=STATE...: one passed or failed check of the states
    local what=$1 now
    shift
    now=" $(states) "
    for want in "$@"; do
        if [[ "$now" != *" $want "* ]]; then
            echo "bridges: $what: expected $want, got:$now"
            bf=$((bf + 1))
            return
        fi
    done
    bp=$((bp + 1))
}
sources() { # the revenue source of every profile, one line
    psql -d "$DB" -tAc "SELECT string_agg(DISTINCT segment_revenue_source, ',')
        FROM client_segmentation_profile"
}
expect_source() { # expect_source WHAT SOURCE: every profile's source
    local now
    now="$(sources)"
    if [[ "$now" == "$2" ]]; then bp=$((bp + 1)); else
        echo "bridges: $1: expected the source $2, got $now"
        bf=$((bf + 1))
    fi
}
bridge_odoo() { # bridge_odoo LOG ARGS...: an Odoo run that must succeed
    local log=$1
    shift
    odoo_cmd -c "$ODOORC" -d "$DB" --without-demo=all --stop-after-init \
        --log-level=info "$@" >"$log" 2>&1 || { tail -n 30 "$log"; bf=$((bf + 1)); }
}
shell() { # shell LOG PYTHON: Odoo's shell, committed, as an admin would
    printf '%s\n' "$2" "env.cr.commit()" |
        odoo_cmd shell -c "$ODOORC" -d "$DB" --no-http --log-level=info >"$1" 2>&1 ||
        { tail -n 30 "$1"; bf=$((bf + 1)); }
}
uninstall() { # uninstall LOG MODULE
    shell "$1" "env['ir.module.module'].search([('name', '=', '$2')]).button_immediate_uninstall()"
}
use_source() { # use_source LOG SOURCE: every profile on SOURCE
    shell "$1" "env['client.segmentation.profile'].search([]).segment_revenue_source = '$2'"
}
bridge_tests() { # bridge_tests TAGS LOG: Odoo's runner, its counts added up
    odoo_tests "$1" "$2" 0
    tp=$((tp + P)) tf=$((tf + F)) ts=$((ts + S))
    ((RC == 0)) || tf=$((tf + 1))
}

# ---------------------------------------------------------------- Sales alone
DB=$MAIN_DB
expect "with the addon" "${ADDON}_sale=uninstalled" "${ADDON}_pos=uninstalled"
bridge_odoo "$LOGDIR/bridges-sale-install.log" -i sale
expect "sale alone" "${ADDON}_sale=installed" "${ADDON}_pos=uninstalled"
bridge_tests "${ADDON}_bridge/${ADDON}_sale" "$LOGDIR/bridges-sale.log"

# ---------------------------------------------------------------- Point of Sale alone
DB=$POS_DB
dropdb --if-exists --force "$DB" 2>/dev/null
bridge_odoo "$LOGDIR/bridges-pos-install.log" -i "$ADDON,point_of_sale"
expect "point_of_sale alone" "${ADDON}_pos=installed" "${ADDON}_sale=uninstalled" \
    "sale=uninstalled"
bridge_tests "${ADDON}_bridge/${ADDON}_pos" "$LOGDIR/bridges-pos.log"

# ---------------------------------------------------------------- together
bridge_odoo "$LOGDIR/bridges-both-install.log" -i sale
expect "together" "${ADDON}_pos=installed" "${ADDON}_sale=installed"
bridge_tests "${ADDON}_bridge,${ADDON}_bridges_both" "$LOGDIR/bridges-both.log"

# ---------------------------------------------------------------- uninstall, each alone
# a profile on a bridge's source goes back to the invoices with the bridge
use_source "$LOGDIR/bridges-use-pos.log" invoice_pos
expect_source "set to invoices and Point of Sale" invoice_pos
uninstall "$LOGDIR/bridges-uninstall-pos.log" "${ADDON}_pos"
expect "pos bridge uninstalled alone" "${ADDON}_pos=uninstalled" \
    "${ADDON}_sale=installed" "point_of_sale=installed" "${ADDON}=installed"
expect_source "pos bridge uninstalled" invoice
use_source "$LOGDIR/bridges-use-sale.log" sale
expect_source "set to sales orders" sale
uninstall "$LOGDIR/bridges-uninstall-sale.log" "${ADDON}_sale"
expect "sale bridge uninstalled alone" "${ADDON}_sale=uninstalled" "sale=installed" \
    "${ADDON}=installed"
expect_source "sale bridge uninstalled" invoice

tier bridges $((tp + bp)) $((tf + bf)) "$ts" $((SECONDS - t)) \
    "$bp state checks$( ((tf)) && echo "; FAIL tests")"
[[ "$TIER_STATUS" == PASS ]]
