"""Audit entries are Wagtail's own log (`wagtail.log_actions.log` → ModelLogEntry), so staff
also find them under Reports → Site history. Each app declares its `seedbed.…` action codes
with a label, which Wagtail requires before it accepts an entry.

An entry's data is kept as logged (plain values, English keys) so it stays machine-readable;
what people read is `entry.message`, a sentence in their language that each app gives with
its code, and `entry.comment`, the words a person typed (a reason, a note). Both are built
when shown, so old entries read in the reader's current language too."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import LogFormatter

from core.money import yuan

#: Keys whose value is something a person wrote, shown as the entry's comment.
TYPED = ("reason", "note", "comment")


def money(value):
    try:
        return yuan(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def money_change(value):
    """+¥1,000.00 or −¥1,000.00: a change reads as one."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return ("−" if amount < 0 else "+") + yuan(abs(amount))


def day(value):
    try:
        return date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def label(choices):
    """Show a stored choice (a TextChoices value) by its label in the reader's language."""
    def show(value):
        return str(dict(choices.choices).get(value, value))
    return show


def money_by_name(value):
    """{"福彩公益金": "26005.00", …} → "福彩公益金 ¥26,005.00、…"."""
    if not isinstance(value, dict):
        return str(value)
    return _(", ").join(f"{name} {money(amount)}" for name, amount in value.items())


def count(value):
    return str(len(value)) if isinstance(value, (list, tuple, dict)) else str(value)


class _Values(dict):
    # An older entry may lack a key a newer sentence uses; it reads "—", never a KeyError.
    def __missing__(self, key):
        return "—"


class Sentence(LogFormatter):
    """`sentence` is a lazily translated "%(key)s" template filled from the entry's data;
    `show` maps a key to how its value is written (money, a choice's label…)."""

    def __init__(self, label, sentence=None, **show):
        self.label = label
        self.sentence = sentence
        self.show = show

    def format_message(self, log_entry):
        if self.sentence is None:
            return self.label
        data = log_entry.data if isinstance(log_entry.data, dict) else {}
        values = _Values({key: self.show.get(key, str)(value) for key, value in data.items()
                          if value is not None and value != ""})
        return str(self.sentence) % values

    def format_comment(self, log_entry):
        data = log_entry.data if isinstance(log_entry.data, dict) else {}
        return " ".join(str(data[key]).strip() for key in TYPED if data.get(key))


def register_actions(actions, entries):
    """`entries`: (code, label) or (code, label, sentence, {key: how to show it})."""
    for action, label, *sentence in entries:
        template, show = (sentence + [None, None])[:2]
        formatter = Sentence(label, template, **(show or {}))
        # Wagtail's decorator form takes a class to instantiate; ours is already built.
        actions.register_action(action)(lambda formatter=formatter: formatter)
