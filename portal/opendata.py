"""Every funded project as 360Giving open data: the mapping of one award to one grant, and
the writers of the JSON package and the flattened CSV.

What is published is what `portal.public` says is public, read column by column below (no
budget lines, attachments, reviews, report texts or contact people; no street address,
phone or email either). The choices, field by field:

- ``id``: ``<OPEN_DATA_PREFIX>-<award id>``, e.g. ``360G-seedbed-42``.
- ``amountAwarded``: the funds' money, granted + matched (the funds' matches of donations).
  Donations from the public are not a funder's award: they are in the additional field
  ``amountDonated`` (net of refunds); the two add up to what the project page calls
  "awarded in all". ``amountDisbursed``: what the funds have paid (donations paid out are
  not in it). After an award ends early its unpaid commitments are released, so both
  figures are what the ledger holds now.
- ``awardDate``: the day the award was made (Beijing time); ``dateModified``: the newest of
  the award's own change and its newest audit entry.
- ``plannedDates``: the award's start and end, and the duration in whole months (a part
  month of 15 days or more counts as one).
- ``recipientOrganization``: ``CN-USCI-<code>``, or ``<prefix>-org-<pk>`` for a community
  group that has only a filing number (the filing number is not published); the Chinese
  name, the English one as ``alternateName``, the street or town as ``addressLocality``.
- ``fundingOrganization``: one entry per body owning the funds (``Fund.owner_zh``):
  ``CN-USCI-<owner_uscc>``, else ``<prefix>-funder-<12 hex of the owner's name>``; a funder
  owning several funds appears once. A fund without a code takes the code another fund of
  the same owner has.
- ``beneficiaryLocation``: the target street or town, then each target community, with the
  12-digit statistical code (统计用区划代码; a street's 9-digit code is padded with 000, as
  the statistics bureau lists it) as ``geoCode``. ``geoCodeType`` is left out: the schema
  accepts any string, but 360Giving's codelist holds only UK (ONS) code types.
- ``grantProgramme``: the call (``<prefix>-call-<page id>``, its title); ``classifications``:
  the themes (vocabulary ``<prefix>-theme``); ``fromOpenCall``: always "Yes".

Money is Decimal all the way and written as the Decimal's digits (90000.50 → 90000.5), never
through a float. Both writers take grants one at a time, and `grants()` reads the awards a
chunk at a time, so an export's memory does not grow with the number of grants.
"""

import calendar
import csv
import hashlib
import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Max, Value, When
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.exports import defused
from grants.calls.models import CallPage, Theme
from grants.funding.models import Award, AwardFunding, Fund
from grants.proposals.models import Proposal
from incubator.places.models import Community, Street
from portal.public import public_awards

CHUNK = 1000  # awards read per query
SCHEMA_VERSION = "1.4"
# The public addresses are written out, not reversed: reverse() would load every view of the
# site (WeasyPrint, openpyxl, Stripe: some 30 MB) into the worker that makes the export.
# tests/portal/test_opendata.py checks them against the URL configuration.
PACKAGE_PATH = "/open-data/360giving.json"  # and the project pages: /<default language>/projects/<pk>/


def prefix():
    return settings.OPEN_DATA_PREFIX


def _funder_id(owner, code):
    if code:
        return f"CN-USCI-{code}"
    return f"{prefix()}-funder-{hashlib.sha256(owner.encode()).hexdigest()[:12]}"


class Lookups:
    """The small tables grants refer to, read once per export: funds' owners, places, themes
    and calls (tens or hundreds of rows, whatever the number of grants)."""

    def __init__(self):
        self.prefix = prefix()
        funds = [(pk, owner.strip(), code.strip().upper())
                 for pk, owner, code in Fund.objects.order_by("pk").values_list("pk", "owner_zh", "owner_uscc")]
        codes = {}
        for _pk, owner, code in funds:
            if code:
                codes.setdefault(owner, code)
        names = {}
        self.funders = {}
        for pk, owner, code in funds:
            funder_id = _funder_id(owner, code or codes.get(owner))
            self.funders[pk] = {"id": funder_id, "name": names.setdefault(funder_id, owner)}
        self.streets, self.communities, self.themes = (
            {pk: (code, name) for pk, code, name in model.objects.values_list("pk", "code", "name_zh")}
            for model in (Street, Community, Theme))
        self.calls = dict(CallPage.objects.values_list("pk", "title"))
        self.project_path = f"{settings.SITE_URL}/{settings.LANGUAGE_CODE}/projects/"


