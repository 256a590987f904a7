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
# OCA's .po format (oca-checks-po, po-pretty-format) leaves empty a translation
# that would equal its source. That is complete only where there is nothing to
# translate: placeholders and markup alone, or a name written the same in every
# language.
SAME_IN_EVERY_LANGUAGE = {"ID", "SMS", "Telegram", "WhatsApp"}
MARKUP = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>")


def needs_no_translation(msgid):
    return msgid in SAME_IN_EVERY_LANGUAGE or not re.search(
        r"[^\W\d_]", MARKUP.sub("", msgid)
    )


def untranslated(template, po):
    """``(translated, missing)``: the translations of ``po`` (msgid ->
    msgstr) and the entries of ``template`` it leaves untranslated, short of
    those with nothing to translate."""
    translated = {
        entry.msgid: entry.msgstr
        for entry in po
        if entry.msgstr.strip() and "fuzzy" not in entry.flags and not entry.obsolete
    }
    present = {entry.msgid for entry in po if not entry.obsolete}
    missing = [
        e.msgid
        for e in template
        if e.msgid not in translated
        and not (e.msgid in present and needs_no_translation(e.msgid))
    ]
    return translated, missing


@pytest.mark.parametrize("lang", ["ru", "uk", "zh_CN"])
def test_every_template_entry_is_translated(lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    _translated, missing = untranslated(TEMPLATE, po)
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


def test_only_what_needs_no_translation_is_left_empty():
    assert needs_no_translation("%(company)s, %(field)s: %(problem)s")
    assert needs_no_translation("<span>-</span>")
    assert needs_no_translation("SMS")
    assert not needs_no_translation("E-mail")
    assert not needs_no_translation("<span>Since</span> %(date)s")
