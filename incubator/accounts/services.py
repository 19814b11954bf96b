"""Changes to a person's own account."""

from django.conf import settings
from wagtail.users.models import UserProfile


def remember_language(user, language):
    """Store the user's language for the public site and for the Wagtail admin alike."""

    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != language:
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
