#!/usr/bin/env bash
# The project's test command:   bash scripts/test.sh
#
# Set-up is part of it: scripts/bootstrap.sh builds or reuses .venv (Odoo 18.0
# + test tooling), scripts/system-deps.sh installs PostgreSQL 15 and Chromium
# when missing (as root). Then, one tier after the other (the longer ones in
# their own script, each also runnable alone):
#   lint       scripts/test-lint.sh: pre-commit run --all-files, the hooks of
#              .pre-commit-config.yaml (ruff, pylint-odoo, OCA's module and .po
#              checks, prettier, README.rst from readme/*.md)
#   pure       plain pytest tests/ (no Odoo)
#   install    a fresh database cs_test_<pid>, the addon installed WITHOUT demo
#   odoo       the addon's tests through pytest-odoo (HttpCase included),
#              tours excluded (they run below)
#   tours      scripts/test-tagged.sh tours: tests tagged client_segmentation_tour,
#              Odoo's runner, headless Chromium
#   i18n       scripts/test-tagged.sh i18n: the addon installed into a new
#              database with ru, uk, zh_CN loaded, then the tests tagged
#              client_segmentation_i18n (every shipped record in each language)
#   bridges    scripts/test-bridges.sh: the revenue sources' bridge modules
#              (client_segmentation_sale, _pos) install themselves with Sales,
#              with Point of Sale (a second database) and with both, pass their
#              tests and uninstall cleanly, each alone
#   glue       scripts/test-glue.sh: the glue modules (client_segmentation_crm,
#              _mass_mailing, _spreadsheet_dashboard) install themselves with
#              their app, alone and together, pass their tests (tag
#              client_segmentation_glue) and uninstall cleanly, alone and together
#   checklog   no WARNING/ERROR/CRITICAL record in any Odoo log above
#   uninstall  scripts/test-uninstall.sh: uninstall, reinstall and the upgrade
#              from 18.0.1.0.0 in throw-away databases (its own log check)
# A failing or skipped test fails its tier, and any failed tier fails the run.
# One line per tier, then `tests: N passed, F failed, S skipped` over all tiers.
# Every tier records its line through lib.sh's `tier` in $LOGDIR/tiers; the
# tier scripts run in this run's database (lib.sh test_database).
#
# Why tours run apart: pytest-odoo swaps Odoo's test runner for unittest's
# (it deletes BaseCase.run and its retry logic), so browser tours run where Odoo
# and OCA run them: `odoo --test-enable --test-tags ...`. pytest-odoo deselects
# them (scripts/pytest_odoo_tier.py --odoo-exclude-tag) so nothing runs twice.
#
# Environment: PYTHON / ODOO_SRC (see bootstrap.sh), PGPORT (default 54329),
# KEEP_DB=1 keeps the test database, ODOO_EXTRA_ADDONS extra addons folders.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
T0=$SECONDS

use_venv
bash "$REPO/scripts/system-deps.sh" db browser

ADDON=client_segmentation
ADDON_DIR="$REPO/$ADDON"
TOUR_TAG="${ADDON}_tour"
DB="cs_test_$$"
LOGDIR="$REPO/.test-logs/$DB"
mkdir -p "$LOGDIR"
# keep the logs of the last 5 runs only
find "$REPO/.test-logs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
    sort -rn | tail -n +6 | cut -d' ' -f2- | xargs -r rm -rf

# ---------------------------------------------------------------- bookkeeping
export CS_TIER_FILE="$LOGDIR/tiers" # lib.sh tier: one line per tier
: >"$CS_TIER_FILE"
# tier_script NAME SCRIPT [ARGS...]: a tier in its own script, which records
# its line; a script that ends without it (a crash) fails the tier.
tier_script() {
    local name=$1 t=$SECONDS rc=0
    bash "$REPO/scripts/$2" "${@:3}" || rc=$?
    grep -q "^$name " "$CS_TIER_FILE" ||
        tier "$name" 0 1 0 $((SECONDS - t)) "FAIL $2 rc=$rc"
}
# needs_install NAME SCRIPT [ARGS...]: a tier script run once the addon is installed
needs_install() {
    if [[ -n "$INSTALLED" ]]; then
        tier_script "$@"
    else
        tier "$1" 0 0 0 0 "FAIL not run: install failed"
    fi
}

# ---------------------------------------------------------------- lint
section "lint: pre-commit run --all-files (.pre-commit-config.yaml)"
tier_script lint test-lint.sh

# ---------------------------------------------------------------- pure
section "pure: pytest tests/ (no Odoo)"
t=$SECONDS rc=0
# -p no:odoo: the auto-loaded pytest-odoo plugin would import odoo.
"$PY" -m pytest -p no:odoo -q --junitxml="$LOGDIR/pure.xml" "$REPO/tests" || rc=$?
read -r p f s <<<"$(counts junit "$LOGDIR/pure.xml")"
tier pure "$p" "$f" "$s" $((SECONDS - t)) "$( ((rc)) && echo "FAIL pytest rc=$rc")"

