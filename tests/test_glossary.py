"""One Chinese word per term (locale/glossary.csv), in our catalogue and in the package strings
our pages show (allauth's account pages, Django's form messages), which ours overrides."""

import csv
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests import catalogues

GLOSSARY = list(csv.DictReader(
    Path(settings.BASE_DIR, "locale", "glossary.csv").read_text(encoding="utf-8").splitlines()))
# Placeholders, markup and addresses are not words a reader reads: %(email)s, {email}, mailto:.
NOT_TEXT = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}|<[^>]*>")


def shown(msgstr):
    return NOT_TEXT.sub("", msgstr)


def test_the_glossary_names_a_word_and_its_forbidden_variants_for_every_term():
    assert len(GLOSSARY) >= 10
    for row in GLOSSARY:
        assert row["chinese"] and row["forbidden"], row
        assert not any(variant in row["chinese"] for variant in row["forbidden"].split("|")), row


@pytest.mark.parametrize("row", GLOSSARY, ids=lambda row: row["term"])
def test_no_chinese_string_uses_a_forbidden_variant(row):
    forbidden = row["forbidden"].split("|")
    offenders = [
        f"{entry.source}: {entry.msgid!r} → {msgstr!r}"
        for entry in catalogues.effective()
        for msgstr in entry.msgstrs
        if any(variant in shown(msgstr) for variant in forbidden)
    ]
    assert not offenders, f"{row['term']} is {row['chinese']}:\n" + "\n".join(offenders)


@pytest.mark.parametrize("term, msgid, chinese", [
    (row["term"], msgid, row["chinese"])
    for row in GLOSSARY for msgid in row["msgids"].split("|") if msgid
])
def test_the_terms_own_strings_use_the_glossary_word(term, msgid, chinese):
    # gettext, not the files: what a page really gets, whichever catalogue answers.
    with translation.override("zh-hans"):
        assert chinese in translation.gettext(msgid)
