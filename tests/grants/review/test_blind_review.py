"""Blind review: on a call set to blind review, nothing a reviewer can open — pages, the PDF,
file downloads and their headers, the emails they get — names the organisation, its people or
its contact details. Every page and file is fetched and searched for the identity strings."""

import io
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from grants.proposals.models import Indicator
from grants.proposals.services import add_attachment
from grants.review import services as service
from grants.review.redaction import MASK, identity_strings, redact
from incubator.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory, in_review, make_call, make_proposal

pytestmark = pytest.mark.django_db


NAME_ZH = "蓝鲸识别社工中心"
NAME_EN = "Blue Whale Identikit Social Work Centre"
CONTACT = "钱识别"
PHONE = "13900001111"
EMAIL = "blind-org@example.org"
ADDRESS = "江南大道识别路99号"
AUTHORITY = "识别区民政局登记科"
FILING = "南岸备识别-0099"
MEMBER, MEMBER_EMAIL = "孙识别", "sun-shibie@example.org"
AUTHOR, AUTHOR_EMAIL = "赵识别", "zhao-shibie@example.org"


@pytest.fixture
def author(db):
    return UserFactory(name=AUTHOR, email=AUTHOR_EMAIL)


@pytest.fixture
def seeded(author):
    """An organisation whose every identifying detail is recognisable."""

    organisation = OrganisationFactory(
        name_zh=NAME_ZH, name_en=NAME_EN, filing_number=FILING, contact_name=CONTACT, contact_phone=PHONE,
        contact_email=EMAIL, address=ADDRESS, registration_authority=AUTHORITY, admins=[author])
    Membership.objects.create(user=UserFactory(name=MEMBER, email=MEMBER_EMAIL), organisation=organisation)
    return organisation


