from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from grants import api_views, donation_views
from incubator import views as incubator_views

urlpatterns = [
    path("healthz", incubator_views.healthz, name="healthz"),
    path("i18n/setlang/", incubator_views.switch_language, name="set_language"),
    path("stripe/webhook/", donation_views.stripe_webhook, name="stripe_webhook"),
    # Data for machines, the same in every language: the JSON list of funded projects.
    path("api/", include(api_views)),
    path("open-data/", include("grants.opendata_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Every page a person reads lives under its language: /zh-hans/… and /en/…; a bare path
# is redirected by LocaleMiddleware to the language of the cookie or the browser.
urlpatterns += i18n_patterns(
    path("", include("incubator.urls")),
    path("", include("grants.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
