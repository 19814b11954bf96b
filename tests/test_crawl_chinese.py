"""Every page each role can reach, read in Chinese: no English interface words, no raw
timestamps, no large sums without thousands separators.

The demo is seeded once (seconds); each role then walks the site breadth-first from the Chinese
home page and its dashboard with Django's test client, following the links on every page."""

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase

from incubator.accounts.models import User

ROLES = {
    "anonymous": None,
    "applicant": "applicant@seedbed.test",
    "staff": "staff@seedbed.test",
    "reviewer": "reviewer@seedbed.test",
    "supervisor": "supervisor@seedbed.test",
    "funder": "funder@seedbed.test",
}
START = ["/zh-hans/", "/zh-hans/dashboard/"]
PAGES_PER_ROLE = 300
# A facet or sort in the query string makes a new address for the same page: a few of each
# page are enough, and keep the walk from spending its budget on one list.
VARIANTS_PER_PATH = 3

SKIP = re.compile(
    r"/logout|/admin/|/django-admin/|/i18n/|/media/|/static/|/documents/|/accounts/confirm-email/"
    r"|\.(pdf|csv|xlsx|json|ics|png|jpe?g|svg|zip)$|/download|/export|/pdf/|/open-data/.+\.|/api/"
)

# Words that are names, not interface: the product, services, standards, file formats and keys
# Chinese users see written this way too.
PROPER_NOUNS = {
    "Seedbed", "Stripe", "PDF", "CSV", "JSON", "XLSX", "API", "USCC", "English", "Wagtail",
    "Giving", "360Giving", "CC", "BY", "Creative", "Commons", "http", "https", "www", "ID", "URL",
    "iCalendar", "Excel", "JPEG", "PNG", "MB", "KB", "Ctrl", "Mac",
}
# What the English check must not read: addresses, paths, file names and extensions, reference
# numbers (NA-2025-0001, NA-ZF-2025-0244, NA-SCY-2025-0002-OAVY) and placeholders.
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|(?<!\w)/[\w/.-]+/|[\w-]*\.(?:json|csv|xlsx|pdf|ics|zip)\b"
    r"|(?<!\w)\.[a-z]{2,4}\b"
    r"|\b[A-Z]{2,}(?:-[A-Z0-9]+)*-\d+(?:-[A-Z0-9]+)*\b|\b[0-9A-Z]{18}\b|%\(\w+\)s"
)
ENGLISH_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’-]+\b")

# 2026-12-18 01:00:00+00:00, 2026-12-18T01:00Z: what str() of a datetime gives, not a reader.
RAW_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}|\s\d{2}:\d{2}:\d{2})|\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})"
)
# A sum of ten thousand or more without grouping, beside the currency: ¥2000000.00, 81000.00元,
# or any amount with fen (a year, a reference or a phone number never has them).
UNGROUPED_MONEY = re.compile(
    r"¥\s*\d{5,}|(?<![\d,.])\d{5,}(?:\.\d+)?\s*元|(?<![\d,.\-])\d{5,}\.\d{2}(?!\d)"
)
# A count or indicator with the places its Decimal keeps: "20.00 场" (money, after ¥, keeps fen;
# a licence's version, "署名 4.0 国际", is its name).
TRAILING_ZEROS = re.compile(r"(?<![¥\d,.])(?<!署名 )\d+\.0+\s*(?=[\u4e00-\u9fff])(?!元)")

# Chinese text takes full-width punctuation: "服务热线：", "（北京时间）". A time (09:00), an
# address or a placeholder between ASCII characters is left alone.
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
HALF_WIDTH_BESIDE_CJK = re.compile(rf"(?<=[{CJK}])\s?[:(),;?!]|[:(),;?!]\s?(?=[{CJK}])")


class VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes outside script/style/code and the labels of
    controls and images. Collects links too."""

    HIDDEN = frozenset({"script", "style", "code", "pre", "template", "noscript"})
    SPOKEN = ("alt", "title", "placeholder", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.texts.extend(attrs[name] for name in self.SPOKEN if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def english_words(text):
    text = NOT_WORDS.sub(" ", text)
    return [word for word in ENGLISH_WORD.findall(text) if word not in PROPER_NOUNS]


def defects(html):
    """({"words": [...], "punctuation": [...]}, links) for one page."""

    parser = VisibleText()
    parser.feed(html)
    found = {"words": [], "punctuation": []}
    for text in parser.texts:
        if words := english_words(text):
            found["words"].append(f"English {words!r} in {text[:80]!r}")
        if match := RAW_TIMESTAMP.search(text):
            found["words"].append(f"raw timestamp {match.group()!r} in {text[:80]!r}")
        if match := UNGROUPED_MONEY.search(text):
            found["words"].append(f"ungrouped amount {match.group()!r} in {text[:80]!r}")
        if match := TRAILING_ZEROS.search(text):
            found["words"].append(f"trailing zeros {match.group()!r} in {text[:80]!r}")
        if match := HALF_WIDTH_BESIDE_CJK.search(text):
            found["punctuation"].append(f"half-width {match.group()!r} in {text[:80]!r}")
    return found, parser.links


def crawl(client):
    """Breadth-first over the same-site Chinese pages: {address: [defects]}."""

    queue, seen, variants, report = deque(START), set(START), {}, {}
    while queue and len(report) < PAGES_PER_ROLE:
        address = queue.popleft()
        response = client.get(address)
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        else:
            report[address], links = defects(response.content.decode())
        for link in links:
            link = urldefrag(link).url
            parts = urlsplit(link)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/zh-hans/"):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in seen or SKIP.search(parts.path):
                continue
            if parts.query:
                variants[parts.path] = variants.get(parts.path, 0) + 1
                if variants[parts.path] > VARIANTS_PER_PATH:
                    continue
            seen.add(link)
            queue.append(link)
    return report


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def walks(demo):
    """Each role's walk, done once for the tests below: {role: {address: defects}}."""
    done = {}

    def walk(role):
        if role not in done:
            client = Client()
            if ROLES[role]:
                client.force_login(User.objects.get(email=ROLES[role]))
            done[role] = crawl(client)
        return done[role]

    return walk


def failures(report, kind):
    return "\n".join(
        f"{address}\n    " + "\n    ".join(found[kind])
        for address, found in sorted(report.items()) if found[kind]
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_reads_as_chinese(walks, db, role):
    report = walks(role)
    assert len(report) > 10, f"{role} reached only {sorted(report)}"
    assert not failures(report, "words"), failures(report, "words")


def test_chinese_pages_use_full_width_punctuation(walks, db):
    found = "\n".join(failures(walks(role), "punctuation") for role in ROLES)
    assert not found.strip(), found
