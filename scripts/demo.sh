#!/usr/bin/env bash
# Demo: a fresh database with client_segmentation and its demo data (two years
# of life replayed at install), then Odoo served on http://127.0.0.1:8069
# (login admin / admin; salesperson: demo / demo).
#
#   bash scripts/demo.sh              (re)create the demo database, serve
#   bash scripts/demo.sh --no-serve   same, but stop before serving (CI / smoke use)
#   bash scripts/demo.sh --crm        also install CRM: work plans open opportunities
#
# Steps:
#   0. set-up: bootstrap .venv (Odoo 18.0 + tooling, scripts/bootstrap.sh) and
#      install PostgreSQL 15 when missing (scripts/system-deps.sh)
#   1. start the private PostgreSQL cluster (scripts/pg.sh) and write .odoorc
#   2. drop + recreate database client_segmentation_demo (env DEMO_DB) and install
#      client_segmentation WITH demo data (log: .demo-logs/install.log): the
#      demo replays two years of nightly recomputes (client.demo.data)
#   3. in `odoo shell`: print every board's columns with their client counts,
#      as the boards show them to the administrator (main company), and the
#      demo's counts (history, movements, work plans, activities, contacts)
#   4. serve Odoo in the foreground on 127.0.0.1:$ODOO_HTTP_PORT (default 8069)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

SERVE=1 MODULES=client_segmentation
for arg in "$@"; do
    case "$arg" in
    --no-serve) SERVE="" ;;
    --crm) MODULES=client_segmentation,crm ;;
    -h | --help)
        sed -n '2,19p' "$0"
        exit 0
        ;;
    *) die "unknown argument: $arg (usage: $0 [--no-serve] [--crm])" ;;
    esac
done

DB="${DEMO_DB:-client_segmentation_demo}"
ADDON=client_segmentation
HTTP_PORT="${ODOO_HTTP_PORT:-8069}"
LOGDIR="$REPO/.demo-logs"
mkdir -p "$LOGDIR"

# Set-up: .venv with Odoo 18.0 (scripts/bootstrap.sh), PostgreSQL 15 when missing.
use_venv
bash "$REPO/scripts/system-deps.sh" db
[[ -f "$REPO/$ADDON/__manifest__.py" ]] || die "addon folder $REPO/$ADDON is missing"

# A port already taken would only show up after the install: check it first.
if [[ -n "$SERVE" && "$(free_port "$HTTP_PORT")" != "$HTTP_PORT" ]]; then
    die "port $HTTP_PORT on 127.0.0.1 is in use (another Odoo? set ODOO_HTTP_PORT)"
fi

# 1. database server and Odoo config
bash "$REPO/scripts/pg.sh" start
eval "$(bash "$REPO/scripts/pg.sh" env)"
bash "$REPO/scripts/odoo-conf.sh" >/dev/null

# 2. fresh database with demo data
log "recreating database $DB"
dropdb --if-exists --force "$DB" 2>/dev/null
rm -rf "$REPO/.odoo-data/filestore/$DB"
log "installing $MODULES with demo data (log: $LOGDIR/install.log) ..."
t0=$SECONDS
if ! odoo_cmd -c "$ODOORC" -d "$DB" -i "$MODULES" --stop-after-init --log-level=info \
    >"$LOGDIR/install.log" 2>&1; then
    tail -n 40 "$LOGDIR/install.log" >&2
    die "installing $ADDON failed, see $LOGDIR/install.log"
fi
state="$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$ADDON'")"
[[ "$state" == installed ]] || die "$ADDON is '$state' after install, see $LOGDIR/install.log"
# a failing demo file is only logged: the install goes on without its data
if grep -qE " (ERROR|WARNING) $DB " "$LOGDIR/install.log"; then
    grep -m 5 -E " (ERROR|WARNING) $DB " "$LOGDIR/install.log" >&2
    die "the install logged warnings or errors (demo data?), see $LOGDIR/install.log"
fi
log "installed in $((SECONDS - t0))s"

# 3. show the result
log "what the demo holds (odoo shell) ..."
odoo_cmd shell -c "$ODOORC" -d "$DB" --log-level=warn --no-http <<'EOF'
# What the boards show to the administrator in the main company: the same
# request as the boards (client.demo.data._board_summary).
company = env.ref("base.main_company")
admin = env.ref("base.user_admin")
Demo = env["client.demo.data"].with_user(admin).with_company(company)
Demo = Demo.with_context(allowed_company_ids=[company.id])
print(f"\nClients on the boards, company {company.name!r}:")
for board, columns in Demo._board_summary():
    print(f"  {board}: {sum(count for _title, count in columns)} clients")
    for title, count in columns:
        print(f"    {title:<24} {count:>6}")
reminder_types = [
    env.ref(f"client_segmentation.mail_activity_type_key_date_{kind}").id
    for kind in ("call", "congratulate")
]
activities = env["mail.activity"].search_count(
    [("activity_type_id", "in", reminder_types)]
)
print(f"  Key date reminders waiting: {activities} activities")
print("Two years of life (client.demo.data._demo_counts):")
for label, count in env["client.demo.data"].with_company(company)._demo_counts():
    print(f"  {label:<40} {count:>6}")
EOF

if [[ -z "$SERVE" ]]; then
    log "done (--no-serve). Serve later with: .venv/bin/python -m odoo -c .odoorc -d $DB"
    exit 0
fi

# 4. serve
cat <<EOF

  Odoo is starting on  http://127.0.0.1:$HTTP_PORT/odoo   (database $DB)
  login: admin   password: admin
  Stop with Ctrl-C. The database stays; re-run this script to rebuild it.

EOF
odoo_cmd -c "$ODOORC" -d "$DB" --http-port "$HTTP_PORT"
