"""Giving to a project or to the pool, receipts and refunds."""

from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:pk>/donate/", views.donate_project, name="donate_project"),
    path("donate/", views.donate_pool, name="donate_pool"),
    path("donations/<uuid:public_id>/", views.donation_status, name="donation_status"),
    path("donations/<uuid:public_id>/receipt/", views.donation_receipt, name="donation_receipt"),
    path("donations/<uuid:public_id>/receipt.pdf", views.donation_receipt_pdf, name="donation_receipt_pdf"),
    path("staff/donations/<uuid:public_id>/refund/", views.donation_refund, name="donation_refund"),
]
