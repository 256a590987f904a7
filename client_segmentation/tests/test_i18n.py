import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = Path(__file__).resolve().parent.parent / "i18n"
# Odoo language code -> the addon's .po file
LANGUAGES = {"ru_RU": "ru", "uk_UA": "uk", "zh_CN": "zh_CN"}
# OCA's .po format (oca-checks-po) leaves empty a translation that would equal
# its source: complete only where nothing is to translate (placeholders and
# markup alone, or a name written the same in every language), and then Odoo
# shows the source.
SAME_IN_EVERY_LANGUAGE = {"ID", "SMS", "Telegram", "WhatsApp"}
MARKUP = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>")


def _translation(entry):
    """What users of the language read for ``entry`` (None: not translated)."""
    if "fuzzy" in entry.flags or entry.obsolete:
        return None
    if entry.msgstr:
        return entry.msgstr
    if entry.msgid in SAME_IN_EVERY_LANGUAGE or not re.search(
        r"[^\W\d_]", MARKUP.sub("", entry.msgid)
    ):
        return entry.msgid
    return None


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The addon speaks Russian, Ukrainian and Chinese: every term of the module
    has a translation, and the boards and the settings page come out in the
    user's language once it is installed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["client_segmentation"], list(LANGUAGES), overwrite=True
        )
        cls.po = {
            code: {
                entry.msgid: _translation(entry)
                for entry in polib.pofile(str(I18N / f"{name}.po"))
                if _translation(entry) is not None
            }
            for code, name in LANGUAGES.items()
        }

    def test_every_term_of_the_module_is_translated(self):
        terms = self._module_terms()
        self.assertGreater(len(terms), 100)
        for code, translated in self.po.items():
            with self.subTest(lang=code):
                missing = sorted(terms - set(translated))
                self.assertFalse(missing, f"{code}: untranslated terms {missing[:10]}")

    def _module_terms(self):
        """What Odoo exports for the module (the .pot): (module, type, name,
        res_id, source, value, comments) rows."""
        reader = TranslationModuleReader(self.env.cr, modules=["client_segmentation"])
        return {row[4] for row in reader if row[0] == "client_segmentation"}

    def test_board_columns_are_translated(self):
        terms = self._module_terms()
        stages = self.env["client.funnel.stage"].search([])
        self.assertTrue(stages)
        Partner = self.env["res.partner"]
        for code, translated in self.po.items():
            with self.subTest(lang=code):
                for stage in stages:
                    english = stage.with_context(lang="en_US").name
                    self.assertEqual(
                        stage.with_context(lang=code).name, translated[english]
                    )
                for field in ("abc_class", "recency_segment", "temperature"):
                    if field not in Partner._fields:
                        continue
                    english = dict(
                        Partner._fields[field]._description_selection(
                            self.env(context={"lang": "en_US"})
                        )
                    )
                    local = dict(
                        Partner._fields[field]._description_selection(
                            self.env(context={"lang": code})
                        )
                    )
                    for value, label in english.items():
                        # one-letter labels (A, B, C) are not translatable terms
                        if label in terms:
                            self.assertEqual(local[value], translated[label])

    def test_settings_page_is_translated(self):
        views = self.env["ir.model.data"].search(
            [
                ("module", "=", "client_segmentation"),
                ("model", "=", "ir.ui.view"),
            ]
        )
        settings_views = (
            self.env["ir.ui.view"]
            .browse(views.mapped("res_id"))
            .filtered(lambda v: v.model == "res.config.settings")
        )
        self.assertTrue(settings_views)
        for code, translated in self.po.items():
            with self.subTest(lang=code):
                arch = (
                    self.env["res.config.settings"]
                    .with_context(lang=code)
                    .get_views([(False, "form")])["views"]["form"]["arch"]
                )
                for view in settings_views:
                    english = view.with_context(lang="en_US").arch_db
                    for attr in re.findall(r'(?:string|help|title)="([^"]+)"', english):
                        if attr in translated:
                            self.assertIn(translated[attr], arch)
