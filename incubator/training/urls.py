"""Training on the site: programmes' cohorts, enrolment, check-in, records, certificates."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("training/cohorts/<int:pk>/calendar.ics", views.cohort_calendar, name="calendar"),
    path("training/cohorts/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("training/mine/", views.my_training, name="my_training"),
    path("training/enrolments/<int:pk>/", views.my_enrolment, name="my_enrolment"),
    path("training/enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("training/enrolments/<int:pk>/confirm/", views.confirm_offer, name="confirm_offer"),
    path("training/materials/<int:pk>/", views.material, name="material"),
    path("training/check-in/", views.check_in_form, name="check_in_form"),
    path("training/check-in/<str:code>/", views.check_in, name="check_in"),
    path("training/staff/", views.staff_cohorts, name="staff_cohorts"),
    path("training/staff/cohorts/<int:pk>/", views.staff_cohort, name="staff_cohort"),
    path("training/staff/cohorts/<int:pk>/decide/", views.decide, name="decide"),
    path("training/staff/cohorts/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("training/staff/cohorts/<int:pk>/complete/", views.record_completions, name="record_completions"),
    path("training/staff/cohorts/<int:pk>/certificates/", views.issue_certificates, name="issue_certificates"),
    path("training/staff/sessions/<int:pk>/attendance/", views.attendance_sheet, name="attendance"),
    path("training/staff/sessions/<int:pk>/materials/", views.add_material, name="add_material"),
    path("training/staff/sessions/<int:pk>/check-in/", views.check_in_screen, name="check_in_screen"),
    path("training/staff/sessions/<int:pk>/check-in/qr.svg", views.check_in_qr, name="check_in_qr"),
    path("training/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("training/certificates/<int:pk>/credential.jwt", views.credential, name="credential"),
    path("training/certificates/<int:pk>/revoke/", views.revoke_certificate, name="revoke"),
    path("training/verify/", views.verify_form, name="verify"),
    path("training/verify/<str:serial>/", views.verify_serial, name="verify_serial"),
]
