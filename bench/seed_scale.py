"""How fast `seed_demo --scale N` loads bulk records.

    DATABASE_URL=postgres://… .venv/bin/python bench/seed_scale.py 100000
    .venv/bin/python bench/seed_scale.py 100000          # a throwaway SQLite file

Migrates the target database, then times `seed_demo --scale N` and prints the figures. With
no DATABASE_URL it uses a fresh SQLite file in a temporary folder; with one, that database
is used as it is (point it at a scratch database).
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "1")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from incubator.accounts.models import User


def main(count):
    call_command("migrate", verbosity=0)
    load = User.objects.filter(email__startswith="load-")
    before = load.count()
    started = time.perf_counter()
    call_command("seed_demo", "--scale", str(count), stdout=open(os.devnull, "w"))
    elapsed = time.perf_counter() - started
    created = load.count() - before
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database:        {connection.vendor}")
    print(f"records created: {created} applicant users + {created} email addresses")
    print(f"seed_demo time:  {elapsed:.1f} s  ({2 * created / elapsed:,.0f} rows/s)")
    print(f"peak memory:     {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
