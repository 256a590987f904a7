#!/usr/bin/env bash
# Odoo's own test runner on the addon's tests of one tag: two tiers of
# scripts/test.sh that pytest-odoo does not run (see test.sh on why).
#   bash scripts/test-tagged.sh tours   tests tagged client_segmentation_tour,
#                                       browser tours in headless Chromium
#   bash scripts/test-tagged.sh i18n    a database of its own created with
#                                       Russian, Ukrainian and Chinese loaded
#                                       (--load-language) as the addon is
#                                       installed, then the tests tagged
#                                       client_segmentation_i18n (the shipped
#                                       records read in each language)
# (The revenue sources' bridge modules have their tier: scripts/test-bridges.sh.)
# Runs in test.sh's database; alone, in a throw-away one with the addon
# installed (lib.sh test_database). Logs: tours.log, i18n-install.log, i18n.log.
# Records the tier line (lib.sh tier), exits 1 when the tier failed.
# Environment: PGPORT, KEEP_DB=1 (alone: keep the database).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
TIER="${1:?usage: bash scripts/test-tagged.sh tours|i18n}"
[[ "$TIER" =~ ^(tours|i18n)$ ]] || die "unknown tier $TIER: tours or i18n"
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
    # the languages come with the install: no language wizard afterwards
    BASE_DB=$DB DB="${DB}_i18n"
    dropdb --if-exists --force "$DB" 2>/dev/null
    # alone, the throw-away database of test_database goes too
    trap 'drop_test_database "$DB"; [[ -n "${CS_TEST_DB:-}" ]] || drop_test_database "$BASE_DB"' EXIT
    odoo_cmd -c "$ODOORC" -d "$DB" -i "$ADDON" --without-demo=all \
        --load-language=ru_RU,uk_UA,zh_CN --stop-after-init --log-level=info \
        >"$LOGDIR/i18n-install.log" 2>&1 || rc=$?
    if ((rc == 0)); then
        odoo_tagged i18n "${ADDON}_i18n" "$LOGDIR/i18n.log"
    else
        tail -n 40 "$LOGDIR/i18n-install.log"
        tier i18n 0 1 0 $((SECONDS - t)) "FAIL installing with languages: rc=$rc"
    fi
fi
[[ "$TIER_STATUS" == PASS ]]
