"""Open data, outside the language tree: the same files whatever the reader's language."""

from django.urls import path

from . import opendata_views

urlpatterns = [
    path("360giving.json", opendata_views.package_json, name="open_data_json"),
    path("360giving.csv", opendata_views.package_csv, name="open_data_csv"),
]
