"""The addon's translations (client_segmentation/i18n): every entry of the
template translated in ru, uk and zh_CN, with the same placeholders."""

import pathlib
import re

import polib
import pytest

I18N = pathlib.Path(__file__).resolve().parent.parent / "client_segmentation" / "i18n"
# format placeholders, and markup tags by name (their attributes, such as a
# title tooltip, are translated)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?[a-zA-Z][\w-]*")
TEMPLATE = polib.pofile(str(I18N / "client_segmentation.pot"))


@pytest.mark.parametrize("lang", ["ru", "uk", "zh_CN"])
def test_every_template_entry_is_translated(lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    translated = {
        entry.msgid: entry.msgstr
        for entry in po
        if entry.msgstr.strip() and "fuzzy" not in entry.flags and not entry.obsolete
    }
    missing = [e.msgid for e in TEMPLATE if e.msgid not in translated]
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert po.metadata.get("Language") == lang


@pytest.mark.parametrize("lang", ["ru", "uk", "zh_CN"])
def test_placeholders_are_kept(lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    wrong = [
        entry.msgid
        for entry in po
        if entry.msgstr
        and sorted(PLACEHOLDER.findall(entry.msgid))
        != sorted(PLACEHOLDER.findall(entry.msgstr))
    ]
    assert not wrong, f"{lang}: placeholders differ in {wrong[:5]}"
