#!/usr/bin/env bash
# Odoo's own test runner on the addon's tests of one tag: a tier of
# scripts/test.sh that pytest-odoo does not run (see test.sh on why).
#   bash scripts/test-tagged.sh tours   tests tagged client_segmentation_tour,
#                                       browser tours in headless Chromium
# (The revenue sources' bridge modules have their tier: scripts/test-bridges.sh.)
# Runs in test.sh's database; alone, in a throw-away one with the addon
# installed (lib.sh test_database). Log: tours.log.
# Records the tier line (lib.sh tier), exits 1 when the tier failed.
# Environment: PGPORT, KEEP_DB=1 (alone: keep the database).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
TIER="${1:?usage: bash scripts/test-tagged.sh tours}"
[[ "$TIER" == tours ]] || die "unknown tier $TIER: tours"
ADDON=client_segmentation
test_database "$TIER"
t=$SECONDS

# odoo_tagged NAME TAG LOG: Odoo's own runner on the tests tagged TAG, one tier.
odoo_tagged() {
    odoo_tests "$2/$ADDON" "$3" "$(free_port 8169)"
    tier "$1" "$P" "$F" "$S" $((SECONDS - t)) "$( ((RC)) && echo "FAIL odoo rc=$RC")"
}

odoo_tagged tours "${ADDON}_tour" "$LOGDIR/tours.log"
[[ "$TIER_STATUS" == PASS ]]
