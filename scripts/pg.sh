#!/usr/bin/env bash
# Private PostgreSQL 15 cluster for this repository.
#
#   bash scripts/pg.sh start    initdb once, start if not running, ensure role `odoo`
#   bash scripts/pg.sh stop     fast shutdown (no-op when not running)
#   bash scripts/pg.sh status   exit 0 when running, 3 when not
#   bash scripts/pg.sh env      print `export PG...=` lines for libpq clients
#   bash scripts/pg.sh psql ... psql as the superuser over the private socket
#
# Layout (all git-ignored, owned by the `postgres` user when run as root):
#   .pgdata/data/          the cluster (PGDATA)
#   .pgdata/run/           its unix socket directory
#   .pgdata/postgres.log   server log
# As root, when `postgres` cannot enter the clone (a private parent folder such
# as /root or a `mktemp -d` folder), .pgdata is a symlink to
# /var/tmp/cs-pgdata-<hash of the clone's path>, and the server is given only
# resolved paths there.
# It listens on 127.0.0.1 only, port 54329 (override with env PGPORT), and never
# touches the system cluster on 5432. Superuser `postgres` connects over the
# socket (trust, socket dir is private); Odoo connects over TCP as role
# `odoo`/`odoo` (scram-sha-256, CREATEDB, not superuser).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGROOT="$REPO/.pgdata"
# As root the server runs as `postgres`, which must be able to enter the
# cluster's folder. If a parent folder is private (a clone under /root or in a
# `mktemp -d` folder, mode 700), the cluster lives in /var/tmp instead, behind a
# symlink .pgdata. Everything the server opens (data, socket, log) is named by
# its resolved path, which `postgres` can reach without entering the repository.
if [[ "${1:-}" == start && $EUID -eq 0 && ! -e "$PGROOT" && ! -L "$PGROOT" ]] &&
    id postgres >/dev/null 2>&1 &&
    ! runuser -u postgres -- test -x "$REPO/" 2>/dev/null; then
    alt="/var/tmp/cs-pgdata-$(printf '%s' "$REPO" | md5sum | cut -c1-10)"
    mkdir -p "$alt"
    ln -sfn "$alt" "$PGROOT"
    log "user postgres cannot enter $REPO: cluster kept in $alt (.pgdata is a symlink to it)"
fi
if [[ "${1:-}" == start && -L "$PGROOT" ]]; then
    mkdir -p "$(readlink -f "$PGROOT")" # its target was removed: start over there
fi
PGREAL="$(readlink -f "$PGROOT")" # == $PGROOT unless .pgdata is a symlink
PGDATA_DIR="$PGREAL/data"
PGLOG="$PGREAL/postgres.log"
SOCKDIR="$PGREAL/run"
# A unix socket path must stay under ~107 bytes; fall back to /tmp for deep clones.
if ((${#SOCKDIR} + 20 > 100)); then
    SOCKDIR="/tmp/cs-pgsock-$(printf '%s' "$REPO" | md5sum | cut -c1-10)"
fi

# Locate the PostgreSQL 15 server binaries (Debian keeps them off PATH).
find_pg_bindir() {
    local d
    for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)" \
        "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")"; do
        if [[ -n "$d" && -x "$d/pg_ctl" && -x "$d/initdb" ]]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}
PGBIN="$(find_pg_bindir)" ||
    die "PostgreSQL server binaries (initdb, pg_ctl) not found. On Debian 12: apt-get install postgresql-15"

# PostgreSQL refuses to run as root: when we are root, run its tools as the
# `postgres` system user, from a directory it can enter.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

pg_running() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; }

superuser_psql() {
    as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PGPORT" -U postgres -d postgres "$@"
}

init_cluster() {
    mkdir -p "$PGREAL"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "system user 'postgres' missing (install postgresql-15)"
        chown postgres: "$PGREAL"
        # The postgres user must be able to traverse every parent of the folder.
        runuser -u postgres -- test -x "$PGREAL/" ||
            die "user 'postgres' cannot enter $PGREAL (a parent directory is not" \
                "world-executable): remove $PGROOT (after \`$0 stop\`) to move the cluster to /var/tmp"
    fi
    chmod 700 "$PGREAL"
    if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
        log "initdb $PGDATA_DIR"
        as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$PGREAL/initdb.log" 2>&1 ||
            { cat "$PGREAL/initdb.log" >&2; die "initdb failed"; }
    fi
    if ! grep -q '^# >>> client_segmentation private cluster' "$PGDATA_DIR/postgresql.conf"; then
        # Benchmark-friendly tuning; durability settings (fsync,
        # synchronous_commit, full_page_writes) deliberately stay at their defaults.
        as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null <<EOF

# >>> client_segmentation private cluster (written by scripts/pg.sh)
listen_addresses = '127.0.0.1'
port = $PGPORT
shared_buffers = 1GB
work_mem = 64MB
maintenance_work_mem = 256MB
max_wal_size = 8GB
checkpoint_timeout = 30min
effective_cache_size = 8GB
# <<< client_segmentation private cluster
EOF
    fi
}

ensure_role() {
    if [[ "$(superuser_psql -tA -c "SELECT 1 FROM pg_roles WHERE rolname = 'odoo'")" != 1 ]]; then
        log "creating role odoo (LOGIN CREATEDB, password odoo)"
        superuser_psql -c "CREATE ROLE odoo LOGIN CREATEDB PASSWORD 'odoo'"
    fi
}

cmd_start() {
    init_cluster
    mkdir -p "$SOCKDIR"
    [[ $EUID -eq 0 ]] && chown postgres: "$SOCKDIR"
    chmod 700 "$SOCKDIR"
    # Serialise concurrent `start`s (two shells may run scripts at once).
    exec 9>"$PGREAL/.start.lock"
    flock 9
    if pg_running; then
        log "already running ($PGDATA_DIR)"
    else
        if [[ "$(free_port "$PGPORT")" != "$PGPORT" ]]; then
            die "port $PGPORT on 127.0.0.1 is taken by another server: set PGPORT to a free port"
        fi
        log "starting PostgreSQL on 127.0.0.1:$PGPORT (log: $PGLOG)"
        [[ $EUID -eq 0 ]] && touch "$PGLOG" && chown postgres: "$PGLOG"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -w -t 60 \
            -o "-p $PGPORT -k $SOCKDIR -c listen_addresses=127.0.0.1" start >/dev/null ||
            { tail -n 20 "$PGLOG" >&2; die "pg_ctl start failed (port $PGPORT in use?)"; }
    fi
    ensure_role
    flock -u 9
}

cmd_stop() {
    if [[ -f "$PGDATA_DIR/PG_VERSION" ]] && pg_running; then
        log "stopping PostgreSQL ($PGDATA_DIR)"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
    else
        log "not running"
    fi
}

cmd_status() {
    if [[ -f "$PGDATA_DIR/PG_VERSION" ]] && pg_running; then
        echo "running: $PGDATA_DIR on 127.0.0.1:$PGPORT (socket dir $SOCKDIR)"
    else
        echo "not running ($PGDATA_DIR)"
        return 3
    fi
}

cmd_env() {
    cat <<EOF
export PGHOST=127.0.0.1
export PGPORT=$PGPORT
export PGUSER=odoo
export PGPASSWORD=odoo
EOF
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
psql)
    shift
    superuser_psql "$@"
    ;;
*)
    echo "usage: $0 start|stop|status|env|psql [psql args]" >&2
    exit 2
    ;;
esac
