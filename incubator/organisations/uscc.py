"""The Unified Social Credit Code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character set (digits and capitals without I, O, Z, S, V); the last
is a check character: 31 - (Σ value(cᵢ)·3^(i-1) mod 31) over the first 17, with 31 meaning 0.
Letters are allowed anywhere in the first seventeen, the first eight included (python-stdnum
rejects those, so this is our own).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def normalize(code):
    return "".join((code or "").split()).upper()


def check_character(first17):
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code):
    """Raise ValidationError with a message the applicant can act on; return the clean code."""

    code = normalize(code)
    if len(code) != 18:
        raise ValidationError(
            _("A Unified Social Credit Code has 18 characters; this one has %(count)d."),
            code="length", params={"count": len(code)},
        )
    bad = sorted({char for char in code if char not in VALUES})
    if bad:
        raise ValidationError(
            _("A Unified Social Credit Code cannot contain %(chars)s (the letters I, O, Z, S "
              "and V are never used)."),
            code="characters", params={"chars": "、".join(bad)},
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("This Unified Social Credit Code is not valid: its last character does not match. "
              "Please check it against your registration certificate."),
            code="check",
        )
    return code
