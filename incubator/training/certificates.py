"""Certificates: serials with a check part, issuing a cohort's in the background with progress,
the PDF, revocation, and what the public verification page may show.

A serial is `<prefix>-<programme code>-<year>-<sequence>-<check>` (NA-SCY-2026-0007-K7QX). The
check is four characters of an HMAC of the rest under the installation's secret: the next
serial cannot be guessed from the last one, and an altered serial is recognised as such
without a database lookup telling anything about real ones.
"""

import base64
import hmac
import io
from dataclasses import dataclass
from hashlib import sha256

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.log_actions import log

from core import mail
from core.pdf import render_pdf
from core.tasks import enqueue_on_commit
from grants.proposals.models import ReferenceCounter
from incubator.training.models import Certificate, CertificateRun, Cohort, Enrolment

CHECK_LENGTH = 4


def _check(body):
    key = (settings.SECRET_KEY + ":seedbed.training.certificate").encode()
    digest = hmac.new(key, body.upper().encode(), sha256).digest()
    return base64.b32encode(digest).decode()[:CHECK_LENGTH]


def serial_is_well_formed(serial):
    """Whether the serial's check part matches the rest (it may still never have been issued)."""
    body, _sep, check = (serial or "").strip().upper().rpartition("-")
    return bool(body) and hmac.compare_digest(check, _check(body))


def next_serial(programme_code, year):
    prefix = f"{settings.REFERENCE_PREFIX}-{programme_code}"
    try:
        with transaction.atomic():
            counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    except IntegrityError:  # another issue created this year's counter at the same moment
        counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    body = f"{prefix}-{year}-{counter.last:04d}"
    return f"{body}-{_check(body)}"


def mask_name(name):
    """张小明 → 张*明, 李明 → 李*, Wang Xiaoming → W*g: enough to recognise, not to look up."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name + "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2 if len(name) <= 4 else 1) + name[-1]


def verification_url(certificate):
    return mail.absolute_url(reverse("training:verify_serial", args=[certificate.serial]))


def qr_svg(url, scale=3):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def render_certificate_pdf(certificate, language=None):
    enrolment = certificate.enrolment
    language = language or mail.language_for(enrolment.user)
    with translation.override(language):
        url = verification_url(certificate)
        return render_pdf("training/pdf/certificate.html", {
            "certificate": certificate, "cohort": enrolment.cohort,
            "programme": enrolment.cohort.programme.localized, "url": url, "qr": qr_svg(url),
        })


def _issue_one(enrolment, moment):
    """The enrolment's certificate, made now unless it exists (the cohort is locked)."""
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing:
        return existing
    cohort = enrolment.cohort
    certificate = Certificate.objects.create(
        enrolment=enrolment, serial=next_serial(cohort.programme.code, cohort.ends_on.year),
        holder_name=enrolment.user.name or enrolment.user.email, issued_at=moment)
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(render_certificate_pdf(certificate)), save=True)
    log(enrolment, "seedbed.training.certificate.issued", data={"serial": certificate.serial})
    return certificate


def to_issue(cohort):
    return cohort.enrolments.filter(state=Enrolment.State.COMPLETED, certificate__isnull=True)


@transaction.atomic
def start_issuing(cohort, user):
    """Queue the certificates of every completed trainee who has none yet; return the run,
    whose progress the cohort's staff page shows."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    running = cohort.certificate_runs.exclude(status=CertificateRun.Status.DONE).first()
    if running:
        return running
    total = to_issue(cohort).count()
    if not total:
        raise ValidationError(_("Every trainee who completed the cohort already has a certificate."))
    run = CertificateRun.objects.create(cohort=cohort, started_by=user, total=total)
    enqueue_on_commit(issue_certificates, run.pk)
    return run


@task(backend="background")
def issue_certificates(run_id):
    run = CertificateRun.objects.get(pk=run_id)
    CertificateRun.objects.filter(pk=run_id).update(status=CertificateRun.Status.RUNNING)
    pending = to_issue(run.cohort).select_related("user", "cohort__programme").order_by("pk")
    for enrolment in pending:
        # One transaction per certificate: the progress shows, and a failure keeps the rest.
        with transaction.atomic():
            Cohort.objects.select_for_update().get(pk=run.cohort_id)
            _issue_one(enrolment, timezone.now())
            CertificateRun.objects.filter(pk=run_id).update(done=F("done") + 1)
    CertificateRun.objects.filter(pk=run_id).update(status=CertificateRun.Status.DONE)


@transaction.atomic
def revoke(certificate, reason, user, moment=None):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at:
        return certificate
    certificate.revoked_at = moment or timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    log(certificate.enrolment, "seedbed.training.certificate.revoked", user=user,
        data={"serial": certificate.serial, "reason": reason})
    return certificate


@dataclass
class Verification:
    """What the public verification page says: only these facts."""

    serial: str
    found: bool
    well_formed: bool
    holder: str = ""
    programme: str = ""
    cohort: str = ""
    starts_on: object = None
    ends_on: object = None
    issued_on: object = None
    valid: bool = False
    revoked_on: object = None


def verify(serial):
    serial = (serial or "").strip().upper()
    if not serial_is_well_formed(serial):
        return Verification(serial=serial, found=False, well_formed=False)
    certificate = (Certificate.objects.select_related("enrolment__cohort__programme")
                   .filter(serial=serial).first())
    if certificate is None:
        return Verification(serial=serial, found=False, well_formed=True)
    cohort = certificate.enrolment.cohort
    return Verification(
        serial=serial, found=True, well_formed=True, holder=mask_name(certificate.holder_name),
        programme=cohort.programme.localized.title, cohort=cohort.name, starts_on=cohort.starts_on,
        ends_on=cohort.ends_on, issued_on=timezone.localdate(certificate.issued_at),
        valid=certificate.is_valid,
        revoked_on=certificate.revoked_at and timezone.localdate(certificate.revoked_at))
