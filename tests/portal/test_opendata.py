"""The 360Giving open data: the package validates against the standard's schema, identifiers
and amounts follow the ledger, the CSV says the same, the files are served, cached and
regenerated when awards change, nothing private leaks, and memory stays flat."""

import csv
import io
import json
import os
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from grants.calls.models import Theme
from grants.donations import events as donation_events
from grants.donations.models import Donation
from grants.funding.models import Award, AwardFunding
from grants.funding.services import awards, ledger
from grants.proposals import services as proposals
from grants.proposals.models import BudgetLine, Proposal
from grants.review.models import Review, ReviewAssignment
from incubator.organisations import services as organisations
from incubator.organisations.models import Organisation
from incubator.places.models import Community, District, Street
from portal import opendata
from portal import services as files
from portal.models import OpenDataChange
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    approved,
    make_award,
    make_proposal,
    valid_uscc,
)

D = Decimal
# The 360Giving Data Standard's schemas, version 1.4.3, as published (copied here so the
# tests need nothing outside the repository).
SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "360giving"
# The package schema's items point at the 1.4.2 grant schema; the grant schema we have is
# 1.4.3 (its $id). Both addresses resolve to the local copy: nothing is fetched.
GRANT_SCHEMA_URLS = [
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
]
PRIVATE = ["PRIVATE-BUDGET-LINE", "PRIVATE-ATTACHMENT", "PRIVATE-REVIEW-COMMENT", "PRIVATE-CONTACT-NAME",
           "PRIVATE-ADDRESS", "PRIVATE-REPORT-TEXT", "PRIVATE-PAYMENT-REF", "private-contact@example.org",
           "private-donor@example.com", "PRIVATE-DONOR-MESSAGE", "023-PRIVATE", "南岸备2026001"]


@pytest.fixture(autouse=True)
def _open_data_root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"


def validator():
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    # Their "$schema" is http://…/2020-12/schema, which `referencing` does not know by that
    # spelling: say the dialect.
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources([(url, resource) for url in GRANT_SCHEMA_URLS])
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def scan():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def pay_first_tranche(award, staff):
    tranche = award.tranches.get(number=1)
    return awards.pay_tranche(tranche, staff, timezone.localdate(), "PRIVATE-PAYMENT-REF")


@pytest.fixture
def funds(db):
    """Two funds of one owner (with its code), and a foundation's fund without a code that
    matches donations 1:1."""

    code = valid_uscc("11500108")
    first = FundFactory(owner_zh="重庆市南岸区民政局", owner_uscc=code)
    second = FundFactory(owner_zh="重庆市南岸区民政局", owner_uscc=code, kind="welfare_lottery",
                         name_zh="2026年南岸区福彩公益金")
    foundation = FundFactory(owner_zh="重庆市慈善基金会", kind="foundation", name_zh="社区发展基金",
                             match_ratio=D("1"))
    return first, second, foundation


