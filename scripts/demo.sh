#!/usr/bin/env bash
# Demo: a fresh database with client_segmentation and its demo data, segments
# computed once, then Odoo served on http://127.0.0.1:8069 (login admin / admin).
#
#   bash scripts/demo.sh              (re)create the demo database, recompute, serve
#   bash scripts/demo.sh --no-serve   same, but stop before serving (CI / smoke use)
#
# Steps:
#   0. set-up: bootstrap .venv (Odoo 18.0 + tooling, scripts/bootstrap.sh) and
#      install PostgreSQL 15 when missing (scripts/system-deps.sh)
#   1. start the private PostgreSQL cluster (scripts/pg.sh) and write .odoorc
#   2. drop + recreate database client_segmentation_demo (env DEMO_DB) and install
#      client_segmentation WITH demo data (log: .demo-logs/install.log)
#   3. in `odoo shell`: env['res.partner']._cron_recompute_segments(), commit,
#      print partner counts per ABC class and per recency segment (main company)
#   4. serve Odoo in the foreground on 127.0.0.1:$ODOO_HTTP_PORT (default 8069)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

SERVE=1
for arg in "$@"; do
    case "$arg" in
    --no-serve) SERVE="" ;;
    -h | --help)
        sed -n '2,15p' "$0"
        exit 0
        ;;
    *) die "unknown argument: $arg (usage: $0 [--no-serve])" ;;
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
log "installing $ADDON with demo data (log: $LOGDIR/install.log) ..."
t0=$SECONDS
if ! odoo_cmd -c "$ODOORC" -d "$DB" -i "$ADDON" --stop-after-init --log-level=info \
    >"$LOGDIR/install.log" 2>&1; then
    tail -n 40 "$LOGDIR/install.log" >&2
    die "installing $ADDON failed, see $LOGDIR/install.log"
fi
state="$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$ADDON'")"
[[ "$state" == installed ]] || die "$ADDON is '$state' after install, see $LOGDIR/install.log"
log "installed in $((SECONDS - t0))s"

# 3. recompute once and show the result
log "recomputing segments (odoo shell) ..."
odoo_cmd shell -c "$ODOORC" -d "$DB" --log-level=warn --no-http <<'EOF'
import sys

Partner = env["res.partner"]
if not hasattr(Partner, "_cron_recompute_segments"):
    sys.exit("res.partner has no _cron_recompute_segments(): is the addon complete?")
Partner._cron_recompute_segments()
env.cr.commit()

company = env.ref("base.main_company")
Partner = Partner.with_company(company)
print(f"\nPartners per segment, company {company.name!r}:")
for field in ("abc_class", "recency_segment"):
    labels = dict(Partner._fields[field]._description_selection(env))
    groups = Partner._read_group([(field, "!=", False)], [field], ["__count"])
    print(f"  {Partner._fields[field].string}")
    for value, count in sorted(groups, key=lambda g: str(g[0])):
        print(f"    {labels.get(value, value):<12} {count:>6}")
    print(f"    {'(total)':<12} {sum(c for _v, c in groups):>6}")
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
