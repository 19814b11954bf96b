"""Seedbed settings: one module, every deployment difference read from the environment.

Unset variables give the embedded default (SQLite, console email, no Stripe). With DEBUG off
the settings refuse to start without a real SECRET_KEY and ALLOWED_HOSTS, and switch on every
HTTPS protection `manage.py check --deploy` asks for.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path=BASE_DIR / ".env"):
    """Local development defaults (`./seedbed demo` writes DEBUG=1 there). The real
    environment always wins; production sets its variables and has no .env."""

    if not path.exists():
        return
    for line in path.read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())


_read_dotenv()


def env(name, default=""):
    return os.environ.get(name, default)


def envbool(name, default="False"):
    value = env(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")


def _secret_key():
    if key := env("SECRET_KEY"):
        if not DEBUG and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (for local development set DEBUG=1)"
        )
    # Development: generate a key once and keep it beside the code (git-ignored), so
    # sessions survive restarts without anyone inventing a key by hand.
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.redirects",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    # Project apps last: their post_migrate reference data needs Django's and Wagtail's
    # permissions to exist already (each app grants the roles its own, which Django creates
    # just before the app's handlers). Project templates live in templates/ and still win.
    # Top of the dependency order first (see README: Architecture).
    "cms",
    "portal",
    "demo",
    "grants.impact",
    "grants.donations",
    "grants.funding",
    "grants.review",
    "incubator.training",
    "grants.proposals",
    "grants.calls",
    "incubator.organisations",
    "incubator.places",
    "incubator.accounts",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.csp.SeedbedCSPMiddleware",
    # The public pages' cache (core/public_cache.py): stores here, after every other middleware
    # has set its cookies and headers; answers from the cache below, once language, CSRF
    # cookie and messages are known.
    "core.public_cache.StorePublicPage",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.admin_access.AdminAccessDenied",  # a 403, not a redirect loop, for signed-in non-staff
    "core.public_cache.FetchPublicPage",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last, as its documentation asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.user_can",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. WAL lets readers carry on while it writes; a write
    # transaction takes the lock at BEGIN (IMMEDIATE), so two requests queue for up to
    # `timeout` seconds instead of one failing with "database is locked" when a read
    # transaction tries to become a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"



def _cache():
    """Rate limits and Wagtail's site lookups live in the cache, so several processes must
    share one: CACHE_URL=db:// (a table in the database, `manage.py createcachetable`) or
    redis://host:6379/0 (needs the `redis` package). Unset: each process its own memory."""

    url = env("CACHE_URL") or ("db://" if env("CACHE") == "database" else "")
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url == "db://":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "seedbed_cache"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"CACHE_URL must be db:// or redis://…, not {url!r}")


CACHES = {"default": _cache()}
# Anonymous visitors' public pages are kept until the data they show changes (core/public_cache.py).
PUBLIC_CACHE = envbool("PUBLIC_CACHE", "true")

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out login stops before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[社创苗圃 Seedbed] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "incubator.accounts.adapters.AccountAdapter"
# django-axes owns failed-login throttling (stored in the database, so it holds across
# processes); allauth keeps only a coarse per-address net for login and its other limits.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip"}

# Failed logins: five tries per account and address, then a fifteen-minute pause.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "incubator.accounts.adapters.login_name_for_axes"
AXES_LOCKOUT_CALLABLE = "incubator.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
# Behind a proxy the client's address comes from X-Forwarded-For, read only as far as the
# trusted proxies (incubator/accounts/client_ip.py); allauth asks the adapter, which asks the same.
AXES_CLIENT_IP_CALLABLE = "incubator.accounts.client_ip.client_ip"

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "seedbed_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Attachments, report evidence and ID documents: never under MEDIA_URL, streamed by views
# that check permission.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
STORAGE_BACKEND = env("STORAGE_BACKEND", "local")


def _s3(bucket_variable, **options):
    """One bucket of S3-compatible storage (MinIO, Aliyun OSS, Tencent COS, AWS). Keys come
    from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 itself."""

    if not env(bucket_variable):
        raise ImproperlyConfigured(f"{bucket_variable} is required when STORAGE_BACKEND=s3")
    return {"bucket_name": env(bucket_variable), "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None, "file_overwrite": False, **options}


if STORAGE_BACKEND == "local":
    _media_storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "core.storage.PrivateStorage"},
    }
