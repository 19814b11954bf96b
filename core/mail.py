"""Notification emails: one text template per message, in the recipient's language.

Each message is `emails/<name>_subject.txt` + `emails/<name>.txt`; the HTML part wraps the
same text, so the two can never say different things. Mail leaves only after the
transaction that caused it has committed.

`with quiet():` sends none: the services inside the block run as usual, but the messages
they ask for are dropped rather than queued. It is for work that replays what people did
with made-up addresses (the demo loader); it holds for the block's own thread only.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

_quiet = ContextVar("seedbed_quiet_mail", default=False)


@contextmanager
def quiet():
    """Send no notification email from inside the block (see the module's docstring)."""

    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def absolute_url(path):
    return settings.SITE_URL + path


def language_for(user):
    return getattr(user, "language", "") or translation.get_language() or settings.LANGUAGE_CODE


def send(name, to, context, language):
    if _quiet.get():
        return
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string("emails/base.html", {**context, "text": text})
    message = EmailMultiAlternatives(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    transaction.on_commit(message.send)


def send_to_user(name, user, context):
    send(name, user.email, {**context, "user": user}, language_for(user))
