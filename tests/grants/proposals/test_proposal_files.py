"""Attachments and PDFs: checked by content, stored privately, handed out only to the
proposal's organisation and staff."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.storage import private_storage
from grants.proposals.models import Attachment
from grants.proposals.services import submit_proposal
from tests.factories import make_call, make_proposal
from tests.grants.proposals.editor import editor_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def upload(client, proposal, name, content, field="a-file"):
    data = editor_data(proposal, **{field: SimpleUploadedFile(name, content)})
    return client.post(f"/en/proposals/{proposal.pk}/edit/", data)


def test_an_accepted_file_is_stored_outside_the_public_media_folder(client, applicant, draft):
    client.force_login(applicant)
    assert upload(client, draft, "年检报告.pdf", PDF).status_code == 302
    attachment = draft.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == ("年检报告.pdf", "application/pdf", len(PDF))
    path = Path(attachment.file.path)
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        attachment.file.url  # private files have no URL at all
    with pytest.raises(ValueError):
        private_storage().url(attachment.file.name)


@pytest.mark.parametrize("name, content", [
    ("report.pdf", b"<html><script>alert(1)</script></html>"),  # HTML pretending to be a PDF
    ("photo.pdf", PNG),  # a real image, but its name claims PDF
    ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
])
def test_a_file_whose_content_does_not_match_an_accepted_type_is_refused(client, applicant, draft, name, content):
    client.force_login(applicant)
    response = upload(client, draft, name, content)
    assert response.status_code == 200
    assert "is not an accepted file" in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_MB=1)
def test_a_file_over_the_size_limit_is_refused(client, applicant, draft):
    client.force_login(applicant)
    response = upload(client, draft, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert "files may be at most 1.0" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_question_keeps_one_file_the_latest(client, applicant, organisation):
    call = make_call(questions=[("file", {"label": "机构年检报告", "help_text": "", "required": True})])
    proposal = make_proposal(call, organisation, applicant)
    field = f"q-q_{call.questions[0].id}"
    client.force_login(applicant)
    upload(client, proposal, "2025.pdf", PDF, field=field)
    proposal.refresh_from_db()
    upload(client, proposal, "2026.pdf", PDF, field=field)
    assert [a.name for a in proposal.attachments.all()] == ["2026.pdf"]
    proposal.refresh_from_db()
    submit_proposal(proposal, applicant)  # the required file question is answered


def test_an_attachment_can_be_removed_from_a_draft(client, applicant, draft):
    client.force_login(applicant)
    upload(client, draft, "a.pdf", PDF)
    attachment = draft.attachments.get()
    draft.refresh_from_db()
    client.post(f"/en/proposals/{draft.pk}/edit/", editor_data(draft, remove_attachment=attachment.pk))
    assert not draft.attachments.exists()
    assert not Path(attachment.file.path).exists()


@pytest.fixture
def stored(applicant, draft):
    from grants.proposals.services import add_attachment

    return add_attachment(draft, applicant, SimpleUploadedFile("预算说明.pdf", PDF))


@pytest.mark.parametrize("role, status", [
    ("applicant", 200), ("staff", 200), ("other_applicant", 404), ("reviewer", 404),
    ("supervisor", 200), ("funder", 404),
])
def test_attachments_are_served_only_to_the_organisation_staff_and_supervisors(client, request, stored, role, status):
    client.force_login(request.getfixturevalue(role))
    response = client.get(f"/en/proposals/{stored.proposal_id}/files/{stored.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]


def test_an_attachment_is_not_reachable_through_another_proposal(client, applicant, stored, call):
    from tests.factories import OrganisationFactory

    mine_too = make_proposal(call, OrganisationFactory(admins=[applicant]))
    client.force_login(applicant)
    assert client.get(f"/en/proposals/{mine_too.pk}/files/{stored.pk}/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "edit/", "pdf/"])
def test_another_organisation_gets_a_404_for_every_proposal_url(client, other_applicant, draft, suffix):
    client.force_login(other_applicant)
    response = client.get(f"/zh-hans/proposals/{draft.pk}/{suffix}")
    assert response.status_code == 404
    assert draft.title.encode() not in response.content


def test_the_submitted_proposal_downloads_as_a_pdf_with_an_embedded_cjk_font(client, applicant, staff, draft):
    submit_proposal(draft, applicant)
    for person in (applicant, staff):
        client.force_login(person)
        response = client.get(f"/zh-hans/proposals/{draft.pk}/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        draft.refresh_from_db()
        assert f'filename="{draft.reference}.pdf"' in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF")
        # Chinese is drawn with a real, embedded CJK face (not boxes from a fallback font).
        fonts = poppler("pdffonts", response.content)
        assert "Noto-Sans-CJK-SC" in fonts and " yes " in fonts.split("Noto-Sans-CJK-SC")[1].splitlines()[0]


def poppler(tool, pdf):
    """Run a poppler-utils tool (installed by `./seedbed test`) on PDF bytes."""

    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:  # poppler needs a seekable file
        file.write(pdf)
        file.flush()
        arguments = [tool, file.name] + (["-"] if tool == "pdftotext" else [])
        return subprocess.run(arguments, capture_output=True, check=True).stdout.decode()


def test_the_pdf_contains_the_proposal_text(draft):
    """The text layer, read back from the PDF, carries the Chinese title and the budget total."""
    from grants.proposals.display import answered_questions
    from grants.proposals.pdf import proposal_pdf

    text = poppler("pdftotext", proposal_pdf(draft, answered_questions(draft)))
    assert "银龄互助" in text and "100,000.00" in text and "社工补贴" in text
