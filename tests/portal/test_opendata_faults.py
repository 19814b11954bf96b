"""The open-data export after a fault: a crash mid-export leaves temporary files that the
next export removes (but not a concurrent writer's), and a regeneration lost with its worker
is queued again by the sweep of lost work."""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import tasks
from portal import services as files
from portal.models import OpenDataChange


@pytest.fixture(autouse=True)
def _open_data_root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"


def left_behind(name, age):
    """A temporary file as a dead export leaves it, last written `age` ago."""
    path = files.root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"grants": [')
    moment = time.time() - age.total_seconds()
    os.utime(path, (moment, moment))
    return path


def temporaries():
    return sorted(path.name for path in files.root().glob(".*.tmp"))


def test_the_next_export_removes_what_a_killed_one_left_behind(db):
    old = tasks.LOST_AFTER + timedelta(minutes=1)
    stale = [left_behind(".360giving.json.k1l2d3.tmp", old), left_behind(".360giving.csv.k1l2d3.tmp", old),
             left_behind(".state.json.tmp", old)]
    assert files.regenerate() == 0
    assert not any(path.exists() for path in stale) and temporaries() == []
    assert (files.root() / "360giving.json").exists()


def test_a_young_temporary_file_may_be_a_concurrent_writers_and_stays(db):
    young = left_behind(".360giving.json.w0rk1n.tmp", timedelta(minutes=5))
    files.regenerate()
    assert young.exists()


def test_the_sweep_queues_a_regeneration_lost_with_its_worker(db, settings, django_capture_on_commit_callbacks):
    files.regenerate()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
                      "background": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        files.data_changed()  # queued for the worker, which claims it and dies
    lost = DBTaskResult.objects.get(task_path=files.regenerate_files.module_path)
    DBTaskResult.objects.filter(pk=lost.pk).update(status="RUNNING", started_at=timezone.now() - timedelta(hours=2),
                                                   worker_ids=["dead-worker"])
    assert tasks.sweep() == 1
    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path == "core.tasks.WorkerLost"
    assert DBTaskResult.objects.filter(task_path=files.regenerate_files.module_path, status="READY").count() == 1
    # A second sweep finds it queued already and adds nothing.
    tasks.sweep()
    assert DBTaskResult.objects.filter(task_path=files.regenerate_files.module_path, status="READY").count() == 1


def test_the_sweep_queues_nothing_while_the_files_are_current(db, settings):
    files.regenerate()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
                      "background": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.sweep()
    assert not DBTaskResult.objects.exists()
    OpenDataChange.objects.create()  # changed, and the task queued for it was lost
    tasks.sweep()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
