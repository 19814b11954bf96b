"""A proposal from first draft to submission.

Drafts accept anything well-formed; `submission_problems` is the one list of rules a
proposal must meet to be submitted, checked on the server at the moment of submission.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import mail
from core.money import percent, quantity, round_money, yuan
from core.search import document
from core.uploads import check_upload, display_name
from grants.proposals.models import (
    Attachment,
    Proposal,
    ProposalSnapshot,
    ReferenceCounter,
    budget_total,
)
from incubator.organisations import permissions as people
from incubator.organisations.models import Organisation


class VersionConflict(Exception):
    """Someone saved the proposal after this editor opened it."""

    def __init__(self, current):
        super().__init__("proposal changed since it was opened")
        self.current = current


@dataclass(frozen=True)
class Problem:
    field: str  # a form field name, "budget", "indicators", "q_<question id>" or "__all__"
    message: str


class SubmissionRefused(Exception):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class AlreadySubmitted(ValidationError):
    """The proposal was submitted before this change reached it (often a double-click)."""

    def __init__(self):
        super().__init__(_("This proposal has been submitted and can no longer be changed."))


@transaction.atomic
def start_proposal(call, organisation, user):
    call = call.source
    if people.membership(user, organisation) is None:
        raise PermissionDenied
    _lock_organisation(organisation)
    if not call.is_open:
        raise ValidationError(_("This call is not open for applications."))
    problem = call.eligibility_problem(organisation) or limit_problem(call, organisation, drafts=True)
    if problem:
        raise ValidationError(problem)
    proposal = Proposal.objects.create(
        call=call, organisation=organisation, created_by=user, street=organisation.street)
    log(proposal, "seedbed.proposal.created", user=user)
    return proposal


def limit_problem(call, organisation, drafts, exclude=None):
    """Why the organisation may not have another proposal under this call (a translated
    sentence), or None. Starting counts its drafts too (a second draft is refused: the first
    is where to work); submitting counts only its other submitted proposals. Proposals closed
    without funding do not count. Callers that act on the answer lock the organisation's row
    first (`_lock_organisation`), so two starts or submissions at once are counted in turn.

    Not a database constraint: the limit is each call's own (last year's allowed two), and a
    unique index cannot read it from the call."""

    limit = call.proposals_per_organisation
    if not limit:
        return None
    counted = Proposal.objects.filter(call=call, organisation=organisation).exclude(
        status__in=Proposal.CLOSED_UNFUNDED)
    if not drafts:
        counted = counted.exclude(status=Proposal.Status.DRAFT)
    if exclude is not None:
        counted = counted.exclude(pk=exclude.pk)
    count = counted.count()
    if count < limit:
        return None
    return _("This call accepts at most %(limit)s proposals per organisation, and %(organisation)s already "
             "has %(count)s under it.") % {"limit": limit, "organisation": organisation.name, "count": count}


def _lock_organisation(organisation):
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


@transaction.atomic
def save_draft(proposal, user, version, write):
    """Run `write()` (which saves the editor's forms) if nobody saved since `version`."""

    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_editable:
        raise AlreadySubmitted()
    if locked.version != version:
        raise VersionConflict(locked)
    write()
    Proposal.objects.filter(pk=proposal.pk).update(
        version=F("version") + 1, search_text=search_document(Proposal.objects.get(pk=proposal.pk)))
    proposal.version = version + 1
    log(proposal, "seedbed.proposal.saved", user=user)
    return proposal


def save_and_submit(proposal, user, version, write, moment=None):
    """Save the editor's forms and submit, in one transaction, so a second click of Submit
    waits for the first and then finds the proposal submitted (AlreadySubmitted) rather than
    a newer version. When submission is refused the draft is still saved, then
    SubmissionRefused is raised."""

    with transaction.atomic():
        save_draft(proposal, user, version, write)
        try:
            return submit_proposal(proposal, user, moment)
        except SubmissionRefused as refused:
            problems = refused
    raise problems


def submission_problems(proposal, moment, resubmission=False):
    """Everything that stops this proposal from being submitted at `moment`, by field.
    A proposal staff sent back for more information may be resubmitted after the deadline."""

    call = proposal.call
    problems = []

    def add(field, message):
        problems.append(Problem(field, message))

    if not resubmission and call.status_at(moment) != call.Status.OPEN:
        add("__all__", _("The call closed on %(date)s: proposals can no longer be submitted.") % {
            "date": date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")}
            if moment >= call.closes_at else _("This call is not open for applications yet."))
    problem = call.eligibility_problem(proposal.organisation)
    if problem:
        add("__all__", problem)
    problem = limit_problem(call, proposal.organisation, drafts=False, exclude=proposal)
    if problem:
        add("__all__", problem)

    for field in ("title", "summary", "street", "starts_on", "ends_on", "requested_amount"):
        if getattr(proposal, field) in (None, ""):
            add(field, _("%(field)s is required.") % {
                "field": Proposal._meta.get_field(field).verbose_name.capitalize()})
    if not proposal.themes.exists():
        add("themes", _("Choose at least one theme."))
    if proposal.street_id:
        stray = proposal.communities.exclude(street_id=proposal.street_id)
        if stray.exists():
            add("communities", _("%(names)s are not in the target street / town.") % {
                "names": "、".join(community.name for community in stray)})

    if proposal.starts_on and proposal.ends_on:
        if proposal.ends_on < proposal.starts_on:
            add("ends_on", _("The project must end after it starts."))
        if proposal.starts_on < call.project_start:
            add("starts_on", _("Projects under this call may start on %(date)s at the earliest.") % {
                "date": date_format(call.project_start)})
        if proposal.ends_on > call.project_end:
            add("ends_on", _("Projects under this call must end by %(date)s.") % {
                "date": date_format(call.project_end)})

    requested = proposal.requested_amount
    cofunding = proposal.cofunding_amount or Decimal("0")
    if requested is not None:
        if not call.grant_within_limits(requested):
            add("requested_amount", _("This call gives grants from %(min)s to %(max)s.") % {
                "min": yuan(call.min_grant), "max": yuan(call.max_grant)})
        total = requested + cofunding
        if call.cofunding_share and (total == 0 or cofunding * 100 < call.cofunding_share * total):
            needed = round_money(call.cofunding_share * requested / (100 - call.cofunding_share)) \
                if call.cofunding_share < 100 else None
            add("cofunding_amount", _(
                "This call asks organisations to raise at least %(share)s%% of the project's total "
                "budget themselves: with %(requested)s requested, that is at least %(needed)s.") % {
                "share": percent(call.cofunding_share), "requested": yuan(requested),
                "needed": yuan(needed) if needed is not None else "—"})

    lines = list(proposal.budget_lines.all())
    if not lines:
        add("budget", _("Add the budget lines of the project."))
    for number, line in enumerate(lines, start=1):
        if not line.is_complete:
            add("budget", _("Budget line %(number)s is incomplete: give its category, item, "
                            "quantity, unit and unit price.") % {"number": number})
    if lines and requested is not None:
        budgeted = budget_total(lines)
        if budgeted != requested + cofunding:
            add("budget", _("The budget lines add up to %(total)s, but the amount requested plus "
                            "co-funding is %(expected)s: they must be equal.") % {
                "total": yuan(budgeted), "expected": yuan(requested + cofunding)})

    indicators = list(proposal.indicators.all())
    if not indicators:
        add("indicators", _("Add at least one outcome indicator with its target."))
    for number, indicator in enumerate(indicators, start=1):
        if not indicator.kind or indicator.target is None or (
                indicator.kind == indicator.Kind.CUSTOM and not indicator.name):
            add("indicators", _("Indicator %(number)s is incomplete: choose it (name it if it is "
                                "“other”) and give its target.") % {"number": number})

    files = set(proposal.attachments.exclude(question="").values_list("question", flat=True))
    for question in call.questions:
        if not question.value["required"]:
            continue
        answered = question.id in files if question.block_type == "file" else \
            proposal.answers.get(question.id) not in (None, "", [])
        if not answered:
            add(f"q_{question.id}", _("Answer this question: %(question)s") % {
                "question": question.value["label"]})
    return problems


def next_reference(year):
    prefix = settings.REFERENCE_PREFIX
    try:
        with transaction.atomic():
            counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
                prefix=prefix, year=year)
    except IntegrityError:  # another submission created this year's counter at the same moment
        counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:04d}"


