"""Every page sends the Content-Security-Policy; no template runs inline code without the
request's nonce."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Not served to a browser: WeasyPrint's PDFs and email bodies.
NOT_PAGES = ("pdf", "emails")


def page_templates():
    return [path for path in TEMPLATES.rglob("*.html")
            if not set(path.relative_to(TEMPLATES).parts) & set(NOT_PAGES)]


@pytest.mark.parametrize("path", ["/zh-hans/", "/en/accounts/login/", "/en/figures/", "/healthz",
                                  "/zh-hans/no-such-page/"])
def test_pages_send_the_policy(client, db, path):
    policy = client.get(path)["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'",
                      "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "http" not in policy  # no other host


def test_the_admin_alone_allows_its_inline_code_and_its_preview_frame(client, staff):
    client.force_login(staff)
    policy = client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_hold_no_inline_code_without_a_nonce(template):
    html = template.read_text()
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html, re.IGNORECASE):
        is_code = "src=" not in tag or tag.lower().startswith("<style")
        assert not is_code or 'nonce="{{ request.csp_nonce }}"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "an on…= handler attribute"
    assert "javascript:" not in html.lower()
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), "a style attribute"
