"""Check-in codes: the screen in the room shows a code that changes every window; a phone
that scans it posts it back. A code is the session's id and an HMAC of the id and the time
window, so it cannot be made up, and it is accepted during its own window and the one after
(a trainee who scans just before it turns is not refused)."""

import hmac
from datetime import timedelta
from hashlib import sha256

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WINDOW_SECONDS = 30
LATE_AFTER = timedelta(minutes=15)
# A check-in is possible from shortly before a session starts until it ends.
OPENS_BEFORE = timedelta(minutes=30)


def window(moment):
    return int(moment.timestamp()) // WINDOW_SECONDS


def _mac(session_id, number):
    key = (settings.SECRET_KEY + ":seedbed.training.checkin").encode()
    return hmac.new(key, f"{session_id}:{number}".encode(), sha256).hexdigest()[:16]


def code_for(session, moment):
    return f"{session.pk}-{_mac(session.pk, window(moment))}"


def session_for_code(code, moment):
    """The session the code belongs to, or a ValidationError saying why it is refused."""
    from incubator.training.models import Session

    session_id, _sep, mac = (code or "").strip().partition("-")
    session = Session.objects.filter(pk=int(session_id)).first() if session_id.isdigit() else None
    if session is None:
        raise ValidationError(_("This check-in code is not valid."), code="forged")
    current = window(moment)
    if not any(hmac.compare_digest(mac, _mac(session.pk, number)) for number in (current, current - 1)):
        # A genuine but old code and a made-up one look alike without trying every window.
        raise ValidationError(_("This check-in code has expired or is not valid: scan the code on the screen again."),
                              code="expired")
    if not session.starts_at - OPENS_BEFORE <= moment <= session.ends_at:
        raise ValidationError(_("Check-in for this session is closed."), code="closed")
    return session