@transaction.atomic
def submit_proposal(proposal, user, moment=None):
    moment = moment or timezone.now()
    locked = Proposal.objects.select_for_update().select_related("call", "organisation").get(pk=proposal.pk)
    if not locked.is_editable:
        raise ValidationError(_("This proposal has already been submitted."))
    _lock_organisation(locked.organisation)
    problems = submission_problems(locked, moment, resubmission=locked.status == Proposal.Status.MORE_INFO)
    if problems:
        raise SubmissionRefused(problems)
    previous = locked.status
    locked.submit(None if locked.reference else next_reference(timezone.localtime(moment).year), moment)
    locked.version = F("version") + 1
    locked.search_text = search_document(locked)
    locked.save()
    locked.refresh_from_db()
    ProposalSnapshot.objects.create(proposal=locked, number=locked.snapshots.count() + 1, data=snapshot(locked))
    log(locked, "seedbed.proposal.submitted" if previous == Proposal.Status.DRAFT else "seedbed.proposal.resubmitted",
        user=user, data={"from": previous, "to": locked.status, "reference": locked.reference})
    mail.send_to_user("proposal_submitted", user, {
        "proposal": locked, "url": mail.absolute_url(reverse("proposals:detail", args=[locked.pk]))})
    return locked


def add_attachment(proposal, user, uploaded, question=""):
    """Store an uploaded file with a draft, after checking its real type and size."""
    if not proposal.is_editable:
        raise ValidationError(_("This proposal has been submitted and can no longer be changed."))
    content_type = check_upload(uploaded)
    if question:  # a file question has one answer: a new file replaces the old one
        for old in proposal.attachments.filter(question=question):
            remove_attachment(old, user)
    attachment = Attachment(proposal=proposal, question=question, name=display_name(uploaded),
                            content_type=content_type, size=uploaded.size, uploaded_by=user)
    attachment.file.save(uploaded.name, uploaded, save=False)
    attachment.save()
    log(proposal, "seedbed.proposal.attachment_added", user=user, data={"name": attachment.name})
    return attachment


