"""Fifty visitors at once against gunicorn, on the demo at scale: throughput and latency.

    DATABASE_URL=postgres://… .venv/bin/python bench/load.py            # 20,000 projects, 60 s
    DATABASE_URL=postgres://… .venv/bin/python bench/load.py --projects 5000 --users 50 --seconds 60

Fills the scratch database as bench/portal.py does (the demo, then N funded projects), writes
the open data, collects static files into a temporary folder, starts gunicorn with
--workers (default 2: the machine's cores) in production settings, and lets locust's
simulated visitors (headless, in this process) walk home → calls → project browser → a facet
→ a search → a project → the figures, then download the open data, pausing 1–3 s between
pages like people. Prints requests per second, median and 95th-percentile latency and the
error count, in total and per page.

Targets (issue 12): 0 errors, p95 under 500 ms on 2 cores.
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
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
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
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        run_load(f"http://127.0.0.1:{port}", site, args)
    finally:
        server.terminate()
        server.wait(timeout=30)


def run_load(host, site, args):
    import gevent
    import requests
    from locust import HttpUser, between, task
    from locust.env import Environment

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{host}/healthz", timeout=30).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or still loading Django
            time.sleep(0.5)
    else:
        sys.exit("gunicorn did not start")

    class Visitor(HttpUser):
        wait_time = between(1, 3)

        @task
        def browse(self):
            street, theme = random.choice(site["streets"]), random.choice(site["themes"])
            pages = [
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
    runner.start(args.users, spawn_rate=args.users / 5)
    gevent.spawn_later(args.seconds, runner.quit)
    runner.greenlet.join()

    stats = environment.stats
    print(f"\n{args.users} visitors for {args.seconds} s against gunicorn -w {args.workers} "
          f"({site['total']:,} funded projects)")
    print(f"{'page':28} {'requests':>9} {'errors':>7} {'median ms':>10} {'p95 ms':>8}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(f"{entry.name:28} {entry.num_requests:>9} {entry.num_failures:>7} "
              f"{entry.median_response_time:>10.0f} {entry.get_response_time_percentile(0.95):>8.0f}")
    total = stats.total
    p95 = total.get_response_time_percentile(0.95)
    print(f"{'total':28} {total.num_requests:>9} {total.num_failures:>7} {total.median_response_time:>10.0f} "
          f"{p95:>8.0f}")
    print(f"throughput {total.num_requests / args.seconds:.1f} requests/s")
    met = total.num_failures == 0 and p95 < 500
    print("targets (0 errors, p95 < 500 ms):", "met" if met else "missed")
    for error in stats.errors.values():
        print("error:", error.name, error.error, error.occurrences)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--prepare":
        prepare(int(sys.argv[2]))
    else:
        main()
