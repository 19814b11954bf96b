"""Giving to a project or to the pool, receipts and refunds."""

from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("projects/<int:pk>/donate/", views.donate_project, name="donate_project"),
    path("donate/", views.donate_pool, name="donate_pool"),
    path("donations/<uuid:public_id>/", views.donation_status, name="status"),
    path("donations/<uuid:public_id>/receipt/", views.donation_receipt, name="receipt"),
    path("donations/<uuid:public_id>/receipt.pdf", views.donation_receipt_pdf, name="receipt_pdf"),
    path("staff/donations/<uuid:public_id>/refund/", views.donation_refund, name="refund"),
]
