"""What a reviewer reads of a proposal: blind calls hide who is behind it.

`identity_strings` lists what would identify the applicant (the organisation's names, codes,
address and contacts, its members, the proposal's author); `redact` masks any of them in free
text the applicant wrote. `reviewer_copy` builds the proposal as reviewers see it — redacted
when the call is blind, with attachments under neutral names — for the reviewer's page and PDF
alike, so the two can never disagree about what is hidden.

Redaction finds the strings as they are stored (case-insensitively; phone numbers and codes
also when spaced or hyphenated differently). It cannot catch nicknames, abbreviations or the
contents of uploaded files: the reviewer's page says so.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

from grants.proposals.models import budget_total

MASK = "■■■"
# Shorter strings (a one-character name) would mask ordinary words all over the text.
MIN_LENGTH = 2
_DIGITS_ONLY = re.compile(r"[\d\s()+\-]+")


def identity_strings(proposal):
    """Every string that would tell a reviewer who applied, longest first.

    Reads the organisation's memberships through `.all()`, so a list view can prefetch
    `organisation__memberships__user` and stay at a constant number of queries."""

    organisation = proposal.organisation
    values = [
        organisation.name_zh, organisation.name_en, organisation.uscc, organisation.filing_number,
        organisation.contact_name, organisation.contact_phone, organisation.contact_email,
        organisation.address, organisation.registration_authority,
    ]
    people = [membership.user for membership in organisation.memberships.all()]
    if proposal.created_by_id:
        people.append(proposal.created_by)
    for person in people:
        values += [person.name, person.get_full_name(), person.email]
    found = {value.strip() for value in values if value and len(value.strip()) >= MIN_LENGTH}
    return sorted(found, key=lambda value: (-len(value), value))


def _pattern(value):
    if _DIGITS_ONLY.fullmatch(value) and sum(c.isdigit() for c in value) >= 5:
        # A phone number matches however it is written: 13900001111, 139-0000-1111, 139 0000 1111.
        digits = [c for c in value if c.isdigit()]
        return r"(?<!\d)" + r"[\s\-()]*".join(digits) + r"(?!\d)"
    return re.escape(value)


def compile_strings(strings):
    """One regular expression for all the strings (None when there is nothing to hide)."""
    if not strings:
        return None
    return re.compile("|".join(_pattern(value) for value in strings), re.IGNORECASE)


def redact(text, strings):
    """`text` with every identity string replaced by ■■■. `strings` is a list from
    `identity_strings` or a pattern from `compile_strings`."""
    if not text or not strings:
        return text
    pattern = strings if isinstance(strings, re.Pattern) else compile_strings(strings)
    return pattern.sub(MASK, str(text)) if pattern else text


# -- the proposal as a reviewer reads it ---------------------------------------------------
@dataclass
class ReviewerAttachment:
    pk: int
    number: int
    name: str  # neutral ("附件-3.pdf") on blind calls
    size: int
    question: str = ""


@dataclass
class ReviewerBudgetLine:
    category: str
    item: str
    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None
    subtotal: Decimal


@dataclass
class ReviewerIndicator:
    label: str
    target: Decimal | None
    unit: str


@dataclass
class ReviewerCopy:
    """Only what a reviewer needs to judge the project: never contact details, members or
    codes; on a blind call not even the organisation's name."""

    blind: bool
    reference: str
    title: str
    summary: str
    organisation: str  # "" on a blind call
    organisation_kind: str  # "" on a blind call
    call: str
    street: str
    communities: list
    themes: list
    starts_on: object
    ends_on: object
    requested_amount: Decimal | None
    cofunding_amount: Decimal | None
    budget_lines: list = field(default_factory=list)
    budget_total: Decimal = Decimal("0")
    indicators: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # {"question", "kind", "answer"}
    attachments: list = field(default_factory=list)  # the files not tied to a question


def neutral_name(number, original):
    """附件-1.pdf / attachment-1.pdf: the original name often names the organisation."""
    return f"{_('attachment')}-{number}{PurePath(original).suffix.lower()}"


def reviewer_attachments(proposal, blind):
    """The proposal's files, numbered in upload order."""
    return [
        ReviewerAttachment(
            pk=attachment.pk, number=number, size=attachment.size, question=attachment.question,
            name=neutral_name(number, attachment.name) if blind else attachment.name)
        for number, attachment in enumerate(proposal.attachments.all(), start=1)
    ]


def reviewer_copy(proposal):
    blind = proposal.call.blind_review
    pattern = compile_strings(identity_strings(proposal)) if blind else None

    def clean(text):
        return redact(text, pattern) if pattern else text

    files = reviewer_attachments(proposal, blind)
    by_question = {}
    for attachment in files:
        by_question.setdefault(attachment.question, []).append(attachment)
    answers = []
    for block in proposal.call.question_blocks():
        if block.block_type == "file":
            answer = by_question.get(block.id, [])
        else:
            answer = proposal.answers.get(block.id)
            if isinstance(answer, list):
                answer = [clean(str(item)) for item in answer]
            elif answer is not None:
                answer = clean(str(answer))
        answers.append({"question": block.value["label"], "kind": block.block_type, "answer": answer})
    lines = list(proposal.budget_lines.all())
    return ReviewerCopy(
        blind=blind,
        reference=proposal.reference or "",
        title=clean(proposal.title),
        summary=clean(proposal.summary),
        organisation="" if blind else proposal.organisation.name,
        organisation_kind="" if blind else proposal.organisation.get_kind_display(),
        call=proposal.call.title,
        street=proposal.street.name if proposal.street else "",
        communities=[community.name for community in proposal.communities.all()],
        themes=[theme.name for theme in proposal.themes.all()],
        starts_on=proposal.starts_on,
        ends_on=proposal.ends_on,
        requested_amount=proposal.requested_amount,
        cofunding_amount=proposal.cofunding_amount,
        budget_lines=[
            ReviewerBudgetLine(line.get_category_display(), clean(line.item), line.quantity, clean(line.unit),
                               line.unit_price, line.subtotal)
            for line in lines],
        budget_total=budget_total(lines),
        indicators=[ReviewerIndicator(clean(indicator.label or ""), indicator.target, clean(indicator.unit))
                    for indicator in proposal.indicators.all()],
        answers=answers,
        attachments=by_question.get("", []),
    )


def reviewer_title(proposal):
    """A proposal's title as a reviewer may read it (dashboard rows)."""
    if not proposal.call.blind_review:
        return proposal.title
    return redact(proposal.title, identity_strings(proposal))
