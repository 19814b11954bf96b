"""Social organisations and the people who act for them."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from incubator.accounts.models import User
from incubator.places.models import Community, Street


class Organisation(models.Model):
    """A social organisation (社会组织) that applies for funding.

    Registered organisations are identified by their Unified Social Credit Code; unregistered
    community groups (社区社会组织, 备案) by the filing number the street gave them.
    """

    class Kind(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group (社会团体)")
        SOCIAL_SERVICE = "social_service", _(
            "Social service organisation / private non-enterprise unit (社会服务机构/民办非企业单位)")
        FOUNDATION = "foundation", _("Foundation (基金会)")
        COMMUNITY_GROUP = "community_group", _("Community social organisation, filed (社区社会组织(备案))")
        ENTERPRISE = "enterprise", _("Enterprise (企业)")
        OTHER = "other", _("Other (其他)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not verified")

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    uscc = models.CharField(
        _("Unified Social Credit Code"), max_length=18, unique=True, null=True, blank=True,
        help_text=_("18 characters, as printed on the registration certificate."),
    )
    filing_number = models.CharField(
        _("filing number (备案号)"), max_length=40, unique=True, null=True, blank=True,
        help_text=_("For community groups filed with their street instead of registered."),
    )
    registration_authority = models.CharField(_("registration authority"), max_length=120, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200)
    street = models.ForeignKey(
        Street, verbose_name=_("street / town"), on_delete=models.PROTECT, related_name="organisations")
    community = models.ForeignKey(
        Community, verbose_name=_("community / village"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="organisations")
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    contact_email = models.EmailField(_("contact email"))
    introduction = models.TextField(_("introduction"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.TextField(_("reason given to the organisation"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_zh"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__isnull=False) | models.Q(filing_number__isnull=False),
                name="organisation_has_code_or_filing_number",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh

    @property
    def identifier(self):
        return self.uscc or self.filing_number

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_user"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation}"

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN
