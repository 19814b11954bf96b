"""What a reviewer reads of a proposal: blind calls hide who is behind it.

`mask_for(proposal)` is the one function every reviewer-facing text goes through (the
dashboard's titles, the declaration page, the review page, the reviewer's PDF): on a blind
call it masks, with ■■■, whatever would identify the applicant; on an open call it changes
nothing. `applicant_mentions` runs the same pattern over the proposal's own text, so staff
see what a reviewer would have had masked and can ask for a redacted version.

What is masked:
- the organisation's stored details (names, codes, address, contacts), its members' and the
  author's names and emails, as stored (case-insensitively; phone numbers however spaced);
- the names' short forms: the Chinese name without its place prefix (重庆市, the district,
  street or community it is registered in) and without organisation-type endings (服务中心,
  协会, 社 …), so 重庆市南岸区南坪街道阳光社工服务中心 also masks 南坪街道阳光社工服务中心 and
  阳光社工; the English name likewise, by whole words;
- any phone number (mobile, landline with its area code, 400/800), email address and
  18-character code (USCC, identity card), whoever they belong to.

A short form must keep three Chinese characters (two English words) that are not generic
(社工, 志愿服务, Social Work …): 阳光 or "Sunshine" alone would blank everyday words. So
nicknames, initials and the contents of uploaded files are not caught: the reviewer's page
says so, and `scrub` removes the files' author details on the way out.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

from grants.proposals.models import Proposal, budget_total
from grants.review.scrub import can_scrub

MASK = "■■■"
# Stored strings: a two-character personal name (张晓) is still a name.
MIN_LENGTH = 2
# Derived Chinese short forms keep at least this many characters that are not generic words.
MIN_DISTINCT = 2
_DIGITS_ONLY = re.compile(r"[\d\s()+\-.]+")
_QUOTES = "“”‘’「」『』\"'《》()（） ,，、"

# Organisation-type endings, stripped one after another (阳光社工服务中心 → 阳光社工).
ZH_ENDINGS = (
    "股份经济合作联合社", "经济合作联合社", "社会工作服务中心", "社会工作服务社", "社工服务中心", "社工服务社",
    "志愿服务协会", "志愿服务队", "志愿服务站", "志愿者协会", "公益基金会", "发展促进会", "服务中心", "发展中心",
    "联合会", "促进会", "研究会", "基金会", "合作社", "联合社", "服务社", "服务站", "服务队", "志愿队", "工作室",
    "中心", "协会", "商会", "社", "站", "队",
)
# Words that name a kind of organisation or work, not an organisation: a short form made only
# of these (社会工作, 志愿服务) is no name.
ZH_GENERIC = (
    "社会工作", "社工", "志愿服务", "志愿者", "志愿", "社区", "服务", "公益", "慈善", "发展", "养老", "为老",
    "儿童", "青少年", "老年人", "家庭", "文化", "教育", "心理", "健康", "经济", "合作", "股份", "互助", "关爱",
    "治理", "研究", "社会", "组织", "联合",
)
_ZH_CITY = re.compile(r"^[\u4e00-\u9fff]{2,3}?(?:省|市)")
_ZH_PLACE_KIND = re.compile(r"(?:街道|社区|自治区|区|县|镇|乡|村)$")

EN_GENERIC = {
    "social", "work", "worker", "workers", "service", "services", "centre", "center", "association", "society",
    "foundation", "charitable", "charity", "volunteer", "volunteers", "team", "group", "club", "federation",
    "alliance", "union", "council", "station", "institute", "organisation", "organization", "development",
    "promotion", "community", "joint", "economic", "cooperative", "co-operative", "public", "welfare",
    "district", "subdistrict", "town", "township", "village", "street", "city", "the", "of", "for", "and", "in",
}
# Place words an English name may start with besides the organisation's own places.
EN_PLACES = {"chongqing"}

# Contact details whoever they belong to.
GENERIC_PATTERNS = (
    # mobile: 13900001111, 139-0000-1111, 139.0000.1111, +86 139 0000 1111
    r"(?<![\d.])(?:(?:\+|00)\s?86[\s.\-]?)?1[3-9]\d[\s.\-]?\d{4}[\s.\-]?\d{4}(?![\d])",
    # landline with its area code: 023-6280 1101, (023)62801101, 023.6280.1101
    r"(?<![\d.])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s.\-]?\d{3,4}[\s.\-]?\d{4}(?![\d])",
    # 400 / 800 service numbers
    r"(?<![\d.])[48]00(?:[\s.\-]?\d){7}(?![\d])",
    # email, also with a full-width ＠
    r"[A-Za-z0-9._%+\-]+\s?[@＠]\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
    # unified social credit code (GB 32100-2015) and identity card numbers: 18 characters
    r"(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}(?![0-9A-Za-z])",
)


# -- what identifies an applicant ----------------------------------------------------------
def _places(organisation):
    """The organisation's own places, as their Chinese names (南岸区, 南坪街道, 阳光社区) and
    the English words they are made of."""
    places = [place for place in (organisation.street, organisation.community) if place is not None]
    if organisation.street is not None:
        places.append(organisation.street.district)
    chinese = set()
    for place in places:
        chinese.add(place.name_zh)
        bare = _ZH_PLACE_KIND.sub("", place.name_zh)
        if len(bare) >= 2:
            chinese.add(bare)  # 南坪 of 南坪街道
    english = set(EN_PLACES)
    for place in places:
        english |= {_word(word) for word in place.name_en.split()} - EN_GENERIC
    return sorted(chinese, key=len, reverse=True), english


def _without(form, words):
    for word in words:
        form = form.replace(word, "")
    return form.strip(_QUOTES)


def _distinct(form, removed):
    """Whether `form` keeps two characters without the `removed` words."""
    return len(_without(form, removed)) >= MIN_DISTINCT


_KINDS = (*ZH_GENERIC, *(ending for ending in ZH_ENDINGS if len(ending) > 1))


def chinese_forms(name, places):
    """The Chinese name without its place prefix, its organisation-type ending, or both.

    Without its places the name is still the organisation's (南坪街道阳光社工服务中心,
    北斗村股份经济合作联合社) unless nothing but generic words is left (社会工作服务中心).
    Without its ending it must keep two characters that are neither places nor generic
    (阳光社工 keeps 阳光; 迎龙镇北斗村 and 南坪街道社工 keep nothing) and three in all (阳光 alone
    is an everyday word)."""
    name = name.strip(_QUOTES)
    stems, queue = {name}, [name]
    while queue:  # place prefixes, one after another: 重庆市 → 南岸区 → 南坪街道
        current = queue.pop()
        cut = [match.group() for match in [_ZH_CITY.match(current)] if match]
        # The longest place only: 南坪街道, not 南坪 of it (which would leave 街道…).
        cut += [place for place in places if current.startswith(place)][:1]
        for prefix in cut:
            rest = current[len(prefix):].strip(_QUOTES)
            if rest and rest not in stems:
                stems.add(rest)
                queue.append(rest)
    forms = {stem for stem in stems if _distinct(stem, _KINDS)}
    shorter, queue = set(), list(stems)
    while queue:
        current = queue.pop()
        for ending in ZH_ENDINGS:
            rest = current[:-len(ending)].strip(_QUOTES) if current.endswith(ending) else ""
            if rest and rest not in shorter and rest not in stems:
                shorter.add(rest)
                queue.append(rest)
    city = {match.group() for match in map(_ZH_CITY.match, stems) if match}
    # Whole place names only: 阳光社工 of a centre in 阳光社区 keeps its 阳光 (but 南坪街道阳光
    # is a place, not a name).
    whole_places = [place for place in places if _ZH_PLACE_KIND.search(place)]
    forms |= {form for form in shorter if len(form) >= 3 and _distinct(form, (*whole_places, *city, *_KINDS))
              and _without(form, (*whole_places, *city)) not in places}
    return forms - {name}


def _word(word):
    return word.strip(_QUOTES + ".").lower().replace("’", "'")


def english_forms(name, places):
    """The English name's runs of whole words without leading place words or trailing
    generic ones: "Nanping Sunshine Social Work Service Centre, Nan'an" → "Sunshine Social
    Work", "Nanping Sunshine" …; always two words at least, one of them not generic."""
    words = name.split(",")[0].split()
    forms = set()
    for start in range(len(words)):
        if start and _word(words[start - 1]) not in places | EN_GENERIC:
            break  # only place or generic words are dropped from the front
        for end in range(len(words), start + 1, -1):
            run = [_word(word) for word in words[start:end]]
            if any(word not in EN_GENERIC and word not in places for word in run):
                forms.add(" ".join(words[start:end]).strip(_QUOTES + "."))
            if run[-1] not in EN_GENERIC:
                break  # only generic words are dropped from the end
    return {form for form in forms if len(form.split()) >= 2}


