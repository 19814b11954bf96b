import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core import tasks

CALLED = []


@task(backend="background")
def remember(value):
    CALLED.append(value)


@pytest.fixture
def queue(settings):
    """The production shape: "background" tasks go to the database, for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
                      "background": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CALLED.clear()
    yield DBTaskResult.objects
    CALLED.clear()


def test_a_task_is_queued_for_the_worker_when_the_transaction_commits(
        db, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.enqueue_on_commit(remember, 1)
    assert not queue.exists()
    callbacks[0]()
    assert CALLED == []
    assert list(queue.values_list("task_path", "args_kwargs")) == [
        ("tests.core.test_tasks.remember", {"args": [1], "kwargs": {}})]


def test_inside_run_now_the_task_runs_at_the_commit_and_nothing_is_queued(
        db, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), tasks.run_now():
        tasks.enqueue_on_commit(remember, 2)
        assert CALLED == []
    assert CALLED == [2] and not queue.exists()


def test_run_now_holds_for_what_was_asked_inside_it_even_when_the_commit_comes_after(
        db, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with tasks.run_now():
            tasks.enqueue_on_commit(remember, 3)
        assert not tasks.running_now()
        tasks.enqueue_on_commit(remember, 4)
    for callback in callbacks:
        callback()
    assert CALLED == [3]
    assert [row["args"] for row in queue.values_list("args_kwargs", flat=True)] == [[4]]


# -- work lost with its worker -------------------------------------------------------------
def claimed(queue, value, started_ago):
    """A queued task a worker claimed `started_ago`, as the worker's claim leaves it."""
    result = remember.enqueue(value)
    queue.filter(pk=result.id).update(status="RUNNING", started_at=timezone.now() - started_ago,
                                      worker_ids=["worker-1"])
    return queue.get(pk=result.id)


def test_the_sweep_marks_failed_what_a_dead_worker_left_running(db, queue):
    lost = claimed(queue, 5, tasks.LOST_AFTER + timedelta(minutes=1))
    working = claimed(queue, 6, timedelta(minutes=1))
    output = io.StringIO()
    call_command("sweep_tasks", stdout=output)
    lost.refresh_from_db()
    working.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path == "core.tasks.WorkerLost"
    assert "worker-1" in lost.traceback and lost.finished_at is not None
    assert working.status == "RUNNING"
    assert "1 lost queue entries" in output.getvalue()


def test_the_sweep_lets_each_app_heal_its_own_work(db, queue):
    heard = []

    def receiver(**kwargs):
        heard.append(kwargs["signal"])

    tasks.sweeping.connect(receiver)
    try:
        tasks.sweep()
    finally:
        tasks.sweeping.disconnect(receiver)
    assert heard == [tasks.sweeping]


def test_a_task_is_pending_while_it_waits_or_runs(db, queue):
    assert not tasks.pending(remember)
    entry = claimed(queue, 7, timedelta(seconds=1))
    assert tasks.pending(remember)
    queue.filter(pk=entry.pk).update(status="SUCCESSFUL")
    assert not tasks.pending(remember)
    remember.enqueue(8)
    assert tasks.pending(remember)
