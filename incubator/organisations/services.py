"""State changes of the incubator: accounts, organisations and their members.

Each service validates, changes state inside a transaction, writes an audit entry (Wagtail's
log, with a `seedbed.…` action code) and queues the emails people must see.
"""

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import mail
from incubator.accounts import permissions
from incubator.accounts.models import User
from incubator.organisations import events
from incubator.organisations.models import Membership, Organisation

INVITATION_SALT = "seedbed.organisation.invitation"
INVITATION_MAX_AGE = 7 * 24 * 3600  # seconds: an invitation link works for a week
# A change to any of these sends a verified organisation back to verification.
IDENTITY_FIELDS = ("name_zh", "kind", "uscc", "filing_number")


def duplicate_code_message(field, value, exclude=None):
    """The message for a code already registered, naming that organisation's status; or None."""

    existing = Organisation.objects.filter(**{field: value}).exclude(pk=getattr(exclude, "pk", None))
    existing = existing.first()
    if existing is None:
        return None
    return _(
        "This code is already registered on Seedbed by “%(name)s” (status: %(status)s). "
        "Ask that organisation's administrator to invite you, or contact the centre if you "
        "think this is a mistake."
    ) % {"name": existing.name_zh, "status": existing.get_status_display()}


def _check_codes_free(organisation):
    errors = {}
    for field in ("uscc", "filing_number"):
        value = getattr(organisation, field)
        message = value and duplicate_code_message(field, value, exclude=organisation)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)


def _save_checked(organisation):
    """Save, turning a lost race on a unique code into the same message as the form's check."""
    _check_codes_free(organisation)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        _check_codes_free(organisation)
        raise


@transaction.atomic
def register_organisation(organisation, user):
    """The registrant becomes the organisation's first administrator; staff are told."""
    organisation.status = Organisation.Status.PENDING
    _save_checked(organisation)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    log(organisation, "seedbed.organisation.registered", user=user)
    _tell_staff_about(organisation)
    return organisation


def _tell_staff_about(organisation):
    url = mail.absolute_url(reverse("wagtailsnippets_organisations_organisation:verify", args=[organisation.pk]))
    for person in permissions.staff_members():
        mail.send_to_user("organisation_pending", person, {"organisation": organisation, "url": url})


@transaction.atomic
def update_organisation(organisation, user, changed_fields):
    """Save an edit by the organisation; a changed identity, or a rejected organisation's
    correction, goes (back) to verification."""
    resubmitted = organisation.status == Organisation.Status.REJECTED or (
        organisation.status == Organisation.Status.VERIFIED
        and any(field in changed_fields for field in IDENTITY_FIELDS)
    )
    previous = organisation.status
    if resubmitted:
        organisation.status = Organisation.Status.PENDING
        organisation.verified_at = None
    _save_checked(organisation)
    log(organisation, "seedbed.organisation.edited", user=user,
        data={"fields": sorted(changed_fields), "from": previous, "to": organisation.status})
    events.organisation_changed.send(sender=Organisation, organisation=organisation, fields=set(changed_fields))
    if resubmitted:
        _tell_staff_about(organisation)
    return organisation


def _decide(organisation, user, status, reason):
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status == status and locked.status_reason == reason:
        return locked  # repeated click: nothing changes, nobody is emailed twice
    previous = locked.status
    locked.status = status
    locked.status_reason = reason
    locked.verified_at = timezone.now() if status == Organisation.Status.VERIFIED else None
    locked.save(update_fields=["status", "status_reason", "verified_at"])
    action = "verified" if status == Organisation.Status.VERIFIED else "rejected"
    log(locked, f"seedbed.organisation.{action}", user=user,
        data={"from": previous, "to": status, "reason": reason})
    for membership in locked.memberships.filter(role=Membership.Role.ADMIN).select_related("user"):
        with translation.override(mail.language_for(membership.user)):  # link in the email's language
            url = mail.absolute_url(reverse("organisations:detail", args=[locked.pk]))
        mail.send_to_user(f"organisation_{action}", membership.user,
                          {"organisation": locked, "reason": reason, "url": url})
    return locked


@transaction.atomic
def verify_organisation(organisation, user, note=""):
    return _decide(organisation, user, Organisation.Status.VERIFIED, note.strip())


@transaction.atomic
def reject_organisation(organisation, user, reason):
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason, so the organisation knows what to fix.")})
    return _decide(organisation, user, Organisation.Status.REJECTED, reason)


def invitation_token(organisation, email, inviter):
    return signing.dumps({"o": organisation.pk, "e": email.lower(), "i": inviter.pk},
                         salt=INVITATION_SALT, compress=True)


def invite_member(organisation, email, inviter):
    email = email.strip().lower()
    if organisation.memberships.filter(user__email=email).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    token = invitation_token(organisation, email, inviter)
    language = getattr(User.objects.filter(email=email).first(), "language", "") or mail.language_for(inviter)
    with translation.override(language):  # the link opens the site in the email's language
        url = mail.absolute_url(reverse("organisations:join", args=[token]))
    mail.send("organisation_invitation", email, {
        "organisation": organisation, "inviter": inviter, "url": url,
        "days": INVITATION_MAX_AGE // 86400,
    }, language)
    log(organisation, "seedbed.organisation.invited", user=inviter, data={"email": email})


def read_invitation(token):
    """The organisation and email address a signed invitation names; ValidationError if the
    link is mangled, expired, or its sender is no longer an administrator."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid. Check that you copied all of it."))
    organisation = Organisation.objects.filter(pk=payload["o"]).first()
    if organisation is None or not organisation.memberships.filter(
            user_id=payload["i"], role=Membership.Role.ADMIN).exists():
        raise ValidationError(_("This invitation is no longer valid. Ask for a new one."))
    return organisation, payload["e"]


@transaction.atomic
def accept_invitation(token, user):
    """Join the organisation the link names. The link is bound to one email address, which the
    user must have verified."""
    organisation, email = read_invitation(token)
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address (or add and "
              "confirm it under your email addresses) to accept it.") % {"email": email})
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if created:
        log(organisation, "seedbed.organisation.joined", user=user, data={"email": user.email})
    return membership


@transaction.atomic
def remove_member(membership, by):
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    admins = organisation.memberships.filter(role=Membership.Role.ADMIN)
    if membership.is_admin and admins.count() == 1:
        raise ValidationError(_("An organisation needs at least one administrator: make someone "
                                "else an administrator before removing the last one."))
    membership.delete()
    log(organisation, "seedbed.organisation.member_removed", user=by,
        data={"email": membership.user.email})
