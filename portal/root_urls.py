"""Data for machines, outside the language tree: the same in every language (the JSON list of projects and the 360Giving open data)."""

from django.urls import path

from . import api_views, opendata_views

urlpatterns = [
    path("api/projects/", api_views.project_list, name="api_projects"),
    path("open-data/360giving.json", opendata_views.package_json, name="open_data_json"),
    path("open-data/360giving.csv", opendata_views.package_csv, name="open_data_csv"),
]
