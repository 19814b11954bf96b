"""The page tree every installation starts from: one home page per language and a Site.

Runs after every `migrate` (see apps.py) and only adds what is missing. It replaces Wagtail's
"Welcome" placeholder with our HomePage and gives it an English translation, so `/zh-hans/`
and `/en/` both answer on a fresh database.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, SiteSettings

HOME_CONTENT = {
    "zh-hans": {
        "title": "社创苗圃",
        "intro": "<p>南岸区社区治理创新中心的社区创新项目孵化与资助平台。</p>",
    },
    "en": {
        "title": "Seedbed",
        "intro": "<p>The community-innovation incubator and project funding platform of "
        "Nan'an District's Community Governance Innovation Centre.</p>",
    },
}


def ensure_locales():
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES}


@transaction.atomic
def ensure_site():
    locales = ensure_locales()
    default = locales[settings.LANGUAGE_CODE]

    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", locale=default))

    home = HomePage.objects.filter(locale=default).first()
    if home is None:
        # Wagtail's own migration leaves a plain "Welcome" page where ours belongs.
        plain = ContentType.objects.get_for_model(Page)
        for placeholder in root.get_children().filter(content_type=plain):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(slug="home", locale=default, **HOME_CONTENT[settings.LANGUAGE_CODE])
        )

    for code, locale in locales.items():
        if code != settings.LANGUAGE_CODE and not home.has_translation(locale):
            translation = home.copy_for_translation(locale)
            content = HOME_CONTENT.get(code, {})
            translation.title = content.get("title", translation.title)
            translation.intro = content.get("intro", translation.intro)
            translation.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True,
            site_name="社创苗圃 Seedbed",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    SiteSettings.objects.get_or_create(site=site)
    return home
