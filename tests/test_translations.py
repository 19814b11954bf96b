import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests import catalogues


def test_every_interface_string_has_a_chinese_translation():
    po = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po")
    if not shutil.which("msgfmt"):
        pytest.fail("gettext is missing: the README's commands install it")
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_compiled_catalogue_is_in_use():
    with translation.override("zh-hans"):
        assert translation.gettext("Service hotline") == "服务热线"


def test_djangos_own_untranslated_message_is_translated_here():
    # Django 5.2's zh_Hans catalogue leaves this validation message in English.
    with translation.override("zh-hans"):
        assert translation.gettext("%(model)s instance with %(field)s %(value)r is not a valid choice.") \
            .startswith("所选的")


CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# An ASCII mark touching a Chinese character ("服务热线:", "(北京时间)"); a time (09:00), an
# address or a placeholder such as %(name)s between ASCII characters does not touch one.
HALF_WIDTH_BESIDE_CJK = re.compile(rf"(?<=[{CJK}])\s?[:(),;?!]|[:(),;?!]\s?(?=[{CJK}])")
# Not sentences: Django's yesno filter splits this list on its ASCII commas.
NOT_SENTENCES = {"yes,no,maybe"}


def test_chinese_text_takes_full_width_punctuation():
    offenders = [
        f"{entry.source}: {entry.msgid!r} → {msgstr!r}"
        for entry in catalogues.effective() if entry.msgid not in NOT_SENTENCES
        for msgstr in entry.msgstrs
        if HALF_WIDTH_BESIDE_CJK.search(re.sub(r"<[^>]*>", "", msgstr))
    ]
    assert not offenders, "\n".join(offenders)


def test_a_label_and_its_colon_are_translated_together():
    # A colon glued on in the template stays half-width in Chinese.
    glued = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group()}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in re.finditer(r'\{% translate "[^"]*" %\}:', path.read_text(encoding="utf-8"))
    ]
    assert not glued, "\n".join(glued)
    with translation.override("zh-hans"):
        assert translation.gettext("Service hotline:") == "服务热线："


def test_the_account_pages_read_chinese_words_and_punctuation():
    with translation.override("zh-hans"):
        assert translation.gettext("Primary") == "主电子邮箱"
        assert translation.gettext("Email Addresses") == "电子邮箱"
        assert translation.gettext("Already have an account? Then please %(link)ssign in%(end_link)s.") \
            == "已有账号？请%(link)s登录%(end_link)s。"
        assert translation.gettext("This field is required.") == "此项为必填项。"
