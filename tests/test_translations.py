import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation


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