def one_page_pdf(author):
    """A PDF whose document information names its author, as word processors' PDFs do."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Creator": author})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


PDF = one_page_pdf(CONTACT)


def identity(organisation):
    return [NAME_ZH, NAME_EN, organisation.uscc, FILING, CONTACT, PHONE, EMAIL, ADDRESS, AUTHORITY, MEMBER,
            MEMBER_EMAIL, AUTHOR, AUTHOR_EMAIL]


def proposal_naming_itself(call, organisation, author, staff):
    """A proposal whose own text names the organisation and its people, with files whose
    names do too."""
    proposal = make_proposal(call, organisation, author)
    long_text, choice, file_question = (block.id for block in call.questions)
    proposal.title = f"{NAME_ZH}“银龄互助”老年人关爱项目"
    proposal.summary = (f"本项目由{NAME_ZH}（{NAME_EN.upper()}）实施，项目负责人{MEMBER}，联系人{CONTACT}，"
                        f"电话 139-0000-1111，邮箱 {EMAIL.upper()}。")
    proposal.answers = {long_text: f"{NAME_ZH}扎根社区十年，{AUTHOR}带领团队服务老人。", choice: "老年人"}
    proposal.save()
    proposal.budget_lines.filter(category="personnel").update(item=f"{NAME_ZH}督导费")
    Indicator.objects.create(proposal=proposal, kind=Indicator.Kind.CUSTOM, name=f"{NAME_ZH}志愿者培训",
                             unit="场", target=Decimal("6"))
    add_attachment(proposal, author, SimpleUploadedFile(f"{NAME_ZH}年检报告.pdf", PDF), question=file_question)
    add_attachment(proposal, author, SimpleUploadedFile(f"{CONTACT}-预算说明.PDF", PDF))
    proposal.refresh_from_db()
    return in_review(proposal, author, staff)


@pytest.fixture
def blind_call(db):
    return make_call(blind_review=True)


@pytest.fixture
def blind_assignment(blind_call, seeded, author, staff, reviewer, django_capture_on_commit_callbacks):
    proposal = proposal_naming_itself(blind_call, seeded, author, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return service.assign_reviewer(proposal, reviewer, staff,
                                       due_on=timezone.localdate() + timedelta(days=2))


def assert_anonymous(text, strings, where):
    squeezed = "".join(text.split())  # a PDF may break a name across lines
    for value in strings:
        for haystack in (text, squeezed):
            assert value.lower() not in haystack.lower(), f"{value!r} revealed in {where}"


def pdf_text(content, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / "review.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], check=False, capture_output=True, text=True).stdout
    return text + "\n" + info


def headers(response):
    return "\n".join(f"{name}: {value}" for name, value in response.items())


# -- redaction itself ----------------------------------------------------------------------
def test_identity_strings_cover_the_organisation_its_people_and_the_author(blind_call, seeded, author, staff):
    proposal = make_proposal(blind_call, seeded, author)
    assert set(identity(seeded)) <= set(identity_strings(proposal))


def test_redact_masks_names_case_insensitively_and_phone_numbers_however_written():
    strings = [NAME_ZH, EMAIL, PHONE, NAME_EN]
    assert redact(f"{NAME_ZH}的邮箱是 BLIND-ORG@example.org", strings) == f"{MASK}的邮箱是 {MASK}"
    assert redact("电话139-0000-1111或 139 0000 1111", strings) == f"电话{MASK}或 {MASK}"
    assert redact("blue whale identikit social work centre", strings) == MASK
    assert redact("社区老人多，需求大。", strings) == "社区老人多，需求大。"
    assert redact("电话 1390000111122", strings) == "电话 1390000111122"  # a longer number is another number


# -- everything a reviewer opens -----------------------------------------------------------
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_nothing_a_reviewer_opens_on_a_blind_call_names_the_applicant(
        client, blind_assignment, seeded, tmp_path, language):
    strings = identity(seeded)
    assignment = blind_assignment
    base = f"/{language}/reviews/{assignment.pk}/"
    client.force_login(assignment.reviewer)
    seen = []

    def fetch(path, method="get", **data):
        response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
        seen.append(path)
        assert_anonymous(headers(response), strings, f"headers of {method.upper()} {path}")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_anonymous(response.content.decode(), strings, f"{method.upper()} {path}")
        return response

    # The email that brought them here.
    for message in mail.outbox:
        assert_anonymous(message.subject + message.body, strings, "the assignment email")

    dashboard = fetch(f"/{language}/reviews/").content.decode()
    assert assignment.proposal.reference in dashboard and MASK in dashboard  # the row is there, masked

    before = fetch(base).content.decode()
    assert MASK in before and "银龄互助" in before  # the title, masked, is still readable
    assert fetch(base + "pdf/").status_code == 302  # not before declaring

    declared = fetch(base, "post", has_conflict="no")
    assert declared.status_code == 302
    page = fetch(base).content.decode()
    for kept in ("银龄互助", "督导费", "志愿者培训", "扎根社区十年", "老年人"):
        assert kept in page
    if language == "en":
        assert "Their text is not redacted" in page

    first, _second = (block.id for block in assignment.proposal.call.rubric)
    fetch(base, "post", action="save", **{f"score_{first}": "6", f"comment_{first}": "结构清晰",
                                          "comment": "", "recommendation": ""})
    assert "结构清晰" in fetch(base).content.decode()
    refused = fetch(base, "post", action="submit", **{f"score_{first}": "60"})  # a form with errors
    assert refused.status_code == 200

    pdf = fetch(base + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert assignment.proposal.reference in text and MASK in text and "银龄互助" in text  # the text was read
    assert_anonymous(text, strings, "the reviewer's PDF")

    links = sorted(set(re.findall(rf"/{language}/reviews/{assignment.pk}/files/\d+/", page)))
    assert len(links) == 2  # the file question's answer and the loose attachment
    names = []
    for link in links:
        download = fetch(link)
        assert download.status_code == 200
        sent = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
        assert len(sent.pages) == 1 and not sent.metadata  # the document, without its author
        assert "uploaded_by" not in headers(download).lower()
        names.append(download["Content-Disposition"])
    expected = ("%E9%99%84%E4%BB%B6-1.pdf", "%E9%99%84%E4%BB%B6-2.pdf") if language == "zh-hans" \
        else ('filename="attachment-1.pdf"', 'filename="attachment-2.pdf"')
    assert all(any(name in disposition for disposition in names) for name in expected), names

    assert len(seen) >= 10


def test_a_submitted_blind_review_stays_anonymous(client, blind_assignment, seeded):
    assignment = blind_assignment
    service.declare_conflict(assignment, assignment.reviewer, False)
    first, second = (block.id for block in assignment.proposal.call.rubric)
    client.force_login(assignment.reviewer)
    client.post(f"/en/reviews/{assignment.pk}/", {"action": "submit", f"score_{first}": "8", f"score_{second}": "7",
                                                  "recommendation": "fund", "comment": "",
                                                  "confirm_final": "on"})
    assignment.refresh_from_db()
    assert assignment.status == assignment.Status.DONE
    for path in ("", "pdf/"):
        response = client.get(f"/en/reviews/{assignment.pk}/{path}")
        assert response.status_code == 200
        if path == "":
            assert_anonymous(response.content.decode(), identity(seeded), "the submitted review")
    assert_anonymous(client.get("/en/reviews/").content.decode(), identity(seeded), "the dashboard (done)")


# -- a call that is not blind --------------------------------------------------------------
def test_a_reviewer_of_an_open_call_sees_the_organisation_but_not_its_contacts(
        client, seeded, author, staff, reviewer, tmp_path):
    call = make_call(blind_review=False)
    proposal = proposal_naming_itself(call, seeded, author, staff)
    proposal.summary = "组织低龄老人结对帮扶高龄独居老人。"  # the applicant's own text is theirs to write
    proposal.save()
    assignment = service.assign_reviewer(proposal, reviewer, staff)
    service.declare_conflict(assignment, reviewer, False)
    client.force_login(reviewer)

    assert NAME_ZH in client.get("/zh-hans/reviews/").content.decode()
    page = client.get(f"/zh-hans/reviews/{assignment.pk}/").content.decode()
    assert NAME_ZH in page and MASK not in page
    assert f"{NAME_ZH}年检报告.pdf" in page  # files keep their names
    # What reviewers never need, even on an open call. (Names the applicant typed into their own
    # text or file names are theirs to show: the contact person is in a file name here.)
    contacts = [PHONE, EMAIL, ADDRESS, seeded.uscc, FILING, AUTHORITY, MEMBER_EMAIL, AUTHOR_EMAIL]
    assert_anonymous(page, contacts, "the reviewer's page of an open call")
    text = pdf_text(client.get(f"/zh-hans/reviews/{assignment.pk}/pdf/").content, tmp_path)
    assert NAME_ZH in "".join(text.split())  # proves pdftotext reads the Chinese the other test searches
    assert_anonymous(text, contacts, "the reviewer's PDF of an open call")