# ---------------------------------------------------------------- database
cleanup() {
    if [[ -n "${DB_CREATED:-}" ]]; then drop_test_database "$DB"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bash "$REPO/scripts/pg.sh" start
eval "$(bash "$REPO/scripts/pg.sh" env)"
ODOORC="$LOGDIR/odoorc" # a private config: a concurrent demo.sh may rewrite .odoorc
bash "$REPO/scripts/odoo-conf.sh" "$ODOORC" >/dev/null
export CS_TEST_DB="$DB" CS_TEST_ODOORC="$ODOORC" CS_TEST_LOGDIR="$LOGDIR"
dropdb --if-exists --force "$DB" 2>/dev/null
DB_CREATED=1

# ---------------------------------------------------------------- install
section "install: $ADDON without demo into $DB (log: $LOGDIR/install.log)"
t=$SECONDS rc=0
odoo_cmd -c "$ODOORC" -d "$DB" -i "$ADDON" --without-demo=all \
    --stop-after-init --log-level=info >"$LOGDIR/install.log" 2>&1 || rc=$?
state="$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null || true)"
if [[ $rc -eq 0 && "$state" == installed ]]; then
    INSTALLED=1
    tier install 1 0 0 $((SECONDS - t))
else
    INSTALLED=""
    tail -n 60 "$LOGDIR/install.log"
    tier install 0 1 0 $((SECONDS - t)) "rc=$rc state=${state:-none}"
fi

# ---------------------------------------------------------------- odoo (pytest-odoo)
section "odoo: pytest-odoo $ADDON/tests (log: $LOGDIR/pytest-odoo.log)"
t=$SECONDS rc=0
if [[ -n "$INSTALLED" ]]; then
    # -p odoo: pytest-odoo's entry-point name (it also auto-loads).
    PYTHONPATH="$REPO/scripts${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest -q \
        -p odoo -p pytest_odoo_tier \
        --odoo-config "$ODOORC" --odoo-database "$DB" --odoo-http \
        --odoo-log-level=info --odoo-extra "logfile=$LOGDIR/pytest-odoo.log" \
        --odoo-exclude-tag "$TOUR_TAG" \
        --junitxml="$LOGDIR/pytest-odoo.xml" -o cache_dir="$REPO/.pytest_cache" \
        "$ADDON_DIR/tests" || rc=$?
    read -r p f s <<<"$(counts junit "$LOGDIR/pytest-odoo.xml")"
    tier odoo "$p" "$f" "$s" $((SECONDS - t)) "$( ((rc)) && echo "FAIL pytest rc=$rc")"
else
    tier odoo 0 0 0 0 "FAIL not run: install failed"
fi

# ---------------------------------------------------------------- tours
section "tours: odoo --test-tags $TOUR_TAG in headless Chromium (log: $LOGDIR/tours.log)"
needs_install tours test-tagged.sh tours

# ---------------------------------------------------------------- i18n
section "i18n: a database created with ru, uk, zh_CN, the shipped records (log: $LOGDIR/i18n.log)"
needs_install i18n test-tagged.sh i18n

# ---------------------------------------------------------------- bridges
# The addon depends on neither app: this database gets `sale`, a second one
# point_of_sale, then both; the bridge modules come with them.
section "bridges: sale, point_of_sale, both: their bridge modules (logs: $LOGDIR/bridges-*.log)"
needs_install bridges test-bridges.sh

# ---------------------------------------------------------------- glue
section "glue: crm, mass_mailing, spreadsheet_dashboard glue modules (logs: $LOGDIR/glue-*.log)"
needs_install glue test-glue.sh

# ---------------------------------------------------------------- checklog
section "checklog: WARNING/ERROR/CRITICAL records in the Odoo logs"
t=$SECONDS
if checklog "$LOGDIR"/install.log "$LOGDIR"/pytest-odoo.log "$LOGDIR"/tours.log \
    "$LOGDIR"/i18n-install.log "$LOGDIR"/i18n.log \
    "$LOGDIR"/bridges*.log "$LOGDIR"/glue*.log; then
    echo "no WARNING/ERROR/CRITICAL record"
    tier checklog 1 0 0 $((SECONDS - t))
else
    tier checklog 0 1 0 $((SECONDS - t)) "see above"
fi

# ---------------------------------------------------------------- uninstall
section "uninstall: scripts/test-uninstall.sh (log: $LOGDIR/uninstall.log)"
t=$SECONDS rc=0
bash "$REPO/scripts/test-uninstall.sh" >"$LOGDIR/uninstall.log" 2>&1 || rc=$?
grep -E "FAILED|^uninstall: " "$LOGDIR/uninstall.log" || true
read -r p f <<<"$(sed -n 's/^uninstall: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$LOGDIR/uninstall.log")"
tier uninstall "${p:-0}" "${f:-1}" 0 $((SECONDS - t)) "$( ((rc)) && echo "FAIL rc=$rc")"

# ---------------------------------------------------------------- summary
# one line per tier, test.sh: OK|FAILED (tiers), tests: N passed, F failed, S skipped
section "summary (logs: $LOGDIR, $((SECONDS - T0))s in all)"
rc=0
"$PY" "$REPO/scripts/logtool.py" summary "$CS_TIER_FILE" || rc=$?
exit $rc