def remove_attachment(attachment, user):
    proposal = attachment.proposal
    if not proposal.is_editable:
        raise ValidationError(_("This proposal has been submitted and can no longer be changed."))
    attachment.file.delete(save=False)
    attachment.delete()
    log(proposal, "seedbed.proposal.attachment_removed", user=user, data={"name": attachment.name})


def search_document(proposal):
    """What the staff search finds a proposal by: its words, its organisation and reference."""
    organisation = proposal.organisation
    return document(proposal.reference, proposal.title, proposal.summary, organisation.name_zh,
                    organisation.name_en, organisation.uscc, organisation.filing_number)


def snapshot(proposal):
    """The proposal's content as plain data, labelled for people: what the diff compares."""
    with translation.override(settings.LANGUAGE_CODE):
        return _snapshot(proposal)


def _snapshot(proposal):
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "street": str(proposal.street or ""),
        "communities": "、".join(community.name_zh for community in proposal.communities.all()),
        "themes": "、".join(theme.name_zh for theme in proposal.themes.all()),
        "starts_on": str(proposal.starts_on or ""),
        "ends_on": str(proposal.ends_on or ""),
        "requested_amount": str(proposal.requested_amount),
        "cofunding_amount": str(proposal.cofunding_amount),
        "budget": [
            f"{line.get_category_display()} · {line.item} · {quantity(line.quantity)} {line.unit} × {yuan(line.unit_price)} = {yuan(line.subtotal)}"
            for line in proposal.budget_lines.all()],
        "indicators": [f"{indicator.label}: {quantity(indicator.target)} {indicator.unit}".strip()
                       for indicator in proposal.indicators.all()],
        "answers": {block.value["label"]: proposal.answers.get(block.id, "")
                    for block in proposal.call.questions if block.block_type != "file"},
        "attachments": [attachment.name for attachment in proposal.attachments.all()],
    }
