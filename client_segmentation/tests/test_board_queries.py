from lxml import etree

from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common import FunnelCase

BOARDS = (
    "res_partner_action_board_funnel",
    "res_partner_action_board_value",
    "res_partner_action_board_recency",
    "res_partner_action_board_typology",
    "res_partner_action_board_temperature",
)
# Queries the server may run to open one board for a salesperson (column
# groups, progress bars, 40 cards per open column, their rights and
# related names): a bound that holds whatever the number of clients.
MAX_QUERIES = 60
# Reading one column's cards: the cards, their company values, the next key
# dates of the clients and of their contacts.
QUERIES_PER_COLUMN = 4


@tagged("post_install", "-at_install")
class TestBoardQueries(FunnelCase):
    """Opening a board costs a bounded number of queries that does not grow
    with the clients: the calls of the web client (web_read_group,
    read_progress_bar, one web_search_read of 40 cards per open column), as
    the salesperson on their own clients (their default)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clients = cls.Partner
        cls._add_clients(4)

    @classmethod
    def _add_clients(cls, count):
        start = len(cls.clients)
        new = cls.Partner.browse()
        for index in range(start, start + count):
            new |= cls._client(
                f"Query Client {index}",
                user_id=cls.salesman.id,
                client_type_id=cls.type_loyal.id if index % 2 else False,
            )
        cls._invoices(
            [
                (client, cls._days_ago(10 + 60 * (index % 4)), 100 * (index + 1))
                for index, client in enumerate(new, start=start)
            ]
        )
        cls.clients |= new
        cls.env["client.segment.engine"].recompute(cls.company)

    def _open(self, xmlid):
        """Queries and (columns, cards) of opening the board as the salesperson."""
        env = self.env(user=self.salesman)
        action = env["ir.actions.act_window"]._for_xml_id(
            f"client_segmentation.{xmlid}"
        )
        context = safe_eval(action["context"], {"uid": env.uid})
        self.assertTrue(context.get("search_default_segment_my_clients"))
        Partner = env["res.partner"].with_context(**context)
        views = Partner.get_views([(action["view_id"][0], "kanban"), (False, "search")])
        search = etree.fromstring(views["views"]["search"]["arch"])
        domain = safe_eval(action["domain"])
        for node in search.iter("filter"):
            if context.get(f"search_default_{node.get('name')}") and node.get("domain"):
                domain = [
                    "&",
                    *domain,
                    *safe_eval(node.get("domain"), {"uid": env.uid}),
                ]
        kanban = etree.fromstring(views["views"]["kanban"]["arch"])
        group_by = kanban.get("default_group_by")
        bar = kanban.find("progressbar")
        spec = {
            node.get("name"): {}
            for node in kanban.iter("field")
            if node.get("name") in Partner._fields
            and not Partner._fields[node.get("name")].relational
        }
        env.invalidate_all()
        before = env.cr.sql_log_count
        groups = Partner.web_read_group(domain, [], [group_by])["groups"]
        if bar is not None:
            Partner.read_progress_bar(
                domain,
                group_by,
                {
                    "field": bar.get("field"),
                    "colors": {},
                    "sum_field": bar.get("sum_field"),
                },
            )
        cards = filled = 0
        for group in groups:
            if not group.get("__fold"):
                shown = len(
                    Partner.web_search_read(group["__domain"], spec, limit=40)[
                        "records"
                    ]
                )
                cards += shown
                filled += bool(shown)
        return env.cr.sql_log_count - before, filled, cards

    def test_board_queries_are_bounded_and_do_not_grow(self):
        # warm the registry's caches (views, rules, translations) once
        for xmlid in BOARDS:
            self._open(xmlid)
        small = {xmlid: self._open(xmlid) for xmlid in BOARDS}
        self._add_clients(12)
        for xmlid in BOARDS:
            self._open(xmlid)
        large = {xmlid: self._open(xmlid) for xmlid in BOARDS}
        for xmlid in BOARDS:
            with self.subTest(board=xmlid):
                queries, columns, cards = small[xmlid]
                large_queries, large_columns, large_cards = large[xmlid]
                self.assertGreater(large_cards, cards, "the board shows the clients")
                self.assertLessEqual(queries, MAX_QUERIES)
                self.assertLessEqual(large_queries, MAX_QUERIES)
                # four times the clients: at most the queries of the columns
                # that got cards (reading a column's cards costs a few
                # queries), none per client
                self.assertLessEqual(
                    large_queries,
                    queries + QUERIES_PER_COLUMN * (large_columns - columns),
                    f"{queries} queries for {cards} cards in {columns} columns, "
                    f"{large_queries} for {large_cards} in {large_columns}",
                )

    def test_salesperson_board_reads_their_rows_through_an_index(self):
        """A salesperson's board ("My Clients") finds their clients through
        the addon's index on the salesperson instead of reading every
        partner (ADR 011): the board's query, with sequential scans priced
        out, goes through client_segment_res_partner_user_index. (No ANALYZE
        here: it would change the row counts the later tests are planned
        with.)"""
        env = self.env(user=self.salesman)
        domain = [
            "&",
            "|",
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("customer_rank", ">", 0),
            ("user_id", "=", env.uid),
        ]
        query = env["res.partner"]._search(domain)
        self.env.cr.execute(SQL("SET LOCAL enable_seqscan = off"))
        self.env.cr.execute(SQL("EXPLAIN %s", query.select(SQL("COUNT(*)"))))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute(SQL("SET LOCAL enable_seqscan = on"))
        self.assertIn("client_segment_res_partner_user_index", plan)
