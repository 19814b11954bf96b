"""Writing an award's report: its evidence files (photos, sign-in sheets, receipts), and the
one step the report page takes — save the draft with a file added or removed, then submit
it if asked. The report's own rules (who writes, when, what submitting needs) are
`awards.save_report`; evidence follows the same ones.

Evidence is private: it lives in `private_storage` (no URL at all) and is handed out only by
the permission-checking download view.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.uploads import SCAN_TYPES, check_upload
from grants.funding import events
from grants.funding.models import Award
from grants.funding.services import awards
from grants.impact.models import Report, ReportEvidence
from incubator.organisations import permissions as people


class SubmissionRefused(ValidationError):
    """The draft was saved, but submitting it was refused (the reasons, field by field)."""


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
def add_evidence(report, user, uploaded):
    """Attach a PDF, JPEG or PNG (checked by its content) to a report still being written."""

    report = _lock_editable(report, user)
    try:
        content_type = check_upload(uploaded, SCAN_TYPES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages})
    evidence = ReportEvidence(report=report, name=uploaded.name[:200], content_type=content_type,
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
    `awards.save_report` (field by field) while what was written stays saved."""
    with transaction.atomic():
        report = awards.save_report(report, user, narrative, results)
        if remove is not None:
            remove_evidence(remove, user)
        if upload is not None:
            add_evidence(report, user, upload)
    if submit:
        try:
            report = awards.save_report(report, user, narrative, results, submit=True)
        except ValidationError as error:
            raise SubmissionRefused(error.error_dict if hasattr(error, "error_dict") else error.messages)
    return report
