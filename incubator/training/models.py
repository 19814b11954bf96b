"""Training: programmes (pages), their cohorts, enrolments, sessions, attendance and
certificates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page

from core.models import PrivateFile
from core.storage import private_storage
from incubator.organisations.models import Organisation
from incubator.places.models import Community

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


class ProgrammeIndexPage(Page):
    """The training page: lists the programmes placed under it."""

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["training.ProgrammePage"]
    max_count_per_parent = 1
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("training index page")

    def get_programmes(self):
        return ProgrammePage.objects.live().child_of(self)


class ProgrammePage(Page):
    """A programme (社创营, 青创营, 研学社). Translated like any page; cohorts belong to the
    page in the default language, whichever translation a visitor reads."""

    code = models.CharField(
        _("code"), max_length=4, unique=False,
        help_text=_("Three capital letters used in certificate serials, e.g. SCY."))
    intro = models.TextField(_("summary"))
    audience = RichTextField(_("who it is for"), features=TEXT_FEATURES)
    aims = RichTextField(_("aims"), blank=True, features=TEXT_FEATURES)
    curriculum = RichTextField(_("curriculum"), blank=True, features=TEXT_FEATURES)

    parent_page_types = ["training.ProgrammeIndexPage"]
    subpage_types = []
    content_panels = Page.content_panels + [
        FieldPanel("code"), FieldPanel("intro"), FieldPanel("audience"), FieldPanel("aims"),
        FieldPanel("curriculum"),
    ]

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")

    def clean(self):
        super().clean()
        if self.code and not (len(self.code) == 3 and self.code.isascii() and self.code.isupper()):
            raise ValidationError({"code": _("Use three capital letters, e.g. SCY.")})

    @property
    def source(self):
        if self.locale_id == Locale.get_default().pk:
            return self
        return (self.get_translation_or_none(Locale.get_default()) or self).specific

    def cohorts(self):
        return Cohort.objects.filter(programme=self.source).select_related("community")

    def get_context(self, request, *args, **kwargs):
        from incubator.training.services import sweep_offers

        sweep_offers()
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        cohorts = list(self.cohorts().order_by("starts_on"))
        context["upcoming"] = [cohort for cohort in cohorts if cohort.ends_on >= today]
        context["past"] = [cohort for cohort in reversed(cohorts) if cohort.ends_on < today]
        return context


class Cohort(models.Model):
    """One run of a programme: its dates, place, capacity, people and completion rule."""

    class Audience(models.TextChoices):
        SOCIAL_WORKERS = "social_workers", _("Community social workers")
        YOUNG_FOUNDERS = "young_founders", _("Graduates and young founders")
        ORGANISATIONS = "organisations", _("Organisations learning from peers")

    programme = models.ForeignKey(ProgrammePage, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("programme"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=120)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("community / village"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    enrol_opens_at = models.DateTimeField(_("enrolment opens"))
    enrol_closes_at = models.DateTimeField(_("enrolment closes"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="training_cohorts",
                                      verbose_name=_("trainers"))
    mentors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentored_cohorts",
                                     verbose_name=_("mentors"))
    min_attendance = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=[MaxValueValidator(100)])
    required_assignments = models.PositiveSmallIntegerField(_("required assignments"), default=0)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to confirm an offered place"), default=48, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="cohort_ends_after_it_starts"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def place(self):
        # Chinese lists take the enumeration comma (、), so the separator is translated.
        return gettext(", ").join(part for part in (self.community and self.community.name, self.venue) if part)

    def enrolment_open(self, moment=None):
        moment = moment or timezone.now()
        return self.enrol_opens_at <= moment < self.enrol_closes_at

    def holders(self):
        """Enrolments that hold a place: accepted, offered (until the offer ends), completed."""
        return self.enrolments.filter(state__in=Enrolment.HOLDS_PLACE)


class Enrolment(models.Model):
    """A person's place in a cohort. The state machine is in services.TRANSITIONS."""

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("On the waiting list")
        OFFERED = "offered", _("Offered a place")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    HOLDS_PLACE = (State.ACCEPTED, State.OFFERED, State.COMPLETED)
    ENROLLED = (State.ACCEPTED, State.COMPLETED)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="enrolments", verbose_name=_("on behalf of"))
    answers = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.APPLIED,
                             db_index=True)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    assignments_done = models.PositiveSmallIntegerField(_("assignments done"), default=0)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["applied_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="one_enrolment_per_person")]

    def __str__(self):
        return f"{self.user} · {self.cohort}"


class Session(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("trainer"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title


class Material(PrivateFile):
    """A session's handout: for the cohort's trainees, trainers and staff only."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(storage=private_storage, upload_to="training/materials/%Y/")

    class Meta(PrivateFile.Meta):
        verbose_name = _("material")


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        CHECK_IN = "check_in", _("Checked in")
        BY_HAND = "by_hand", _("Marked by staff")

    # Present and late count towards the completion rule; an excused absence does not.
    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="one_attendance_per_session")]


class Certificate(models.Model):
    """Proof that a trainee completed a cohort. The serial's last part is a check code, so
    serials cannot be guessed in sequence and an altered one is recognised."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    serial = models.CharField(_("serial"), max_length=30, unique=True)
    holder_name = models.CharField(_("holder"), max_length=150)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    pdf = models.FileField(storage=private_storage, upload_to="training/certificates/%Y/", blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["serial"]

    def __str__(self):
        return self.serial

    @property
    def is_valid(self):
        return self.revoked_at is None


class CertificateRun(models.Model):
    """Issuing a whole cohort's certificates in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="certificate_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]


class SigningKey(models.Model):
    """The installation's Ed25519 key for signed credentials, made on first use. The private
    half never leaves the database; the public half is published as JWKS."""

    kid = models.CharField(max_length=64, unique=True)
    private_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
