"""Training on the site: the public cohort pages, enrolling, a trainee's own record, checking
in, the staff and trainers' pages, certificates and their public verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import mail
from core.form_errors import add_service_error, refusal_items
from core.http import posted_id
from incubator.organisations.permissions import memberships_of
from incubator.training import certificates, checkin, credentials, ical, permissions, services
from incubator.training.completion import progress_for
from incubator.training.forms import CheckInForm, EnrolmentForm, RevokeForm, VerifyForm
from incubator.training.models import Attendance, Certificate, Cohort, Enrolment, Material, Session


def _show_refusal(request, error):
    for _field, texts in refusal_items(error):
        for text in texts:
            messages.error(request, text)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


# -- public ------------------------------------------------------------------------------

def cohort_detail(request, pk):
    services.sweep_offers()
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "community"), pk=pk)
    enrolment = cohort.enrolments.filter(user=request.user).first() if request.user.is_authenticated else None
    return render(request, "training/cohort_detail.html", {
        "cohort": cohort, "programme": cohort.programme.localized,
        "sessions": cohort.sessions.select_related("trainer"), "enrolment": enrolment,
        "free_places": max(cohort.capacity - cohort.holders().count(), 0),
        "open": cohort.enrolment_open(), "runs": permissions.runs_cohort(request.user, cohort),
    })


def cohort_calendar(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    response = HttpResponse(ical.calendar(cohort), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}.ics"'
    return response


@login_required
def enrol(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    organisations = [membership.organisation for membership in memberships_of(request.user)]
    form = EnrolmentForm(request.POST or None, cohort=cohort, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.apply(cohort, request.user, form.answers(), form.chosen_organisation())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your application is in. Staff will email you their decision."))
            return redirect("training:my_enrolment", enrolment.pk)
    return render(request, "training/enrol.html", {"cohort": cohort, "form": form,
                                                   "open": cohort.enrolment_open()})


# -- the trainee's own record ------------------------------------------------------------

def _own_enrolment(request, pk):
    enrolment = get_object_or_404(Enrolment.objects.select_related("cohort__programme", "user"), pk=pk)
    if not permissions.owns_enrolment(request.user, enrolment):
        raise Http404
    return enrolment


@login_required
def my_training(request):
    services.sweep_offers()
    enrolments = (Enrolment.objects.filter(user=request.user)
                  .select_related("cohort__programme", "certificate").order_by("-applied_at"))
    return render(request, "training/my_training.html", {"enrolments": enrolments})


@login_required
def my_enrolment(request, pk):
    services.sweep_offers()
    enrolment = _own_enrolment(request, pk)
    cohort = enrolment.cohort
    sessions = list(cohort.sessions.prefetch_related("materials"))
    attendance = {record.session_id: record for record in enrolment.attendances.all()}
    attended = {pk for pk, record in attendance.items() if record.status in Attendance.ATTENDED}
    return render(request, "training/my_enrolment.html", {
        "enrolment": enrolment, "cohort": cohort,
        "rows": [(session, attendance.get(session.pk)) for session in sessions],
        "progress": progress_for(enrolment, sessions, attended),
        "enrolled": enrolment.state in Enrolment.ENROLLED,
        "certificate": Certificate.objects.filter(enrolment=enrolment).first(),
    })


@login_required
@require_POST
def withdraw(request, pk):
    enrolment = _own_enrolment(request, pk)
    try:
        services.withdraw(enrolment, request.user)
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("You have withdrawn from this cohort."))
    return redirect("training:my_enrolment", enrolment.pk)


@login_required
@require_POST
def confirm_offer(request, pk):
    enrolment = _own_enrolment(request, pk)
    try:
        services.confirm_offer(enrolment, request.user)
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("Your place is confirmed."))
    return redirect("training:my_enrolment", enrolment.pk)


@login_required
def material(request, pk):
    found = get_object_or_404(Material.objects.select_related("session__cohort"), pk=pk)
    if not permissions.may_download_material(request.user, found):
        raise Http404
    return _private(FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name,
                                 content_type=found.content_type))


# -- checking in -------------------------------------------------------------------------

@login_required
def check_in_form(request):
    form = CheckInForm(request.GET or None)
    if form.is_valid():
        return redirect("training:check_in", form.cleaned_data["code"].strip())
    return render(request, "training/check_in.html", {"form": form})


@never_cache
@login_required
def check_in(request, code):
    """Opening the code's address (the QR code) shows the session; checking in is a POST."""
    try:
        session = checkin.session_for_code(code, timezone.now())
    except ValidationError as error:
        return render(request, "training/check_in.html", {"form": CheckInForm(), "refusal": error.messages},
                      status=400)
    if request.method == "POST":
        try:
            attendance = services.check_in(code, request.user)
        except ValidationError as error:
            return render(request, "training/check_in.html", {"form": CheckInForm(), "refusal": error.messages},
                          status=400)
        messages.success(request, _("You are checked in to “%(session)s” (%(status)s).") % {
            "session": session.title, "status": attendance.get_status_display()})
        return redirect("training:my_enrolment", attendance.enrolment_id)
    return render(request, "training/check_in_confirm.html", {"session": session, "code": code})


