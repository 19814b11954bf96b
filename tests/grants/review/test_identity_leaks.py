"""Blind review against the leaks found in the wild (issue 12): the applicant's short name in a
title, its English name, phone numbers written with dots, emails and codes that are not the
stored ones, the contact person. Every page a reviewer opens, and their PDF, goes through one
mask; staff are warned when a proposal still names its applicant."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.review import services as service
from grants.review.redaction import MASK, applicant_mentions, chinese_forms, english_forms, mask_for
from incubator.places.models import Community
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    in_review,
    make_call,
    make_proposal,
    valid_uscc,
)
from tests.grants.review.test_blind_review import assert_anonymous, pdf_text

pytestmark = pytest.mark.django_db

NAME_ZH = "重庆市南岸区南坪街道阳光社工服务中心"
NAME_EN = "Nanping Sunshine Social Work Service Centre, Nan'an, Chongqing"
TITLE = "南坪街道阳光社工服务中心“德育小课堂”项目"
CONTACT = "张晓"
AUTHOR = "李文静"
OTHER_USCC = valid_uscc("52500108")  # a code that is not the organisation's own


@pytest.fixture
def author(db):
    return UserFactory(name=AUTHOR)


@pytest.fixture
def sunshine(author):
    """The demo's centre: in 南坪街道, 阳光社区 — the community shares its name."""
    return OrganisationFactory(
        name_zh=NAME_ZH, name_en=NAME_EN, contact_name=CONTACT, contact_phone="023-6280 1101",
        contact_email="sunshine@seedbed.test", community=Community.objects.get(code="500108003002"),
        admins=[author])


def leaky_proposal(call, organisation, author, staff, **fields):
    proposal = make_proposal(call, organisation, author, title=TITLE, summary=(
        f"阳光社工扎根社区八年（Sunshine Social Work team），联系人{CONTACT}，手机 186.2345.6789，"
        "座机 023-6280-1101，热线 400-820-1234，邮箱 zhangxiao@yangguang.org.cn，"
        f"统一社会信用代码 {organisation.uscc}（合作方 {OTHER_USCC}），项目主管{AUTHOR}。"
        "面向阳光社区的留守儿童开展德育小课堂。"), **fields)
    return in_review(proposal, author, staff)


LEAKS = ["阳光社工", "Sunshine Social Work", "186.2345.6789", "023-6280-1101", "400-820-1234",
         "zhangxiao@yangguang.org.cn", OTHER_USCC, CONTACT, AUTHOR, "南坪街道阳光社工服务中心"]


# -- one mask, every kind of leak --------------------------------------------------------------
@pytest.mark.parametrize("text, leaked", [
    (TITLE, "南坪街道阳光社工服务中心"),                   # the name without 重庆市南岸区
    ("阳光社工的督导", "阳光社工"),                          # without 服务中心 as well
    ("由 Sunshine Social Work 团队实施", "Sunshine Social Work"),  # the English name's core
    ("NANPING  SUNSHINE social work service centre", "NANPING  SUNSHINE"),
    ("手机 186.2345.6789", "186.2345.6789"),                # any mobile, dotted
    ("手机 +86 186 2345 6789", "186 2345 6789"),
    ("座机 (023)6280-1101", "6280-1101"),                    # any landline with its area code
    ("拨打 62801101", "62801101"),                           # the stored one without its area code
    ("热线 400-820-1234", "400-820-1234"),                   # service numbers
    ("邮箱 zhangxiao@yangguang.org.cn", "zhangxiao@yangguang.org.cn"),  # any email
    (f"代码 {OTHER_USCC}", OTHER_USCC),                      # any credit code
    ("身份证 50010819800101123X", "50010819800101123X"),
    (f"联系人{CONTACT}", CONTACT),                           # the contact person
    (f"项目主管{AUTHOR}", AUTHOR),                           # the applicant user
])
def test_the_mask_hides_every_kind_of_identity(sunshine, author, text, leaked):
    proposal = make_proposal(make_call(blind_review=True), sunshine, author)
    masked = mask_for(proposal)(text)
    assert leaked.lower() not in masked.lower() and MASK in masked, masked


@pytest.mark.parametrize("text", [
    "阳光明媚的午后，孩子们在社区活动。",       # 阳光 alone is an everyday word
    "面向阳光社区的留守儿童。",                 # the community the centre is named after
    "南坪街道共有12个社区。",                   # the street the project serves
    "社会工作服务中心的社工督导。",              # generic words
    "预算 150000.00 元，2024-2025 年服务 1,300 人次，满意度 95.5%。",
    "the social work service centre of the district",
])
def test_the_mask_leaves_ordinary_text_alone(sunshine, author, text):
    proposal = make_proposal(make_call(blind_review=True), sunshine, author)
    assert mask_for(proposal)(text) == text


def test_an_open_call_masks_nothing(sunshine, author):
    proposal = make_proposal(make_call(blind_review=False), sunshine, author)
    assert mask_for(proposal)(TITLE) == TITLE


