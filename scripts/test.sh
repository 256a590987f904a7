#!/usr/bin/env bash
# The project's test command:   bash scripts/test.sh
#
# Always runs (no Odoo needed):
#   1. ruff check + ruff format --check over the repository (pyproject.toml)
#   2. pylint + pylint-odoo on the addon (.pylintrc)
#   3. pure tier: plain `pytest tests/` (pytest-odoo plugin disabled)
# When `import odoo` (18.0) works, the ODOO TIER:
#   4. private PostgreSQL (scripts/pg.sh), fresh database cs_test_<pid>, install
#      the addon WITHOUT demo data, log saved
#   5. the addon's tests through pytest-odoo (client_segmentation/tests),
#      HttpCase tests included (--odoo-http), browser tours excluded
#   6. the browser tours (tests tagged `client_segmentation_tour`) through Odoo's
#      own test runner in headless Chromium
#   6b. the tests of the sales-order revenue source (tag `client_segmentation_sale`):
#      `sale` installed into the same database, Odoo's runner
#   7. checklog: no WARNING/ERROR/CRITICAL line in the logs of 4-6
# The test database and its filestore are dropped on exit.
#
# Why tours run apart (step 6): pytest-odoo 2.3.0 *can* run HttpCase tests: with
# --odoo-http it starts Odoo's threaded HTTP server on a random port for the
# session (without it, it skips every HttpCase). Tours ran there too when we
# tried, but pytest-odoo swaps Odoo's test runner for unittest's (it deletes
# BaseCase.run and its retry logic, patches subTest), so the browser tours run
# where Odoo upstream and OCA run them: `odoo --test-enable --test-tags ...`,
# with Odoo's own result accounting and browser handling. pytest-odoo deselects
# them (scripts/pytest_odoo_tier.py --odoo-exclude-tag) so nothing runs twice.
# Tour test classes must be tagged ("post_install", "-at_install",
# "client_segmentation_tour").
#
# Environment knobs:
#   PYTHON=python3        interpreter holding odoo, pytest, ruff, pylint
#   PGPORT=54329          port of the private PostgreSQL cluster
#   ADDON=client_segmentation   addon to test (its folder is looked up in the repo,
#                         then in ODOO_EXTRA_ADDONS; used to test this script itself)
#   ODOO_EXTRA_ADDONS=... extra addons folders (see scripts/odoo-conf.sh)
#   SKIP_ODOO=1           run only the Odoo-free steps
#   KEEP_DB=1             keep the test database for inspection
# Exit status: 0 when every step passed, 1 otherwise.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

ADDON="${ADDON:-client_segmentation}"
TOUR_TAG="${ADDON}_tour"
SALE_TAG="${ADDON}_sale"
DB="cs_test_$$"
LOGDIR="$REPO/.test-logs/$DB"
mkdir -p "$LOGDIR"
# keep the logs of the last 5 runs only
find "$REPO/.test-logs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
    sort -rn | tail -n +6 | cut -d' ' -f2- | xargs -r rm -rf

# Locate the addon folder.
ADDON_DIR=""
IFS=',:' read -r -a _extra <<<"${ODOO_EXTRA_ADDONS:-}"
for d in "$REPO" "${_extra[@]}"; do
    if [[ -n "$d" && -f "$d/$ADDON/__manifest__.py" ]]; then
        ADDON_DIR="$(cd "$d/$ADDON" && pwd)"
        break
    fi
done
[[ -n "$ADDON_DIR" ]] || ADDON_DIR="$REPO/$ADDON" # missing: reported by the steps

# ---------------------------------------------------------------- bookkeeping
STEPS=()   # "name|STATUS|detail"
FAILED=()
PASSED_N=0 FAILED_N=0 SKIPPED_N=0 # test counts over all runners
record() { # record NAME STATUS [DETAIL]
    STEPS+=("$1|$2|${3:-}")
    [[ "$2" == FAIL ]] && FAILED+=("$1")
    return 0
}
section() { printf '\n=== %s ===\n' "$*"; }

# Add passed/failed/skipped counts from a pytest junit xml to the totals and
# set COUNTS="N passed, N failed, N skipped" (no subshell: totals must stick).
count_junit() {
    local counts
    counts="$("$PY" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0")
    sys.exit()
# Count <testcase> elements: the suite's "tests" attribute also counts subtests.
p = f = s = 0
for case in root.iter("testcase"):
    tags = {child.tag for child in case}
    if tags & {"failure", "error"}:
        f += 1
    elif "skipped" in tags:
        s += 1
    else:
        p += 1