@pytest.fixture
def funded(call, applicant, other_applicant, staff, reviewer, funds):
    """Awards in every status, with private strings in every private place.

    contracting: a registered organisation, two communities, two themes, funded by the
    bureau and the foundation, with a ¥100 donation the foundation matches; active: a filed
    community group, funded by both of the bureau's funds, first tranche paid; completed;
    terminated after its first tranche."""
    first, second, foundation = funds
    organisation = OrganisationFactory(admins=[applicant], contact_name="PRIVATE-CONTACT-NAME",
                                       contact_phone="023-PRIVATE", contact_email="private-contact@example.org",
                                       address="PRIVATE-ADDRESS 8号")
    group = OrganisationFactory(admins=[other_applicant], uscc=None, filing_number="南岸备2026001",
                                kind="community_group", name_zh="南坪东路社区邻里互助队")

    def award(owner, submitter, shares):
        proposal = make_proposal(call, owner, submitter)
        BudgetLine.objects.filter(proposal=proposal, category="personnel").update(item="PRIVATE-BUDGET-LINE")
        proposal.attachments.create(name="PRIVATE-ATTACHMENT.pdf", content_type="application/pdf", size=1,
                                    file="proposals/x.pdf")
        proposal = approved(proposal, submitter, staff)
        assignment = ReviewAssignment.objects.create(proposal=proposal, reviewer=reviewer, due_on=date.today())
        Review.objects.create(assignment=assignment, comment="PRIVATE-REVIEW-COMMENT")
        return make_award(proposal, shares, staff)

    contracting = award(organisation, applicant, {first: D("60000"), foundation: D("30000")})
    communities = list(Community.objects.filter(street=organisation.street).order_by("code")[:2])
    contracting.proposal.communities.add(*communities)
    contracting.proposal.themes.add(Theme.objects.create(code="youth", name_zh="青少年服务", name_en="Youth"))
    with transaction.atomic():
        donation = Donation.objects.create(award=contracting, amount=D("100"), donor_name="张三",
                                           donor_email="private-donor@example.com",
                                           message="PRIVATE-DONOR-MESSAGE")
        donation.mark_paid(timezone.now())
        donation.save()
        ledger.receive_donation(donation)

    active = award(group, other_applicant, {first: D("45000"), second: D("45000")})
    active = awards.sign(active, staff, scan())
    pay_first_tranche(active, staff)

    completed = awards.sign(award(organisation, applicant, {second: D("90000")}), staff, scan())
    Award.objects.filter(pk=completed.pk).update(status=Award.Status.COMPLETED)
    completed.reports.filter(kind="midterm").update(narrative="PRIVATE-REPORT-TEXT")

    terminated = awards.sign(award(organisation, applicant, {first: D("90000")}), staff, scan())
    pay_first_tranche(terminated, staff)
    terminated = awards.terminate(terminated, staff, "项目终止")
    # The setup counts as committed and published: a test's own changes then queue their own
    # regeneration (the setup's would otherwise stand for them, as within one transaction).
    OpenDataChange.objects.all().delete()
    return {"contracting": contracting, "active": active, "completed": completed, "terminated": terminated,
            "organisation": organisation, "group": group, "communities": communities}


def write_package(out, grants, metadata):
    """The package of `grants` written to `out` as the export writes it; returns how many."""
    writer = opendata.PackageWriter(out, metadata)
    for item in grants:
        writer.add(item)
    writer.close()
    return writer.count


def package():
    out = io.StringIO()
    lookups = opendata.Lookups()
    write_package(out, opendata.grants(lookups), files.metadata())
    return json.loads(out.getvalue(), parse_float=D)


def by_id(data):
    return {grant["id"]: grant for grant in data["grants"]}


def gid(award):
    return f"360G-seedbed-{award.pk}"


