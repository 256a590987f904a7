#!/usr/bin/env bash
# Benchmark of the segment recompute (see bench/bench_segments.py).
#
#   bash bench/run.sh                      sizes 10000,100000,1000000
#   bash bench/run.sh 10000,100000         other sizes
#   BENCH_SUITE=clv bash bench/run.sh 100000,1000000
#                                          the predicted-value module instead
#                                          (bench/bench_clv.py)
#   BENCH_SUITE=boards bash bench/run.sh 100000
#                                          the boards and call lists as the web
#                                          client opens them (bench/bench_boards.py)
#   BENCH_SUITE=work_plans bash bench/run.sh 100000
#                                          N clients entering a work plan, then
#                                          leaving it (bench/bench_work_plans.py;
#                                          BENCH_PROFILE=FILE: cProfile of the plan)
#   BENCH_KEEP=1 bash bench/run.sh 1000000 keep the databases (cs_bench_N), e.g.
#                                          for bench/write_floor.py
#   BENCH_REUSE=1 (boards) measure the kept cs_bench_boards_N again, upgraded
#   BENCH_SUITE=load bash bench/run.sh 1000000
#                                          20 salespeople over HTTP for 10 minutes
#                                          during the recompute (bench/bench_load.py;
#                                          BENCH_LOAD_ARGS="--users 5 --minutes 1")
#   BENCH_SUITE=companies bash bench/run.sh 200000
#                                          five companies selling to the same partners
#                                          against one (bench/bench_companies.py)
#
# Starts the private PostgreSQL cluster (scripts/pg.sh), writes .odoorc, installs
# the module's dependencies (Invoicing, Sales Teams) without demo data into a
# template database once (cs_bench_base; BENCH_REINSTALL=1 rebuilds it; each
# size installs client_segmentation from this checkout on its seeded copy),
# then prints the tables that docs/performance.md publishes. Needs Odoo 18
# importable; never downloads it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"

SIZES="${1:-10000,100000,1000000}"
[[ "${BENCH_SUITE:-}" != work_plans ]] || SIZES="${1:-10000,100000}"
TEMPLATE=cs_bench_base

use_venv
bash "$REPO/scripts/system-deps.sh" db
bash "$REPO/scripts/pg.sh" start
eval "$(bash "$REPO/scripts/pg.sh" env)"
bash "$REPO/scripts/odoo-conf.sh" >/dev/null

exists="$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$TEMPLATE'")"
if [[ -n "${BENCH_REINSTALL:-}" || -z "$exists" ]]; then
    dropdb --if-exists "$TEMPLATE"
    log "installing account and sales_team into $TEMPLATE (no demo data) ..."
    odoo_cmd -c "$ODOORC" -d "$TEMPLATE" -i account,sales_team --without-demo=all \
        --stop-after-init --log-level=warn
fi
log "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(psql -d postgres -Atc 'SHOW server_version')"
if [[ "${BENCH_SUITE:-segments}" == boards ]]; then
    # BENCH_SUITE=boards: the screens as the web client opens them (bench/bench_boards.py)
    "$PY" "$REPO/bench/bench_boards.py" -c "$ODOORC" --template "$TEMPLATE" --sizes "$SIZES" \
        ${BENCH_KEEP:+--keep} ${BENCH_REUSE:+--reuse}
elif [[ "${BENCH_SUITE:-segments}" == companies ]]; then
    # BENCH_SUITE=companies: five companies on the same partners (bench/bench_companies.py)
    "$PY" "$REPO/bench/bench_companies.py" -c "$ODOORC" --template "$TEMPLATE" \
        --sizes "${1:-200000}" ${BENCH_KEEP:+--keep}
elif [[ "${BENCH_SUITE:-segments}" == load ]]; then
    # BENCH_SUITE=load: salespeople over HTTP while the recompute runs (bench/bench_load.py),
    # on the boards benchmark's database (made and kept first when missing)
    db="cs_bench_boards_$SIZES"
    [[ -n "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]] ||
        "$PY" "$REPO/bench/bench_boards.py" -c "$ODOORC" --template "$TEMPLATE" \
            --sizes "$SIZES" --keep
    "$PY" "$REPO/bench/bench_load.py" -c "$ODOORC" -d "$db" ${BENCH_LOAD_ARGS:-}
elif [[ "${BENCH_SUITE:-segments}" == work_plans ]]; then
    # the module installed from this checkout on a copy of the template
    dropdb --if-exists cs_bench_plans_template
    createdb -T "$TEMPLATE" cs_bench_plans_template
    odoo_cmd -c "$ODOORC" -d cs_bench_plans_template -i client_segmentation \
        --without-demo=all --stop-after-init --log-level=warn
    log "load before: $(uptime)"
    "$PY" "$REPO/bench/bench_work_plans.py" -c "$ODOORC" --template cs_bench_plans_template \
        --sizes "$SIZES" ${BENCH_KEEP:+--keep} ${BENCH_PROFILE:+--profile "$BENCH_PROFILE"}
    log "load after: $(uptime)"
elif [[ "${BENCH_SUITE:-segments}" == clv ]]; then
    # BENCH_SUITE=clv: the predicted-value fit and scores (bench/bench_clv.py)
    "$PY" "$REPO/bench/bench_clv.py" -c "$ODOORC" --template "$TEMPLATE" --sizes "$SIZES" \
        ${BENCH_KEEP:+--keep}
else
    "$PY" "$REPO/bench/bench_segments.py" -c "$ODOORC" --template "$TEMPLATE" --sizes "$SIZES" \
        ${BENCH_KEEP:+--keep}
fi
