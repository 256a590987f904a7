#!/usr/bin/env bash
# Debian packages the scripts need, installed when missing (as root), or named
# with the apt-get command to run (as another user).
#
#   bash scripts/system-deps.sh build     C compiler + libpq headers (psycopg2 builds from source)
#   bash scripts/system-deps.sh db        PostgreSQL 15 server and client
#   bash scripts/system-deps.sh browser   Chromium, for Odoo's browser tours
#   bash scripts/system-deps.sh node      Node.js and npm, for prettier (XML, JS)
#   bash scripts/system-deps.sh all       all of them
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want=()
for what in "${@:-all}"; do
    case "$what" in
    build | all)
        command -v gcc >/dev/null || want+=(gcc)
        command -v pg_config >/dev/null || want+=(libpq-dev)
        ;;&
    db | all)
        [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]] || want+=(postgresql-15 postgresql-client-15)
        ;;&
    browser | all)
        command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
            command -v google-chrome >/dev/null || want+=(chromium)
        ;;&
    node | all)
        command -v npm >/dev/null || want+=(nodejs npm)
        ;;
    build | db | browser) ;;
    *) die "unknown group '$what' (build, db, browser, node, all)" ;;
    esac
done
((${#want[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: ${want[*]}; install them with: sudo apt-get install ${want[*]}"
fi
log "apt-get install ${want[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