# -- the JSON package ----------------------------------------------------------------------
def test_the_whole_package_validates_against_the_360giving_schema_with_format_checking(funded):
    data = package()
    assert {Award.objects.get(pk=a.pk).status for a in funded.values() if isinstance(a, Award)} == set(
        Award.Status.values)
    errors = sorted(validator().iter_errors(json.loads(json.dumps(data, default=str))), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    # The same with the numbers as written (the dump above turned Decimals into strings):
    written = io.StringIO()
    write_package(written, opendata.grants(opendata.Lookups()), files.metadata())
    assert validator().is_valid(json.loads(written.getvalue()))
    assert len(data["grants"]) == 4


def test_a_date_only_award_date_fails_without_format_checking_so_the_check_is_real(funded):
    # Without rfc3339-validator's format checks every awardDate matches both branches of its
    # oneOf; the validator above must be the one that checks formats.
    grant = package()["grants"][0]
    assert "date-time" in Draft202012Validator.FORMAT_CHECKER.checkers
    assert Draft202012Validator.FORMAT_CHECKER.conforms(grant["dateModified"], "date-time")
    assert not Draft202012Validator.FORMAT_CHECKER.conforms(grant["awardDate"], "date-time")


def test_identifiers_follow_the_360giving_rules(funded, funds):
    grants = by_id(package())
    assert set(grants) == {gid(funded[status]) for status in Award.Status.values}
    contracting, active = grants[gid(funded["contracting"])], grants[gid(funded["active"])]
    assert contracting["recipientOrganization"] == [{
        "id": f"CN-USCI-{funded['organisation'].uscc}", "name": funded["organisation"].name_zh,
        "addressLocality": funded["organisation"].street.name_zh, "addressCountry": "CN"}]
    assert active["recipientOrganization"][0]["id"] == f"360G-seedbed-org-{funded['group'].pk}"
    bureau = {"id": f"CN-USCI-{funds[0].owner_uscc}", "name": "重庆市南岸区民政局"}
    foundation = contracting["fundingOrganization"][1]
    assert contracting["fundingOrganization"][0] == bureau
    assert foundation["name"] == "重庆市慈善基金会"
    assert foundation["id"].startswith("360G-seedbed-funder-") and len(foundation["id"]) == len(
        "360G-seedbed-funder-") + 12
    # Both of the bureau's funds pay for the active award: the bureau is listed once.
    assert active["fundingOrganization"] == [bureau]


def test_the_prefix_and_publisher_come_from_settings(funded, settings):
    settings.OPEN_DATA_PREFIX = "360G-nanan"
    settings.OPEN_DATA_PUBLISHER_NAME = "南岸区社区创新中心"
    settings.OPEN_DATA_PUBLISHER_ID = "CN-USCI-12500108MB1234567X"
    data = package()
    assert data["publisher"]["name"] == "南岸区社区创新中心"
    assert data["publisher"]["identifier"] == "CN-USCI-12500108MB1234567X"
    active = by_id(data)[f"360G-nanan-{funded['active'].pk}"]
    assert active["recipientOrganization"][0]["id"] == f"360G-nanan-org-{funded['group'].pk}"


def test_amounts_equal_the_ledger(funded):
    grants = by_id(package())
    for status in Award.Status.values:
        award = Award.objects.get(pk=funded[status].pk)
        lines = list(AwardFunding.objects.filter(award=award))
        grant = grants[gid(award)]
        assert grant["currency"] == "CNY"
        assert D(grant["amountAwarded"]) == award.granted + award.matched == sum(l.granted + l.matched for l in lines)
        assert D(grant["amountDisbursed"]) == sum(line.paid for line in lines)
        assert D(grant["amountDonated"]) == award.donations_applied
    contracting = grants[gid(funded["contracting"])]
    assert (D(contracting["amountAwarded"]), D(contracting["amountDonated"])) == (D("90100"), D("100"))
    active = grants[gid(funded["active"])]
    assert D(active["amountDisbursed"]) == D("45000") and active["amountAwarded"] == 90000
    terminated = Award.objects.get(pk=funded["terminated"].pk)
    # Ending early released what was not paid: the grant is what the fund paid.
    assert D(grants[gid(terminated)]["amountAwarded"]) == terminated.paid == D("45000")


def test_places_dates_programme_and_themes(funded, call):
    award = funded["contracting"]
    grant = by_id(package())[gid(award)]
    street = award.proposal.street
    assert grant["beneficiaryLocation"] == [
        {"name": street.name_zh, "countryCode": "CN", "geoCode": street.code + "000"},
        *({"name": c.name_zh, "countryCode": "CN", "geoCode": c.code} for c in funded["communities"])]
    assert all(len(place["geoCode"]) == 12 for place in grant["beneficiaryLocation"])
    assert grant["plannedDates"] == [{"startDate": award.starts_on.isoformat(), "endDate": award.ends_on.isoformat(),
                                      "duration": 10}]  # 301 days
    assert grant["awardDate"] == timezone.localtime(award.created_at).date().isoformat()
    assert grant["grantProgramme"] == [{"code": f"360G-seedbed-call-{call.pk}", "title": call.title}]
    assert grant["classifications"] == [
        {"vocabulary": "360G-seedbed-theme", "code": "elderly", "title": "为老服务"},
        {"vocabulary": "360G-seedbed-theme", "code": "youth", "title": "青少年服务"}]
    assert grant["fromOpenCall"] == "Yes"
    with translation.override(settings.LANGUAGE_CODE):
        assert grant["url"] == settings.SITE_URL + reverse("portal:project", args=[award.pk])
    assert grant["title"] == award.proposal.title and grant["description"] == award.proposal.summary


def test_the_last_modified_time_is_the_awards_newest_audit_entry(funded, staff):
    award = funded["completed"]
    later = timezone.now() + timedelta(days=3)
    log(award, "seedbed.award.report_approved", user=staff)
    ModelLogEntry.objects.filter(pk=ModelLogEntry.objects.order_by("-pk").first().pk).update(timestamp=later)
    assert by_id(package())[gid(award)]["dateModified"] == timezone.localtime(later).replace(
        microsecond=0).isoformat()


@pytest.mark.parametrize(("start", "end", "months"), [
    (date(2026, 3, 1), date(2026, 12, 31), 10),
    (date(2026, 3, 15), date(2026, 9, 14), 6),
    (date(2026, 1, 31), date(2026, 2, 27), 1),
    (date(2026, 3, 1), date(2026, 3, 10), 0),
    (date(2026, 3, 1), date(2026, 4, 15), 2),  # one month and 15 days
    (date(2026, 3, 1), date(2027, 2, 28), 12),
])
def test_the_planned_duration_is_in_whole_months(start, end, months):
    assert opendata._months(start, end) == months


def test_money_is_written_with_the_decimals_own_digits():
    assert [opendata.number(D(text)) for text in ("90000.00", "90000.50", "0.10", "0.00", "12345678901.23")] == [
        "90000", "90000.5", "0.1", "0", "12345678901.23"]
    assert opendata.dumps({"a": [D("0.30"), "南岸\"区\n", None, True, 3]}) == '{"a":[0.3,"南岸\\"区\\n",null,true,3]}'
    with pytest.raises(TypeError):
        opendata.dumps({"a": 0.1})


def test_the_package_writer_takes_grants_one_at_a_time():
    out = io.StringIO()

    def grants():
        for number in range(3):
            # Each grant is written before the next is asked for: nothing is collected.
            assert out.getvalue().count('"id":') == number
            yield {"id": f"g{number}", "amountAwarded": D("1.50")}

    assert write_package(out, grants(), {"title": "t"}) == 3
    assert [grant["id"] for grant in json.loads(out.getvalue())["grants"]] == ["g0", "g1", "g2"]


def test_grants_are_read_a_chunk_at_a_time(funded):
    lookups = opendata.Lookups()
    ContentType.objects.get_for_model(Award)  # cached before counting
    with CaptureQueriesContext(connection) as queries:
        stream = opendata.grants(lookups, chunk_size=2)
        next(stream)
        first = len(queries.captured_queries)
        rest = list(stream)
    assert len(rest) == 3
    # One chunk: the awards, their communities, themes, funding lines and audit entries;
    # then one more chunk of the same five and the empty query that ends it.
    assert first == 5 and len(queries.captured_queries) == 5 + 5 + 1


# -- the flattened CSV ---------------------------------------------------------------------
def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_says_what_the_json_says_one_row_per_grant(funded, client):
    raw = client.get("/open-data/360giving.csv").getvalue()
    assert raw.startswith("\ufeff".encode())  # the byte order mark Excel needs
    rows = csv_rows(raw.decode("utf-8-sig"))
    grants = by_id(json.loads(client.get("/open-data/360giving.json").getvalue(), parse_float=D))
    assert len(rows) == len(grants) == 4
    for row in rows:
        grant = grants[row["Identifier"]]
        assert D(row["Amount Awarded"]) == D(grant["amountAwarded"])
        assert D(row["Amount Disbursed"]) == D(grant["amountDisbursed"])
        assert row["Recipient Org:Identifier"] == grant["recipientOrganization"][0]["id"]
        assert row["Planned Dates:Start Date"] == grant["plannedDates"][0]["startDate"]
        assert [row[f"Funding Org:{i}:Identifier"] for i in range(2) if row[f"Funding Org:{i}:Identifier"]] == [
            funder["id"] for funder in grant["fundingOrganization"]]
        assert row["From An Open Call?"] == "Yes" and row["Currency"] == "CNY"
    contracting = next(row for row in rows if row["Identifier"] == gid(funded["contracting"]))
    assert [contracting[f"Beneficiary Location:{i}:Geographic Code"] for i in range(3)] == [
        funded["contracting"].proposal.street.code + "000", *(c.code for c in funded["communities"])]
    assert contracting["Classifications:1:Code"] == "youth"


def _titles(schema, definitions, path):
    """The schema path a flattened title names (flatten-tool's convention), or fail."""
    properties, route = schema["properties"], []
    parts = path.split(":")
    while parts:
        part = parts.pop(0)
        keys = [key for key, spec in properties.items()
                if (spec.get("title") or definitions.get(spec.get("$ref", "").split("/")[-1], {}).get("title")) == part]
        assert keys, f"{path}: no field titled {part!r}"
        key, spec = keys[0], properties[keys[0]]
        route.append(key)
        if spec.get("type") == "array":
            items = definitions[spec["items"]["$ref"].split("/")[-1]]
            if parts and parts[0].isdigit():
                route.append(int(parts.pop(0)))
            else:
                assert parts[0] in [items["properties"][k].get("title") for k in spec.get("rollUp", [])], (
                    f"{path}: {part} is not rolled up")
            properties = items["properties"]
    return route


def test_every_csv_column_title_is_the_schemas_own(funded):
    schema = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    counts = opendata.shape(opendata.Lookups())
    assert counts == {"beneficiaryLocation": 3, "fundingOrganization": 2, "classifications": 2}
    for title, path in opendata.columns(counts):
        if title == "Amount Donated":
            continue  # this publisher's additional field
        route = _titles(schema, schema["$defs"], title)
        assert [step for step in route if not isinstance(step, int)] == [
            step for step in path if not isinstance(step, int)], title


def test_csv_text_never_starts_a_formula(funded):
    Proposal.objects.filter(pk=funded["active"].proposal_id).update(title="=HYPERLINK(\"http://x\")")
    out = io.StringIO()
    opendata.export(io.StringIO(), out, files.metadata())
    row = next(row for row in csv_rows(out.getvalue()) if row["Identifier"] == gid(funded["active"]))
    assert row["Title"] == "'=HYPERLINK(\"http://x\")"


# -- files, URLs and regeneration ----------------------------------------------------------
@pytest.mark.parametrize(("url", "content_type"), [
    ("/open-data/360giving.json", "application/json; charset=utf-8"),
    ("/open-data/360giving.csv", "text/csv; charset=utf-8"),
])
def test_the_files_answer_anyone_with_their_type_and_caching_headers(funded, client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"] and response["Last-Modified"]
    assert response.getvalue()
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]
    assert client.post(url).status_code == 405


def test_the_addresses_are_stable(db):
    assert reverse("open_data_json") == "/open-data/360giving.json" == opendata.PACKAGE_PATH
    assert reverse("open_data_csv") == "/open-data/360giving.csv"
    assert files.metadata()["downloadURL"] == settings.SITE_URL + "/open-data/360giving.json"


def test_a_payment_makes_the_next_request_serve_new_content(funded, client, staff,
                                                            django_capture_on_commit_callbacks):
    url = "/open-data/360giving.json"
    before = client.get(url)
    grant = by_id(json.loads(before.getvalue(), parse_float=D))[gid(funded["active"])]
    assert D(grant["amountDisbursed"]) == D("45000")
    # The tranche's audit entries queue the task when the payment commits; tests run tasks at once.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():  # the second tranche, without waiting for its report
            ledger.pay(funded["active"].tranches.get(number=2), staff, timezone.localdate(), "PRIVATE-PAYMENT-REF")
    assert len([c for c in callbacks if c is files._enqueue]) == 1  # once, however many entries
    after = client.get(url)
    assert after["ETag"] != before["ETag"]
    grant = by_id(json.loads(after.getvalue(), parse_float=D))[gid(funded["active"])]
    assert D(grant["amountDisbursed"]) == D("81000")


def test_a_stale_file_is_served_while_its_regeneration_is_queued_once(funded, client, staff, monkeypatch):
    url = "/open-data/360giving.json"
    first = client.get(url).getvalue()
    queued = []
    monkeypatch.setattr(files, "_enqueue", lambda: queued.append(1))
    awards.sign(funded["contracting"], staff, scan())  # a change (its on-commit is not run)
    Proposal.objects.filter(pk=funded["active"].proposal_id).update(title="新的标题")
    assert client.get(url).getvalue() == first
    assert client.get(url).getvalue() == first
    assert queued == [1]
    files.regenerate()
    assert "新的标题" in client.get(url).getvalue().decode()


def test_a_missing_file_is_generated_by_the_request_that_wants_it(funded, client):
    assert not files.root().exists()
    assert client.get("/open-data/360giving.csv").status_code == 200
    assert {path.name for path in files.root().iterdir() if not path.name.startswith(".")} == {
        "360giving.json", "360giving.csv", "state.json"}


def test_the_task_does_nothing_when_the_files_are_current(funded):
    assert files.regenerate() == 4
    assert files.regenerate() is None
    assert files.regenerate(force=True) == 4


def admin_edit(client, named, **changes):
    """Staff edit a place or a theme in the admin."""
    fields = {"code": named.code, "name_zh": named.name_zh, "name_en": named.name_en}
    if isinstance(named, Street):
        fields.update(district=named.district_id, kind=named.kind)
    meta = named._meta
    response = client.post(f"/admin/snippets/{meta.app_label}/{meta.model_name}/edit/{named.pk}/",
                           {**fields, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]


def edit_organisation(organisation, staff, **changes):
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisations.update_organisation(organisation, staff, list(changes))


def test_only_changes_that_reach_the_export_queue_a_regeneration(funded, staff, client, draft, applicant,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(staff)
    before = files.fingerprint()
    with django_capture_on_commit_callbacks() as callbacks:
        proposals.save_draft(draft, applicant, draft.version, lambda: None)
        edit_organisation(funded["organisation"], staff, contact_phone="023-62000000")  # not published
        admin_edit(client, District.objects.first(), name_en="Nan'an")  # nor are districts
    assert callbacks == [] and files.fingerprint() == before
    with django_capture_on_commit_callbacks() as callbacks:
        edit_organisation(funded["organisation"], staff, name_en="Nanping Social Work Centre")
        admin_edit(client, funded["organisation"].street, name_en="Nanping Sub-district")
        admin_edit(client, Theme.objects.get(code="youth"), name_en="Young people")
    assert callbacks == [files._enqueue] and files.fingerprint() != before


def test_a_change_rolled_back_queues_nothing(funded, staff, django_capture_on_commit_callbacks):
    before = files.fingerprint()
    tranche = funded["active"].tranches.get(number=2)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            ledger.pay(tranche, staff, timezone.localdate(), "PRIVATE-PAYMENT-REF")
            raise RuntimeError("the payment's transaction fails")
    assert callbacks == [] and files.fingerprint() == before
    # The change that follows, in a transaction of its own, still queues its regeneration.
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            ledger.pay(tranche, staff, timezone.localdate(), "PRIVATE-PAYMENT-REF")
    assert callbacks == [files._enqueue] and files.fingerprint() != before


def test_a_gift_to_the_pool_changes_no_grant(funded, funds, django_capture_on_commit_callbacks):
    pool = Donation(fund=funds[2], amount=D("50"))
    gift = Donation(award=funded["active"], amount=D("50"))
    with django_capture_on_commit_callbacks() as callbacks:
        donation_events.donation_paid.send(sender=Donation, donation=pool)
        donation_events.donation_refunded.send(sender=Donation, donation=pool)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        donation_events.donation_paid.send(sender=Donation, donation=gift)
    assert callbacks == [files._enqueue]


def test_publishing_a_call_changes_the_fingerprint(funded, call, django_capture_on_commit_callbacks):
    before = files.fingerprint()
    call.title = "改名后的征集"
    with django_capture_on_commit_callbacks() as callbacks:
        call.save_revision().publish()
    assert files._enqueue in callbacks and files.fingerprint() != before


def test_the_management_command_regenerates_both_files(funded):
    output = io.StringIO()
    call_command("export_open_data", stdout=output)
    assert "4 grants" in output.getvalue()
    assert validator().is_valid(json.loads((files.root() / "360giving.json").read_text()))
    assert len(csv_rows((files.root() / "360giving.csv").read_text(encoding="utf-8-sig"))) == 4
    assert not [path for path in files.root().iterdir() if path.suffix == ".tmp"]


# -- privacy -------------------------------------------------------------------------------
def test_no_private_string_appears_in_either_file(funded, client):
    content = client.get("/open-data/360giving.json").getvalue().decode()
    content += client.get("/open-data/360giving.csv").getvalue().decode("utf-8-sig")
    assert funded["organisation"].name_zh in content and "南坪东路社区邻里互助队" in content
    leaked = [text for text in PRIVATE if text in content]
    assert not leaked


# -- memory --------------------------------------------------------------------------------
def bulk_awards(count, call, fund):
    """`count` awards straight into the database (what the services would make, minus the
    paperwork), for measuring."""
    street = Street.objects.get(code="500108003")
    communities = list(Community.objects.filter(street=street)[:3])
    theme, _ = Theme.objects.get_or_create(code="elderly", defaults={"name_zh": "为老服务", "name_en": "Elderly"})
    start = Organisation.objects.count()
    organisations = Organisation.objects.bulk_create([
        Organisation(name_zh=f"批量社工机构{start + n}", kind="social_service", uscc=valid_uscc(), address="-",
                     street=street, contact_name="-", contact_phone="-", contact_email="bulk@example.org")
        for n in range(20)])
    begin = call.project_start
    proposals = Proposal.objects.bulk_create([
        Proposal(call=call, organisation=organisations[n % 20], title=f"批量项目{start}-{n}", summary="服务社区老人。",
                 street=street, status="approved", reference=f"BULK-{start}-{n}", starts_on=begin,
                 ends_on=begin + timedelta(days=300), requested_amount=D("90000"))
        for n in range(count)])
    Proposal.communities.through.objects.bulk_create([
        Proposal.communities.through(proposal_id=p.pk, community_id=c.pk) for p in proposals for c in communities])
    Proposal.themes.through.objects.bulk_create([Proposal.themes.through(proposal_id=p.pk, theme_id=theme.pk)
                                                 for p in proposals])
    made = Award.objects.bulk_create([
        Award(proposal=p, call_id=p.call_id, organisation_id=p.organisation_id, street_id=p.street_id,
              starts_on=p.starts_on, ends_on=p.ends_on, granted=D("90000")) for p in proposals])
    AwardFunding.objects.bulk_create([AwardFunding(award=a, fund=fund, granted=D("90000")) for a in made])


def peak_bytes():
    with open(os.devnull, "w") as package, open(os.devnull, "w") as flat:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            opendata.export(package, flat, files.metadata(), chunk_size=50)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_peak_memory_does_not_grow_with_the_number_of_grants(call):
    fund = FundFactory()
    bulk_awards(60, call, fund)
    small = peak_bytes()
    bulk_awards(540, call, fund)
    large = peak_bytes()
    assert Award.objects.count() == 600
    # Ten times the grants: a list of them all would take several times the memory.
    assert large < small * 1.5 + 256 * 1024, (small, large)
