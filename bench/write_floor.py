"""What the writes of a first run cost at the least, on a benchmark database.

A first run writes a new version of every client's ``res_partner`` row (the
segment values, figures, funnel stage and temperature, each a company key of
a jsonb column) and inserts one ``client_segment_state`` row per client. This
times those writes alone, without the engine, on slices of ``--rows``
commercial partners, each in a transaction rolled back (the database is left
as it was), and extrapolates them to all the database's commercial partners:

- one column: ``UPDATE res_partner SET comment = 'x'``, the least a new row
  version of every partner costs;
- the engine's values: the same rows with the 14 jsonb columns the first run
  sets, each to a constant company key;
- state rows: the slice's state rows deleted and inserted again, with the
  foreign keys every Odoo ``Many2one`` carries, then with the foreign keys
  dropped (inside the rolled-back transaction), to show what they cost.

Only for a benchmark database: though everything is rolled back, the
statements lock the tables while they run.

Usage, on a database the benchmark kept (``BENCH_KEEP=1 bash bench/run.sh
1000000`` keeps ``cs_bench_1000000``):

    python3 bench/write_floor.py -c .odoorc -d cs_bench_1000000
"""

import argparse
import time

from measures import partner_columns

# A constant of each field type, for the engine's values.
CONSTANTS = {
    "char": "'x'",
    "selection": "'x'",
    "float": "1234.5",
    "monetary": "1234.5",
    "integer": "7",
    "many2one": "1",
    "date": "DATE '2026-01-01'",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--rows", type=int, default=100_000, help="rows per slice")
    return parser.parse_args()


def timed_rollback(cr, before, statement):
    """Seconds of ``statement`` after ``before`` (not timed), rolled back."""
    for query in before:
        cr.execute(query)
    started = time.perf_counter()
    cr.execute(statement)
    seconds = time.perf_counter() - started
    cr.rollback()
    return seconds


def measures(env, SQL, company_id, slices):
    columns = partner_columns()
    fields = env["res.partner"]._fields
    key = str(company_id)
    engine_set = SQL(", ").join(
        SQL(
            "%s = jsonb_build_object(%s, %s)",
            SQL.identifier(name),
            key,
            SQL(CONSTANTS[fields[name].type]),
        )
        for name in columns
    )

    def in_slice(number, column="id"):
        low, high = slices[number]
        return SQL("%s BETWEEN %s AND %s", SQL.identifier(column), low, high)

    def state_rows(number, drop_keys):
        keep = SQL(
            "CREATE TEMPORARY TABLE floor_state ON COMMIT DROP AS"
            " SELECT * FROM client_segment_state WHERE company_id = %s AND %s",
            company_id,
            in_slice(number, "partner_id"),
        )
        delete = SQL(
            "DELETE FROM client_segment_state WHERE company_id = %s AND %s",
            company_id,
            in_slice(number, "partner_id"),
        )
        drop = [
            SQL(
                "ALTER TABLE client_segment_state DROP CONSTRAINT %s",
                SQL.identifier(f"client_segment_state_{column}_fkey"),
            )
            for column in ("partner_id", "company_id")
            if drop_keys
        ]
        insert = SQL("INSERT INTO client_segment_state SELECT * FROM floor_state")
        return [keep, delete, *drop], insert

    cr = env.cr
    return [
        (
            "res_partner: one column (comment)",
            timed_rollback(
                cr,
                [],
                SQL("UPDATE res_partner SET comment = 'x' WHERE %s", in_slice(0)),
            ),
        ),
        (
            f"res_partner: the first run's {len(columns)} jsonb values",
            timed_rollback(
                cr,
                [],
                SQL("UPDATE res_partner SET %s WHERE %s", engine_set, in_slice(1)),
            ),
        ),
        (
            "client_segment_state: insert, with its foreign keys",
            timed_rollback(cr, *state_rows(2, drop_keys=False)),
        ),
        (
            "client_segment_state: insert, foreign keys dropped",
            timed_rollback(cr, *state_rows(3, drop_keys=True)),
        ),
    ]


def write_floor(env, SQL, company_id, rows):
    """The measures on slices of ``rows`` clients of the company with a
    state: ``(clients, [(name, seconds per slice, extrapolated)])``."""
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT partner_id FROM client_segment_state"
            " WHERE company_id = %s ORDER BY partner_id",
            company_id,
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    if len(ids) < 4 * rows:
        raise ValueError(
            f"{len(ids)} clients with a state, {4 * rows} needed (run the "
            "benchmark first, BENCH_KEEP=1)"
        )
    slices = [(ids[n * rows], ids[(n + 1) * rows - 1]) for n in range(4)]
    results = measures(env, SQL, company_id, slices)
    scale = len(ids) / rows
    return len(ids), [(name, seconds, seconds * scale) for name, seconds in results]


def floor_seconds(results):
    """The first run's two writes at the least: the partner rows with its
    values and the state rows with their foreign keys (extrapolated)."""
    return results[1][2] + results[2][2]


def main():
    args = parse_args()
    import odoo
    from odoo.tools import SQL

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry.new(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company_id = env.ref("base.main_company").id
        try:
            clients, results = write_floor(env, SQL, company_id, args.rows)
        except ValueError as error:
            raise SystemExit(f"{args.database}: {error}") from error
    print(f"| write | s per {args.rows:,} rows | extrapolated to {clients:,} s |")
    print("|---|---|---|")
    for name, seconds, extrapolated in results:
        print(f"| {name} | {seconds:.2f} | {extrapolated:.1f} |")
    print(f"| the first run's two writes | | {floor_seconds(results):.1f} |")


if __name__ == "__main__":
    main()
