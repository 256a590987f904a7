"""The translations of the modules beside the addon (the predicted-value
modules, the revenue sources' bridge modules): every entry of each template
translated in ru, uk and zh_CN, with the same placeholders."""

import pathlib

import polib
import pytest
from test_translations import PLACEHOLDER, untranslated

REPO = pathlib.Path(__file__).resolve().parent.parent
MODULES = [
    "client_segmentation_clv",
    "client_segmentation_clv_mass_mailing",
    "client_segmentation_clv_spreadsheet_dashboard",
    "client_segmentation_sale",
    "client_segmentation_pos",
]


@pytest.mark.parametrize("lang", ["ru", "uk", "zh_CN"])
@pytest.mark.parametrize("module", MODULES)
def test_clv_modules_translated(module, lang):
    i18n = REPO / module / "i18n"
    template = polib.pofile(str(i18n / f"{module}.pot"))
    po = polib.pofile(str(i18n / f"{lang}.po"))
    translated, missing = untranslated(template, po)
    assert not missing, f"{module} {lang}: untranslated {missing[:5]}"
    wrong = [
        msgid
        for msgid, msgstr in translated.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    assert not wrong, f"{module} {lang}: placeholders differ in {wrong[:5]}"
    assert po.metadata.get("Language") == lang
