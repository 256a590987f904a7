from datetime import date

from lxml import etree

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import FunnelCase

# Partner fields of the addon that a portal or public user must never read.
ADDON_PARTNER_FIELDS = (
    "abc_class",
    "recency_segment",
    "segment_revenue_window",
    "segment_revenue_total",
    "segment_purchase_count",
    "segment_purchase_average",
    "segment_first_purchase_date",
    "segment_last_purchase_date",
    "segment_rank",
    "segment_cumulative_share",
    "purchase_frequency",
    "preferred_channel_id",
    "call_time_from",
    "working_hours",
    "is_decision_maker",
    "client_needs",
    "gift_preferences",
    "relationship_notes",
    "interest_tag_ids",
    "key_date_ids",
    "next_key_date",
    "funnel_stage_id",
    "funnel_stage_locked",
    "refusal_reason_id",
    "client_type_id",
    "temperature",
    "temperature_override",
)


def view_spec(model, node):
    """The field specification the web client sends for the fields of the
    view ``node`` (relational fields with their display name, inline
    sub-views with their own fields)."""
    spec = {}
    for field_node in node.iter("field"):
        # fields of an inline sub-view belong to the sub-view's spec
        parent = field_node.getparent()
        while parent is not None and parent is not node:
            if parent.tag in ("list", "form", "kanban") and parent is not node:
                break
            parent = parent.getparent()
        if parent is not node and parent is not None:
            continue
        name = field_node.get("name")
        field = model._fields.get(name)
        if field is None:
            continue
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            sub = {"display_name": {}}
            for sub_view in field_node:
                if sub_view.tag in ("list", "kanban", "form"):
                    sub.update(view_spec(model.env[field.comodel_name], sub_view))
            spec[name] = {"fields": sub}
        else:
            spec[name] = {}
    return spec


