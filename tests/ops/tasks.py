"""A task for tests only: it leaves one file per run, and fails if its file is already there,
so a task run twice shows as a failure."""

import os
import time
from pathlib import Path

from django_tasks import task


@task(backend="background")
def record_run(number, folder, seconds=0.0):
    time.sleep(seconds)  # long enough for every worker to get its share
    with (Path(folder) / str(number)).open("x") as handle:
        handle.write(str(os.getpid()))
