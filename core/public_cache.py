"""The public pages' cache: anonymous GETs of the pages that opt in, kept per language and full
address until what they show changes.

Invalidation is by version, not by time-out: one number (PublicVersion, a database row so it holds
across processes whatever the cache backend) is part of every key and is bumped in the same
transaction as any change the public pages show (`bump`, connected by core for Wagtail's pages,
snippets and settings and by portal for the domain apps' events). Older entries become
unreachable at once and age out of the cache on their own.

The key is read before the view runs and the entry stored under that same key, so a page
rendered from data older than a bump is never stored under the newer version.

What is never stored or served: requests carrying a session or messages cookie (signed-in users,
and anyone whose session holds something), anything but GET/HEAD, non-200s, responses setting a
cookie other than the CSRF one, responses marked private/no-store, and pages that used the
request's CSP nonce. Every page carries the language switcher's CSRF token: it is stored as a
placeholder and each reader gets a token of their own, with their own cookie.

Two middlewares, as Django's own cache: `FetchPublicPage` late in MIDDLEWARE (language, CSRF
cookie and messages are known) answers hits; `StorePublicPage` early (after CSP) sees the final
response, cookies included, and stores it.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, get_language_from_path

from core.models import PublicVersion

# Old versions' entries are unreachable once bumped; this only frees their space.
KEEP_SECONDS = 24 * 3600
CSRF_PLACEHOLDER = b"@@seedbed-csrf-token@@"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PRIVATE_CACHE_CONTROL = ("private", "no-store", "no-cache")
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def version():
    return PublicVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def bump(**kwargs):
    """Signal receiver: what the public pages show has changed."""
    if not PublicVersion.objects.filter(pk=1).update(number=F("number") + 1):
        PublicVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def _mark(request, until_next_minute):
    request.public_cache = {"until_next_minute": until_next_minute}


def cacheable(view=None, *, until_next_minute=False):
    """A function view whose anonymous GETs may be cached."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            _mark(request, until_next_minute)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view else decorate


def cacheable_page(cls=None, *, until_next_minute=False):
    """A Wagtail page class whose anonymous GETs may be cached. `until_next_minute`: the page
    shows the clock (a call's countdown, open or closed), so an entry lasts to the next minute."""

    def decorate(cls):
        serve = cls.serve

        def serve_cacheable(self, request, *args, **kwargs):
            _mark(request, until_next_minute)
            return serve(self, request, *args, **kwargs)

        cls.serve = serve_cacheable
        return cls

    return decorate(cls) if cls else decorate


def _eligible(request):
    return (
        getattr(settings, "PUBLIC_CACHE", True)
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        # Every page that may be cached lives under its language (/zh-hans/…, /en/…).
        and get_language_from_path(request.path_info) is not None
    )


def _key(request):
    # The date is part of the key: pages say what is overdue today.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public:{version()}:{get_language()}:{timezone.localdate().isoformat()}:{path}"


def _etag(request, key):
    # The reader's CSRF secret is part of it: a copy kept by the browser holds a token of
    # that secret, which is only still good while the cookie is the same.
    secret = request.META.get("CSRF_COOKIE", "")
    digest = hashlib.sha256(f"{key}|{secret}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _finish(request, response, key):
    response["ETag"] = _etag(request, key)
    # Shared caches must not keep a page holding one reader's CSRF token; browsers ask again.
    patch_cache_control(response, private=True, no_cache=True)
    return response


class FetchPublicPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        key = request.public_cache_key = _key(request)
        entry = cache.get(key)
        if entry is None:
            return self.get_response(request)
        content, headers = entry
        token = get_token(request)  # this reader's own token (and cookie, if they have none)
        if request.headers.get("If-None-Match") == _etag(request, key):
            return _finish(request, HttpResponseNotModified(), key)
        response = HttpResponse(content.replace(CSRF_PLACEHOLDER, token.encode()), headers=headers)
        return _finish(request, response, key)


class StorePublicPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "public_cache_key", None)
        marked = getattr(request, "public_cache", None)
        if key and marked and request.method == "GET" and self._storable(request, response):
            content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            timeout = 60 - timezone.now().second if marked["until_next_minute"] else KEEP_SECONDS
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (content, headers), timeout)
            _finish(request, response, key)
        return response

    @staticmethod
    def _storable(request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
            and not any(word in cache_control for word in PRIVATE_CACHE_CONTROL)
            and not getattr(request, "csp_nonce", None)  # true once this request's nonce was used
            and not request.user.is_authenticated
        )