def _location(code, name):
    return {"name": name, "countryCode": "CN", "geoCode": code.ljust(12, "0")}


def _add_months(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def _months(start, end):
    """Whole months from the start to the day after the end; 15 days or more left count as one."""

    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if _add_months(start, months) > after:
        months -= 1
    left = (after - _add_months(start, months)).days
    return months + (1 if left >= 15 else 0)


def _moment(value):
    return timezone.localtime(value).replace(microsecond=0).isoformat()


# What is read of each award (portal.public: nothing else leaves the database here).
AWARD_COLUMNS = {
    "title": F("proposal__title"), "summary": F("proposal__summary"),
    "organisation_name": F("proposal__organisation__name_zh"),
    "organisation_name_en": F("proposal__organisation__name_en"), "uscc": F("proposal__organisation__uscc"),
    "organisation_street_id": F("proposal__organisation__street_id"),
}
# The organisation's fields the columns above read: an edit of any other changes no grant.
ORGANISATION_FIELDS = frozenset({"name_zh", "name_en", "uscc", "street"})
AWARD_FIELDS = ("pk", "proposal", "street_id", "call_id", "organisation_id", "starts_on", "ends_on", "created_at",
                "updated_at", "granted", "matched", "donations_applied", "donations_paid", "paid")


def grant(award, lookups, communities=(), themes=(), funding=()):
    """One award as a 360Giving grant (a dict of plain values and Decimals).

    `award` is a row of `AWARD_FIELDS` and `AWARD_COLUMNS` (plus `last_logged`, the time of
    its newest audit entry, or None); `communities` and `themes` are the proposal's
    community and theme ids; `funding` the award's fund ids, largest grant first."""

    pk = award["pk"]
    funders = {}
    for fund_id in funding:
        funder = lookups.funders[fund_id]
        funders.setdefault(funder["id"], funder)
    places = [_location(*lookups.streets[award["street_id"]])] if award["street_id"] else []
    places += [_location(*lookups.communities[community]) for community in communities]
    organisation = {
        "id": f"CN-USCI-{award['uscc']}" if award["uscc"] else f"{lookups.prefix}-org-{award['organisation_id']}",
        "name": award["organisation_name"],
    }
    if award["organisation_name_en"]:
        organisation["alternateName"] = award["organisation_name_en"]
    organisation["addressLocality"] = lookups.streets[award["organisation_street_id"]][1]
    organisation["addressCountry"] = "CN"
    modified = max(filter(None, [award["updated_at"], award.get("last_logged")]))
    record = {
        "id": f"{lookups.prefix}-{pk}",
        "title": award["title"],
        "description": award["summary"],
        "currency": "CNY",
        "amountAwarded": award["granted"] + award["matched"],
        "amountDisbursed": award["paid"] - award["donations_paid"],
        "awardDate": timezone.localtime(award["created_at"]).date().isoformat(),
        "url": f"{lookups.project_path}{pk}/",
        "plannedDates": [{"startDate": award["starts_on"].isoformat(), "endDate": award["ends_on"].isoformat(),
                          "duration": _months(award["starts_on"], award["ends_on"])}],
        "recipientOrganization": [organisation],
        "beneficiaryLocation": places,
        "fundingOrganization": list(funders.values()),
        "grantProgramme": [{"code": f"{lookups.prefix}-call-{award['call_id']}",
                            "title": lookups.calls.get(award["call_id"], "")}],
        "fromOpenCall": "Yes",
        "classifications": [{"vocabulary": f"{lookups.prefix}-theme", "code": code, "title": name}
                            for code, name in sorted(lookups.themes[theme] for theme in themes)],
        "dateModified": _moment(modified),
        "amountDonated": award["donations_applied"],
    }
    for optional in ("beneficiaryLocation", "classifications"):
        if not record[optional]:
            del record[optional]
    return record


def _grouped(pairs):
    groups = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups


def grants(lookups, chunk_size=CHUNK):
    """Every public award as a grant, in award order, reading `chunk_size` awards (and
    their communities, themes, funding lines and newest audit entries) per round of queries."""
    awards = public_awards().order_by("pk").values(*AWARD_FIELDS, **AWARD_COLUMNS)
    award_type = ContentType.objects.get_for_model(Award)
    after = 0
    while True:
        # Keyset pages (pk > the last one seen): each chunk is one short query, whatever
        # the database, and nothing of the previous chunk is kept.
        rows = list(awards.filter(pk__gt=after)[:chunk_size])
        if not rows:
            return
        ids, proposals = [row["pk"] for row in rows], [row["proposal"] for row in rows]
        communities = _grouped(
            Proposal.communities.through.objects.filter(proposal_id__in=proposals)
            .order_by("proposal_id", "community__code").values_list("proposal_id", "community_id"))
        themes = _grouped(Proposal.themes.through.objects.filter(proposal_id__in=proposals)
                          .values_list("proposal_id", "theme_id"))
        funding = _grouped(AwardFunding.objects.filter(award_id__in=ids)
                           .order_by("award_id", "-granted", "pk").values_list("award_id", "fund_id"))
        logged = dict(ModelLogEntry.objects.filter(content_type=award_type, object_id__in=[str(pk) for pk in ids])
                      .order_by().values("object_id").annotate(last=Max("timestamp")).values_list("object_id", "last"))
        for row in rows:
            row["last_logged"] = logged.get(str(row["pk"]))
            yield grant(row, lookups, communities.get(row["proposal"], ()), themes.get(row["proposal"], ()),
                        funding.get(row["pk"], ()))
        after = rows[-1]["pk"]


def shape(lookups):
    """How many locations, funders and themes the most generous grant has: the CSV needs
    that many numbered columns of each, before its first row."""
    funded = Proposal.objects.filter(award__in=public_awards())
    places = funded.annotate(n=Count("communities") + Case(
        When(street__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField()))
    most_themes = funded.annotate(n=Count("themes")).aggregate(most=Max("n"))["most"] or 0
    most_funders, current, seen = 0, None, set()
    for award_id, fund_id in (AwardFunding.objects.filter(award__in=public_awards()).order_by("award_id")
                              .values_list("award_id", "fund_id").iterator(chunk_size=CHUNK)):
        if award_id != current:
            current, seen = award_id, set()
        seen.add(lookups.funders[fund_id]["id"])
        most_funders = max(most_funders, len(seen))
    return {"beneficiaryLocation": places.aggregate(most=Max("n"))["most"] or 0,
            "fundingOrganization": most_funders, "classifications": most_themes}


# -- writing -------------------------------------------------------------------------------
_string = json.encoder.encode_basestring  # the C encoder, keeping Chinese as it is


def number(value):
    """A Decimal's own digits as a JSON number: 90000.00 → 90000, 90000.50 → 90000.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def dumps(value):
    """JSON for plain values, with Decimals written exactly (json.dumps would refuse them,
    and a float on the way could change the last digit)."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(key)}:{dumps(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    if isinstance(value, Decimal):
        return number(value)
    if value is True or value is False or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"not written to open data: {value!r}")


class PackageWriter:
    """A 360Giving package written as it goes: the metadata, then one grant at a time."""

    def __init__(self, out, metadata):
        self.out, self.count = out, 0
        head = dumps({"version": SCHEMA_VERSION, **metadata})
        out.write(head[:-1] + ',"grants":[')  # the metadata object, left open for the grants

    def add(self, grant):
        self.out.write(("," if self.count else "") + "\n" + dumps(grant))
        self.count += 1

    def close(self):
        self.out.write("\n]}\n")


# The flattened CSV: 360Giving's own column titles (the schema's titles joined by ":", as
# flatten-tool reads them). Arrays that always hold one item use the rolled-up titles of
# 360Giving's grants.csv template ("Recipient Org:Identifier"; only the fields the schema
# rolls up, so the English name stays in the JSON); arrays that may hold several are
# numbered from 0 ("Funding Org:0:Identifier", "Funding Org:1:Identifier" …).
HEAD = [("Identifier", "id"), ("Title", "title"), ("Description", "description"), ("Currency", "currency"),
        ("Amount Awarded", "amountAwarded"), ("Amount Disbursed", "amountDisbursed"), ("Award Date", "awardDate"),
        ("URL", "url")]
SINGLE = {
    "plannedDates": ("Planned Dates", [("Start Date", "startDate"), ("End Date", "endDate"),
                                       ("Duration (months)", "duration")]),
    "recipientOrganization": ("Recipient Org", [("Identifier", "id"), ("Name", "name"),
                                                ("City", "addressLocality"), ("Country", "addressCountry")]),
    "grantProgramme": ("Grant Programme", [("Code", "code"), ("Title", "title")]),
}
NUMBERED = {
    "beneficiaryLocation": ("Beneficiary Location", [("Name", "name"), ("Country Code", "countryCode"),
                                                     ("Geographic Code", "geoCode")]),
    "fundingOrganization": ("Funding Org", [("Identifier", "id"), ("Name", "name")]),
    "classifications": ("Classifications", [("Vocabulary", "vocabulary"), ("Code", "code"), ("Title", "title")]),
}
ORDER = ["plannedDates", "recipientOrganization", "beneficiaryLocation", "fundingOrganization", "grantProgramme",
         "fromOpenCall", "classifications", "dateModified", "amountDonated"]
TAIL = {"fromOpenCall": "From An Open Call?", "dateModified": "Last Modified",
        "amountDonated": "Amount Donated"}  # the last one is this publisher's additional field


def columns(counts):
    """[(title, path)] for a CSV with counts[key] numbered columns of each array."""
    result = [(title, (key,)) for title, key in HEAD]
    for key in ORDER:
        if key in SINGLE:
            group, fields = SINGLE[key]
            result += [(f"{group}:{title}", (key, 0, field)) for title, field in fields]
        elif key in NUMBERED:
            group, fields = NUMBERED[key]
            result += [(f"{group}:{index}:{title}", (key, index, field))
                       for index in range(counts[key]) for title, field in fields]
        else:
            result.append((TAIL[key], (key,)))
    return result


def _cell(grant, path):
    value = grant
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError):
            return ""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, str):
        return defused(value)  # titles are typed by applicants: never a formula in Excel
    return "" if value is None else value


class FlatWriter:
    """The flattened CSV, one row per grant. `out` is a text file; the caller opens it as
    utf-8-sig, so Excel reads the Chinese."""

    def __init__(self, out, counts):
        self.counts, self.columns, self.count = counts, columns(counts), 0
        self.writer = csv.writer(out)
        self.writer.writerow([title for title, _path in self.columns])

    def add(self, grant):
        for key, most in self.counts.items():
            if len(grant.get(key, ())) > most:
                raise ValueError(f"{grant['id']} has more {key} than the CSV has columns for")
        self.writer.writerow([_cell(grant, path) for _title, path in self.columns])
        self.count += 1


def export(package_out, flat_out, metadata, chunk_size=CHUNK):
    """Both files in one pass over the awards; returns the number of grants written."""
    lookups = Lookups()
    package, flat = PackageWriter(package_out, metadata), FlatWriter(flat_out, shape(lookups))
    for item in grants(lookups, chunk_size):
        package.add(item)
        flat.add(item)
    package.close()
    return package.count
