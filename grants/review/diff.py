"""What changed between two submissions of a proposal, field by field, for staff."""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.money import yuan

LABELS = {
    "title": _("Project title"), "summary": _("Summary"), "street": _("Target street / town"),
    "communities": _("Target communities"), "themes": _("Themes"), "starts_on": _("Start date"),
    "ends_on": _("End date"), "requested_amount": _("Amount requested (yuan)"),
    "cofunding_amount": _("Co-funding (yuan)"), "budget": _("Budget"),
    "indicators": _("Outcome indicators"), "answers": _("Answers"), "attachments": _("Attachments"),
}


def _text(value):
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return "" if value is None else str(value)


def inline_diff(old, new):
    """Old and new text with deletions and insertions marked, character by character (Chinese
    has no spaces to split words at)."""

    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(parts).replace("\n", "<br>"))


MONEY = {"requested_amount", "cofunding_amount"}


def changes(old, new):
    """[(label, old text, new text, marked-up diff)] for every field that differs."""
    rows = []
    for key, label in LABELS.items():
        show = yuan if key in MONEY else _text
        before, after = show(old.get(key)), show(new.get(key))
        if before != after:
            rows.append((label, before, after, inline_diff(before, after)))
    return rows
