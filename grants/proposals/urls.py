"""Applying to a call, and a proposal's pages for its organisation."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("calls/<id:call_pk>/apply/", views.apply, name="apply"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/pdf/", views.proposal_pdf_download, name="pdf"),
    path("proposals/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
