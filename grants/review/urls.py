"""Staff's workbench and proposal pages, and the reviewers' pages."""

from django.urls import path

from . import staff_views, views, workbench

app_name = "review"

urlpatterns = [
    path("staff/proposals/", workbench.workbench, name="workbench"),
    path("staff/proposals/export.<str:format>", workbench.workbench_export, name="workbench_export"),
    path("staff/proposals/<int:pk>/", staff_views.staff_proposal, name="staff_proposal"),
    path("staff/proposals/<int:pk>/screen/", staff_views.screen, name="screen"),
    path("staff/proposals/<int:pk>/assign/", staff_views.assign, name="assign"),
    path("staff/proposals/<int:pk>/determine/", staff_views.determine, name="determine"),
    path("staff/calls/<id:call_pk>/ranking/", staff_views.call_ranking, name="call_ranking"),
    path("reviews/", views.dashboard, name="dashboard"),
    path("reviews/<int:pk>/", views.detail, name="detail"),
    path("reviews/<int:pk>/pdf/", views.proposal_pdf, name="pdf"),
    path("reviews/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
