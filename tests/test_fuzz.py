"""No input answers 500: every URL of the permission matrix, as staff and as an applicant, is
asked with odd query parameters, odd ids in its path, and every form found on its page is
posted with odd values, class by class.

The classes are those an unlucky day produced (issue 12): digits that are not ASCII ("²" is
a digit to str.isdigit() but not to int()), ids too big for the database, negative numbers,
NUL bytes, very long strings, and file names too long or odd for the file system.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core.http import MAX_ID, parse_id
from tests.test_permission_matrix import MATRIX, project_routes, world  # noqa: F401

ODD = {
    "unicode digits": ["²", "①", "٣"],
    "huge int": ["9" * 20, str(2**63)],
    "negative": ["-1", "-" + "9" * 20],
    "NUL": ["a\x00b", "\x00"],
    "very long": ["长" * 100_000],
}
PDF = b"%PDF-1.4\n%%EOF\n"
ODD_FILE_NAMES = ["长" * 300 + ".pdf", "a\x00b.pdf", "../../etc/passwd.pdf", "a/b\\c.pdf", ".pdf"]
# Names many pages read from the query string (filters, pages, searches, next steps).
QUERY_NAMES = ["page", "q", "call", "theme", "street", "community", "organisation", "status", "sort",
               "year", "source", "fund", "reviewer", "format", "check", "next", "score_from", "assigned"]
# Posting these would end the session the rest of the test runs in.
SKIP_ACTIONS = re.compile(r"/logout/|/i18n/setlang/|^/admin/")


class Forms(HTMLParser):
    """The forms of a page: method, action, and the names of their fields (file fields apart)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(),
                               "action": attrs.get("action") or "", "fields": set(), "files": set()})
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            kind = "files" if attrs.get("type") == "file" else "fields"
            self.forms[-1][kind].add(attrs["name"])


def forms_of(response, url):
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        action = urlsplit(form["action"]).path or urlsplit(url).path
        form["action"] = action
    return parser.forms


def odd(names, values):
    """Each name gets one of the class's values, in turn."""
    return {name: values[index % len(values)] for index, name in enumerate(sorted(names))}


MIXED = [value for values in ODD.values() for value in values]


class Fuzzer:
    def __init__(self, clients):
        self.clients, self.failures = clients, []

    def ask(self, role, method, url, data=None, what=""):
        response = getattr(self.clients[role], method)(url, data)
        if response.streaming:
            b"".join(response.streaming_content)
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url[:120]} {what} as {role}: {response.status_code}")
        return response


@pytest.fixture
def fuzzer(applicant, staff):
    clients = {}
    for name, user in (("staff", staff), ("applicant", applicant)):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(user)
    return Fuzzer(clients)


def test_no_odd_input_answers_500(fuzzer, world):  # noqa: F811
    # Some views switch the active language (a profile saved in English): keep it to this test.
    with translation.override(translation.get_language()):
        fuzz(fuzzer, world)


def fuzz(fuzzer, world):  # noqa: F811 (the fixture's value, passed on)
    routes = sorted(set(project_routes()) & MATRIX.keys())
    huge = {key: (int("9" * 20) if isinstance(value, int) else value) for key, value in world.items()}
    posts, searches = {}, {}
    for route in routes:
        template = MATRIX[route][0]
        url = template.format(**world)
        for role in fuzzer.clients:
            response = fuzzer.ask(role, "get", url)
            for form in forms_of(response, url):
                if form["method"] == "post" and not SKIP_ACTIONS.search(form["action"]):
                    posts.setdefault((role, form["action"]), form)
                elif form["method"] == "get" and form["fields"]:
                    searches.setdefault((role, form["action"]), form)
            # Every class at once, one per parameter name: most pages read no parameter.
            fuzzer.ask(role, "get", url, odd(QUERY_NAMES, MIXED), "with odd parameters")
            if re.search(r"<(int|id):", route):  # an id in the path too big for the database
                fuzzer.ask(role, "get", template.format(**huge), what="with huge ids")
    assert posts and searches, "no form found: the fuzzing would prove nothing"
    for (role, action), form in sorted(searches.items()):  # filters and searches: class by class
        for kind, values in ODD.items():
            fuzzer.ask(role, "get", action, odd(form["fields"], values), f"with {kind}")
    for (role, action), form in sorted(posts.items()):
        for index, (kind, values) in enumerate(ODD.items()):
            data = odd(form["fields"], values)
            name = ODD_FILE_NAMES[index % len(ODD_FILE_NAMES)]
            data.update({field: SimpleUploadedFile(name, PDF) for field in form["files"]})
            fuzzer.ask(role, "post", action, data, f"with {kind}")
    assert not fuzzer.failures, "\n".join(fuzzer.failures)


@settings(max_examples=300)
@given(st.text())
def test_an_id_is_ascii_digits_within_the_database_range_or_nothing(text):
    number = parse_id(text)
    if number is None:
        assert not (re.fullmatch(r"[0-9]+", text) and 0 < int(text) <= MAX_ID)
    else:
        assert re.fullmatch(r"[0-9]+", text) and 0 < number <= MAX_ID and number == int(text)


@pytest.mark.parametrize("text", ["²", "①", "٣", "1²", "9" * 20, str(MAX_ID + 1), "-1", "0", "", " 1", "1\n"])
def test_what_is_not_an_id(text):
    assert parse_id(text) is None


def test_what_is_an_id():
    assert parse_id("42") == 42 and parse_id(str(MAX_ID)) == MAX_ID
