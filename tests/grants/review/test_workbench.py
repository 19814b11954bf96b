"""The staff workbench: every submitted proposal in one list that staff filter, search, sort,
page through and export — at a constant number of queries per page — and that supervisors
read too. Drafts are never listed."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from grants.calls.models import Theme
from grants.proposals.models import Proposal
from grants.proposals.services import submit_proposal
from grants.review import workbench
from grants.review.models import ReviewAssignment
from incubator.accounts import permissions
from incubator.places.models import Street
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    in_review,
    make_call,
    make_proposal,
)

pytestmark = pytest.mark.django_db

URL = "/zh-hans/staff/proposals/"
BEIJING = ZoneInfo("Asia/Shanghai")
PARKING, ELDERLY, YOUTH, DRAFT = "小区停车管理方案", "老年人关爱行动", "青少年课后托管", "还没写完的草稿"


def beijing(*args):
    return datetime(*args, tzinfo=BEIJING)


def set_fields(proposal, **fields):
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def data(applicant, staff, reviewer):
    """Three submitted proposals that differ in every filtered field, and a draft."""

    governance = make_call(title="社区治理创新项目")
    small = make_call(title="小事微项目")
    nanping = Street.objects.get(code="500108003")
    tongyuanju = Street.objects.get(code="500108001")
    youth = Theme.objects.create(code="youth", name_zh="儿童青少年", name_en="Children and youth")
    watch = OrganisationFactory(admins=[applicant], name_zh="邻里守望协会", name_en="Neighbourhood Watch",
                                street=nanping)
    sunset = OrganisationFactory(admins=[applicant], name_zh="夕阳红服务社", street=tongyuanju)

    parking = in_review(make_proposal(governance, watch, applicant, title=PARKING), applicant, staff)
    elderly = submit_proposal(make_proposal(governance, sunset, applicant, title=ELDERLY), applicant)
    homework = make_proposal(small, watch, applicant, title=YOUTH)
    homework.themes.set([youth])
    homework = submit_proposal(homework, applicant)
    draft = make_proposal(governance, watch, applicant, title=DRAFT)

    set_fields(parking, score=Decimal("85.50"), review_count=2, disagreement=True,
               submitted_at=beijing(2026, 3, 1, 23, 30))
    set_fields(elderly, score=Decimal("62.00"), review_count=1, submitted_at=beijing(2026, 3, 2, 0, 30),
               requested_amount=Decimal("60000.00"))
    set_fields(homework, status=Proposal.Status.APPROVED, submitted_at=beijing(2026, 3, 5, 9, 0),
               requested_amount=Decimal("120000.00"))
    ReviewAssignment.objects.create(proposal=parking, reviewer=reviewer, due_on=governance.project_start)
    return {"parking": parking, "elderly": elderly, "homework": homework, "draft": draft,
            "governance": governance, "small": small, "nanping": nanping, "tongyuanju": tongyuanju,
            "youth": youth, "reviewer": reviewer}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def listed(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return [proposal.title for proposal in response.context["proposals"]]


# -- who sees it -----------------------------------------------------------------------------
def test_staff_see_every_submitted_proposal_newest_first_and_never_a_draft(staff_client, data):
    assert listed(staff_client) == [YOUTH, ELDERLY, PARKING]
    page = staff_client.get("/en/staff/proposals/").content.decode()
    assert DRAFT not in page
    assert '<p class="result-count" role="status">3 proposals</p>' in page


def test_supervisors_read_the_list(client, supervisor, data):
    client.force_login(supervisor)
    assert listed(client) == [YOUTH, ELDERLY, PARKING]


@pytest.mark.parametrize("role", ["reviewer", "applicant", "funder"])
def test_other_signed_in_users_are_refused(client, data, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.get(URL.replace("proposals/", "proposals/export.csv")).status_code == 403


def test_visitors_are_sent_to_sign_in(client, data):
    for url in (URL, URL + "export.csv", URL + "export.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- what a row shows ------------------------------------------------------------------------
def test_a_row_shows_the_proposals_facts_and_links_to_its_staff_page(staff_client, data):
    page = staff_client.get("/en/staff/proposals/").content.decode()
    parking = data["parking"]
    assert f'href="/en/staff/proposals/{parking.pk}/"' in page
    for text in (parking.reference, "Neighbourhood Watch", "社区治理创新项目", "Nanping Subdistrict",
                 "In review", "90,000.00", "85.5", "Reviewers disagree", "2026-03-01 23:30", "Approved"):
        assert text in page, text
    assert page.count("Reviewers disagree") == 1  # only PARKING's reviewers disagree


# -- filters ---------------------------------------------------------------------------------
def test_filter_by_call(staff_client, data):
    assert listed(staff_client, f"?call={data['small'].pk}") == [YOUTH]


def test_filter_by_status_never_offers_draft(staff_client, data):
    assert listed(staff_client, "?status=in_review") == [PARKING]
    assert listed(staff_client, "?status=approved") == [YOUTH]
    response = staff_client.get(URL + "?status=draft")
    assert response.context["filter"].errors["status"]
    assert "draft" not in dict(response.context["filter"].form.fields["status"].choices)


def test_filter_by_street(staff_client, data):
    assert listed(staff_client, f"?street={data['tongyuanju'].pk}") == [ELDERLY]
    assert listed(staff_client, f"?street={data['nanping'].pk}") == [YOUTH, PARKING]


def test_filter_by_theme(staff_client, data):
    assert listed(staff_client, f"?theme={data['youth'].pk}") == [YOUTH]
    elderly_care = Theme.objects.get(code="elderly")
    assert listed(staff_client, f"?theme={elderly_care.pk}") == [ELDERLY, PARKING]


def test_filter_by_organisation_name_in_either_language(staff_client, data):
    assert listed(staff_client, "?organisation=夕阳红") == [ELDERLY]
    assert listed(staff_client, "?organisation=watch") == [YOUTH, PARKING]


def test_filter_by_reviewer(staff_client, data):
    assert listed(staff_client, f"?reviewer={data['reviewer'].pk}") == [PARKING]
    other = UserFactory(roles=[permissions.REVIEWER])
    assert listed(staff_client, f"?reviewer={other.pk}") == []


def test_only_reviewers_can_be_chosen(staff_client, data, applicant):
    response = staff_client.get(URL + f"?reviewer={applicant.pk}")
    assert response.status_code == 200
    assert "reviewer" in response.context["filter"].errors


def test_filter_by_score_range(staff_client, data):
    assert listed(staff_client, "?score_min=60") == [ELDERLY, PARKING]
    assert listed(staff_client, "?score_min=70") == [PARKING]
    assert listed(staff_client, "?score_max=70") == [ELDERLY]
    assert listed(staff_client, "?score_min=60&score_max=62") == [ELDERLY]


def test_filter_by_submission_date_in_beijing_time(staff_client, data):
    # PARKING was submitted at 23:30 on 1 March in Beijing, which is still 1 March there
    # (15:30 UTC); ELDERLY at 00:30 on 2 March Beijing time, which is 1 March in UTC.
    assert listed(staff_client, "?submitted_to=2026-03-01") == [PARKING]
    assert listed(staff_client, "?submitted_from=2026-03-02") == [YOUTH, ELDERLY]
    assert listed(staff_client, "?submitted_from=2026-03-02&submitted_to=2026-03-02") == [ELDERLY]


def test_search_finds_chinese_words_inside_titles(staff_client, data):
    assert listed(staff_client, "?q=停车") == [PARKING]
    assert listed(staff_client, "?q=车停") == []
    assert listed(staff_client, f"?q={data['elderly'].reference}") == [ELDERLY]


def test_filters_combine(staff_client, data):
    assert listed(staff_client, f"?street={data['nanping'].pk}&q=停车&score_min=80") == [PARKING]
    assert listed(staff_client, f"?street={data['nanping'].pk}&status=submitted") == []


@pytest.mark.parametrize("query, field", [
    ("?score_min=abc", "score_min"),
    ("?score_max=101", "score_max"),
    ("?submitted_from=2026-13-45", "submitted_from"),
    ("?call=999999", "call"),
    ("?street=abc", "street"),
    ("?sort=secret_field", "sort"),
    ("?score_min=90&score_max=10", "score_max"),
    ("?submitted_from=2026-03-05&submitted_to=2026-03-01", "submitted_to"),
])
def test_a_bad_filter_value_is_reported_next_to_its_field(staff_client, data, query, field):
    response = staff_client.get(URL + query)
    assert response.status_code == 200
    assert field in response.context["filter"].errors
    page = response.content.decode()
    assert 'class="error"' in page and 'role="alert"' in page
    # No export of a half-understood filter is offered.
    assert "export.csv" not in page


# -- sorting ---------------------------------------------------------------------------------
@pytest.mark.parametrize("sort, expected", [
    ("-submitted_at", [YOUTH, ELDERLY, PARKING]),
    ("submitted_at", [PARKING, ELDERLY, YOUTH]),
    ("-score", [PARKING, ELDERLY, YOUTH]),  # unscored last
    ("score", [ELDERLY, PARKING, YOUTH]),  # unscored last here too
    ("-requested_amount", [YOUTH, PARKING, ELDERLY]),
    ("requested_amount", [ELDERLY, PARKING, YOUTH]),
])
def test_sorting(staff_client, data, sort, expected):
    assert listed(staff_client, f"?sort={sort}") == expected


def test_sorting_by_reference_and_title(staff_client, data):
    by_reference = sorted([data[name] for name in ("parking", "elderly", "homework")], key=lambda p: p.reference)
    assert listed(staff_client, "?sort=reference") == [p.title for p in by_reference]
    assert listed(staff_client, "?sort=-reference") == [p.title for p in reversed(by_reference)]
    titles = listed(staff_client, "?sort=title")
    assert sorted(titles) == sorted([PARKING, ELDERLY, YOUTH]) and len(titles) == 3


def test_column_headings_sort_keep_the_filters_and_say_how_the_list_is_sorted(staff_client, data):
    response = staff_client.get(URL + f"?street={data['nanping'].pk}&sort=-score&page=1")
    headers = {header["key"]: header for header in response.context["headers"]}
    assert headers["score"]["aria_sort"] == "descending"
    assert headers["score"]["url"] == f"?street={data['nanping'].pk}&sort=score"  # toggles, back to page 1
    assert headers["submitted_at"]["aria_sort"] is None
    assert headers["submitted_at"]["url"] == f"?street={data['nanping'].pk}&sort=-submitted_at"
    assert headers["organisation"]["url"] is None
    page = response.content.decode()
    assert 'aria-sort="descending"' in page and page.count("aria-sort=") == 1
    assert page.count('<th scope="col"') == len(workbench.COLUMNS)


def test_the_default_sort_is_marked_on_its_column(staff_client, data):
    headers = {h["key"]: h for h in staff_client.get(URL).context["headers"]}
    assert headers["submitted_at"]["aria_sort"] == "descending"
    assert headers["submitted_at"]["url"] == "?sort=submitted_at"


# -- pages -----------------------------------------------------------------------------------
def test_pages_keep_the_filters_and_the_sort(staff_client, data, monkeypatch):
    monkeypatch.setattr(workbench, "PAGE_SIZE", 2)
    query = "?submitted_from=2026-03-01&sort=-score"
    first = staff_client.get(URL + query)
    assert [p.title for p in first.context["proposals"]] == [PARKING, ELDERLY]
    assert 'href="?submitted_from=2026-03-01&amp;sort=-score&amp;page=2" rel="next"' in first.content.decode()
    second = staff_client.get(URL + query + "&page=2")
    assert [p.title for p in second.context["proposals"]] == [YOUTH]
    assert 'href="?submitted_from=2026-03-01&amp;sort=-score&amp;page=1" rel="prev"' in second.content.decode()
    assert second.context["page_obj"].paginator.count == 3


def test_a_page_number_out_of_range_shows_the_last_page(staff_client, data):
    response = staff_client.get(URL + "?page=99")
    assert response.status_code == 200 and response.context["page_obj"].number == 1


def test_the_page_is_in_english_too(staff_client, data):
    page = staff_client.get("/en/staff/proposals/?q=停车").content.decode()
    assert "<h1>Proposals</h1>" in page and "1 proposal<" in page
    assert '<label for="id_q">Search</label>' in page


# -- a constant number of queries ------------------------------------------------------------
def add_proposals(count, applicant, reviewer, staff):
    """`count` submitted proposals across several calls, organisations and streets, some
    scored, some with reviewers: everything a row could fetch lazily."""
    streets = list(Street.objects.order_by("code")[:4])
    calls = [make_call(title=f"测试征集{n}") for n in range(2)]
    for number in range(count):
        organisation = OrganisationFactory(admins=[applicant], street=streets[number % 4],
                                           name_en=f"Org {number}" if number % 2 else "")
        proposal = make_proposal(calls[number % 2], organisation, applicant, title=f"项目{number}号 停车")
        if number % 3 == 0:
            proposal = in_review(proposal, applicant, staff)
            ReviewAssignment.objects.create(proposal=proposal, reviewer=reviewer, due_on=proposal.call.project_start)
            set_fields(proposal, score=Decimal(50 + number), review_count=1, disagreement=number % 2 == 0)
        else:
            submit_proposal(proposal, applicant)


def queries_for(client, url):
    client.get(url)  # warm caches (site, locale, content types) before counting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    CAPTURED[:] = queries.captured_queries
    return len(queries), len(response.context["proposals"])


CAPTURED = []  # the last page's queries, shown when the count test fails


@pytest.mark.parametrize("query", ["", "?q=停车&sort=-score", "?status=in_review&score_min=1&sort=title"])
def test_the_number_of_queries_does_not_grow_with_the_rows_shown(staff_client, applicant, reviewer, staff, query):
    add_proposals(5, applicant, reviewer, staff)
    few, shown = queries_for(staff_client, URL + query)
    assert shown in (5, 2)
    add_proposals(35, applicant, reviewer, staff)
    many, shown = queries_for(staff_client, URL + query)
    assert shown in (40, 14)
    assert few == many, f"{few} queries for a few rows, {many} for many:\n" + "\n".join(
        query["sql"][:200] for query in CAPTURED)
    # The page's own (count, rows, four filter menus) plus the site's (session, user, roles,
    # site, menu, settings): a generous ceiling that still catches a query per row.
    assert many <= 15, "\n".join(query["sql"][:200] for query in CAPTURED)


# -- exports ---------------------------------------------------------------------------------
def export(client, format, query=""):
    response = client.get(f"{URL}export.{format}{query}")
    assert response.status_code == 200, response.content[:200]
    return response


def csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads Chinese right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_has_every_matching_row_with_chinese_intact(staff_client, data, monkeypatch):
    monkeypatch.setattr(workbench, "PAGE_SIZE", 1)  # the export is never one page
    response = export(staff_client, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="proposals-{today}.csv"'
    rows = csv_rows(response)
    with translation.override("zh-hans"):
        assert rows[0] == workbench._export_header()
    assert [row[1] for row in rows[1:]] == [YOUTH, ELDERLY, PARKING]
    parking = rows[3]
    assert parking[0] == data["parking"].reference
    assert parking[2] == "邻里守望协会"
    assert parking[6] == "90000.00" and parking[7] == "85.50"
    assert parking[10] == "2026-03-01 23:30"
    assert DRAFT not in {row[1] for row in rows}


def test_csv_export_follows_the_filters_and_sort(staff_client, data):
    rows = csv_rows(export(staff_client, "csv", f"?street={data['nanping'].pk}&sort=requested_amount"))
    assert [row[1] for row in rows[1:]] == [PARKING, YOUTH]
    rows = csv_rows(export(staff_client, "csv", "?q=停车"))
    assert [row[1] for row in rows[1:]] == [PARKING]


def test_english_export_has_english_headings_and_names(staff_client, data):
    response = staff_client.get("/en/staff/proposals/export.csv?q=停车")
    rows = csv_rows(response)
    assert rows[0][:2] == ["Reference", "Project title"] and rows[0][-1] == "Submitted (Beijing time)"
    assert rows[1][2] == "Neighbourhood Watch" and rows[1][5] == "In review" and rows[1][8] == "Yes"


def test_text_that_looks_like_a_formula_is_exported_as_text(staff_client, data):
    set_fields(data["elderly"], title="=HYPERLINK(\"http://evil.example\")")
    rows = csv_rows(export(staff_client, "csv", "?sort=score"))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\")"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export(staff_client, "xlsx", "?sort=score").content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_control_characters_do_not_break_the_spreadsheet(staff_client, data):
    from openpyxl import load_workbook

    set_fields(data["elderly"], title="老年人\x07关爱")
    sheet = load_workbook(io.BytesIO(export(staff_client, "xlsx", "?sort=score").content)).active
    assert sheet.cell(row=2, column=2).value == "老年人关爱"


def test_xlsx_export_opens_with_chinese_text_and_numeric_amounts(staff_client, data):
    from openpyxl import load_workbook

    response = export(staff_client, "xlsx", "?sort=-requested_amount")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert [row[1] for row in rows[1:]] == [YOUTH, PARKING, ELDERLY]
    assert rows[2][2] == "邻里守望协会"
    assert rows[1][6] == 120000 and isinstance(rows[1][6], (int, float))
    assert rows[2][7] == 85.5
    assert rows[2][10] == datetime(2026, 3, 1, 23, 30)  # Beijing time, as Excel shows it


def test_an_unknown_export_format_is_not_found(staff_client, data):
    assert staff_client.get(URL + "export.pdf").status_code == 404


def test_an_export_with_invalid_filters_is_refused(staff_client, data):
    response = staff_client.get(URL + "export.csv?score_min=abc")
    assert response.status_code == 400


def test_supervisors_may_export(client, supervisor, data):
    client.force_login(supervisor)
    assert len(csv_rows(export(client, "csv"))) == 4


def test_the_list_offers_exports_of_the_same_filters(staff_client, data):
    page = staff_client.get(URL + f"?street={data['nanping'].pk}&page=1").content.decode()
    assert f'href="/zh-hans/staff/proposals/export.csv?street={data["nanping"].pk}"' in page
    assert f'href="/zh-hans/staff/proposals/export.xlsx?street={data["nanping"].pk}"' in page
