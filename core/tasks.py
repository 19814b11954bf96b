"""Background tasks: how services queue them, and how a caller without a worker runs them now.

A service queues a task for when its transaction commits: `enqueue_on_commit(task, *args)`,
which hands it to the task's backend (TASKS in the settings: a queue in the database that
`manage.py db_worker` works, or at once). Inside `with run_now():` the task's own function is
called at that commit instead, in this process, and nothing is queued: for a caller that has
no worker and must leave no work behind (the demo loader). Which of the two happens is
decided when the service asks, inside or outside the block, not when the transaction
commits. The block holds for its own thread only.

A worker can die in the middle of a task (killed, out of memory, the machine restarted): its
task then stays "running" in the queue for ever, and so would whatever the task was making.
`sweep()` notices such work: it marks queue entries running longer than `LOST_AFTER` failed
(no task of ours runs that long), then sends `sweeping`, to which each app that owns a task
connects its own check (a matching run's heartbeat, the open data's freshness) and marks its
lost work failed or queues it again. It runs when a page that shows such work is opened, and
every minute or so from `manage.py sweep_tasks --every 60`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

LOST_AFTER = timedelta(hours=1)

# Sent by sweep() after the queue itself is swept; receivers find and heal their own lost work.
sweeping = Signal()


class WorkerLost(Exception):
    """What a queue entry whose worker stopped answering is marked as failing with."""

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


def pending(task):
    """Whether `task` waits in the database queue or is being worked (not yet swept as lost):
    a caller about to queue it again can leave it."""

    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=["READY", "RUNNING"]).exists()


def sweep():
    """Mark the queue's lost entries failed, then let each app heal its own work (see above).
    Returns how many queue entries were marked."""

    from django_tasks_db.models import DBTaskResult

    lost = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=timezone.now() - LOST_AFTER)
    marked = 0
    for entry in lost:
        entry.set_failed(WorkerLost(f"no answer from worker {', '.join(entry.worker_ids) or '?'} "
                                    f"since {entry.started_at.isoformat()}"))
        marked += 1
    sweeping.send(sender=None)
    return marked
