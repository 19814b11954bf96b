"""Mid-term and final reports: the holder writes them (drafts keep anything, submitting needs
everything), attaches private evidence, staff approve or return them, and an approved report
releases the tranche that waits for it."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from grants.funding.models import Tranche
from grants.funding.services import awards, ledger
from grants.impact import services as report_service
from grants.impact.models import Report, ReportEvidence
from grants.proposals.models import Indicator
from tests.factories import FundFactory, approved, make_award, make_proposal

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def _in_english():
    """Services speak the active language: these tests read their English messages."""

    with translation.override("en"):
        yield


def signed_copy():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def fund(funder):
    fund = FundFactory()
    fund.managers.add(funder)
    return fund


@pytest.fixture
def contracting(call, organisation, applicant, staff, fund):
    """An award made to `applicant`'s organisation (¥90,000 from `fund`), not yet signed; its
    proposal promises 1,200 people served and 40 activities."""
    proposal = make_proposal(call, organisation, applicant)
    Indicator.objects.create(proposal=proposal, kind="activities", target=Decimal("40"), position=1)
    return make_award(approved(proposal, applicant, staff), {fund: Decimal("90000")}, staff)


@pytest.fixture
def award(contracting, staff):
    return awards.sign(contracting, staff, signed_copy())


@pytest.fixture
def midterm(award):
    return award.reports.get(kind=Report.Kind.MIDTERM)


@pytest.fixture
def indicators(award):
    return list(award.proposal.indicators.order_by("position", "pk"))


def complete_results(indicators):
    return {indicators[0].pk: (Decimal("800"), "已服务800人次"), indicators[1].pk: (Decimal("25"), "")}


def submitted_report(report, user, indicators):
    return report_service.save_report(report, user, "开展结对帮扶25场。", complete_results(indicators),
                                      submit=True)


def url(report, suffix=""):
    return f"/en/awards/{report.award_id}/reports/{report.pk}/{suffix}"


def actions(award):
    return list(ModelLogEntry.objects.for_instance(award).order_by("pk").values_list("action", flat=True))


def pay(tranche, staff):
    return awards.pay_tranche(tranche, staff, timezone.localdate(), f"PAY-{tranche.number}")


# -- writing a report ----------------------------------------------------------------------
def test_a_draft_keeps_anything_even_half_written(midterm, applicant, indicators):
    report = report_service.save_report(midterm, applicant, "  写了一半  ",
                                        {indicators[0].pk: (Decimal("300"), "  进行中 ")})
    assert report.status == Report.Status.DUE
    assert report.narrative == "写了一半"
    results = {result.indicator_id: (result.actual, result.note) for result in report.results.all()}
    assert results == {indicators[0].pk: (Decimal("300"), "进行中"), indicators[1].pk: (None, "")}


def test_an_empty_draft_is_saved_too(midterm, applicant):
    assert report_service.save_report(midterm, applicant, "", {}).status == Report.Status.DUE


def test_submitting_needs_the_narrative_and_every_result(midterm, applicant, indicators):
    with pytest.raises(ValidationError) as refused:
        report_service.save_report(midterm, applicant, " ", {indicators[0].pk: (Decimal("800"), "")}, submit=True)
    assert set(refused.value.message_dict) == {"narrative", "results"}
    assert indicators[1].label in refused.value.message_dict["results"][0]
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.DUE


def test_a_negative_result_is_refused(midterm, applicant, indicators):
    with pytest.raises(ValidationError) as refused:
        report_service.save_report(midterm, applicant, "", {indicators[0].pk: (Decimal("-1"), "")})
    assert "results" in refused.value.message_dict


def test_submitting_a_complete_report_tells_staff(midterm, applicant, staff, indicators, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted_report(midterm, applicant, indicators)
    assert (report.status, report.submitted_by) == (Report.Status.SUBMITTED, applicant)
    assert report.submitted_at is not None
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert f"/awards/{report.award_id}/reports/{report.pk}/" in mailoutbox[0].body
    assert "seedbed.award.report_submitted" in actions(report.award)


def test_a_submitted_report_can_no_longer_be_changed(midterm, applicant, indicators):
    submitted_report(midterm, applicant, indicators)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        report_service.save_report(midterm, applicant, "改一下", {})


@pytest.mark.parametrize("who", ["other_applicant", "staff", "supervisor", "funder"])
def test_only_the_holders_members_write_reports(midterm, request, who):
    with pytest.raises(ValidationError, match="Only the award holder"):
        report_service.save_report(midterm, request.getfixturevalue(who), "我来写", {})


def test_reports_are_written_once_the_agreement_is_signed(contracting, applicant):
    report = contracting.reports.get(kind=Report.Kind.MIDTERM)
    with pytest.raises(ValidationError, match="once the agreement is signed"):
        report_service.save_report(report, applicant, "太早了", {})


# -- staff decide ------------------------------------------------------------------------------
def test_staff_approve_a_report_and_the_holder_is_emailed(midterm, applicant, staff, indicators, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    submitted_report(midterm, applicant, indicators)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_service.decide_report(midterm, staff, approve=True)
    assert (report.status, report.decided_by) == (Report.Status.APPROVED, staff)
    assert [message.to for message in mailoutbox] == [[applicant.email]]
    assert "seedbed.award.report_approved" in actions(report.award)


def test_returning_a_report_needs_a_note(midterm, applicant, staff, indicators):
    submitted_report(midterm, applicant, indicators)
    with pytest.raises(ValidationError) as refused:
        report_service.decide_report(midterm, staff, approve=False, note="  ")
    assert "note" in refused.value.message_dict
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.SUBMITTED


def test_a_returned_report_is_written_again_and_resubmitted(midterm, applicant, staff, indicators, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    submitted_report(midterm, applicant, indicators)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_service.decide_report(midterm, staff, approve=False, note="请补充活动照片。")
    assert (report.status, report.staff_note) == (Report.Status.RETURNED, "请补充活动照片。")
    assert mailoutbox[-1].to == [applicant.email] and "请补充活动照片。" in mailoutbox[-1].body
    assert "seedbed.award.report_returned" in actions(report.award)
    report = submitted_report(report, applicant, indicators)
    assert report.status == Report.Status.SUBMITTED


@pytest.mark.parametrize("who", ["applicant", "supervisor", "funder"])
def test_only_staff_decide_reports(midterm, applicant, indicators, request, who):
    submitted_report(midterm, applicant, indicators)
    with pytest.raises(ValidationError, match="Only staff"):
        report_service.decide_report(midterm, request.getfixturevalue(who), approve=True)


def test_only_a_submitted_report_can_be_decided(midterm, staff):
    with pytest.raises(ValidationError, match="Only a submitted report"):
        report_service.decide_report(midterm, staff, approve=True)


def test_approving_the_midterm_report_unlocks_its_tranche(award, midterm, applicant, staff, fund, indicators):
    first, second = award.tranches.order_by("number")[:2]
    pay(first, staff)
    assert "mid-term report" in awards.condition_problem(second)
    with pytest.raises(ValidationError, match="mid-term report"):
        pay(second, staff)
    submitted_report(midterm, applicant, indicators)
    report_service.decide_report(midterm, staff, approve=True)
    assert awards.condition_problem(second) is None
    assert pay(second, staff).status == Tranche.Status.PAID
    award.refresh_from_db()
    assert award.paid == Decimal("81000.00")
    assert ledger.check_award(award) == [] and ledger.check_fund(fund) == []


def test_the_award_completes_when_its_final_report_is_approved_and_the_last_tranche_paid(
        award, midterm, applicant, staff, fund, indicators):
    first, second, last = award.tranches.order_by("number")
    pay(first, staff)
    report_service.decide_report(submitted_report(midterm, applicant, indicators), staff, approve=True)
    pay(second, staff)
    final = award.reports.get(kind=Report.Kind.FINAL)
    report_service.decide_report(submitted_report(final, applicant, indicators), staff, approve=True)
    award.refresh_from_db()
    assert award.status == "active"  # the last tranche is still to pay
    pay(last, staff)
    award.refresh_from_db()
    assert (award.status, award.paid) == ("completed", Decimal("90000.00"))
    assert ledger.check_award(award) == [] and ledger.check_fund(fund) == []


def test_an_award_paid_in_full_completes_when_its_final_report_is_approved(contracting, applicant, staff):
    awards.set_schedule(contracting, [(Decimal("100"), Tranche.Condition.SIGNING)], staff)
    award = awards.sign(contracting, staff, signed_copy())
    pay(award.tranches.get(), staff)
    final = award.reports.get(kind=Report.Kind.FINAL)
    indicators = list(award.proposal.indicators.order_by("position", "pk"))
    report_service.decide_report(submitted_report(final, applicant, indicators), staff, approve=True)
    award.refresh_from_db()
    assert award.status == "completed"
    assert actions(award)[-2:] == ["seedbed.award.report_approved", "seedbed.award.completed"]


# -- evidence ----------------------------------------------------------------------------------
def test_evidence_is_stored_privately_with_no_url(midterm, applicant):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("签到表.pdf", PDF))
    assert (evidence.name, evidence.content_type, evidence.size) == ("签到表.pdf", "application/pdf", len(PDF))
    path = Path(evidence.file.path)
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT) and not path.is_relative_to(settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        evidence.file.url
    assert "seedbed.award.report_evidence_added" in actions(midterm.award)


@pytest.mark.parametrize("name, content", [
    ("photo.pdf", PNG),  # a real image whose name claims PDF
    ("notes.pdf", b"<html><script>alert(1)</script></html>"),
    ("budget.docx", PDF),  # Word files are attachments of proposals, not evidence
])
def test_evidence_is_typed_by_its_content(midterm, applicant, name, content):
    with pytest.raises(ValidationError) as refused:
        report_service.add_evidence(midterm, applicant, SimpleUploadedFile(name, content))
    assert "file" in refused.value.message_dict
    assert not ReportEvidence.objects.exists()


def test_evidence_cannot_be_added_to_a_submitted_report(midterm, applicant, indicators):
    submitted_report(midterm, applicant, indicators)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        report_service.add_evidence(midterm, applicant, SimpleUploadedFile("late.pdf", PDF))


def test_only_the_holder_adds_evidence(midterm, staff):
    with pytest.raises(ValidationError, match="Only the award holder"):
        report_service.add_evidence(midterm, staff, SimpleUploadedFile("staff.pdf", PDF))


def test_removing_evidence_deletes_the_stored_file(midterm, applicant, django_capture_on_commit_callbacks):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("照片.png", PNG))
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        report_service.remove_evidence(evidence, applicant)
    assert not ReportEvidence.objects.exists() and not path.exists()
    assert "seedbed.award.report_evidence_removed" in actions(midterm.award)
    report_service.remove_evidence(evidence, applicant)  # again: nothing happens


def test_a_refused_submission_keeps_the_draft_and_the_file(midterm, applicant):
    with pytest.raises(report_service.SubmissionRefused):
        report_service.write_report(midterm, applicant, "写了一半", {}, submit=True,
                                    upload=SimpleUploadedFile("a.pdf", PDF))
    midterm.refresh_from_db()
    assert (midterm.status, midterm.narrative) == (Report.Status.DUE, "写了一半")
    assert midterm.evidence.count() == 1


# -- the report page ---------------------------------------------------------------------------
def form_data(indicators, action="save", narrative="开展结对帮扶25场。", **overrides):
    data = {"action": action, "narrative": narrative}
    for indicator, (actual, note) in zip(indicators, [("800", "已服务800人次"), ("25", "")]):
        data[f"actual_{indicator.pk}"], data[f"note_{indicator.pk}"] = actual, note
    data.update(overrides)
    return data


def test_the_holder_sees_each_target_beside_the_achieved_field(client, applicant, midterm, indicators):
    client.force_login(applicant)
    page = client.get(url(midterm)).content.decode()
    assert f'name="actual_{indicators[0].pk}"' in page and 'name="narrative"' in page
    assert "1,200" in page and "40" in page
    assert 'enctype="multipart/form-data"' in page


def test_saving_a_draft_through_the_page(client, applicant, midterm, indicators):
    client.force_login(applicant)
    response = client.post(url(midterm), form_data(indicators, **{f"actual_{indicators[1].pk}": ""}))
    assert response.status_code == 302 and response["Location"] == url(midterm)
    midterm.refresh_from_db()
    assert (midterm.status, midterm.narrative) == (Report.Status.DUE, "开展结对帮扶25场。")
    assert midterm.results.get(indicator=indicators[1]).actual is None


def test_submitting_through_the_page(client, applicant, midterm, indicators, staff, mailoutbox,
                                     django_capture_on_commit_callbacks):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(midterm), form_data(indicators, action="submit"))
    assert response.status_code == 302
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.SUBMITTED
    assert [message.to for message in mailoutbox] == [[staff.email]]


def test_a_refused_submission_saves_the_draft_and_marks_what_is_missing(client, applicant, midterm, indicators):
    client.force_login(applicant)
    missing = {f"actual_{indicators[1].pk}": "", f"note_{indicators[1].pk}": "下月开展"}
    response = client.post(url(midterm), form_data(indicators, action="submit", narrative="", **missing))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your draft is saved, but it cannot be submitted yet" in page
    assert "Say what was done." in page and "Needed to submit the report." in page
    assert "下月开展" in page  # what was typed is still in the form
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.DUE
    assert midterm.results.get(indicator=indicators[1]).note == "下月开展"


def test_a_malformed_number_saves_nothing_and_keeps_what_was_typed(client, applicant, midterm, indicators):
    client.force_login(applicant)
    response = client.post(url(midterm), form_data(indicators, **{f"actual_{indicators[0].pk}": "八百"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing has been saved yet" in page and "八百" in page and "开展结对帮扶25场。" in page
    midterm.refresh_from_db()
    assert midterm.narrative == "" and not midterm.results.exists()


def test_evidence_is_uploaded_with_the_draft(client, applicant, midterm, indicators):
    client.force_login(applicant)
    response = client.post(url(midterm), {**form_data(indicators), "file": SimpleUploadedFile("活动照片.png", PNG)})
    assert response.status_code == 302
    assert midterm.evidence.get().name == "活动照片.png"


def test_a_file_of_the_wrong_type_is_refused_beside_the_field(client, applicant, midterm, indicators):
    client.force_login(applicant)
    response = client.post(url(midterm), {**form_data(indicators), "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")})
    assert response.status_code == 200
    assert "is not an accepted file" in response.content.decode()
    assert not ReportEvidence.objects.exists()


def test_evidence_is_removed_through_the_page(client, applicant, midterm, indicators):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("旧照片.png", PNG))
    client.force_login(applicant)
    response = client.post(url(midterm), {**form_data(indicators, action="submit"), "remove_evidence": evidence.pk})
    assert response.status_code == 302
    midterm.refresh_from_db()
    assert not midterm.evidence.exists()
    assert midterm.status == Report.Status.DUE  # removing a file never submits


@pytest.mark.parametrize("who", ["staff", "supervisor", "funder"])
def test_readers_see_results_against_targets_and_evidence_links(client, request, midterm, applicant, indicators,
                                                                who):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("签到表.pdf", PDF))
    submitted_report(midterm, applicant, indicators)
    client.force_login(request.getfixturevalue(who))
    page = client.get(url(midterm)).content.decode()
    assert 'name="narrative"' not in page
    assert "开展结对帮扶25场。" in page and "已服务800人次" in page and "1,200" in page
    assert url(midterm, f"evidence/{evidence.pk}/") in page
    assert ('name="decision"' in page) == (who == "staff")


def test_the_page_says_why_the_holder_cannot_write_yet(client, applicant, contracting):
    report = contracting.reports.get(kind=Report.Kind.MIDTERM)
    client.force_login(applicant)
    page = client.get(url(report)).content.decode()
    assert "Reports are written once the agreement is signed." in page and 'name="narrative"' not in page
    response = client.post(url(report), {"narrative": "太早了", "action": "save"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == ""


def test_a_submitted_report_is_read_only_for_its_holder(client, applicant, midterm, indicators):
    submitted_report(midterm, applicant, indicators)
    client.force_login(applicant)
    page = client.get(url(midterm)).content.decode()
    assert "staff are reading it" in page and 'name="narrative"' not in page


@pytest.mark.parametrize("who", ["applicant", "staff", "funder", "supervisor"])
def test_evidence_is_downloaded_privately_by_readers_of_the_award(client, request, midterm, applicant, who):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("签到表.pdf", PDF))
    client.force_login(request.getfixturevalue(who))
    response = client.get(url(midterm, f"evidence/{evidence.pk}/"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["other_applicant", "reviewer"])
def test_outsiders_learn_nothing_of_reports_or_evidence(client, request, midterm, applicant, indicators, who):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("签到表.pdf", PDF))
    submitted_report(midterm, applicant, indicators)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(midterm)).status_code == 404
    assert client.get(url(midterm, f"evidence/{evidence.pk}/")).status_code == 404
    assert client.get(url(midterm, "evidence/999999/")).status_code == 404
    assert client.post(url(midterm), form_data(indicators)).status_code == 404
    assert client.post(url(midterm, "decide/"), {"decision": "approve"}).status_code == 404


def test_evidence_is_found_only_under_its_own_report(client, applicant, award, midterm):
    evidence = report_service.add_evidence(midterm, applicant, SimpleUploadedFile("签到表.pdf", PDF))
    final = award.reports.get(kind=Report.Kind.FINAL)
    client.force_login(applicant)
    assert client.get(url(final, f"evidence/{evidence.pk}/")).status_code == 404


@pytest.mark.parametrize("who", ["staff", "supervisor", "funder"])
def test_readers_who_are_not_the_holder_cannot_write(client, request, midterm, indicators, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(midterm), form_data(indicators)).status_code == 403
    midterm.refresh_from_db()
    assert midterm.narrative == ""


@pytest.mark.parametrize("who", ["applicant", "supervisor", "funder"])
def test_only_staff_post_a_decision(client, request, midterm, applicant, indicators, who):
    submitted_report(midterm, applicant, indicators)
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(midterm, "decide/"), {"decision": "approve"}).status_code == 403
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.SUBMITTED


def test_staff_return_a_report_with_a_note_through_the_page(client, staff, midterm, applicant, indicators):
    submitted_report(midterm, applicant, indicators)
    client.force_login(staff)
    response = client.post(url(midterm, "decide/"), {"decision": "return", "note": ""})
    assert response.status_code == 200
    assert "Tell the holder what to change." in response.content.decode()
    response = client.post(url(midterm, "decide/"), {"decision": "return", "note": "请补充照片"})
    assert response.status_code == 302
    midterm.refresh_from_db()
    assert (midterm.status, midterm.staff_note) == (Report.Status.RETURNED, "请补充照片")


def test_staff_approve_through_the_page(client, staff, midterm, applicant, indicators):
    submitted_report(midterm, applicant, indicators)
    client.force_login(staff)
    assert client.post(url(midterm, "decide/"), {"decision": "approve", "note": ""}).status_code == 302
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.APPROVED


@pytest.mark.parametrize("who", ["applicant", "staff", "funder"])
def test_the_award_page_lists_its_reports(client, request, award, midterm, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(f"/en/awards/{award.pk}/").content.decode()
    assert url(midterm) in page
    assert ("Write the mid-term report" in page) == (who == "applicant")


def test_a_report_decided_meanwhile_says_so(client, staff, midterm, applicant, indicators):
    submitted_report(midterm, applicant, indicators)
    report_service.decide_report(midterm, staff, approve=True)
    client.force_login(staff)
    response = client.post(url(midterm, "decide/"), {"decision": "return", "note": "晚了"}, follow=True)
    assert "Only a submitted report can be approved or returned." in response.content.decode()
    midterm.refresh_from_db()
    assert midterm.status == Report.Status.APPROVED


@pytest.mark.parametrize("value", ["²", "①", "9" * 20])
def test_an_odd_evidence_id_removes_nothing_and_saves_the_rest(client, applicant, midterm, indicators, value):
    report_service.add_evidence(midterm, applicant, SimpleUploadedFile("照片.png", PNG))
    client.force_login(applicant)
    response = client.post(url(midterm), {**form_data(indicators, narrative="改过的叙述"), "remove_evidence": value})
    assert response.status_code == 302
    midterm.refresh_from_db()
    assert midterm.evidence.count() == 1 and midterm.narrative == "改过的叙述"
