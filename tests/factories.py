import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from incubator.accounts.models import User

PASSWORD = "seedbed-test-pass"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # allauth refuses unverified addresses at login: factory users are verified by default.
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


# -- organisations -------------------------------------------------------------------------
import itertools  # noqa: E402
import random  # noqa: E402
from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from incubator.organisations.models import Membership, Organisation  # noqa: E402
from incubator.organisations.uscc import ALPHABET, check_character  # noqa: E402
from incubator.places.models import Street  # noqa: E402

_codes = random.Random(32100)


def valid_uscc(prefix="5150010"):
    """A code that passes GB 32100: the given prefix, random middle, computed check character."""
    body = prefix + "".join(_codes.choice(ALPHABET) for _ in range(17 - len(prefix)))
    return body + check_character(body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name_zh = factory.Sequence(lambda n: f"南岸区阳光社工服务中心{n}号")
    kind = Organisation.Kind.SOCIAL_SERVICE
    uscc = factory.LazyFunction(valid_uscc)
    address = "南坪街道江南大道8号"
    street = factory.LazyFunction(lambda: Street.objects.get(code="500108003"))
    contact_name = "周老师"
    contact_phone = "023-62800000"
    contact_email = factory.Sequence(lambda n: f"org{n}@example.org")
    status = Organisation.Status.VERIFIED

    @factory.post_generation
    def admins(self, create, extracted, **kwargs):
        for user in extracted or []:
            Membership.objects.create(user=user, organisation=self, role=Membership.Role.ADMIN)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or []:
            Membership.objects.create(user=user, organisation=self, role=Membership.Role.MEMBER)


# -- calls ---------------------------------------------------------------------------------
_slugs = itertools.count(1)


def call_index():
    from cms.models import HomePage
    from grants.calls.models import CallIndexPage

    index = CallIndexPage.objects.filter(locale__language_code="zh-hans").first()
    if index is None:
        home = HomePage.objects.get(locale__language_code="zh-hans")
        index = home.add_child(instance=CallIndexPage(title="项目征集", slug="calls"))
        translated(index)
    return index


def translated(page, language="en"):
    """The page's published translation (created on first use), as the English site shows it."""
    from wagtail.models import Locale

    locale = Locale.objects.get(language_code=language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    copy = page.copy_for_translation(locale)
    copy.save_revision().publish()
    return copy.specific


QUESTIONS = [
    ("long_text", {"label": "项目的必要性", "help_text": "", "required": True}),
    ("single_choice", {"label": "服务对象", "help_text": "", "required": True,
                       "choices": ["老年人", "儿童青少年", "残障人士"]}),
    ("file", {"label": "机构年检报告", "help_text": "PDF", "required": False}),
]

RUBRIC = [
    ("criterion", {"name": "需求与必要性", "description": "", "weight": Decimal("40"), "max_score": 10}),
    ("criterion", {"name": "可行性", "description": "", "weight": Decimal("60"), "max_score": 10}),
]


def make_call(status="open", questions=QUESTIONS, **fields):
    """A published call under the (Chinese) call index, open by default."""
    from grants.calls.models import CallPage

    now = timezone.now()
    opens, closes = {
        "open": (now - timedelta(days=10), now + timedelta(days=20)),
        "upcoming": (now + timedelta(days=5), now + timedelta(days=40)),
        "closed": (now - timedelta(days=60), now - timedelta(days=1)),
    }[status]
    number = next(_slugs)
    defaults = dict(
        title=f"2026年南岸区社区治理创新项目（第{number}批）", slug=f"call-{number}",
        summary="支持社会组织在社区开展治理创新服务。",
        total_budget=Decimal("2000000"), min_grant=Decimal("50000"), max_grant=Decimal("150000"),
        cofunding_share=Decimal("10"), opens_at=opens, closes_at=closes,
        project_start=(now + timedelta(days=30)).date(), project_end=(now + timedelta(days=400)).date(),
        questions=list(questions), rubric=list(RUBRIC),
    )
    defaults.update(fields)
    call = call_index().add_child(instance=CallPage(**defaults))
    call.save_revision().publish()
    return CallPage.objects.get(pk=call.pk)


# -- proposals -----------------------------------------------------------------------------
def make_proposal(call, organisation, user=None, complete=True, **fields):
    """A draft proposal; `complete` fills everything submission requires (¥90,000 + ¥10,000)."""
    from grants.calls.models import Theme
    from grants.proposals.models import BudgetLine, Indicator, Proposal

    proposal = Proposal.objects.create(call=call, organisation=organisation, created_by=user,
                                       street=organisation.street)
    if complete:
        proposal.title = "南坪街道“银龄互助”老年人居家关爱项目"
        proposal.summary = "组织低龄老人结对帮扶高龄独居老人。"
        proposal.starts_on = call.project_start
        proposal.ends_on = call.project_start + timedelta(days=300)
        proposal.requested_amount = Decimal("90000.00")
        proposal.cofunding_amount = Decimal("10000.00")
        proposal.answers = {block.id: ("老年人" if block.block_type == "single_choice" else "社区老人多，需求大。")
                            for block in call.questions if block.block_type != "file"}
        theme, _ = Theme.objects.get_or_create(code="elderly", defaults={"name_zh": "为老服务",
                                                                          "name_en": "Elderly care"})
        proposal.themes.add(theme)
        BudgetLine.objects.create(proposal=proposal, category="personnel", item="社工补贴", quantity=Decimal("10"),
                                  unit="月", unit_price=Decimal("6000"))
        BudgetLine.objects.create(proposal=proposal, category="activities", item="活动物资", quantity=Decimal("40"),
                                  unit="场", unit_price=Decimal("1000"))
        Indicator.objects.create(proposal=proposal, kind="beneficiaries", target=Decimal("1200"))
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


def in_review(proposal, submitter, staff=None):
    """Submit the proposal and pass it through screening, as the services do."""
    from grants.proposals.services import submit_proposal
    from grants.review.services import pass_screening
    from incubator.accounts import permissions

    submit_proposal(proposal, submitter)
    staff = staff or UserFactory(roles=[permissions.STAFF])
    return pass_screening(proposal, staff)


# -- funds and awards ----------------------------------------------------------------------
class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.Fund"
        skip_postgeneration_save = True

    name_zh = factory.Sequence(lambda n: f"2026年南岸区政府购买社会服务资金（{n}）")
    kind = "government"
    year = 2026
    owner_zh = "重庆市南岸区民政局"
    budget = Decimal("1000000.00")


def approved(proposal, submitter, staff=None, score=None):
    """Take a draft through submission, screening and review to an approval, as the
    services do; `score` is written as the review aggregate would."""
    from grants.proposals.models import Proposal
    from grants.review.services import determine
    from incubator.accounts import permissions

    staff = staff or UserFactory(roles=[permissions.STAFF])
    proposal = in_review(proposal, submitter, staff)
    if score is not None:
        Proposal.objects.filter(pk=proposal.pk).update(score=score, review_count=1)
    return determine(proposal, staff, "approved")


def make_award(proposal, shares, staff=None):
    """An award for an approved proposal, funded by {fund: amount}, through the service."""
    from django.db import transaction

    from grants.funding.services.awards import create_award
    from incubator.accounts import permissions

    staff = staff or UserFactory(roles=[permissions.STAFF])
    with transaction.atomic():
        return create_award(proposal, shares, staff)
