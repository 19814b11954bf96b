"""The Chinese catalogues a page can draw on, read as plain entries for the language tests.

Ours wins over allauth's and Django's (LOCALE_PATHS comes first), so what a reader sees for a
msgid is ours when we have it and the package's otherwise: `effective()` gives exactly that."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import allauth
import django
from django.conf import settings

OURS = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po")
# The packages whose Chinese appears on our pages, and which of their strings do: allauth's
# account pages (its MFA, social and OIDC apps are not installed), and all of Django's core
# catalogue, whose file names no sources (its contrib apps have catalogues of their own).
PACKAGES = {
    "allauth": (Path(allauth.__file__).parent / "locale",
                re.compile(r"^(account/|templates/account/|templates/allauth/|core/|utils)")),
    "django": (Path(django.__file__).parent / "conf" / "locale",
               None),
}


@dataclass(frozen=True)
class Entry:
    context: str
    msgid: str
    msgstrs: tuple
    source: str
    references: tuple = ()
    plural: str = ""

    @property
    def key(self):
        return (self.context, self.msgid)


def read(path, label="ours"):
    """The translated entries of a .po file (header, fuzzy and obsolete entries left out:
    msgfmt does not compile them, so no page shows them)."""

    entries, fields, comments = [], {}, []

    def flush():
        strs = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr") and v)
        if fields.get("msgid") and strs and not any("fuzzy" in c for c in comments if c.startswith("#,")):
            references = tuple(ref for c in comments if c.startswith("#:") for ref in c[2:].split())
            entries.append(Entry(fields.get("msgctxt", ""), fields["msgid"], strs, label, references,
                                 fields.get("msgid_plural", "")))
        fields.clear()
        comments.clear()

    field = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#~"):
            continue
        if not line or line.startswith("#"):
            if any(k.startswith("msgstr") for k in fields):
                flush()
            if line:
                comments.append(line)
            continue
        if line.startswith('"'):
            fields[field] += ast.literal_eval(line)
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgid", "msgctxt") and any(k.startswith("msgstr") for k in fields):
            flush()
        field = keyword
        fields[field] = ast.literal_eval(value)
    flush()
    return entries


def ours():
    return read(OURS)


def effective():
    """Every entry a Chinese page can show: ours, then the packages' that we do not override."""

    result = ours()
    seen = {entry.key for entry in result}
    for label, (locale, shown) in PACKAGES.items():
        for entry in read(locale / "zh_Hans" / "LC_MESSAGES" / "django.po", label):
            if entry.key not in seen and (shown is None or any(shown.match(ref) for ref in entry.references)):
                seen.add(entry.key)
                result.append(entry)
    return result
