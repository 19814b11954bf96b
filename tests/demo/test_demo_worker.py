"""Stopping `./seedbed demo` stops its task worker: the PID the script keeps is the worker
itself, not an autoreloader whose child does the work (a child a SIGKILL would orphan, and
that even a SIGTERM only takes down with a SIGKILL, mid-task)."""

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def worker_command():
    """The worker line of the `seedbed` script itself, run with this interpreter."""

    line = next(line for line in (BASE_DIR / "seedbed").read_text().splitlines()
                if "manage.py db_worker" in line)
    words = shlex.split(re.sub(r"&\s*$", "", line.strip()))
    return [sys.executable, *words[1:]]


def tree(pid):
    """pid and every process descended from it."""

    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(entry.name)] = int(fields[1])
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(child for child, parent in parents.items() if parent == current)
    return found


def has_open(pid, path):
    try:
        return any(os.path.realpath(fd) == str(path) for fd in
                   (f"/proc/{pid}/fd/{name}" for name in os.listdir(f"/proc/{pid}/fd")))
    except OSError:
        return False


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_killing_the_demo_workers_pid_stops_the_worker(tmp_path):
    database = tmp_path / "worker.sqlite3"
    # The demo's settings (DEBUG=1, the worker's database queue), on a database of its own.
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Only the queue's table; other apps' post-migrate steps may fail on this bare database.
    subprocess.run([sys.executable, "manage.py", "migrate", "django_tasks_database", "-v", "0"],
                   cwd=BASE_DIR, env=env, capture_output=True, check=False)
    worker = subprocess.Popen(worker_command(), cwd=BASE_DIR, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes = [worker.pid]
    try:
        # Running once some process of it polls the queue.
        deadline = time.monotonic() + 90
        while not any(has_open(pid, database) for pid in tree(worker.pid)):
            assert worker.poll() is None, "the worker stopped by itself"
            assert time.monotonic() < deadline, "the worker never opened its database"
            time.sleep(0.5)
        processes = tree(worker.pid)
        assert processes == [worker.pid], "the worker runs in a child process"
        os.kill(worker.pid, signal.SIGTERM)  # what the script's trap does
        assert worker.wait(timeout=30) == 0  # its own clean shutdown
        time.sleep(1)
        assert [pid for pid in processes if alive(pid)] == []
    finally:
        for pid in processes:
            if pid != worker.pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
        if worker.poll() is None:
            worker.kill()
