"""What calls tell the apps above them. Publishing a call page is Wagtail's own event
(`wagtail.signals.page_published`, sender `CallPage`); the themes are edited in the admin."""

from django.dispatch import Signal

#: Staff created, edited or deleted a theme in the admin. Sent with `theme`.
theme_changed = Signal()
