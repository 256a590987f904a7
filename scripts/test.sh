#!/usr/bin/env bash
# The project's test command:   bash scripts/test.sh
#
# Set-up is part of it: scripts/bootstrap.sh builds or reuses .venv (Odoo 18.0
# + test tooling), scripts/system-deps.sh installs PostgreSQL 15 and Chromium
# when missing (as root). Then, one tier after the other:
#   lint       ruff check, ruff format --check, pylint-odoo on the addon,
#              README.rst generated from readme/*.md (scripts/gen_readme.py),
#              prettier (OCA settings) on the addons' XML and JS
#   pure       plain pytest tests/ (no Odoo)
#   install    a fresh database cs_test_<pid>, the addon installed WITHOUT demo
#   odoo       the addon's tests through pytest-odoo (HttpCase included),
#              tours and sales-source tests excluded (they run below)
#   tours      tests tagged client_segmentation_tour, Odoo's runner, headless Chromium
#   sale       `sale` installed, then the tests tagged client_segmentation_sale
#   glue       the glue modules (client_segmentation_crm, _mass_mailing,
#              _spreadsheet_dashboard) install themselves with their app, alone
#              and together, pass their tests (tag client_segmentation_glue) and
#              uninstall cleanly, alone and together
#   checklog   no WARNING/ERROR/CRITICAL record in any Odoo log above
#   uninstall  scripts/test-uninstall.sh: uninstall, reinstall and the upgrade
#              from 18.0.1.0.0 in throw-away databases (its own log check)
# A failing or skipped test fails its tier, and any failed tier fails the run.
# One line per tier, then `tests: N passed, F failed, S skipped` over all tiers.
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
SALE_TAG="${ADDON}_sale"
DB="cs_test_$$"
LOGDIR="$REPO/.test-logs/$DB"
mkdir -p "$LOGDIR"
# keep the logs of the last 5 runs only
find "$REPO/.test-logs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
    sort -rn | tail -n +6 | cut -d' ' -f2- | xargs -r rm -rf

# ---------------------------------------------------------------- bookkeeping
TIERS=() FAILED=()
P_ALL=0 F_ALL=0 S_ALL=0
section() { printf '\n=== %s ===\n' "$*"; }
# tier NAME P F S SECONDS [NOTE]: a skipped test fails the tier.
tier() {
    local name=$1 p=$2 f=$3 s=$4 secs=$5 note=${6:-} status=PASS
    P_ALL=$((P_ALL + p)) F_ALL=$((F_ALL + f)) S_ALL=$((S_ALL + s))
    if ((f + s > 0)) || [[ "$note" == FAIL* ]] || ((p + f + s == 0)); then
        status=FAIL
        FAILED+=("$name")
    fi
    TIERS+=("$(printf '%-9s %-4s %4d passed, %d failed, %d skipped  %4ds  %s' \
        "$name" "$status" "$p" "$f" "$s" "$secs" "$note")")
}
counts() { "$PY" "$REPO/scripts/logtool.py" "$@"; } # prints "P F S"

# ---------------------------------------------------------------- lint
section "lint: ruff check, ruff format --check, pylint-odoo, README.rst up to date"
t=$SECONDS p=0 f=0
if "$PY" -m ruff check "$REPO"; then p=$((p + 1)); else f=$((f + 1)); fi
if "$PY" -m ruff format --check "$REPO"; then p=$((p + 1)); else f=$((f + 1)); fi
if "$PY" -m pylint --rcfile="$REPO/.pylintrc" "$ADDON_DIR" "$ADDON_DIR"_*; then p=$((p + 1)); else f=$((f + 1)); fi
if "$PY" "$REPO/scripts/gen_readme.py" --check; then p=$((p + 1)); else f=$((f + 1)); fi
if (cd "$REPO" && node_modules/.bin/prettier --check --log-level warn "client_segmentation*/**/*.{xml,js}"); then
    p=$((p + 1))
