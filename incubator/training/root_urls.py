"""Outside the language tree: the public key that signed credentials are checked against."""

from django.urls import path

from . import views

urlpatterns = [
    path(".well-known/jwks.json", views.jwks, name="training_jwks"),
]
