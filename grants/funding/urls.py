"""Awards, funds and matching runs."""

from django.urls import path

from . import award_views, matching_views, variation_views

app_name = "funding"

urlpatterns = [
    path("awards/", award_views.award_list, name="award_list"),
    path("awards/export.<str:format>", award_views.award_export, name="award_export"),
    path("awards/<int:pk>/", award_views.award_detail, name="award_detail"),
    path("awards/<int:pk>/agreement.pdf", award_views.award_agreement, name="award_agreement"),
    path("awards/<int:pk>/signed-agreement/", award_views.award_signed_copy, name="award_signed_copy"),
    path("awards/<int:pk>/sign/", award_views.award_sign, name="award_sign"),
    path("awards/<int:pk>/schedule/", award_views.award_schedule, name="award_schedule"),
    path("awards/<int:pk>/pay/", award_views.tranche_pay, name="tranche_pay"),
    path("awards/<int:pk>/terminate/", award_views.award_terminate, name="award_terminate"),
    path("awards/<int:pk>/variations/new/", variation_views.variation_new, name="variation_new"),
    path("awards/<int:pk>/variations/<int:variation_pk>/decide/", variation_views.variation_decide,
         name="variation_decide"),
    path("funds/", award_views.fund_list, name="fund_list"),
    path("funds/export.<str:format>", award_views.fund_export, name="fund_export"),
    path("funds/<int:pk>/", award_views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/budget/", award_views.fund_budget, name="fund_budget"),
    path("staff/matching/", matching_views.matching_list, name="matching_list"),
    path("staff/matching/<int:pk>/", matching_views.matching_detail, name="matching_detail"),
    path("staff/matching/<int:pk>/rerun/", matching_views.matching_rerun, name="matching_rerun"),
    path("staff/matching/<int:pk>/confirm/", matching_views.matching_confirm, name="matching_confirm"),
    path("staff/matching/<int:pk>/retry/", matching_views.matching_retry, name="matching_retry"),
]
