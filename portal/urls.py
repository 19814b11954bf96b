"""The public's pages beside the CMS: projects, organisation profiles, figures' CSV, the open data's page, and each person's dashboard."""

from django.urls import path

from . import dashboard, figures_views, opendata_views, views

app_name = "portal"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("organisations/<int:pk>/profile/", views.organisation_profile, name="organisation"),
    path("figures/<slug:slug>.csv", figures_views.figure_csv, name="figure_csv"),
    path("open-data/", opendata_views.open_data_page, name="open_data"),
]
