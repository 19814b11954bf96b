"""Training in the Wagtail admin: cohorts and their sessions, and the audit codes."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core import audit
from core.audit import register_actions
from incubator.training.models import Attendance, Cohort, Session


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["name_zh", "programme", "starts_on", "ends_on", "capacity"]
    list_filter = ["audience"]
    search_fields = ["name_zh", "name_en"]
    panels = [
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldRowPanel([FieldPanel("enrol_opens_at"), FieldPanel("enrol_closes_at")]),
        ], heading=_("Dates (Beijing time)")),
        FieldRowPanel([FieldPanel("community"), FieldPanel("venue")]),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("offer_hours")]),
        FieldPanel("audience"),
        FieldPanel("trainers"), FieldPanel("mentors"),
        MultiFieldPanel([FieldPanel("min_attendance"), FieldPanel("required_assignments")],
                        heading=_("Completion rule")),
    ]


class SessionViewSet(SnippetViewSet):
    model = Session
    icon = "date"
    menu_label = _("Training sessions")
    menu_order = 231
    add_to_admin_menu = True
    list_display = ["title", "cohort", "starts_at", "place"]
    panels = [FieldPanel("cohort"), FieldPanel("title"),
              FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
              FieldPanel("place"), FieldPanel("trainer")]


register_snippet(CohortViewSet)
register_snippet(SessionViewSet)


@hooks.register("register_log_actions")
def register_training_actions(actions):
    register_actions(actions, [
        ("seedbed.training.enrolment.applied", _("Applied for training")),
        ("seedbed.training.enrolment.accepted", _("Training place accepted")),
        ("seedbed.training.enrolment.waitlisted", _("Put on the training waiting list")),
        ("seedbed.training.enrolment.rejected", _("Training application not accepted")),
        ("seedbed.training.enrolment.offered", _("Training place offered from the waiting list")),
        ("seedbed.training.enrolment.confirmed", _("Offered training place confirmed")),
        ("seedbed.training.enrolment.withdrawn", _("Withdrew from training")),
        ("seedbed.training.enrolment.completed", _("Training completed")),
        ("seedbed.training.offer.lapsed", _("Offered training place not confirmed in time")),
        ("seedbed.training.attendance.recorded", _("Training attendance recorded"),
         _("Attendance recorded: %(to)s."), {"to": audit.label(Attendance.Status)}),
        ("seedbed.training.assignments.recorded", _("Training assignments recorded"),
         _("Assignments done: %(from)s → %(to)s."), {}),
        ("seedbed.training.material.added", _("Training material added"), _("Training material “%(name)s” added.")),
        ("seedbed.training.certificate.issued", _("Certificate issued"), _("Certificate %(serial)s issued.")),
        ("seedbed.training.certificate.revoked", _("Certificate revoked"), _("Certificate %(serial)s revoked.")),
    ])
