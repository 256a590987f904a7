import json
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader, extract_spreadsheet_terms

MODULE = "client_segmentation_spreadsheet_dashboard"
ADDON = Path(__file__).resolve().parent.parent
DASHBOARD = ADDON / "data" / "files" / "client_base_dashboard.json"
# Odoo language code -> the module's .po file
LANGUAGES = {"ru_RU": "ru", "uk_UA": "uk", "zh_CN": "zh_CN"}


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestDashboardTranslations(TransactionCase):
    """The dashboard speaks Russian, Ukrainian and Chinese: every term of the
    module is translated, and the pane titles, headers and filter labels of
    the JSON reach the web client in the user's language (the spreadsheet
    translates them with _t)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        cls.po = {
            code: {
                entry.msgid: entry.msgstr
                for entry in polib.pofile(str(ADDON / "i18n" / f"{name}.po"))
                if entry.msgstr and "fuzzy" not in entry.flags
            }
            for code, name in LANGUAGES.items()
        }

    def _module_terms(self):
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE])
        return {row[4] for row in reader if row[0] == MODULE}

    def test_every_term_of_the_module_is_translated(self):
        terms = self._module_terms()
        for code, translated in self.po.items():
            with self.subTest(lang=code):
                missing = sorted(terms - set(translated))
                self.assertFalse(missing, f"{code}: untranslated terms {missing}")

    def test_dashboard_texts_reach_the_web_client_translated(self):
        with DASHBOARD.open("rb") as dashboard:
            texts = {
                term
                for _line, _f, term, _c in extract_spreadsheet_terms(
                    dashboard, [], [], {}
                )
            }
        for title in ("Movements this month", "Due to buy again", "Clients"):
            self.assertIn(title, texts)
        self.assertLessEqual(texts, self._module_terms())
        filters = {
            f["label"] for f in json.loads(DASHBOARD.read_text())["globalFilters"]
        }
        self.assertLessEqual(filters, texts)
        for code in LANGUAGES:
            with self.subTest(lang=code):
                translations, _params = self.env[
                    "ir.http"
                ].get_translations_for_webclient([MODULE], code)
                web = {
                    message["id"]: message["string"]
                    for message in translations[MODULE]["messages"]
                }
                for text in texts:
                    self.assertEqual(web.get(text), self.po[code][text], text)