else
    f=$((f + 1)) && echo "prettier: run  npx prettier --write 'client_segmentation*/**/*.{xml,js}'"
fi
tier lint $p $f 0 $((SECONDS - t)) "ruff check, ruff format, pylint-odoo, README.rst, prettier"

# ---------------------------------------------------------------- pure
section "pure: pytest tests/ (no Odoo)"
t=$SECONDS rc=0
# -p no:odoo: the auto-loaded pytest-odoo plugin would import odoo.
"$PY" -m pytest -p no:odoo -q --junitxml="$LOGDIR/pure.xml" "$REPO/tests" || rc=$?
read -r p f s <<<"$(counts junit "$LOGDIR/pure.xml")"
tier pure "$p" "$f" "$s" $((SECONDS - t)) "$( ((rc)) && echo "FAIL pytest rc=$rc")"

# ---------------------------------------------------------------- database
cleanup() {
    if [[ -n "${DB_CREATED:-}" && "${KEEP_DB:-}" != 1 ]]; then
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || echo "warning: could not drop $DB" >&2
        rm -rf "$REPO/.odoo-data/filestore/$DB"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bash "$REPO/scripts/pg.sh" start
eval "$(bash "$REPO/scripts/pg.sh" env)"
ODOORC="$LOGDIR/odoorc" # a private config: a concurrent demo.sh may rewrite .odoorc
bash "$REPO/scripts/odoo-conf.sh" "$ODOORC" >/dev/null
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
        --odoo-exclude-tag "$TOUR_TAG" --odoo-exclude-tag "$SALE_TAG" \
        --junitxml="$LOGDIR/pytest-odoo.xml" -o cache_dir="$REPO/.pytest_cache" \
        "$ADDON_DIR/tests" || rc=$?
    read -r p f s <<<"$(counts junit "$LOGDIR/pytest-odoo.xml")"
    tier odoo "$p" "$f" "$s" $((SECONDS - t)) "$( ((rc)) && echo "FAIL pytest rc=$rc")"
else
    tier odoo 0 0 0 0 "FAIL not run: install failed"
fi

# odoo_tagged NAME TAG LOG: Odoo's own runner on the tests tagged TAG.
odoo_tagged() {
    local name=$1 tag=$2 log=$3 rc=0
    odoo_cmd -c "$ODOORC" -d "$DB" --test-enable --test-tags "$tag/$ADDON" \
        --stop-after-init --http-port "$(free_port 8169)" --log-level=info \
        >"$log" 2>&1 || rc=$?
    grep -E " (WARNING|ERROR|CRITICAL) | Starting |: skipped " "$log" | cut -c1-300 | tail -n 40 || true
    read -r p f s <<<"$(counts odoo "$log")"
    tier "$name" "$p" "$f" "$s" $((SECONDS - t)) "$( ((rc)) && echo "FAIL odoo rc=$rc")"
}

# ---------------------------------------------------------------- tours
section "tours: odoo --test-tags $TOUR_TAG in headless Chromium (log: $LOGDIR/tours.log)"
t=$SECONDS
if [[ -n "$INSTALLED" ]]; then
    odoo_tagged tours "$TOUR_TAG" "$LOGDIR/tours.log"
else
    tier tours 0 0 0 0 "FAIL not run: install failed"
fi

# ---------------------------------------------------------------- sale
# The addon does not depend on `sale`: the same database gets it now, then
# Odoo's runner runs only the tests tagged for the sales-order source.
section "sale: install sale, odoo --test-tags $SALE_TAG (log: $LOGDIR/sale.log)"
t=$SECONDS rc=0
if [[ -n "$INSTALLED" ]]; then
    odoo_cmd -c "$ODOORC" -d "$DB" -i sale --stop-after-init \
        --log-level=info >"$LOGDIR/sale-install.log" 2>&1 || rc=$?
    if ((rc == 0)); then
        odoo_tagged sale "$SALE_TAG" "$LOGDIR/sale.log"
    else
        tail -n 40 "$LOGDIR/sale-install.log"
        tier sale 0 1 0 $((SECONDS - t)) "FAIL installing sale: rc=$rc"
    fi
else
    tier sale 0 0 0 0 "FAIL not run: install failed"
fi

# ---------------------------------------------------------------- glue
# Glue modules (auto_install): spreadsheet_dashboard comes with account, so its
# glue came with the addon; crm's glue installs alone, uninstalls alone; then
# crm's and mass_mailing's together, the glue tests, and all three uninstalled
# together. Each step checks the modules' states.
section "glue: crm, mass_mailing, spreadsheet_dashboard glue modules (logs: $LOGDIR/glue-*.log)"
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
if [[ -n "$INSTALLED" ]]; then
    expect "with the addon" "${ADDON}_spreadsheet_dashboard=installed" \
        "${ADDON}_crm=uninstalled" "${ADDON}_mass_mailing=uninstalled"
    glue_odoo "$LOGDIR/glue-crm.log" -i crm
    expect "crm alone" "${ADDON}_crm=installed" "${ADDON}_mass_mailing=uninstalled"
    uninstall "$LOGDIR/glue-uninstall-crm.log" "${ADDON}_crm"
    expect "crm glue uninstalled alone" "${ADDON}_crm=uninstalled" "crm=installed" \
        "${ADDON}=installed"
    glue_odoo "$LOGDIR/glue-install.log" -i "mass_mailing,${ADDON}_crm"
    expect "together" "${ADDON}_crm=installed" "${ADDON}_mass_mailing=installed" \
        "${ADDON}_spreadsheet_dashboard=installed"
    rc=0
    # --http-port 0: the system picks a free port, so a concurrent run cannot
    # take it between choice and bind (the dashboard's browser test asks Odoo
    # for the port it bound).
    odoo_cmd -c "$ODOORC" -d "$DB" --test-enable --test-tags "${ADDON}_glue" \
        --stop-after-init --http-port 0 --log-level=info \
        >"$LOGDIR/glue.log" 2>&1 || rc=$?
    grep -E " (WARNING|ERROR|CRITICAL) | Starting |: skipped " "$LOGDIR/glue.log" | cut -c1-300 | tail -n 40 || true
    read -r p f s <<<"$(counts odoo "$LOGDIR/glue.log")"
    uninstall "$LOGDIR/glue-uninstall.log" \
        "${ADDON}_crm,${ADDON}_mass_mailing,${ADDON}_spreadsheet_dashboard"
    expect "uninstalled together" "${ADDON}_crm=uninstalled" \
        "${ADDON}_mass_mailing=uninstalled" "${ADDON}_spreadsheet_dashboard=uninstalled" \
        "${ADDON}=installed"
    tier glue $((p + gp)) $((f + gf)) "$s" $((SECONDS - t)) \
        "$gp state checks$( ((rc)) && echo "; FAIL odoo rc=$rc")"
else
    tier glue 0 0 0 0 "FAIL not run: install failed"
fi

# ---------------------------------------------------------------- checklog
section "checklog: WARNING/ERROR/CRITICAL records in the Odoo logs"
t=$SECONDS
if "$PY" "$REPO/scripts/logtool.py" checklog "$REPO/scripts/checklog-ignore.txt" \
    "$LOGDIR"/install.log "$LOGDIR"/pytest-odoo.log "$LOGDIR"/tours.log \
    "$LOGDIR"/sale-install.log "$LOGDIR"/sale.log "$LOGDIR"/glue*.log; then
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
section "summary (logs: $LOGDIR, $((SECONDS - T0))s in all)"
for line in "${TIERS[@]}"; do echo "tier $line"; done
if ((${#FAILED[@]})); then
    echo "test.sh: FAILED (${FAILED[*]})"
    rc=1
else
    echo "test.sh: OK"
    rc=0
fi
echo "tests: $P_ALL passed, $F_ALL failed, $S_ALL skipped"
exit $rc
