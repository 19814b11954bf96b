"""An award's reports: planning them when the award is made, the holder writing them (with
evidence files: photos, sign-in sheets, receipts), and staff approving or returning them.

Funding sits below and never reads reports: it announces each new award
(`grants.funding.events.award_created`, on which `plan_reports` runs), and an approved
report tells it that the tranches waiting for it may be paid (`awards.meet_condition`).

Evidence is private: it lives in `private_storage` (no URL at all) and is handed out only by
the permission-checking download view.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import mail
from core.uploads import SCAN_TYPES, check_upload, display_name
from grants.funding import events
from grants.funding.models import Award, Tranche
from grants.funding.services import awards
from grants.impact.models import IndicatorResult, Report, ReportEvidence
from incubator.accounts import permissions as accounts
from incubator.organisations import permissions as people

FINAL_REPORT_DAYS = 30  # the final report is due this long after the project ends
# The tranche condition an approved report meets.
CONDITION_MET = {Report.Kind.MIDTERM: Tranche.Condition.MIDTERM_REPORT,
                 Report.Kind.FINAL: Tranche.Condition.FINAL_REPORT}


# -- the schedule --------------------------------------------------------------------------
def plan_reports(award):
    """The award's mid-term report, due half-way through the project, and its final report,
    due FINAL_REPORT_DAYS after it ends."""

    middle = award.starts_on + (award.ends_on - award.starts_on) / 2
    Report.objects.bulk_create([
        Report(award=award, kind=Report.Kind.MIDTERM, due_on=middle),
        Report(award=award, kind=Report.Kind.FINAL, due_on=award.ends_on + timedelta(days=FINAL_REPORT_DAYS)),
    ])


def on_award_created(sender, award, **kwargs):
    """Receiver of grants.funding.events.award_created (connected in apps.py)."""
    plan_reports(award)


# -- writing and deciding ------------------------------------------------------------------
def _lock_editable(report, user):
    """The report, locked, if `user` may still change it; otherwise a ValidationError saying why."""

    report = Report.objects.select_for_update().select_related("award__proposal__organisation").get(pk=report.pk)
    if people.membership(user, report.award.proposal.organisation) is None:
        raise ValidationError(_("Only the award holder's members can write its reports."))
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    if report.award.status != Award.Status.ACTIVE:
        raise ValidationError(_("Reports are written once the agreement is signed."))
    return report


@transaction.atomic
def save_report(report, user, narrative, results, submit=False):
    """The holder writes the report (results: {indicator pk: (actual, note)}) and may submit
    it; a draft keeps anything, submitting needs the narrative and every result. Evidence
    files follow the same rules (`_lock_editable`)."""
    report = _lock_editable(report, user)
    indicators = list(report.award.proposal.indicators.all())
    results = {pk: (actual, (note or "").strip()) for pk, (actual, note) in results.items()}
    errors = {}
    if any(actual is not None and actual < 0 for actual, _note in results.values()):
        errors["results"] = _("A result cannot be negative.")
    elif submit:
        if not narrative.strip():
            errors["narrative"] = _("Say what was done.")
        missing = [indicator.label for indicator in indicators if results.get(indicator.pk, (None, ""))[0] is None]
        if missing:
            errors["results"] = _("Give the result for: %(names)s.") % {"names": "、".join(missing)}
    if errors:
        raise ValidationError(errors)
    report.narrative = narrative.strip()
    report.save(update_fields=["narrative"])
    for indicator in indicators:
        actual, note = results.get(indicator.pk, (None, ""))
        IndicatorResult.objects.update_or_create(report=report, indicator=indicator,
                                                 defaults={"actual": actual, "note": note})
    if submit:
        report.submit(user, timezone.now())
        report.save(update_fields=["status", "submitted_by", "submitted_at"])
        log(report.award, "seedbed.award.report_submitted", user=user, data={"report": report.kind})
        events.award_changed.send(sender=Award, award=report.award)
        url = mail.absolute_url(reverse("impact:report", args=[report.award_id, report.pk]))
        for person in accounts.staff_members():
            mail.send_to_user("report_submitted", person, {"report": report, "url": url})
    return report


@transaction.atomic
def decide_report(report, user, approve, note=""):
    """Staff approve a submitted report, or return it with a note saying what to change. An
    approved report meets the condition of the tranches waiting for it (and may complete the
    award): funding records that in the same transaction."""
    if not accounts.is_staff_member(user):
        raise ValidationError(_("Only staff can do this."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be approved or returned."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the holder what to change.")})
    if approve:
        report.approve(user, timezone.now())
    else:
        report.return_for_changes(user, timezone.now())
    report.staff_note = note.strip()
    report.save(update_fields=["status", "decided_by", "decided_at", "staff_note"])
    log(report.award, f"seedbed.award.report_{'approved' if approve else 'returned'}", user=user,
        data={"report": report.kind, "note": note.strip()})
    events.award_changed.send(sender=Award, award=report.award)
    awards.tell_holders(report.award, "report_decided", {"report": report})
    if approve:
        awards.meet_condition(report.award, CONDITION_MET[report.kind], user)
    return report


# -- evidence ------------------------------------------------------------------------------
class SubmissionRefused(ValidationError):
    """The draft was saved, but submitting it was refused (the reasons, field by field)."""


@transaction.atomic
def add_evidence(report, user, uploaded):
    """Attach a PDF, JPEG or PNG (checked by its content) to a report still being written."""

    report = _lock_editable(report, user)
    try:
        content_type = check_upload(uploaded, SCAN_TYPES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages})
    evidence = ReportEvidence(report=report, name=display_name(uploaded), content_type=content_type,
                              size=uploaded.size, uploaded_by=user)
    evidence.file.save(uploaded.name, uploaded, save=False)
    evidence.save()
    log(report.award, "seedbed.award.report_evidence_added", user=user,
        data={"report": report.kind, "name": evidence.name, "size": evidence.size})
    events.award_changed.send(sender=Award, award=report.award)
    return evidence


@transaction.atomic
def remove_evidence(evidence, user):
    """Take a file off a report still being written; the stored file goes once that is committed.
    Removing a file already removed changes nothing."""
    report = _lock_editable(evidence.report, user)
    evidence = ReportEvidence.objects.filter(pk=evidence.pk, report=report).first()
    if evidence is None:
        return
    storage, path = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path))
    log(report.award, "seedbed.award.report_evidence_removed", user=user,
        data={"report": report.kind, "name": evidence.name})
    events.award_changed.send(sender=Award, award=report.award)


def write_report(report, user, narrative, results, submit=False, upload=None, remove=None):
    """Save the draft (with `upload` added and `remove` taken off), then submit it if asked.

    The draft is saved in any case: a refused submission raises the ValidationError of
    `save_report` (field by field) while what was written stays saved."""
    with transaction.atomic():
        report = save_report(report, user, narrative, results)
        if remove is not None:
            remove_evidence(remove, user)
        if upload is not None:
            add_evidence(report, user, upload)
    if submit:
        try:
            report = save_report(report, user, narrative, results, submit=True)
        except ValidationError as error:
            raise SubmissionRefused(error.error_dict if hasattr(error, "error_dict") else error.messages)
    return report
