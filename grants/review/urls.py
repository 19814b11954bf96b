"""Staff's workbench and proposal pages, and the reviewers' pages."""

from django.urls import path

from . import staff_views, views, workbench

urlpatterns = [
    path("staff/proposals/", workbench.workbench, name="workbench"),
    path("staff/proposals/export.<str:format>", workbench.workbench_export, name="workbench_export"),
    path("staff/proposals/<int:pk>/", staff_views.staff_proposal, name="staff_proposal"),
    path("staff/proposals/<int:pk>/screen/", staff_views.screen, name="staff_screen"),
    path("staff/proposals/<int:pk>/assign/", staff_views.assign, name="staff_assign"),
    path("staff/proposals/<int:pk>/determine/", staff_views.determine, name="staff_determine"),
    path("staff/calls/<int:call_pk>/ranking/", staff_views.call_ranking, name="staff_call_ranking"),
    path("reviews/", views.dashboard, name="review_dashboard"),
    path("reviews/<int:pk>/", views.detail, name="review_detail"),
    path("reviews/<int:pk>/pdf/", views.proposal_pdf, name="review_pdf"),
    path("reviews/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="review_attachment"),
]
