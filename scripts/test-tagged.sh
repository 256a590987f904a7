#!/usr/bin/env bash
# Odoo's own test runner on the addon's tests of one tag: two tiers of
# scripts/test.sh that pytest-odoo does not run (see test.sh on why).
#   bash scripts/test-tagged.sh tours   tests tagged client_segmentation_tour,
#                                       browser tours in headless Chromium
#   bash scripts/test-tagged.sh sale    `sale` installed into the database (the
#                                       addon does not depend on it), then the
#                                       tests tagged client_segmentation_sale
# Runs in test.sh's database; alone, in a throw-away one with the addon
# installed (lib.sh test_database). Logs: tours.log, sale-install.log, sale.log.
# Records the tier line (lib.sh tier), exits 1 when the tier failed.
# Environment: PGPORT, KEEP_DB=1 (alone: keep the database).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
TIER="${1:?usage: bash scripts/test-tagged.sh tours|sale}"
[[ "$TIER" == tours || "$TIER" == sale ]] || die "unknown tier $TIER: tours or sale"
ADDON=client_segmentation
test_database "$TIER"
t=$SECONDS rc=0

# odoo_tagged NAME TAG LOG: Odoo's own runner on the tests tagged TAG, one tier.
odoo_tagged() {
    odoo_tests "$2/$ADDON" "$3" "$(free_port 8169)"
    tier "$1" "$P" "$F" "$S" $((SECONDS - t)) "$( ((RC)) && echo "FAIL odoo rc=$RC")"
}

if [[ "$TIER" == tours ]]; then
    odoo_tagged tours "${ADDON}_tour" "$LOGDIR/tours.log"
else
    odoo_cmd -c "$ODOORC" -d "$DB" -i sale --stop-after-init \
        --log-level=info >"$LOGDIR/sale-install.log" 2>&1 || rc=$?
    if ((rc == 0)); then
        odoo_tagged sale "${ADDON}_sale" "$LOGDIR/sale.log"
    else
        tail -n 40 "$LOGDIR/sale-install.log"
        tier sale 0 1 0 $((SECONDS - t)) "FAIL installing sale: rc=$rc"
    fi
fi
[[ "$TIER_STATUS" == PASS ]]
