"""Crowds of visitors against gunicorn, on the demo at scale: throughput, latency and CPU.

    DATABASE_URL=postgres://…/h6bench .venv/bin/python bench/load.py     # 20,000 projects, 25/50/100, 60 s each
    DATABASE_URL=postgres://…/h6bench .venv/bin/python bench/load.py --users 25 --seconds 20 --saturation 10

Fills the scratch database as bench/portal.py does (the demo, then N funded projects, their
facet rows), writes the open data, collects static files into a temporary folder, starts
gunicorn with --workers (default 4) in production settings (the public cache on, in the
database: CACHE_URL=db://, shared by the workers), and lets locust's simulated visitors
(headless, in this process) walk home → calls → project browser → a facet → a search → a
project → the figures, then download the open data, pausing 1–3 s between pages like
people. Each visitor first asks for /healthz, a trivial view: the floor, in the same run.

One run per number of visitors (--users, each --seconds long), then a saturation run
(--saturation visitors who never pause: the most requests per second the server gives).
Each prints requests per second, median and 95th-percentile latency and the failures, in
total and per page, and the server's CPU use (gunicorn's processes, in cores of the
machine's). The machine's other load counts too: on a shared machine the figures are noisy.

Targets (issue 18): 50 visitors, p95 under 300 ms and 0 failures; saturation 100 req/s or more.
"""

import sys

if "--prepare" not in sys.argv:
    # locust runs on gevent, which must patch the standard library before anything imports ssl.
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The project before bench/: bench/portal.py must not stand in for the `portal` app.
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != HERE] + [str(HERE)]


def prepare(projects):
    """Runs in a child process (no gevent there): the data, the open data, static files.
    Prints the URLs the visitors need, as JSON."""

    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_portal", HERE / "portal.py")
    bench_portal = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_portal)
    sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != HERE] + [str(HERE)]
    from opendata import ensure_awards, prepare as migrate_and_seed
    from staff_list import configure

    ensure_search_text = bench_portal.ensure_search_text

    configure(allow_sqlite="--allow-sqlite" in sys.argv)
    with open(os.devnull, "w") as quiet:
        sys.stdout, real = quiet, sys.stdout
        from django.core.management import call_command
        from django.db import connection

        call_command("createcachetable")  # before migrate: its handlers use the cache already
        migrate_and_seed()
        ensure_awards(projects)
        ensure_search_text()
        bench_portal.ensure_facets()
        call_command("export_open_data")
        call_command("collectstatic", "--noinput", verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        sys.stdout = real

    from grants.calls.models import CallIndexPage, Theme
    from grants.funding.models import Award
    from incubator.places.models import Street
    from portal.models import FiguresPage, ProjectIndexPage

    def page(model):
        return model.objects.filter(locale__language_code="zh-hans").live().first().url

    print(json.dumps({
        "calls": page(CallIndexPage), "browser": page(ProjectIndexPage), "figures": page(FiguresPage),
        "streets": list(Street.objects.values_list("pk", flat=True)),
        "themes": list(Theme.objects.values_list("pk", flat=True)),
        "projects": list(Award.objects.order_by("?").values_list("pk", flat=True)[:500]),
        "total": Award.objects.count(),
    }))


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--users", type=int, nargs="+", default=[25, 50, 100], help="visitors, one run each")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--saturation", type=int, default=20, metavar="VISITORS",
                        help="visitors without pauses in the last run (0: none)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()

    static = os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / "seedbed-bench-static"))
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-only-" + "s" * 60, "STATIC_ROOT": static,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "CACHE_URL": "db://",
           "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    print(f"preparing {args.projects:,} funded projects …", flush=True)
    prepared = subprocess.run([sys.executable, __file__, "--prepare", str(args.projects)]
                              + (["--allow-sqlite"] if args.allow_sqlite else []),
                              env=env, cwd=ROOT, capture_output=True, text=True)
    if prepared.returncode:
        sys.exit(prepared.stderr)
    site = json.loads(prepared.stdout.strip().splitlines()[-1])

    port = free_port()
    # A worker's first request imports every view: on a busy machine that outlasts the default 30 s.
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "--timeout", "120"], env=env, cwd=ROOT)
    try:
        host = f"http://127.0.0.1:{port}"
        wait_for(host)
        for users in args.users:
            run_load(host, site, users, args, server.pid)
        if args.saturation:
            run_load(host, site, args.saturation, args, server.pid, pause=False)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def cpu_seconds(pid):
    """User and system CPU time so far of gunicorn's master and workers."""
    import psutil

    master = psutil.Process(pid)
    total = 0.0
    for process in [master] + master.children(recursive=True):
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def wait_for(host):
    import requests

    deadline = time.monotonic() + 300  # four workers loading Django on a busy machine
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{host}/healthz", timeout=30).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or still loading Django
            time.sleep(0.5)
    else:
        sys.exit("gunicorn did not start")


