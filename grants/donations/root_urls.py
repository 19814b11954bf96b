"""Outside the language tree: Stripe posts its events here whatever the reader's language."""

from django.urls import path

from . import views

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