def identity_strings(proposal):
    """Every string that would tell a reviewer who applied, longest first.

    Reads the organisation's memberships through `.all()` and its places through foreign
    keys, so a list can prefetch `organisation__memberships__user` and select
    `organisation__street__district` and `organisation__community` at a constant number of
    queries."""

    organisation = proposal.organisation
    values = [
        organisation.name_zh, organisation.name_en, organisation.uscc, organisation.filing_number,
        organisation.contact_name, organisation.contact_phone, organisation.contact_email,
        organisation.address, organisation.registration_authority,
    ]
    chinese_places, english_places = _places(organisation)
    values += chinese_forms(organisation.name_zh or "", chinese_places)
    values += english_forms(organisation.name_en or "", english_places)
    people = [membership.user for membership in organisation.memberships.all()]
    if proposal.created_by_id:
        people.append(proposal.created_by)
    for person in people:
        values += [person.name, person.get_full_name(), person.email]
    found = {value.strip() for value in values if value and len(value.strip()) >= MIN_LENGTH}
    return sorted(found, key=lambda value: (-len(value), value))


def _pattern(value):
    if _DIGITS_ONLY.fullmatch(value) and sum(c.isdigit() for c in value) >= 5:
        # A phone number matches however it is written: 13900001111, 139-0000-1111, 139.0000.1111;
        # a landline also without its area code (023-6280 1101 → 62801101).
        digits = [c for c in value if c.isdigit()]
        ways = [digits]
        if digits[0] == "0" and len(digits) >= 10:
            ways.append(digits[-8:] if len(digits) - 8 in (3, 4) else digits[-7:])
        return "|".join(r"(?<!\d)" + r"[\s\-().]*".join(way) + r"(?!\d)" for way in ways)
    if value.isascii() and " " in value.strip():
        # An English name by whole words, however spaced or broken across lines.
        words = [re.escape(word).replace("'", "['’]") for word in value.split()]
        return r"(?<![A-Za-z])" + r"\s+".join(words) + r"(?![A-Za-z])"
    return re.escape(value)


