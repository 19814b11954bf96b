"""Reports and budget variations of an award."""

from django.urls import path

from . import views

urlpatterns = [
    path("awards/<int:pk>/reports/<int:report_pk>/", views.report_detail, name="award_report"),
    path("awards/<int:pk>/reports/<int:report_pk>/decide/", views.report_decide, name="award_report_decide"),
    path("awards/<int:pk>/reports/<int:report_pk>/evidence/<int:evidence_pk>/", views.evidence_download,
         name="report_evidence"),
    path("awards/<int:pk>/variations/new/", views.variation_new, name="variation_new"),
    path("awards/<int:pk>/variations/<int:variation_pk>/decide/", views.variation_decide, name="variation_decide"),
]
