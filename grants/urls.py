from django.urls import include, path

from . import (
    award_views, donation_views, matching_views, public_views, report_views, review_views, staff_views, views,
    workbench,
)

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("calls/<int:call_pk>/apply/", views.apply, name="call_apply"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/pdf/", views.proposal_pdf_download, name="proposal_pdf"),
    path("proposals/<int:pk>/files/<int:attachment_pk>/", views.attachment_download,
         name="attachment_download"),
    path("staff/", include(workbench.urlpatterns)),
    path("staff/", include(staff_views.urlpatterns)),
    path("reviews/", include(review_views.urlpatterns)),
    path("", include(public_views.urlpatterns)),
    path("", include(donation_views.urlpatterns)),
    path("", include(award_views.urlpatterns)),
    path("", include(report_views.urlpatterns)),
    path("staff/", include(matching_views.urlpatterns)),
    path("", include("grants.figures_views")),
]
