"""Reports and budget variations of an award."""

from django.urls import path

from . import views

app_name = "impact"

urlpatterns = [
    path("awards/<int:pk>/reports/<int:report_pk>/", views.report_detail, name="report"),
    path("awards/<int:pk>/reports/<int:report_pk>/decide/", views.report_decide, name="report_decide"),
    path("awards/<int:pk>/reports/<int:report_pk>/evidence/<int:evidence_pk>/", views.evidence_download,
         name="evidence"),
    path("awards/<int:pk>/variations/new/", views.variation_new, name="variation_new"),
    path("awards/<int:pk>/variations/<int:variation_pk>/decide/", views.variation_decide, name="variation_decide"),
]
