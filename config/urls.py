from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

# Each app owns its URLs: `root_urls` outside the language prefix, `urls` inside it.
urlpatterns = [
    path("", include("incubator.accounts.root_urls")),
    path("", include("grants.donations.root_urls")),
    path("", include("portal.root_urls")),
    path("", include("incubator.training.root_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Every page a person reads lives under its language: /zh-hans/… and /en/…; a bare path
# is redirected by LocaleMiddleware to the language of the cookie or the browser.
urlpatterns += i18n_patterns(
    path("", include("incubator.accounts.urls")),
    path("", include("incubator.organisations.urls")),
    path("", include("grants.proposals.urls")),
    path("", include("grants.review.urls")),
    path("", include("incubator.training.urls")),
    path("", include("grants.funding.urls")),
    path("", include("grants.donations.urls")),
    path("", include("grants.impact.urls")),
    path("", include("portal.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
