"""Reading ids from requests safely: the one place an id typed by a client becomes an int."""

import re

# Every table's key is at most a 64-bit integer (BigAutoField; Wagtail's pages are smaller
# still, and Django turns an exact lookup beyond a field's range into "no match").
MAX_ID = 2**63 - 1
# ASCII digits only: str.isdigit() accepts "²", "①" and "٣", which int() then refuses.
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value):
    """`value` as an object id, or None for anything that cannot be one (never an exception)."""

    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def posted_id(request, name):
    """A posted object id, or None for anything that is not one."""

    return parse_id(request.POST.get(name, ""))


def posted_ids(request, name):
    """The posted ids under `name`, leaving out anything that is not one."""

    return [number for number in map(parse_id, request.POST.getlist(name)) if number is not None]


class IdConverter:
    """`<id:pk>` in a path: an id the database can hold, else the URL does not match (404).
    Wagtail pages need it: Django keeps `pk=<20 digits>` from the database for ordinary
    keys, but not for a page's key (a link to its parent row), where SQLite overflows."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)