def test_short_forms_drop_places_and_endings_but_not_into_fragments():
    places = ["南坪街道", "阳光社区", "南岸区", "南坪", "阳光", "南岸"]
    forms = chinese_forms(NAME_ZH, places)
    assert {"南坪街道阳光社工服务中心", "阳光社工服务中心", "阳光社工"} <= forms
    assert not forms & {"阳光", "社工服务中心", "南坪街道", "南坪街道阳光", "街道阳光社工"}
    assert chinese_forms("重庆市南岸区社会工作服务中心", ["南岸区", "南岸"]) == {"南岸区社会工作服务中心"}
    assert "银发伙伴" in chinese_forms("南坪镇白鹤苑社区“银发伙伴”志愿服务队", ["南坪镇", "白鹤苑社区", "南坪", "白鹤苑"])
    assert "北斗村股份经济合作联合社" in chinese_forms(
        "重庆市南岸区迎龙镇北斗村股份经济合作联合社", ["迎龙镇", "北斗村", "南岸区", "迎龙", "北斗", "南岸"])
    english = english_forms(NAME_EN, {"nanping", "nan'an", "chongqing", "yangguang"})
    assert {"Sunshine Social Work", "Nanping Sunshine"} <= english
    assert not english & {"Sunshine", "Social Work", "Service Centre"}
    assert "Silver Partners" in english_forms("Baiheyuan Community “Silver Partners” Volunteer Team", {"baiheyuan"})


# -- every page a reviewer opens ------------------------------------------------------------
def test_no_reviewer_page_or_pdf_shows_the_applicant(client, sunshine, author, staff, reviewer, tmp_path,
                                                     django_capture_on_commit_callbacks):
    proposal = leaky_proposal(make_call(blind_review=True), sunshine, author, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = service.assign_reviewer(proposal, reviewer, staff, due_on=timezone.localdate() + timedelta(days=5))
    for message in mail.outbox:
        assert_anonymous(message.subject + message.body, LEAKS, "the assignment email")
    client.force_login(reviewer)
    base = f"/zh-hans/reviews/{assignment.pk}/"

    dashboard = client.get("/zh-hans/reviews/").content.decode()
    assert f"{MASK}“德育小课堂”项目" in dashboard
    assert_anonymous(dashboard, LEAKS, "the dashboard")

    declaration = client.get(base).content.decode()
    assert "德育小课堂" in declaration and "扎根社区八年" in declaration  # the declaration page, read
    assert_anonymous(declaration, LEAKS, "the declaration page")

    assert client.post(base, {"has_conflict": "no"}).status_code == 302
    page = client.get(base).content.decode()
    assert "面向阳光社区的留守儿童" in page  # the community the centre is named after is still named
    assert_anonymous(page, LEAKS, "the review page")

    pdf = client.get(base + "pdf/")
    text = pdf_text(pdf.content, tmp_path)
    assert "德育小课堂" in "".join(text.split())
    assert_anonymous(text, LEAKS, "the reviewer's PDF")


# -- staff are warned -----------------------------------------------------------------------
def test_staff_see_what_still_names_the_applicant_and_can_ask_for_a_redacted_version(
        client, sunshine, author, staff):
    proposal = leaky_proposal(make_call(blind_review=True), sunshine, author, staff)
    client.force_login(staff)
    page = client.get(f"/zh-hans/staff/proposals/{proposal.pk}/").content.decode()
    assert 'class="notice names-applicant"' in page
    for found in ("南坪街道阳光社工服务中心", "阳光社工", "186.2345.6789", CONTACT, AUTHOR):
        assert f"<li>{found}</li>" in page
    assert "?ask_redaction=1#decision-heading" in page  # in review: the decision form asks

    asked = client.get(f"/zh-hans/staff/proposals/{proposal.pk}/?ask_redaction=1")
    assert asked.context["determination_form"].initial["outcome"] == "more_info"
    assert "请您从申报书文字（包括标题）中删去" in asked.content.decode()  # the note, filled in to be read over

    response = client.post(f"/zh-hans/staff/proposals/{proposal.pk}/determine/", {
        "outcome": "more_info", "note": "请删去机构名称后重新提交。"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == proposal.Status.MORE_INFO


def test_applicant_mentions_finds_nothing_in_a_clean_proposal(sunshine, author, staff):
    proposal = make_proposal(make_call(blind_review=True), sunshine, author)
    assert applicant_mentions(proposal) == []


def test_no_warning_on_an_open_call_or_a_clean_blind_proposal(client, sunshine, author, staff):
    open_call = leaky_proposal(make_call(blind_review=False), sunshine, author, staff)
    clean = in_review(make_proposal(make_call(blind_review=True), sunshine, author), author, staff)
    client.force_login(staff)
    for proposal in (open_call, clean):
        assert "names-applicant" not in client.get(f"/en/staff/proposals/{proposal.pk}/").content.decode()


def test_the_workbench_flags_blind_proposals_that_name_their_applicant(client, sunshine, author, staff):
    blind = make_call(blind_review=True)
    leaky = leaky_proposal(blind, sunshine, author, staff)
    clean = in_review(make_proposal(blind, sunshine, author), author, staff)
    open_call = leaky_proposal(make_call(blind_review=False), sunshine, author, staff)
    client.force_login(staff)
    rows = {proposal.pk: proposal for proposal in client.get("/en/staff/proposals/").context["proposals"]}
    assert rows[leaky.pk].names_applicant
    assert not rows[clean.pk].names_applicant and not rows[open_call.pk].names_applicant
    assert client.get("/en/staff/proposals/").content.decode().count("badge-disagree names-applicant") == 1


def test_the_flags_cost_the_same_queries_for_few_rows_and_many(client, author, staff):
    blind = make_call(blind_review=True)

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory(admins=[author], members=[UserFactory()])
            leaky_proposal(blind, organisation, author, staff)

    def count_queries():
        client.get("/en/staff/proposals/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/staff/proposals/")
        assert all(proposal.names_applicant for proposal in response.context["proposals"])
        return len(queries)

    client.force_login(staff)
    add(2)
    few = count_queries()
    add(6)
    assert count_queries() == few
