"""Registering an organisation, its record and its members."""

from django.urls import path

from . import views

urlpatterns = [
    path("organisations/register/", views.organisation_register, name="organisation_register"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("organisations/<int:pk>/members/<int:membership_pk>/remove/", views.organisation_remove_member,
         name="organisation_remove_member"),
    path("organisations/join/<str:token>/", views.organisation_join, name="organisation_join"),
]
