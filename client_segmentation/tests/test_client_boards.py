from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FunnelCase


@tagged("post_install", "-at_install")
class TestClientBoards(FunnelCase):
    """What the boards and the client form show: the demo summary counts
    what the boards count, columns in a readable order, contact persons
    shown with their client's position."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._client("Board Big", client_type_id=cls.type_loyal.id)
        cls.small = cls._client("Board Small")
        cls.prospect = cls._client("Board Prospect")
        cls.contact = cls.Partner.create(
            {"name": "Board Buyer Person", "parent_id": cls.big.id}
        )
        # a vendor and a client of another company are no clients of ours
        cls.vendor = cls.Partner.create(
            {"name": "Board Vendor", "is_company": True, "supplier_rank": 1}
        )
        other_company = cls.setup_other_company(name="Board Co 2")["company"]
        cls.foreign = cls._client("Board Foreign", company_id=other_company.id)
        cls._invoices(
            [
                (cls.big, cls._days_ago(3), 9000),
                (cls.contact, cls._days_ago(40), 1000),
                (cls.small, cls._days_ago(200), 500),
                (cls.vendor, cls._days_ago(5), 700, "in_invoice"),
            ]
        )
        cls._invoices([(cls.foreign, cls._days_ago(5), 5000)], company=other_company)
        cls.env["client.segment.engine"].recompute(cls.company | other_company)

    def _summary(self, user=None):
        Demo = self.env["client.demo.data"].with_user(user or self.sales_manager)
        Demo = Demo.with_context(allowed_company_ids=[self.company.id])
        return dict(Demo._board_summary())

    def test_analysis_views_read_well(self):
        """The refusal chart counts clients per reason (no stage in its
        legend, no decimals); Geography and Industry is not a page of
        industry columns; the card hides an empty next key date."""

        def context(xmlid):
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            return safe_eval(action["context"], {"uid": self.env.uid})

        refusals = context("client_segmentation.res_partner_action_refusal_analysis")
        self.assertEqual(refusals["graph_groupbys"], ["refusal_reason_id"])
        self.assertEqual(refusals["graph_measure"], "__count")
        geography = context("client_segmentation.res_partner_action_geography_analysis")
        self.assertFalse(geography["pivot_column_groupby"])
        card = self.env.ref("client_segmentation.res_partner_view_form_client_card")
        node = etree.fromstring(card.arch_db).find(
            ".//field[@name='next_key_date_name']"
        )
        self.assertEqual(node.get("invisible"), "not next_key_date_name")

    def test_one_name_per_recency_segment(self):
        """The boards, the work plan triggers, the what-if preview and the
        history say the same words for each recency segment and rhythm
        state; the warm segment is not called like the buying rhythm's
        "Due to Buy Again" list."""

        def labels(model, field):
            return dict(self.env[model]._fields[field]._description_selection(self.env))

        board = labels("res.partner", "recency_segment")
        self.assertEqual(board["warm"], "Cooling Down")
        due_list = self.env.ref("client_segmentation.res_partner_action_due").name
        self.assertNotIn(due_list, board.values())
        for model, field in (
            ("client.work.plan.trigger", "recency_segment"),
            ("client.segment.preview.line", "current_value"),
        ):
            with self.subTest(model=model):
                for key, label in labels(model, field).items():
                    if key in board:
                        self.assertEqual(label, board[key])
        rhythm = labels("res.partner", "rhythm_state")
        for key, label in labels("client.work.plan.trigger", "rhythm_state").items():
            self.assertEqual(label, rhythm[key])

    def test_pivot_groups_in_board_order(self):
        """Pivots, graphs and dashboards group recency as the boards do
        (recent, due, sleeping, never), not alphabetically by key."""
        Partner = self.Partner.with_user(self.salesman)
        domain = [("id", "in", (self.big | self.small | self.prospect).ids)]
        groups = Partner._read_group(domain, ["recency_segment"], ["__count"])
        self.assertEqual([key for key, _count in groups], ["hot", "sleeping", "none"])
        rows = Partner.read_group(
            domain, ["__count"], ["recency_segment", "abc_class"], lazy=False
        )
        self.assertEqual(
            [row["recency_segment"] for row in rows], ["hot", "sleeping", "none"]
        )
        # an explicit descending order is the board order reversed
        groups = Partner._read_group(
            domain, ["recency_segment"], ["__count"], order="recency_segment desc"
        )
        self.assertEqual([key for key, _count in groups], ["none", "sleeping", "hot"])

    def test_salesperson_summary_counts_own_clients(self):
        """A salesperson's boards open on their own clients: the summary (the
        boards' very request) counts those only."""
        self.big.user_id = self.salesman
        value = dict(self._summary(self.salesman)["Value (ABC)"])
        self.assertEqual(sum(value.values()), 1)
        self.assertEqual(value["A"], 1)

    def test_summary_counts_the_clients_the_boards_show(self):
        summary = self._summary()
        self.assertEqual(
            list(summary),
            ["Funnel", "Value (ABC)", "Recency", "Typology", "Temperature"],
        )
        # The contact person carries its company's class, the vendor bought
        # nothing from us as a client, the foreign client belongs elsewhere:
        # class A is the big client alone, as on the board.
        value = dict(summary["Value (ABC)"])
        self.assertEqual(value["A"], 1)
        ours = self.Partner.with_user(self.salesman).search_count(
            [
                ("customer_rank", ">", 0),
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
            ]
        )
        for board, columns in summary.items():
            self.assertEqual(sum(count for _t, count in columns), ours, board)
        recency = summary["Recency"]
        self.assertEqual(
            [title for title, _count in recency],
            ["Bought Recently", "Cooling Down", "Sleeping Buyer", "Never Bought"],
        )
        self.assertEqual(dict(recency)["Bought Recently"], 1)
        self.assertEqual(
            [title for title, _count in summary["Temperature"]],
            ["Hot: Ready to Buy", "Warm: Interested", "Cold: No Interest Yet"],
        )
        funnel = dict(summary["Funnel"])
        self.assertEqual((funnel["Gold"], funnel["Red-Gold"]), (1, 1))

    def test_summary_is_for_salespeople(self):
        user = new_test_user(self.env, login="board_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self._summary(user)

    def test_columns_without_work_are_last_and_folded(self):
        Partner = self.Partner.with_user(self.salesman)
        domain = [("customer_rank", ">", 0)]
        by_class = Partner.web_read_group(domain, [], ["abc_class"])["groups"]
        self.assertEqual(
            [group["abc_class"] for group in by_class], ["a", "b", "c", False]
        )
        self.assertEqual([bool(group.get("__fold")) for group in by_class][-1], True)
        self.assertFalse(any(group.get("__fold") for group in by_class[:-1]))
        by_recency = Partner.web_read_group(domain, [], ["recency_segment"])["groups"]
        self.assertEqual(
            {group["recency_segment"] for group in by_recency if group.get("__fold")},
            {"none"},
        )
        # clients still to classify are work to do: that column stays open
        by_type = Partner.web_read_group(domain, [], ["client_type_id"])["groups"]
        self.assertEqual(by_type[-1]["client_type_id"], (False, "To Classify"))
        self.assertEqual(
            Partner.search_count(by_type[-1]["__domain"]),
            by_type[-1]["client_type_id_count"],
        )
        self.assertFalse(any(group.get("__fold") for group in by_type))

    def test_contact_person_shows_its_client_position(self):
        self.assertEqual(self.big.funnel_stage_id, self.gold)
        # one purchase, three days ago: warm (interest, not yet a habit)
        self.assertEqual(self.big.temperature, "warm")
        # the contact person has its own (unused) defaults...
        self.assertEqual(self.contact.funnel_stage_id, self.white)
        self.assertEqual(self.contact.temperature, "cold")
        # ...but its form shows its client's stage, typology and temperature
        # next to the client's ABC class and recency
        contact = self.contact.with_user(self.salesman)
        self.assertEqual(contact.client_funnel_stage_id, self.gold)
        self.assertEqual(contact.client_client_type_id, self.type_loyal)
        self.assertEqual(contact.client_temperature, "warm")
        self.assertEqual((contact.abc_class, contact.recency_segment), ("a", "hot"))
        arch = etree.fromstring(
            contact.get_view(self.env.ref("base.view_partner_form").id, "form")["arch"]
        )
        contact_only = "not parent_id or is_company"
        client_only = "parent_id and not is_company"
        own = arch.xpath("//group[@name='segment_funnel']")[0]
        self.assertEqual(own.get("invisible"), client_only)
        theirs = arch.xpath("//group[@name='segment_client_funnel']")[0]
        self.assertEqual(theirs.get("invisible"), contact_only)
        badges = arch.xpath("//div[@name='client_segment_badges']")[0]
        shown = {
            (node.get("name"), node.get("invisible")) for node in badges.iter("field")
        }
        self.assertLessEqual(
            {
                ("funnel_stage_id", client_only),
                ("client_funnel_stage_id", contact_only),
                ("temperature", client_only),
                ("client_temperature", contact_only),
            },
            shown,
        )

    def test_platinum_is_not_grey(self):
        self.assertNotEqual(self.platinum.color.lower(), self.grey.color.lower())
        self.assertNotEqual(self.platinum.color.lower(), self.white.color.lower())
