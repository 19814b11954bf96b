"""A person's profile and language, the sign-in lockout page and the health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from incubator.accounts import permissions
from incubator.accounts.forms import ProfileForm
from incubator.accounts.services import remember_language


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # A new language takes effect at once: same page, in that language, and remembered.
        language = user.language or translation.get_language()
        with translation.override(language):
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:profile")
        if user.language:
            remember_language(user, user.language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE, secure=settings.LANGUAGE_COOKIE_SECURE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
    roles = permissions.role_labels(request.user)
    return render(request, "accounts/profile.html", {"form": form, "roles": roles})


@require_POST
def switch_language(request):
    """Django's set_language (cookie + redirect to the same page in the other language),
    plus remembering the choice on the account of a signed-in user."""

    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        remember_language(request.user, language)
    return response


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "account/lockout.html", status=429)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
