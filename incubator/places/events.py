"""What places tell the apps above them."""

from django.dispatch import Signal

#: Staff created, edited or deleted a district, street or community in the admin. Sent with
#: `place`; the sender is its model.
place_changed = Signal()