# -- staff and trainers ------------------------------------------------------------------

def _cohort_run_by(request, pk, read_only=False):
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    allowed = permissions.reads_cohort if read_only else permissions.runs_cohort
    if not allowed(request.user, cohort):
        raise PermissionDenied
    return cohort


def _session_run_by(request, pk):
    session = get_object_or_404(Session.objects.select_related("cohort"), pk=pk)
    if not permissions.runs_cohort(request.user, session.cohort):
        raise PermissionDenied
    return session


@login_required
def staff_cohorts(request):
    cohorts = permissions.cohorts_run_by(request.user).select_related("programme")
    if not cohorts.exists() and not permissions.decides_enrolments(request.user):
        raise PermissionDenied
    return render(request, "training/staff/cohorts.html", {"cohorts": cohorts})


@login_required
def staff_cohort(request, pk):
    services.sweep_offers()
    cohort = _cohort_run_by(request, pk, read_only=True)
    sessions = list(cohort.sessions.all())
    enrolments = list(cohort.enrolments.select_related("user", "organisation", "certificate")
                      .prefetch_related("attendances"))
    rows = []
    for enrolment in enrolments:
        attended = {record.session_id for record in enrolment.attendances.all()
                    if record.status in Attendance.ATTENDED}
        rows.append((enrolment, progress_for(enrolment, sessions, attended)))
    return render(request, "training/staff/cohort.html", {
        "cohort": cohort, "sessions": sessions, "rows": rows,
        "at_risk": [(enrolment, progress) for enrolment, progress in rows
                    if enrolment.state == Enrolment.State.ACCEPTED and progress.at_risk],
        "holders": cohort.holders().count(), "decides": permissions.decides_enrolments(request.user),
        "runs": permissions.runs_cohort(request.user, cohort),
        "run": cohort.certificate_runs.first(), "revoke_form": RevokeForm(),
    })


@login_required
@require_POST
def decide(request, pk):
    cohort = _cohort_run_by(request, pk)
    if not permissions.decides_enrolments(request.user):
        raise PermissionDenied
    enrolment = get_object_or_404(cohort.enrolments, pk=posted_id(request, "enrolment") or 0)
    try:
        services.decide(enrolment, request.POST.get("decision", ""), request.user)
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("%(name)s: %(state)s.") % {
            "name": enrolment.user, "state": Enrolment.State(request.POST["decision"]).label})
    return redirect("training:staff_cohort", cohort.pk)


@login_required
@require_POST
def assignments(request, pk):
    cohort = _cohort_run_by(request, pk)
    enrolment = get_object_or_404(cohort.enrolments, pk=posted_id(request, "enrolment") or 0)
    count = request.POST.get("done", "")
    try:
        services.set_assignments(enrolment, int(count) if count.isdigit() else -1, request.user)
    except ValidationError as error:
        _show_refusal(request, error)
    return redirect("training:staff_cohort", cohort.pk)


@login_required
@require_POST
def record_completions(request, pk):
    cohort = _cohort_run_by(request, pk)
    if not permissions.issues_certificates(request.user):
        raise PermissionDenied
    completed = services.record_completions(cohort, request.user)
    messages.success(request, _("%(count)s trainees completed the cohort.") % {"count": len(completed)})
    return redirect("training:staff_cohort", cohort.pk)