print(p, f, s)
EOF
)"
    local p f s
    read -r p f s <<<"$counts"
    PASSED_N=$((PASSED_N + p)) FAILED_N=$((FAILED_N + f)) SKIPPED_N=$((SKIPPED_N + s))
    COUNTS="$p passed, $f failed, $s skipped"
}

# ------------------------------------------------------------- 1. ruff
section "ruff check"
if "$PY" -m ruff --version >/dev/null 2>&1; then
    if "$PY" -m ruff check "$REPO"; then record "ruff check" PASS; else record "ruff check" FAIL; fi
    section "ruff format --check"
    if "$PY" -m ruff format --check "$REPO"; then
        record "ruff format" PASS
    else
        record "ruff format" FAIL "run: ruff format ."
    fi
else
    echo "ruff is not installed for $PY (pip install -r requirements-test.txt)"
    record "ruff" FAIL "not installed"
fi

# ------------------------------------------------------------- 2. pylint-odoo
section "pylint (pylint-odoo) on $ADDON"
if ! "$PY" -c "import pylint_odoo" >/dev/null 2>&1; then
    echo "pylint-odoo is not installed for $PY (pip install -r requirements-test.txt)"
    record "pylint-odoo" FAIL "not installed"
elif [[ ! -d "$ADDON_DIR" ]]; then
    echo "addon folder $ADDON_DIR not found"
    record "pylint-odoo" FAIL "no addon folder"
elif "$PY" -m pylint --rcfile="$REPO/.pylintrc" "$ADDON_DIR"; then
    echo "pylint: no findings"
    record "pylint-odoo" PASS
else
    record "pylint-odoo" FAIL
fi

# ------------------------------------------------------------- 3. pure tier
section "pure tier: pytest tests/ (no Odoo)"
if [[ ! -d "$REPO/tests" ]]; then
    banner "NOTE: no top-level tests/ folder: the pure (Odoo-free) tier ran NO test."
    record "pure tests" NOTE "no tests/ folder"
else
    rc=0
    # -p no:odoo: pytest-odoo auto-loads and would import odoo.
    "$PY" -m pytest -p no:odoo --junitxml="$LOGDIR/pure.xml" "$REPO/tests" || rc=$?
    case $rc in
    0) count_junit "$LOGDIR/pure.xml"; record "pure tests" PASS "$COUNTS" ;;
    5)
        banner "NOTE: pytest collected NO test in tests/: the pure tier ran nothing."
        record "pure tests" NOTE "no test collected"
        ;;
    *) count_junit "$LOGDIR/pure.xml"; record "pure tests" FAIL "pytest rc=$rc; $COUNTS" ;;
    esac
fi

# ------------------------------------------------------------- 4-7. odoo tier
ODOO_REASON=""
if [[ "${SKIP_ODOO:-}" == 1 ]]; then
    ODOO_REASON="SKIP_ODOO=1"
else
    ODOO_REASON="$(odoo_missing_reason)"
fi

cleanup() {
    if [[ -n "${DB_CREATED:-}" && "${KEEP_DB:-}" != 1 ]]; then
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || echo "warning: could not drop $DB" >&2
        rm -rf "$REPO/.odoo-data/filestore/$DB"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# checklog FILE...: fail when a log record has level WARNING, ERROR or CRITICAL.
# Odoo's format: "2026-01-31 12:00:00,123 PID LEVEL DB LOGGER: message", then
# continuation lines (tracebacks). Known-harmless records can be listed, one
# python regex per line, in scripts/checklog-ignore.txt (matched on the first line).
CHECKLOG_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) '
checklog() {
    "$PY" - "$REPO/scripts/checklog-ignore.txt" "$@" <<'EOF_PY'
import os, re, sys

head = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")
ignore_file, logs = sys.argv[1], sys.argv[2:]
ignores = []
if os.path.exists(ignore_file):
    with open(ignore_file) as fh:
        ignores = [re.compile(l.strip()) for l in fh if l.strip() and not l.startswith("#")]
bad = 0
for log in logs:
    if not os.path.exists(log):
        continue
    records, cur = [], None
    with open(log, errors="replace") as fh:
        for line in fh:
            m = head.match(line)
            if m:
                cur = [m.group(1), line.rstrip("\n")]
                records.append(cur)
            elif cur is not None:
                cur.append(line.rstrip("\n"))
    hits = [
        r for r in records
        if r[0] in ("WARNING", "ERROR", "CRITICAL")
        and not any(rx.search(r[1]) for rx in ignores)
    ]
    if hits:
        bad += len(hits)
        print(f"--- {log}: {len(hits)} WARNING/ERROR/CRITICAL record(s)")
        for r in hits[:30]:
            print("\n".join(r[1:16]))
sys.exit(1 if bad else 0)
EOF_PY
}

