# shellcheck shell=bash
# Shared helpers for the scripts in this folder. Source it, don't run it:
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It defines:
#   REPO          absolute path of the repository root (holds client_segmentation/)
#   PY            the python used for everything: the bootstrapped venv's once
#                 use_venv ran (exported as CS_PY for child scripts), else
#                 env PYTHON, default python3
#   use_venv      bootstrap .venv (scripts/bootstrap.sh) and switch PY to it
#   ODOORC        path of the generated, git-ignored Odoo config ($REPO/.odoorc)
#   PGPORT        port of the private PostgreSQL cluster (env PGPORT, default 54329)
#   log/warn/die/banner   small output helpers
#   odoo_cmd ARGS...      runs the Odoo CLI of the importable odoo package
#   free_port [START]     prints a free TCP port on 127.0.0.1 (>= START)
# and, for the test command (scripts/test.sh) and its tier scripts (test-*.sh):
#   section TITLE         a tier's heading
#   counts junit|odoo F   prints "P F S" of a junit XML or an Odoo log
#   checklog LOG...       checklog-odoo on each log that exists, exit 1 on a record
#                         of level WARNING or worse (scripts/checklog-odoo.cfg)
#   tier NAME P F S SECONDS [NOTE]   records one tier's result line
#   test_database NAME    DB, ODOORC, LOGDIR of a tier that needs the addon
#   drop_test_database DB drops a test database and its filestore (not with KEEP_DB=1)
#   odoo_tests TAGS LOG PORT   Odoo's own runner on the tests tagged TAGS in DB

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${CS_PY:-${PYTHON:-python3}}"
ODOORC="$REPO/.odoorc"
PGPORT="${PGPORT:-54329}"

# Colours only on a terminal (CI logs stay plain).
if [[ -t 2 ]]; then C_B=$'\033[1;34m' C_Y=$'\033[1;33m' C_R=$'\033[1;31m' C_0=$'\033[0m'; else C_B='' C_Y='' C_R='' C_0=''; fi
log() { printf '%s[%s]%s %s\n' "$C_B" "$(basename "$0")" "$C_0" "$*" >&2; }
warn() { printf '%s[%s] WARNING:%s %s\n' "$C_Y" "$(basename "$0")" "$C_0" "$*" >&2; }
die() {
    printf '%s[%s] ERROR:%s %s\n' "$C_R" "$(basename "$0")" "$C_0" "$*" >&2
    exit 1
}

# A loud, boxed message (used for skipped tiers and missing Odoo).
banner() {
    local line
    line="$(printf '%*s' 72 '' | tr ' ' '#')"
    printf '\n%s\n' "$line"
    local msg
    for msg in "$@"; do printf '#  %s\n' "$msg"; done
    printf '%s\n\n' "$line"
}

# Build or reuse .venv (Odoo 18 + test tooling) and use its python from here on,
# in this script and in the scripts it calls. Exits when there is no Odoo.
use_venv() {
    local py
    py="$(bash "$REPO/scripts/bootstrap.sh")" || exit 1
    PY="$py"
    export CS_PY="$py"
}

# Run the Odoo CLI of the importable package with the same interpreter.
# TZ=UTC mirrors what the official odoo-bin launcher does.
odoo_cmd() {
    (cd "$REPO" && TZ=UTC "$PY" -m odoo "$@")
}

# First free TCP port on 127.0.0.1 at or above $1 (default 8069).
free_port() {
    "$PY" - "${1:-8069}" <<'EOF'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            port += 1
            continue
    print(port)
    break
EOF
}

# ---------------------------------------------------------------- test tiers
section() { printf '\n=== %s ===\n' "$*"; }
counts() { "$PY" "$REPO/scripts/logtool.py" "$@"; } # prints "P F S"
checklog() {
    local log bad=0
    for log in "$@"; do
        [[ -f "$log" ]] || continue
        "$PY" -m checklog_odoo --no-err-if-empty -c "$REPO/scripts/checklog-odoo.cfg" \
            "$log" || { bad=1 && echo "--- in $log"; }
    done
    return $bad
}

# tier NAME P F S SECONDS [NOTE]: one tier's result line (logtool.py tier: a
# failed or skipped test, a NOTE starting with FAIL, or a tier that ran nothing
# fails it) and its PASS or FAIL in TIER_STATUS. Appends the line to
# $CS_TIER_FILE, which scripts/test.sh sums up (logtool.py summary); without
# CS_TIER_FILE (a tier script run alone) prints it.
tier() {
    local line
    line="$("$PY" "$REPO/scripts/logtool.py" tier "$1" "$2" "$3" "$4" "$5" "${6:-}")"
    read -r _ TIER_STATUS _ <<<"$line"
    if [[ -n "${CS_TIER_FILE:-}" ]]; then
        echo "$line" >>"$CS_TIER_FILE"
    else
        echo "tier $line"
    fi
}

# odoo_tests TAGS LOG PORT: Odoo's own test runner on the tests tagged TAGS in
# $DB, its log in LOG, serving HTTP on PORT (0: a port the system picks). Prints
# the log's notable lines; sets P F S (its counts) and RC (Odoo's exit code).
odoo_tests() {
    local tags=$1 log=$2 port=$3
    RC=0
    odoo_cmd -c "$ODOORC" -d "$DB" --test-enable --test-tags "$tags" \
        --stop-after-init --http-port "$port" --log-level=info >"$log" 2>&1 || RC=$?
    grep -E " (WARNING|ERROR|CRITICAL) | Starting |: skipped " "$log" |
        cut -c1-300 | tail -n 40 || true
    read -r P F S <<<"$(counts odoo "$log")"
}

drop_test_database() {
    if [[ "${KEEP_DB:-}" != 1 ]]; then
        dropdb --if-exists --force "$1" >/dev/null 2>&1 || echo "warning: could not drop $1" >&2
        rm -rf "$REPO/.odoo-data/filestore/$1"
    fi
}

# test_database NAME: sets DB, ODOORC and LOGDIR for a tier that runs in a
# database with client_segmentation installed. Under scripts/test.sh: its
# database (CS_TEST_DB, CS_TEST_ODOORC, CS_TEST_LOGDIR). A tier script run
# alone: a throw-away cs_NAME_<pid>, the addon installed without demo data,
# dropped on exit (KEEP_DB=1 keeps it).
test_database() {
    [[ -n "${CS_PY:-}" ]] || use_venv # called alone: bootstrap first
    if [[ -n "${CS_TEST_DB:-}" ]]; then
        DB=$CS_TEST_DB ODOORC=$CS_TEST_ODOORC LOGDIR=$CS_TEST_LOGDIR
        return
    fi
    bash "$REPO/scripts/system-deps.sh" db browser
    bash "$REPO/scripts/pg.sh" start >/dev/null
    eval "$(bash "$REPO/scripts/pg.sh" env)"
    DB="cs_$1_$$" LOGDIR="$REPO/.test-logs/$1_$$"
    ODOORC="$LOGDIR/odoorc"
    mkdir -p "$LOGDIR"
    bash "$REPO/scripts/odoo-conf.sh" "$ODOORC" >/dev/null
    trap 'drop_test_database "$DB"' EXIT
    log "installing client_segmentation into $DB (log: $LOGDIR/install.log) ..."
    odoo_cmd -c "$ODOORC" -d "$DB" -i client_segmentation --without-demo=all \
        --stop-after-init --log-level=info >"$LOGDIR/install.log" 2>&1 ||
        die "the install failed: $LOGDIR/install.log"
}
