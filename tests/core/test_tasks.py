import pytest
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
