from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language

from incubator.accounts.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # New accounts start in the language they signed up in.
        user.language = "en" if (get_language() or "").startswith("en") else "zh-hans"
        return super().save_user(request, user, form, commit)

    def get_client_ip(self, request):
        # allauth's rate limits count per address: the same address axes counts.
        return client_ip(request) or super().get_client_ip(request)


def login_name_for_axes(request, credentials=None):
    """The login name django-axes counts failures against.

    allauth authenticates with ``email=…`` while its login form posts ``login=…``; axes sees
    both, depending on where it looks, so read whichever is there.
    """
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not name and request is not None:
        name = request.POST.get("login", "")
    # Axes stores it in a 255-character column; a longer name is no one's email, and on
    # PostgreSQL it would fail the insert (a 500) instead of counting as a failure.
    return (name or "").strip().lower()[:255]
