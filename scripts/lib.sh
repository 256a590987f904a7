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
