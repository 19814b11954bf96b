"""A double-clicked Submit submits once and tells the second click what happened; odd ids and
file names are refused or stored, never a 500, and nothing typed is lost."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from wagtail.models import ModelLogEntry

from grants.proposals.models import Proposal
from tests.grants.proposals.editor import editor_data

ALREADY = "您的申报书已提交，无需重复提交。"
SUBMITTED = "提交成功"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def submissions(proposal):
    return ModelLogEntry.objects.filter(action="seedbed.proposal.submitted", object_id=str(proposal.pk)).count()


@pytest.mark.django_db
def test_a_second_submit_of_the_same_page_is_told_it_is_already_submitted(applicant, draft):
    data = editor_data(draft, action="submit")  # both clicks send the page as it was opened
    first, second = (_signed_in(applicant).post(f"/zh-hans/proposals/{draft.pk}/edit/", data) for _ in range(2))
    for response in (first, second):
        assert response.status_code == 302 and response["Location"] == f"/zh-hans/proposals/{draft.pk}/"
    assert any(SUBMITTED in message for message in messages_of(first))
    assert messages_of(second) == [ALREADY]
    draft.refresh_from_db()
    assert draft.status == Proposal.Status.SUBMITTED and submissions(draft) == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_submit_once(applicant, draft):
    data = editor_data(draft, action="submit")
    clients = [_signed_in(applicant), _signed_in(applicant)]
    barrier, answers = threading.Barrier(2), [None, None]

    def click(index):
        try:
            barrier.wait(timeout=10)
            answers[index] = clients[index].post(f"/zh-hans/proposals/{draft.pk}/edit/", data)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer["Location"] for answer in answers} == {f"/zh-hans/proposals/{draft.pk}/"}
    told = sorted(messages_of(answer)[0] for answer in answers)
    assert told[0] == ALREADY and SUBMITTED in told[1]
    draft.refresh_from_db()
    assert draft.status == Proposal.Status.SUBMITTED and submissions(draft) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "①", "9" * 20])
def test_an_odd_organisation_id_on_apply_is_not_found(client, applicant, call, value):
    client.force_login(applicant)
    assert client.post(f"/zh-hans/calls/{call.pk}/apply/", {"organisation": value}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "①"])
def test_an_odd_attachment_id_removes_nothing_and_keeps_the_draft(client, applicant, draft, value):
    client.force_login(applicant)
    response = client.post(f"/zh-hans/proposals/{draft.pk}/edit/",
                           editor_data(draft, **{"p-title": "改过的标题", "remove_attachment": value}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改过的标题"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["p-themes", "p-communities"])
def test_an_id_too_big_for_the_database_is_an_invalid_choice_and_keeps_what_was_typed(
        client, applicant, draft, field):
    client.force_login(applicant)
    response = client.post(f"/zh-hans/proposals/{draft.pk}/edit/",
                           editor_data(draft, **{"p-title": "没保存的标题", field: ["9" * 20]}))
    assert response.status_code == 200
    assert response.context["editor"].details.errors[field[2:]]
    assert "没保存的标题" in response.content.decode()


@pytest.mark.django_db
def test_a_file_name_too_long_for_the_file_system_is_stored_and_the_rest_saved(client, applicant, draft):
    name = "长" * 300 + ".pdf"  # 902 bytes: the file system allows 255
    client.force_login(applicant)
    response = client.post(f"/zh-hans/proposals/{draft.pk}/edit/", {
        **editor_data(draft, **{"p-title": "带长文件名的标题"}),
        "a-file": SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "带长文件名的标题"
    [attachment] = draft.attachments.all()
    assert attachment.name.endswith(".pdf") and attachment.name.startswith("长" * 100)
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and len(stored.encode()) < 255
    assert attachment.file.read() == b"%PDF-1.4\n%%EOF\n"