elif STORAGE_BACKEND == "s3":
    _media_storages = {
        # Public media (CMS images and documents) get plain, unsigned URLs: the bucket (or
        # AWS_S3_CUSTOM_DOMAIN in front of it) must be publicly readable.
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3(
            "AWS_STORAGE_BUCKET_NAME", querystring_auth=False,
            custom_domain=env("AWS_S3_CUSTOM_DOMAIN") or None)},
        # A separate bucket that nobody outside may read; core.storage refuses any URL for it.
        "private": {"BACKEND": "core.storage.PrivateS3Storage",
                    "OPTIONS": _s3("AWS_PRIVATE_BUCKET_NAME", default_acl="private")},
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}")
STORAGES = {
    **_media_storages,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest attachment an applicant may upload, in megabytes.
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", 20)

# --- Grants ---------------------------------------------------------------------------------
# Proposal reference numbers read <prefix>-<year>-<sequence>, e.g. NA-2026-0042 (NA: Nan'an).
REFERENCE_PREFIX = env("REFERENCE_PREFIX", "NA")
# Open data (360Giving Data Standard): the publisher's prefix for every id, who publishes, the
# licence, and where the generated files are kept (served at /open-data/…).
OPEN_DATA_PREFIX = env("OPEN_DATA_PREFIX", "360G-seedbed")
OPEN_DATA_PUBLISHER_NAME = env("OPEN_DATA_PUBLISHER_NAME", "社创苗圃 Seedbed")
OPEN_DATA_PUBLISHER_ID = env("OPEN_DATA_PUBLISHER_ID")
OPEN_DATA_LICENSE = env("OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
OPEN_DATA_ROOT = Path(env("OPEN_DATA_ROOT", str(MEDIA_ROOT / "open-data")))
# Party A of every award agreement: the body that signs for the funds.
AGREEMENT_ISSUER = env("AGREEMENT_ISSUER", "重庆市南岸区民政局（南岸区社区治理创新中心）")

# --- Background tasks ---------------------------------------------------------------------
# Wagtail's own small jobs run at once ("default"). Long jobs (matching runs, bulk exports)
# go to "background": by default a queue in the database, worked by `manage.py db_worker
# --backend background` (./seedbed demo starts one); TASKS_IMMEDIATE=1 runs them inside the
# request instead, for a single-process setup without a worker.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
                   if envbool("TASKS_IMMEDIATE") else "django_tasks_db.DatabaseBackend"},
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "社创苗圃 Seedbed <noreply@seedbed.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Stripe (donations); unset keys switch donations off ------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
# Checkout offers these methods, where the Stripe account has them enabled (WeChat Pay and
# Alipay must be switched on in the Stripe dashboard first).
STRIPE_PAYMENT_METHODS = envlist("STRIPE_PAYMENT_METHODS", "card,alipay,wechat_pay")
# Only for development and tests: send the SDK's API calls to a local fake instead of Stripe.
STRIPE_API_BASE = env("STRIPE_API_BASE")

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "社创苗圃 Seedbed"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "txt", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # avatars from a foreign host: unreachable for many users
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # accounts are managed by allauth
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"

# --- Security -------------------------------------------------------------------------------
# Behind a reverse proxy: trust its X-Forwarded-Proto and, for the client's address, its
# X-Forwarded-For, as far as TRUSTED_PROXIES (addresses or networks of the proxies; safest)
# or else TRUSTED_PROXY_COUNT hops allow.
BEHIND_PROXY = envbool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)
try:
    [ipaddress.ip_network(item, strict=False) for item in TRUSTED_PROXIES]
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be at least 1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views same-origin
# Everything from the site itself: no CDN, no inline script or style without the request's
# nonce (`{{ request.csp_nonce }}`), no frames of our pages elsewhere. Stripe Checkout is a
# redirect, so no Stripe origin is needed. The admin's relaxation: core/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # The figures' SVG charts carry one style attribute that WeasyPrint needs (portal/charts.py).
        "style-src": [SELF, NONCE, UNSAFE_HASHES, "'sha256-CKxPDFPrKIw2Ht2LdPlIQKnX2JLCPqqfLJvEfltalpY='"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Wagtail 8's admin writes inline scripts and styles of its own (checked in Chromium: the
# page editor, snippets, images) and frames its page preview; only /admin/ gets these.
if STORAGE_BACKEND == "s3":
    # CMS images are served from the public bucket (or the domain in front of it).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"https://{env('AWS_S3_CUSTOM_DOMAIN')}" if env("AWS_S3_CUSTOM_DOMAIN")
        else env("AWS_S3_ENDPOINT_URL") or f"https://{env('AWS_STORAGE_BUCKET_NAME')}.s3.amazonaws.com")
CONTENT_SECURITY_POLICY_ADMIN_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "frame-ancestors": [SELF],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Everything goes to the root handler once: Django's own "django" handler (console with DEBUG)
# is dropped, or every 403/404 would print twice. Tracebacks only for server errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"traceback_only_for_500": {"()": "core.logfilters.TracebackOnlyForServerErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["traceback_only_for_500"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": [], "level": "INFO"},
                "axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}, "stripe": {"level": "WARNING"},
                "wagtail": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}