@login_required
@require_POST
def issue_certificates(request, pk):
    cohort = _cohort_run_by(request, pk)
    if not permissions.issues_certificates(request.user):
        raise PermissionDenied
    try:
        certificates.start_issuing(cohort, request.user)
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("The certificates are being issued; this page shows the progress."))
    return redirect("training:staff_cohort", cohort.pk)


@login_required
@require_POST
def revoke_certificate(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related("enrolment__cohort"), pk=pk)
    if not permissions.issues_certificates(request.user):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    try:
        certificates.revoke(certificate, form.data.get("reason", ""), request.user)
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("Certificate %(serial)s is revoked.") % {"serial": certificate.serial})
    return redirect("training:staff_cohort", certificate.enrolment.cohort_id)


@login_required
def attendance_sheet(request, pk):
    session = _session_run_by(request, pk)
    enrolments = list(session.cohort.enrolments.filter(state__in=Enrolment.ENROLLED).select_related("user"))
    if request.method == "POST":
        changed = 0
        for enrolment in enrolments:
            status = request.POST.get(f"status_{enrolment.pk}", "")
            if status:
                try:
                    services.mark_attendance(session, enrolment, status, request.user)
                    changed += 1
                except ValidationError as error:
                    _show_refusal(request, error)
        messages.success(request, _("Attendance saved for %(count)s trainees.") % {"count": changed})
        return redirect("training:attendance", session.pk)
    recorded = {record.enrolment_id: record for record in session.attendances.all()}
    return render(request, "training/staff/attendance.html", {
        "session": session, "cohort": session.cohort,
        "rows": [(enrolment, recorded.get(enrolment.pk)) for enrolment in enrolments],
        "statuses": Attendance.Status.choices, "materials": session.materials.all(),
    })


@login_required
@require_POST
def add_material(request, pk):
    session = _session_run_by(request, pk)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            services.add_material(session, request.user, uploaded)
        except ValidationError as error:
            _show_refusal(request, error)
        else:
            messages.success(request, _("“%(name)s” is shared with the cohort's trainees.") % {"name": uploaded.name})
    return redirect("training:attendance", session.pk)


def _check_in_url(session):
    return mail.absolute_url(reverse("training:check_in", args=[checkin.code_for(session, timezone.now())]))


@login_required
def check_in_screen(request, pk):
    session = _session_run_by(request, pk)
    return render(request, "training/staff/check_in_screen.html", {
        "session": session, "code": checkin.code_for(session, timezone.now()),
        "qr": certificates.qr_svg(_check_in_url(session), scale=8),
        "window": checkin.WINDOW_SECONDS,
    })


@never_cache
@login_required
def check_in_qr(request, pk):
    """The current code as SVG; the screen's script reloads it as the window turns."""
    session = _session_run_by(request, pk)
    return HttpResponse(certificates.qr_svg(_check_in_url(session), scale=8), content_type="image/svg+xml")


# -- certificates ------------------------------------------------------------------------

def _certificate_for(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related("enrolment__cohort__programme"), pk=pk)
    cohort = certificate.enrolment.cohort
    if not (permissions.owns_enrolment(request.user, certificate.enrolment)
            or permissions.reads_cohort(request.user, cohort)):
        raise Http404
    return certificate


@login_required
def certificate_pdf(request, pk):
    certificate = _certificate_for(request, pk)
    if certificate.pdf:
        content = certificate.pdf.open("rb").read()
    else:
        content = certificates.render_certificate_pdf(certificate)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    return _private(response)


@login_required
def credential(request, pk):
    certificate = _certificate_for(request, pk)
    response = HttpResponse(credentials.sign(certificate), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    return _private(response)


def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("training:verify_serial", form.cleaned_data["serial"].strip().upper())
    return render(request, "training/verify.html", {"form": form})


def verify_serial(request, serial):
    found = certificates.verify(serial)
    return render(request, "training/verify.html", {"form": VerifyForm(initial={"serial": serial}),
                                                    "result": found}, status=200 if found.found else 404)


def jwks(request):
    response = JsonResponse(credentials.jwks())
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response
