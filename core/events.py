"""Staff's edits in the Wagtail admin as the owning app's explicit event.

Wagtail's snippet views save (and write their `wagtail.create` / `wagtail.edit` /
`wagtail.delete` audit entry) in a transaction of their own, then run the
`after_create_snippet`, `after_edit_snippet` and `after_delete_snippet` hooks: an app that
declares an event for its model calls `send_after_admin_changes` in its wagtail_hooks.py,
and the event follows every such edit, bulk deletions included.
"""

from wagtail import hooks


def send_after_admin_changes(model, signal, argument, **extra):
    """Send `signal` (sender: the object's model; the object as `argument`, and `extra`) after
    staff create, edit or delete a `model` in the admin."""

    def send(instances):
        for instance in instances:
            if isinstance(instance, model):
                signal.send(sender=type(instance), **{argument: instance}, **extra)

    hooks.register("after_create_snippet", lambda request, instance: send([instance]))
    hooks.register("after_edit_snippet", lambda request, instance: send([instance]))
    hooks.register("after_delete_snippet", lambda request, instances: send(instances))