if [[ -n "$ODOO_REASON" ]]; then
    howto=("${ODOO_HOWTO[@]}")
    [[ "${SKIP_ODOO:-}" == 1 ]] && howto=("(unset SKIP_ODOO to run it)")
    banner "ODOO TIER SKIPPED: $ODOO_REASON" \
        "Only ruff, pylint and the pure tests ran; the addon was NOT installed" \
        "and its Odoo tests did NOT run." "" "${howto[@]}"
    record "odoo tier" SKIP "$ODOO_REASON"
else
    section "odoo tier: PostgreSQL + database $DB"
    bash "$REPO/scripts/pg.sh" start
    eval "$(bash "$REPO/scripts/pg.sh" env)"
    # a private config for this run (a concurrent demo.sh may rewrite .odoorc)
    ODOORC="$LOGDIR/odoorc"
    bash "$REPO/scripts/odoo-conf.sh" "$ODOORC" >/dev/null
    dropdb --if-exists --force "$DB" 2>/dev/null
    DB_CREATED=1 # from here on the EXIT trap drops it

    # 4. install without demo data
    section "install $ADDON without demo (log: $LOGDIR/install.log)"
    t0=$SECONDS
    rc=0
    odoo_cmd -c "$ODOORC" -d "$DB" -i "$ADDON" --without-demo=all \
        --stop-after-init --log-level=info >"$LOGDIR/install.log" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]] && grep -qE " INFO $DB odoo.modules.loading: Modules loaded" "$LOGDIR/install.log" &&
        [[ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null)" == installed ]]; then
        record "odoo install" PASS "$((SECONDS - t0))s"
        INSTALLED=1
    else
        tail -n 60 "$LOGDIR/install.log"
        record "odoo install" FAIL "rc=$rc, see $LOGDIR/install.log"
        INSTALLED=""
    fi

    # 5. pytest-odoo
    section "pytest-odoo: $ADDON_DIR/tests (tours tagged $TOUR_TAG excluded)"
    if [[ -z "$INSTALLED" ]]; then
        record "pytest-odoo" SKIP "install failed"
    elif [[ ! -d "$ADDON_DIR/tests" ]]; then
        banner "NOTE: $ADDON has no tests/ folder: the Odoo tier ran NO test."
        record "pytest-odoo" NOTE "no tests folder"
    else
        rc=0
        # -p odoo: pytest-odoo's entry-point name (it also auto-loads; `-p
        # pytest_odoo` would register it twice and crash).
        PYTHONPATH="$REPO/scripts${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest \
            -p odoo -p pytest_odoo_tier \
            --odoo-config "$ODOORC" --odoo-database "$DB" --odoo-http \
            --odoo-log-level=info --odoo-extra "logfile=$LOGDIR/pytest-odoo.log" \
            --odoo-exclude-tag "$TOUR_TAG" --odoo-exclude-tag "$SALE_TAG" \
            --junitxml="$LOGDIR/pytest-odoo.xml" -o cache_dir="$REPO/.pytest_cache" \
            "$ADDON_DIR/tests" || rc=$?
        case $rc in
        0) count_junit "$LOGDIR/pytest-odoo.xml"; record "pytest-odoo" PASS "$COUNTS" ;;
        5)
            banner "NOTE: pytest-odoo collected NO test in $ADDON_DIR/tests."
            record "pytest-odoo" NOTE "no test collected"
            ;;
        *) count_junit "$LOGDIR/pytest-odoo.xml"; record "pytest-odoo" FAIL "rc=$rc; $COUNTS" ;;
        esac
    fi

    # 6. browser tours through Odoo's runner
    section "tours: odoo --test-tags $TOUR_TAG/$ADDON (log: $LOGDIR/tours.log)"
    if [[ -z "$INSTALLED" ]]; then
        record "tours" SKIP "install failed"
    elif ! grep -rqs --include='*.py' "$TOUR_TAG" "$ADDON_DIR/tests"; then
        banner "NOTE: no test tagged $TOUR_TAG in $ADDON_DIR/tests: no browser tour ran."
        record "tours" NOTE "no tour test"
    else
        rc=0
        port="$(free_port 8169)"
        odoo_cmd -c "$ODOORC" -d "$DB" --test-enable --test-tags "$TOUR_TAG/$ADDON" \
            --stop-after-init --http-port "$port" --log-level=info \
            >"$LOGDIR/tours.log" 2>&1 || rc=$?
        # "X failed, Y error(s) of N tests when loading database": N=0 is logged
        # as a WARNING, so checklog also fails when the tagged tours did not run.
        line="$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOGDIR/tours.log" | tail -n 1 || true)"
        grep -E "$CHECKLOG_RE|post-tests in| Starting " "$LOGDIR/tours.log" | cut -c1-300 | tail -n 40 || true
        if [[ "$line" =~ ^([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests$ ]]; then
            tf=$((BASH_REMATCH[1] + BASH_REMATCH[2])) tn=${BASH_REMATCH[3]}
            PASSED_N=$((PASSED_N + tn - tf)) FAILED_N=$((FAILED_N + tf))
        fi
        if [[ $rc -eq 0 && -n "$line" && "$line" != *" of 0 tests" ]]; then
            record "tours" PASS "$line"
        else
            record "tours" FAIL "rc=$rc; ${line:-no test report}"
        fi
    fi

    # 6b. tests that need the Sales app (tag client_segmentation_sale): the
    #     addon does not depend on `sale`, so the same database gets `sale`
    #     installed now, and Odoo's runner runs only those tests.
    section "sales source: install sale, odoo --test-tags $SALE_TAG/$ADDON (log: $LOGDIR/sale.log)"
    if [[ -z "$INSTALLED" ]]; then
        record "sale tests" SKIP "install failed"
    elif ! grep -rqs --include='*.py' "$SALE_TAG" "$ADDON_DIR/tests"; then
        record "sale tests" NOTE "no test tagged $SALE_TAG"
    else
        rc=0
        # Two runs: Odoo only runs the tests of the modules a run installs, so
        # `sale` is installed first, then the tagged tests run on their own.
        odoo_cmd -c "$ODOORC" -d "$DB" -i sale --stop-after-init \
            --log-level=info >"$LOGDIR/sale-install.log" 2>&1 || rc=$?
        [[ $rc -eq 0 ]] && odoo_cmd -c "$ODOORC" -d "$DB" --test-enable \
            --test-tags "$SALE_TAG/$ADDON" --stop-after-init --http-port "$(free_port 8169)" \
            --log-level=info >"$LOGDIR/sale.log" 2>&1 || rc=$?
        line="$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOGDIR/sale.log" | tail -n 1 || true)"
        grep -E "$CHECKLOG_RE| Starting " "$LOGDIR/sale.log" | cut -c1-300 | tail -n 20 || true
        if [[ "$line" =~ ^([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests$ ]]; then
            tf=$((BASH_REMATCH[1] + BASH_REMATCH[2])) tn=${BASH_REMATCH[3]}
            PASSED_N=$((PASSED_N + tn - tf)) FAILED_N=$((FAILED_N + tf))
        fi
        if [[ $rc -eq 0 && -n "$line" && "$line" != *" of 0 tests" ]]; then
            record "sale tests" PASS "$line"
        else
            record "sale tests" FAIL "rc=$rc; ${line:-no test report}"
        fi
    fi

    # 7. checklog
    section "checklog: WARNING/ERROR/CRITICAL lines in Odoo logs"
    if checklog "$LOGDIR/install.log" "$LOGDIR/pytest-odoo.log" "$LOGDIR/tours.log" \
        "$LOGDIR/sale-install.log" "$LOGDIR/sale.log"; then
        echo "no WARNING/ERROR/CRITICAL line"
        record "checklog" PASS
    else
        record "checklog" FAIL "see above"
    fi
fi

# ------------------------------------------------------------- summary
section "summary (logs: $LOGDIR)"
for s in "${STEPS[@]}"; do
    IFS='|' read -r name status detail <<<"$s"
    printf '  %-14s %-5s %s\n' "$name" "$status" "$detail"
done
[[ -n "$ODOO_REASON" ]] && echo "  !! Odoo tier skipped: $ODOO_REASON"
if ((${#FAILED[@]})); then
    echo "test.sh: FAILED (${FAILED[*]})"
    rc=1
else
    echo "test.sh: OK"
    rc=0
fi
echo "tests: $PASSED_N passed, $FAILED_N failed, $SKIPPED_N skipped"
exit $rc
