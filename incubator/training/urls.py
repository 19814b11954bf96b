"""Training on the site: programmes' cohorts, enrolment, check-in, records, certificates."""

from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/enrolments/<int:pk>/", views.my_enrolment, name="my_enrolment"),
]
