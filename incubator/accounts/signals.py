from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from incubator.accounts.services import remember_language


@receiver(user_logged_in)
def keep_language_on_login(sender, request, user, **kwargs):
    """A user who never chose a language gets the one they are reading in now."""
    if not user.language and getattr(request, "LANGUAGE_CODE", None):
        remember_language(user, request.LANGUAGE_CODE)
