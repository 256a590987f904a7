"""SQL idioms the recompute repeats, written once.

- :class:`TempTable`: a temporary table created from a query, passed by
  argument between the steps of a run (no table name both sides "know");
- :func:`jsonb_set_key` / :func:`jsonb_clear_key`: set or remove one
  company's key of a ``company_dependent`` column (never the whole column);
- :func:`id_ranges`: bound each statement of a run;
- :func:`in_order`: a selection's groups in the selection's order.

Every statement goes through :class:`odoo.tools.SQL` with parameters.
"""

import uuid

from odoo.tools import SQL


class TempTable:
    """A temporary table of the current connection, created from a query.

    It survives a COMMIT (``ON COMMIT PRESERVE ROWS``, PostgreSQL's default),
    so a run that commits per batch keeps its working tables; a ROLLBACK of
    the transaction that created it removes it. Use it as a context manager
    to drop it at the end of a step.
    """

    def __init__(self, cr, prefix, query, key="partner_id", analyze=True):
        self.cr = cr
        # Unique per instance: two runs in one connection never collide.
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.key = key
        cr.execute(SQL("CREATE TEMPORARY TABLE %s AS %s", self.sql, query))
        if key:
            cr.execute(SQL("CREATE INDEX ON %s (%s)", self.sql, SQL.identifier(key)))
        if analyze:
            cr.execute(SQL("ANALYZE %s", self.sql))

    @property
    def sql(self):
        """The table name as an SQL identifier, to embed in queries."""
        return SQL.identifier(self.name)

    def count(self):
        self.cr.execute(SQL("SELECT count(*) FROM %s", self.sql))
        return self.cr.fetchone()[0]

    def drop(self):
        self.cr.execute(SQL("DROP TABLE IF EXISTS %s", self.sql))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if not self.cr.closed:
            self.drop()


def jsonb_set_key(column, key, value):
    """``column`` with the company ``key`` set to ``value``, or removed when
    ``value`` is NULL (the field's fallback then applies)."""
    return SQL(
        """CASE WHEN %(value)s IS NULL THEN %(column)s - %(key)s
                ELSE COALESCE(%(column)s, '{}'::jsonb)
                     || jsonb_build_object(%(key)s, %(value)s) END""",
        column=column,
        key=key,
        value=value,
    )


def jsonb_clear_key(column, key):
    """``column`` without the company ``key``."""
    return SQL("%s - %s", column, key)


def jsonb_differs(column, key, value):
    """Whether the company ``key`` of ``column`` differs from ``value``."""
    return SQL("(%s -> %s) IS DISTINCT FROM to_jsonb(%s)", column, key, value)


def id_ranges(cr, table, column, size):
    """Half-open ``(low, high)`` ranges of ``size`` ids covering ``column``
    of ``table`` (an :class:`SQL` table), for one statement per range."""
    cr.execute(
        SQL(
            "SELECT COALESCE(MIN(%(column)s), 0), COALESCE(MAX(%(column)s), -1)"
            " FROM %(table)s",
            column=column,
            table=table,
        )
    )
    first, last = cr.fetchone()
    return [(low, low + size) for low in range(first, last + 1, size)]


def in_order(expr, keys):
    """``expr`` as its position in ``keys``: groups of a selection ordered as
    its selection (and the boards' columns), not alphabetically."""
    return SQL("array_position(%s::varchar[], (%s)::varchar)", list(keys), expr)
