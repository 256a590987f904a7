import re

from odoo.tests import TransactionCase, tagged

from .test_i18n import LANGUAGES, SAME_IN_EVERY_LANGUAGE

# Records of the addon whose translatable texts are checked elsewhere: the
# views' arch (test_i18n, the forms in the user's language) and the models'
# technical descriptions, which Odoo translates from the same .po terms.
CHECKED_ELSEWHERE = {"ir.ui.view", "ir.model", "ir.model.fields", "ir.model.constraint"}


@tagged("post_install", "-at_install", "client_segmentation_i18n")
class TestShippedRecordsTranslated(TransactionCase):
    """Every record the addon ships (stages, typologies, refusal reasons,
    channels, key-date types, activity types, work plans and their steps,
    triggers, menus, actions, crons, ...) reads in Russian, Ukrainian and
    Chinese. In the odoo tier the languages are installed after the addon
    (the language wizard's path); in the i18n tier (scripts/test-tagged.sh
    i18n) the database was created with ``--load-language`` and the addon
    installed into it: this class then loads nothing and checks what the
    install left."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lang = cls.env["res.lang"].with_context(active_test=False)
        missing = [
            code
            for code in LANGUAGES
            if not Lang.search([("code", "=", code), ("active", "=", True)])
        ]
        for code in missing:
            Lang._activate_lang(code)
        if missing:
            cls.env["ir.module.module"].search(
                [("name", "=", "client_segmentation")]
            )._update_translations(missing)

    def _shipped_texts(self):
        """(xmlid, field, English text) of every translatable text of every
        record the addon ships."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "client_segmentation"),
                ("model", "not in", list(CHECKED_ELSEWHERE)),
            ]
        )
        texts = []
        for model, rows in data.grouped("model").items():
            if model not in self.env:
                continue
            Model = self.env[model].with_context(lang="en_US", active_test=False)
            names = [
                name
                for name, field in Model._fields.items()
                if field.translate is True and field.store
            ]
            for row in rows:
                record = Model.browse(row.res_id).exists()
                for name in names if record else ():
                    if record[name]:
                        texts.append((row.complete_name, name, record[name]))
        return texts

    def test_every_shipped_record_reads_in_the_language(self):
        texts = self._shipped_texts()
        models = {xmlid.split(".")[1].rsplit("_", 1)[0] for xmlid, _f, _t in texts}
        self.assertGreater(len(texts), 60, models)
        for code in LANGUAGES:
            with self.subTest(lang=code):
                english = []
                for xmlid, name, text in texts:
                    module, xml_name = xmlid.split(".", 1)
                    record = self.env.ref(xmlid).with_context(lang=code)
                    if record[name] == text and self._needs_translation(text):
                        english.append(f"{xmlid}.{name}: {text!r}")
                self.assertFalse(english, f"{code}: English left in {english}")

    def test_work_plans_read_in_the_language(self):
        """The shipped work plans and their steps: names and summaries."""
        plans = self.env["mail.activity.plan"].search(
            [("id", "in", self._shipped_ids("mail.activity.plan"))]
        )
        self.assertEqual(len(plans), 3)
        steps = plans.template_ids
        self.assertTrue(steps)
        for code in LANGUAGES:
            with self.subTest(lang=code):
                for record, name in [(plan, "name") for plan in plans] + [
                    (step, "summary") for step in steps
                ]:
                    english = record.with_context(lang="en_US")[name]
                    local = record.with_context(lang=code)[name]
                    self.assertNotEqual(local, english, f"{code}: {english}")

    def _shipped_ids(self, model):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "client_segmentation"), ("model", "=", model)])
            .mapped("res_id")
        )

    @staticmethod
    def _needs_translation(text):
        return text not in SAME_IN_EVERY_LANGUAGE and bool(
            re.search(r"[^\W\d_]{2,}", text)
        )