@tagged("post_install", "-at_install")
class TestAccessNonSalesUsers(FunnelCase):
    """Contacts keep working for internal users without Sales rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(
            cls.env,
            login="cs_plain_employee",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="cs_accountant",
            groups="account.group_account_invoice,base.group_partner_manager",
        )
        cls.client = cls._client(
            "Role Client",
            user_id=cls.salesman.id,
            client_needs="Faster delivery",
            client_type_id=cls.type_loyal.id,
        )
        cls.env["client.key.date"].create(
            {
                "partner_id": cls.client.id,
                "type_id": cls.env.ref(
                    "client_segmentation.client_key_date_type_company_anniversary"
                ).id,
                "date": date(2001, 5, 4),
            }
        )

    def _open_views(self, user):
        Partner = self.env["res.partner"].with_user(user)
        views = Partner.get_views([(False, "form"), (False, "list"), (False, "kanban")])
        for view_type, view in views["views"].items():
            arch = etree.fromstring(view["arch"])
            spec = view_spec(Partner, arch)
            with self.subTest(user=user.login, view=view_type):
                if view_type == "form":
                    record = Partner.browse(self.client.id).web_read(spec)[0]
                else:
                    record = Partner.web_search_read(
                        [("id", "=", self.client.id)], spec
                    )["records"][0]
                self.assertEqual(record["id"], self.client.id)
        return views

    def test_views_open_without_sales_rights(self):
        for user in (self.employee, self.accountant):
            views = self._open_views(user)
            fields = views["models"]["res.partner"]["fields"]
            self.assertIn("client_needs", fields)
            self.assertNotIn("key_date_ids", fields)
            self.assertNotIn("segment_rank", fields)

    def test_create_and_edit_contacts_without_sales_rights(self):
        for user in (self.employee, self.accountant):
            with self.subTest(user=user.login):
                with Form(self.env["res.partner"].with_user(user)) as form:
                    form.name = f"Created by {user.login}"
                    form.email = f"{user.login}@example.com"
                partner = form.record
                self.assertTrue(partner.exists())
                with Form(partner.with_user(user)) as form:
                    form.phone = "+1 555 0100"
                with Form(self.client.with_user(user)) as form:
                    form.client_needs = f"Seen by {user.login}"
                self.assertEqual(self.client.client_needs, f"Seen by {user.login}")

    def test_sales_fields_written_by_salespeople_only(self):
        for values in (
            {"funnel_stage_id": self.green.id},
            {"funnel_stage_locked": True},
            {"temperature_override": "hot"},
            {"client_type_id": self.type_regular.id},
        ):
            for user in (self.employee, self.accountant):
                with self.subTest(values=values, user=user.login):
                    with self.assertRaises(AccessError):
                        self.client.with_user(user).write(values)
                    with self.assertRaises(AccessError):
                        self.env["res.partner"].with_user(user).create(
                            {"name": "Typed", **values}
                        )
            self.client.with_user(self.salesman).write(values)
        self.assertEqual(self.client.funnel_stage_id, self.green)
        self.assertEqual(self.client.client_type_id, self.type_regular)

    def test_rank_and_share_read_by_salespeople_only(self):
        for user in (self.employee, self.accountant):
            client = self.client.with_user(user)
            self.assertEqual(client.read(["funnel_stage_id"])[0]["id"], client.id)
            for name in ("segment_rank", "segment_cumulative_share"):
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(AccessError):
                        client.read([name])
        values = self.client.with_user(self.salesman).read(
            ["segment_rank", "segment_cumulative_share"]
        )[0]
        self.assertEqual(values["segment_rank"], 0)

    def test_key_date_bookkeeping_written_by_addon_only(self):
        key_date = self.client.key_date_ids
        for user in (self.salesman, self.sales_manager, self.env.user):
            for name in ("next_occurrence", "last_reminded_occurrence"):
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(UserError):
                        key_date.with_user(user).write({name: date(2030, 1, 1)})
                    with self.assertRaises(UserError):
                        key_date.with_user(user).copy({name: date(2030, 1, 1)})
        self.assertNotEqual(key_date.next_occurrence, date(2030, 1, 1))


@tagged("post_install", "-at_install")
class TestAccessPortal(HttpCase):
    """Portal and public users read none of the addon's fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env,
            login="cs_portal",
            password="cs_portal_pw",
            groups="base.group_portal",
        )
        cls.public = cls.env.ref("base.public_user")
        cls.portal.partner_id.write(
            {
                "client_needs": "Secret needs",
                "relationship_notes": "Secret notes",
                "client_type_id": cls.env.ref(
                    "client_segmentation.client_type_loyal"
                ).id,
            }
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Other Client", "client_needs": "Other secret"}
        )

    def test_read_and_search_read_refused(self):
        for user in (self.portal, self.public):
            Partner = self.env["res.partner"].with_user(user)
            own = Partner.browse(user.partner_id.id)
            fields = Partner.fields_get()
            for name in ADDON_PARTNER_FIELDS:
                with self.subTest(user=user.login, field=name):
                    self.assertNotIn(name, fields)
                    with self.assertRaises(AccessError):
                        own.read([name])
                    with self.assertRaises(AccessError):
                        Partner.search_read([("id", "=", own.id)], [name])
            # what portal pages read keeps working
            values = own.read(["name", "email", "phone", "city"])[0]
            self.assertEqual(values["name"], user.partner_id.name)

    def test_every_addon_field_refused(self):
        """Not a list kept by hand: every partner field that a module of the
        addon defines (its ``_module``) is unknown to portal and public users,
        and a read of it is refused."""
        addon_fields = [
            name
            for name, field in self.env["res.partner"]._fields.items()
            if (field._module or "").startswith("client_segmentation")
        ]
        self.assertIn("rhythm_state", addon_fields)
        for user in (self.portal, self.public):
            Partner = self.env["res.partner"].with_user(user)
            own = Partner.browse(user.partner_id.id)
            known = Partner.fields_get()
            for name in addon_fields:
                with self.subTest(user=user.login, field=name):
                    self.assertNotIn(name, known)
                    with self.assertRaises(AccessError):
                        own.read([name])

    def test_call_kw_over_http_refused(self):
        self.authenticate("cs_portal", "cs_portal_pw")
        partner_id = self.portal.partner_id.id
        for name in (
            "client_needs",
            "relationship_notes",
            "client_type_id",
            "buying_interval_days",
            "next_purchase_date",
            "rhythm_state",
        ):
            with (
                self.subTest(field=name),
                self.assertRaises(JsonRpcException),
                mute_logger("odoo.http"),
            ):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw/res.partner/read",
                    {
                        "model": "res.partner",
                        "method": "read",
                        "args": [[partner_id], [name]],
                        "kwargs": {},
                    },
                )
        rows = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.partner/search_read",
            {
                "model": "res.partner",
                "method": "search_read",
                "args": [[("id", "=", partner_id)]],
                "kwargs": {"fields": ["name", "email", "phone", "city"]},
            },
        )
        self.assertEqual([row["id"] for row in rows], [partner_id])
        self.assertNotIn("Secret", str(rows))

    def test_portal_account_page(self):
        self.authenticate("cs_portal", "cs_portal_pw")
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Secret needs", page.text)
        self.assertIn("cs_portal", page.text.lower())
        # the portal user edits their details: saved, the addon's data kept
        saved = self.url_open(
            "/my/account",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "name": "Portal Renamed",
                "phone": "+1 555 0101",
                "email": "portal@example.com",
                "street": "1 Main Street",
                "city": "Springfield",
                "country_id": self.env.ref("base.us").id,
            },
        )
        self.assertEqual(saved.status_code, 200)
        partner = self.portal.partner_id
        self.assertEqual(partner.name, "Portal Renamed")
        self.assertEqual(partner.client_needs, "Secret needs")
