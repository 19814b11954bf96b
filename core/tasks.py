"""Background tasks: how services queue them, and how a caller without a worker runs them now.

A service queues a task for when its transaction commits: `enqueue_on_commit(task, *args)`,
which hands it to the task's backend (TASKS in the settings: a queue in the database that
`manage.py db_worker` works, or at once). Inside `with run_now():` the task's own function is
called at that commit instead, in this process, and nothing is queued: for a caller that has
no worker and must leave no work behind (the demo loader). Which of the two happens is
decided when the service asks, inside or outside the block, not when the transaction
commits. The block holds for its own thread only.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_now = ContextVar("seedbed_run_tasks_now", default=False)


@contextmanager
def run_now():
    """Run the tasks asked for inside the block instead of queuing them (see above)."""

    token = _now.set(True)
    try:
        yield
    finally:
        _now.reset(token)


def running_now():
    """Whether a task asked for here is to run now (inside `run_now()`) or be queued."""

    return _now.get()


def enqueue_on_commit(task, *args, **kwargs):
    """Queue `task` (a django_tasks task) with these arguments when the current transaction
    commits (at once outside one); inside `run_now()`, call it then instead."""

    if running_now():
        transaction.on_commit(lambda: task.call(*args, **kwargs))
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
