"""Registering an organisation, its record and its members."""

from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("organisations/register/", views.organisation_register, name="register"),
    path("organisations/<int:pk>/", views.organisation_detail, name="detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="invite"),
    path("organisations/<int:pk>/members/<int:membership_pk>/remove/", views.organisation_remove_member,
         name="remove_member"),
    path("organisations/join/<str:token>/", views.organisation_join, name="join"),
]
