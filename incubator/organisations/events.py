"""What organisations tell the apps above them: explicit events, sent inside the transaction
that made the change (the admin's after it commits), after the audit entry. A receiver that
acts outside the database defers that to `transaction.on_commit`."""

from django.dispatch import Signal

#: An organisation's record was edited: by its members (`fields` names the fields changed)
#: or by staff in the admin (`fields` is None: not known). Sent with `organisation` and
#: `fields`.
organisation_changed = Signal()
