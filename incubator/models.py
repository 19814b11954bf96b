from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Email is the login name; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    # One name field: Chinese names do not split into "first" and "last" the Western way.
    # first_name/last_name stay only because Wagtail's user admin forms require them.
    name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return self.name or " ".join(p for p in (self.first_name, self.last_name) if p)

    def get_short_name(self):
        return self.name or self.first_name or self.email


class LocalizedName(models.Model):
    """A place with a Chinese and an English name, shown in the reader's language."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class District(LocalizedName):
    class Meta(LocalizedName.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Street(LocalizedName):
    """A street (街道) or town (镇): the level at which calls target and the public filters."""

    class Kind(models.TextChoices):
        STREET = "street", _("street (街道)")
        TOWN = "town", _("town (镇)")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STREET)

    class Meta(LocalizedName.Meta):
        verbose_name = _("street / town")
        verbose_name_plural = _("streets / towns")


class Community(LocalizedName):
    """A community (社区) or village (村) within a street or town."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("community (社区)")
        VILLAGE = "village", _("village (村)")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMUNITY
    )

    class Meta(LocalizedName.Meta):
        verbose_name = _("community / village")
        verbose_name_plural = _("communities / villages")


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
