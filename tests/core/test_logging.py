"""Each failed request is logged once; only server errors keep their traceback."""

import io
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


pytestmark = pytest.mark.django_db  # the error pages read the site settings

# The error pages link to the rest of the site.
urlpatterns = [
    path("forbidden/", forbidden), path("broken/", broken),
    *site_urlpatterns,
]


@pytest.fixture
def console():
    """What the configured handlers write (the real LOGGING, not pytest's capture)."""

    stream = io.StringIO()
    handlers = [h for name in ("", "django") for h in logging.getLogger(name).handlers
                if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")]
    originals = [h.setStream(stream) for h in handlers]
    yield stream
    for handler, original in zip(handlers, originals):
        handler.setStream(original)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(("url", "line"), [("/forbidden/", "Forbidden"), ("/zh-hans/no-such-page/", "Not Found")])
def test_a_403_or_404_is_one_line_without_traceback(console, url, line, debug):
    with override_settings(ROOT_URLCONF=__name__, DEBUG=debug):
        Client().get(url)
    output = console.getvalue()
    assert output.count(line) == 1, output
    assert "Traceback" not in output


@pytest.mark.parametrize("debug", [False, True])
def test_a_500_is_logged_once_with_its_traceback(console, debug):
    with override_settings(ROOT_URLCONF=__name__, DEBUG=debug):
        Client(raise_request_exception=False).get("/broken/")
    output = console.getvalue()
    assert output.count("Internal Server Error: /broken/") == 1, output
    assert output.count("Traceback") == 1
    assert "RuntimeError: boom" in output
