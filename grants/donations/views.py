"""Public donations: the Donate form (for a funded project, and for the public-donation pool),
the thank-you page Stripe Checkout returns to, the receipt (HTML and PDF), Stripe's webhook
and the staff refund action. The views parse and render; grants.donations.services acts.

A donation's UUID is its capability: whoever has the thank-you or receipt link may open it
(the donor, from the redirect and the receipt email); the URLs never use the row's number.
"""

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.money import yuan
from core.pdf import render_pdf
from grants.donations import services as service
from grants.donations import stripe_gateway
from grants.donations.forms import DonationForm, RefundForm
from grants.donations.models import Donation
from grants.funding import permissions, rules
from grants.funding.models import Award

logger = logging.getLogger(__name__)

#: The thank-you page of a pending donation reloads itself this often (seconds) …
REFRESH_SECONDS = 5
#: … for this long after the donation was started; after that the donor is told to come back.
REFRESH_FOR = timedelta(minutes=15)


# -- the Donate form -------------------------------------------------------------------------
def donate_project(request, pk):
    award = get_object_or_404(Award.objects.select_related("proposal__organisation"), pk=pk)
    return _donate(request, award=award)


def donate_pool(request):
    pool = service.donation_pool()
    if pool is None:
        raise Http404
    return _donate(request, pool=pool)


def _unavailable(award):
    if not stripe_gateway.is_enabled():
        return _("Online donations are switched off at the moment.")
    if award is not None and not (accepts := rules.accepts_gifts(award)).answer:
        return accepts.reason
    return None


def _initial(request, award, pool):
    """What the form starts with: the donation the donor just left Checkout for (the cancel
    URL names it), else the signed-in person's name and address."""

    cancelled = request.GET.get("cancelled")
    if cancelled:
        donation = Donation.objects.filter(
            public_id=service.as_uuid(cancelled), status=Donation.Status.PENDING, award=award, fund=pool).first()
        if donation is not None:
            messages.info(request, _("You left the payment page: nothing was charged. You can change your gift "
                                     "and try again."))
            return {"amount": donation.amount, "donor_name": donation.donor_name, "donor_email": donation.donor_email,
                    "anonymous": donation.anonymous, "message": donation.message}
    if request.user.is_authenticated:
        return {"donor_name": getattr(request.user, "name", ""), "donor_email": request.user.email}
    return {}


def _donate(request, award=None, pool=None):
    unavailable = _unavailable(award)
    if request.method == "POST" and not unavailable:
        form = DonationForm(request.POST)
        if form.is_valid():
            form_path = request.path
            try:
                _donation, checkout_url = service.start_donation(
                    award=award, pool=pool, **form.cleaned_data, language=request.LANGUAGE_CODE,
                    success_url=lambda donation: request.build_absolute_uri(
                        reverse("donations:status", args=[donation.public_id])),
                    cancel_url=lambda donation: request.build_absolute_uri(
                        f"{form_path}?cancelled={donation.public_id}"),
                    user=request.user if request.user.is_authenticated else None)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                response = HttpResponseRedirect(checkout_url)
                response.status_code = 303  # the browser GETs Stripe's page
                return response
    else:
        form = DonationForm(initial=_initial(request, award, pool))
    return render(request, "donations/donate.html", {
        "award": award, "pool": pool, "proposal": award.proposal if award else None, "form": form,
        "unavailable": unavailable,
    })


# -- after Checkout --------------------------------------------------------------------------
def _donation(public_id, **filters):
    return get_object_or_404(Donation.objects.select_related("award__proposal__organisation", "fund", "match_fund"),
                             public_id=public_id, **filters)


def donation_status(request, public_id):
    donation = _donation(public_id)
    pending = donation.status == Donation.Status.PENDING
    return render(request, "donations/status.html", {
        "donation": donation,
        # The page reloads itself while Stripe's confirmation is awaited (no JavaScript needed),
        # for a while only, and never after the reader asked it to stop (?refresh=off).
        "refresh": REFRESH_SECONDS if pending and timezone.now() - donation.created_at < REFRESH_FOR
        and request.GET.get("refresh") != "off" else None,
        "again_url": _form_url(donation),
    })


def _form_url(donation):
    return reverse("donations:donate_project", args=[donation.award_id]) if donation.award_id else reverse("donations:donate_pool")


def _receipt_context(donation):
    return {"donation": donation, "receipt_number": service.receipt_number(donation)}


COUNTED = [Donation.Status.PAID, Donation.Status.REFUNDED]


def donation_receipt(request, public_id):
    donation = _donation(public_id, status__in=COUNTED)
    response = render(request, "donations/receipt.html", _receipt_context(donation))
    response["Cache-Control"] = "private, no-store"
    return response


def donation_receipt_pdf(request, public_id):
    donation = _donation(public_id, status__in=COUNTED)
    response = HttpResponse(render_pdf("donations/pdf/receipt.html", _receipt_context(donation)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{service.receipt_number(donation)}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# -- Stripe's webhook ------------------------------------------------------------------------
@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events, signed. 400: not signed by our secret (or not an event); 200: recorded
    (processed, a duplicate, or none of ours); 503: a row was locked too long or the event
    came before the one it follows, so Stripe retries later."""

    try:
        event = stripe_gateway.construct_event(request.body, request.headers.get("Stripe-Signature", ""))
    except stripe_gateway.WebhookError as error:
        logger.warning("Stripe webhook refused: %s", error)
        return HttpResponseBadRequest("bad signature or payload", content_type="text/plain")
    try:
        result = service.handle_event(event)
    except (OperationalError, service.RetryLater) as error:
        logger.warning("Stripe event %s not processed yet: %r", event.id, error)
        response = HttpResponse("try again later", status=503, content_type="text/plain")
        response["Retry-After"] = "30"
        return response
    except stripe_gateway.WebhookError as error:
        logger.warning("Stripe event %s refused: %s", event.id, error)
        return HttpResponseBadRequest("unexpected event object", content_type="text/plain")
    return JsonResponse({"result": str(result)})


# -- staff refunds ---------------------------------------------------------------------------
@login_required
@require_POST
def donation_refund(request, public_id):
    if not permissions.can_manage_funding(request.user):
        raise PermissionDenied
    donation = _donation(public_id)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            refund = service.request_refund(donation, request.user, form.cleaned_data["amount"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _(
                "Stripe accepted the refund of %(amount)s. The donation and the ledger change when Stripe "
                "confirms the refund (usually within a minute; Alipay and WeChat Pay may take longer).") % {
                "amount": yuan(refund.amount)})
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(_back(request, donation))


def _back(request, donation):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("donations:status", args=[donation.public_id])
