import csv
import io
from datetime import date

from odoo.tests import tagged
from odoo.tools import file_open

from .common import ClientCardCase

TEMPLATE = "client_segmentation/static/import/client_card_template.csv"


@tagged("post_install", "-at_install")
class TestClientCardImport(ClientCardCase):
    def _template(self):
        with file_open(TEMPLATE, "r") as handle:
            rows = list(csv.reader(io.StringIO(handle.read())))
        return rows[0], rows[1:]

    def test_import_template(self):
        fields, rows = self._template()
        result = self.Partner.load(fields, rows)
        self.assertFalse(result["messages"], result["messages"])
        company, jane = self.Partner.browse(result["ids"])
        self.assertEqual(company.name, "Example Trading Ltd")
        self.assertEqual(
            company.preferred_channel_id,
            self.env.ref("client_segmentation.client_channel_email"),
        )
        self.assertEqual(company.working_hours, "Mon-Fri 9:00-18:00")
        self.assertIn("48 hours", company.client_needs)
        self.assertEqual(company.key_date_ids.type_id, self.anniversary)
        self.assertEqual(company.key_date_ids.reminder_kind, "call")
        self.assertEqual(jane.parent_id, company)
        self.assertTrue(jane.is_decision_maker)
        self.assertTrue(company.decision_maker_known)
        self.assertEqual((jane.call_time_from, jane.call_time_to), (10.0, 12.5))
        self.assertEqual(
            jane.preferred_channel_id,
            self.env.ref("client_segmentation.client_channel_whatsapp"),
        )
        self.assertEqual(len(jane.key_date_ids), 2)
        child = jane.key_date_ids.filtered(lambda kd: kd.type_id == self.child_birthday)
        self.assertEqual(child.name, "son Tom")
        self.assertEqual(child.date, date(2012, 5, 3))
        self.assertEqual(child.lead_days, 5)

    def test_export_new_fields(self):
        fields, rows = self._template()
        ids = self.Partner.load(fields, rows)["ids"]
        exported = (
            self.Partner.browse(ids)
            .export_data(
                [
                    "name",
                    "preferred_channel_id",
                    "is_decision_maker",
                    "key_date_ids/type_id",
                    "key_date_ids/date",
                ]
            )
            .get("datas")
        )
        self.assertEqual(
            exported[0],
            [
                "Example Trading Ltd",
                "E-mail",
                False,
                "Company Anniversary",
                date(2005, 4, 12),
            ],
        )

    def test_import_rejects_bad_rows(self):
        fields, rows = self._template()
        rows[1][fields.index("call_time_to")] = "8"  # from 10 to 8
        result = self.Partner.load(fields, rows)
        self.assertTrue(result["messages"])
        self.assertFalse(result["ids"])
        self.assertFalse(self.Partner.search([("name", "=", "Example Trading Ltd")]))