def run_load(host, site, users, args, pid, pause=True):
    import gevent
    from locust import HttpUser, between, constant, task
    from locust.env import Environment

    class Visitor(HttpUser):
        wait_time = between(1, 3) if pause else constant(0)

        @task
        def browse(self):
            street, theme = random.choice(site["streets"]), random.choice(site["themes"])
            pages = [
                ("floor: /healthz", "/healthz"),  # first, so that even a short run measures it
                ("home", "/zh-hans/"),
                ("calls", site["calls"]),
                ("project browser", site["browser"]),
                ("browser, street + theme", f"{site['browser']}?street={street}&theme={theme}"),
                ("browser, search 停车", f"{site['browser']}?q=停车"),
                ("a project", f"/zh-hans/projects/{random.choice(site['projects'])}/"),
                ("figures", site["figures"]),
                ("open data CSV", "/open-data/360giving.csv"),
            ]
            for name, url in pages:
                self.client.get(url, name=name)
                self.wait()

    Visitor.host = host
    environment = Environment(user_classes=[Visitor])
    runner = environment.create_local_runner()
    cpu_before, started = cpu_seconds(pid), time.monotonic()
    runner.start(users, spawn_rate=users / 5)
    gevent.spawn_later(args.seconds, runner.quit)
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    cores = (cpu_seconds(pid) - cpu_before) / elapsed

    stats = environment.stats
    kind = "visitors" if pause else "visitors without pauses (saturation)"
    print(f"\n{users} {kind} for {args.seconds} s against gunicorn -w {args.workers} "
          f"({site['total']:,} funded projects)", flush=True)
    print(f"{'page':28} {'requests':>9} {'req/s':>6} {'failures':>9} {'median ms':>10} {'p95 ms':>8}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(f"{entry.name:28} {entry.num_requests:>9} {entry.num_requests / elapsed:>6.1f} "
              f"{entry.num_failures:>9} {entry.median_response_time:>10.0f} "
              f"{entry.get_response_time_percentile(0.95):>8.0f}")
    total = stats.total
    p95 = total.get_response_time_percentile(0.95)
    print(f"{'total':28} {total.num_requests:>9} {total.num_requests / elapsed:>6.1f} {total.num_failures:>9} "
          f"{total.median_response_time:>10.0f} {p95:>8.0f}")
    print(f"server CPU {cores:.2f} cores of {os.cpu_count()} ({100 * cores / os.cpu_count():.0f}%)")
    if pause and users == 50:
        met = total.num_failures == 0 and p95 < 300
        print("target (50 visitors: 0 failures, p95 < 300 ms):", "met" if met else "missed")
    if not pause:
        rate = total.num_requests / elapsed
        print("target (saturation 100 req/s or more):", "met" if rate >= 100 else f"missed ({rate:.0f} req/s)")
    for error in stats.errors.values():
        print("error:", error.name, error.error, error.occurrences)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--prepare":
        prepare(int(sys.argv[2]))
    else:
        main()
