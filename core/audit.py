"""Audit entries are Wagtail's own log (`wagtail.log_actions.log` → ModelLogEntry), so staff
also find them under Reports → Site history. Each app declares its `seedbed.…` action codes
with a label, which Wagtail requires before it accepts an entry."""


def register_actions(actions, labels):
    for action, label in labels:
        actions.register_action(action, label, label)
