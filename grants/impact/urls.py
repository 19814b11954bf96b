"""Reports of an award (its budget variations are funding's: grants/funding/urls.py)."""

from django.urls import path

from . import views

app_name = "impact"

urlpatterns = [
    path("awards/<int:pk>/reports/<int:report_pk>/", views.report_detail, name="report"),
    path("awards/<int:pk>/reports/<int:report_pk>/decide/", views.report_decide, name="report_decide"),
    path("awards/<int:pk>/reports/<int:report_pk>/evidence/<int:evidence_pk>/", views.evidence_download,
         name="evidence"),
]