def compile_strings(strings, generic=True):
    """One regular expression for all the strings and, unless `generic` is False, every phone,
    email and code pattern (None when there is nothing to hide)."""
    parts = [_pattern(value) for value in strings]
    if generic:
        parts += GENERIC_PATTERNS
    if not parts:
        return None
    return re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE)


def redact(text, strings):
    """`text` with every identity string replaced by ■■■. `strings` is a list from
    `identity_strings` or a pattern from `compile_strings`."""
    if not text:
        return text
    pattern = strings if isinstance(strings, re.Pattern) else compile_strings(strings)
    return pattern.sub(MASK, str(text)) if pattern else text


def identity_pattern(proposal):
    return compile_strings(identity_strings(proposal))


def _unchanged(text):
    return text


def mask_for(proposal):
    """The one function a reviewer's text goes through: masks on a blind call, else nothing."""
    if not proposal.call.blind_review:
        return _unchanged
    pattern = identity_pattern(proposal)

    def mask(text):
        return redact(text, pattern)

    return mask


# -- what the proposal's own text still says about its applicant (for staff) ---------------
def proposal_texts(proposal):
    """Everything the applicant wrote that a reviewer reads."""
    texts = [proposal.title, proposal.summary]
    for answer in (proposal.answers or {}).values():
        texts += [str(item) for item in answer] if isinstance(answer, list) else [str(answer or "")]
    for line in proposal.budget_lines.all():
        texts += [line.item, line.unit]
    for indicator in proposal.indicators.all():
        texts += [indicator.name, indicator.unit]
    return [text for text in texts if text]


def applicant_mentions(proposal, pattern=None):
    """What in the proposal's own text a reviewer of a blind call would have masked, each once
    (empty when nothing is)."""
    pattern = pattern or identity_pattern(proposal)
    found = {}
    for text in proposal_texts(proposal):
        for match in pattern.finditer(text):
            found.setdefault(match.group().strip(), None)
    return list(found)


def naming_their_applicant(pks):
    """Which of these proposals' text names their applicant: a set of pks, read in a constant
    number of queries (none when `pks` is empty)."""
    if not pks:
        return set()
    rows = Proposal.objects.filter(pk__in=pks).select_related(
        "organisation__street__district", "organisation__community", "created_by",
    ).prefetch_related("organisation__memberships__user", "budget_lines", "indicators")
    return {proposal.pk for proposal in rows if applicant_mentions(proposal)}


# -- the proposal as a reviewer reads it ---------------------------------------------------
@dataclass
class ReviewerAttachment:
    pk: int
    number: int
    name: str  # neutral ("附件-3.pdf") on blind calls
    size: int
    question: str = ""
    scrubbed: bool = False  # sent without its author details (blind calls)
    properties_kept: bool = False  # a blind call's file whose properties cannot be removed (.doc …)


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
            name=neutral_name(number, attachment.name) if blind else attachment.name,
            scrubbed=blind and can_scrub(attachment.content_type),
            properties_kept=blind and not can_scrub(attachment.content_type))
        for number, attachment in enumerate(proposal.attachments.all(), start=1)
    ]


def reviewer_copy(proposal):
    blind = proposal.call.blind_review
    clean = mask_for(proposal)

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
    return mask_for(proposal)(proposal.title)
