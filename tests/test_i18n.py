"""Simplified Chinese is shipped complete: every source string has a translation, and the compiled file is current."""

import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(po_text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, multi-line strings joined; the header excluded."""
    entries, key, current = [], None, {"msgid": "", "msgstr": ""}
    for line in po_text.splitlines():
        if line.startswith("#"):
            continue
        for field in ("msgid_plural", "msgid", "msgstr[0]", "msgstr"):
            if line.startswith(field + " "):
                if field == "msgid":
                    if current["msgid"]:
                        entries.append((current["msgid"], current["msgstr"]))
                    current = {"msgid": "", "msgstr": ""}
                key = {"msgstr[0]": "msgstr", "msgid_plural": None}.get(field, field)
                line = line[len(field) + 1 :]
                break
        if key and line.startswith('"'):
            current[key] += line[1:-1]
    if current["msgid"]:
        entries.append((current["msgid"], current["msgstr"]))
    return entries


def test_every_source_string_has_a_chinese_translation():
    entries = _entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert entries and untranslated == []
    assert "#, fuzzy" not in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("msgid", 2)[2]


def test_the_compiled_catalogue_matches_the_source_catalogue():
    entries = _entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    unescape = lambda text: text.replace('\\"', '"').replace("\\n", "\n")  # noqa: E731
    stale = [msgid for msgid, msgstr in entries if catalogue.gettext(unescape(msgid)) != unescape(msgstr)]
    assert stale == []


def test_chinese_is_the_default_and_english_is_available():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("en"):
        assert str(translation.gettext("Member units")) == "Member units"
    with translation.override("zh-hans"):
        assert str(translation.gettext("Member units")) == "成员单位"
