"""How long the full 360Giving export takes, and how much memory it needs, as grants grow.

    DATABASE_URL=postgres://… .venv/bin/python bench/opendata.py [SIZES …]   # default 10000 100000
    .venv/bin/python bench/opendata.py 2000 20000 --allow-sqlite            # rough, SQLite

Point DATABASE_URL at a scratch database: the script migrates it, loads the demo data if it
has no calls (`seed_demo`, for the calls, themes and places), then bulk-creates awards
(proposals with references OPENDATA-…, their organisations, funding lines) up to each size
in turn — not through the services: it measures the export, not the paperwork — and runs
the export as `manage.py export_open_data` does (`portal.services.regenerate`,
both files, into a temporary folder). Each measurement is a fresh process, twice: once for
the time and the peak resident memory (VmHWM, which includes Django and every app loaded
before the export starts, also printed), once under tracemalloc for the peak of Python
memory the export itself allocates. Target: a peak under 150 MB, not rising
between 10,000 and 100,000 grants.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from staff_list import configure  # noqa: E402  (the same environment for every benchmark)

PREFIX = "OPENDATA-"
BATCH = 5000
CENT = Decimal("0.01")
PAID_SHARE = {"contracting": Decimal("0"), "active": Decimal("0.5"), "completed": Decimal("1"),
              "terminated": Decimal("0.5")}


def bench_funds():
    """Four funds: two of the civil-affairs bureau (one code), a foundation's without a code,
    a company's."""

    from grants.funding.models import Fund

    specs = [
        ("基准测试·政府购买服务资金", "government", "重庆市南岸区民政局", "11500108MB0000001X"),
        ("基准测试·福彩公益金", "welfare_lottery", "重庆市南岸区民政局", "11500108MB0000001X"),
        ("基准测试·社区发展基金", "foundation", "重庆市慈善基金会", ""),
        ("基准测试·企业公益资金", "company", "重庆某科技有限公司", "91500108MA00000002"),
    ]
    funds = []
    for name, kind, owner, code in specs:
        fund, _ = Fund.objects.get_or_create(name_zh=name, defaults={
            "kind": kind, "year": 2026, "owner_zh": owner, "owner_uscc": code, "budget": Decimal("100000000000")})
        funds.append(fund)
    return funds


def prepare():
    """Migrate; the demo data (calls, themes, places) when there is no call yet."""
    from django.core.management import call_command

    from grants.calls.models import CallPage

    call_command("migrate", verbosity=0)
    if not CallPage.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)


def ensure_awards(count):
    """Awards up to `count` bench proposals (OPENDATA-000001…), adding only what is missing."""
    from wagtail.models import Locale

    from grants.calls.models import CallPage, Theme
    from grants.funding.models import Award, AwardFunding
    from grants.proposals.models import Proposal
    from incubator.organisations.models import Organisation
    from incubator.places.models import Street

    existing = Proposal.objects.filter(reference__startswith=PREFIX).count()
    if existing >= count:
        return
    random.seed(20260401 + existing)
    funds = bench_funds()
    calls = list(CallPage.objects.filter(locale=Locale.get_default()))
    streets = list(Street.objects.prefetch_related("communities"))
    themes = list(Theme.objects.all())
    statuses = ["contracting"] * 10 + ["active"] * 50 + ["completed"] * 35 + ["terminated"] * 5
    started = time.perf_counter()
    for start in range(existing, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        # One organisation for every ten projects; one in ten is a filed community group.
        organisations = Organisation.objects.bulk_create([
            Organisation(name_zh=f"南岸区基准社工服务中心{start + i}号", kind="social_service", address="-",
                         uscc=None if i % 10 == 0 else f"52500108MJ{start + i:08d}",
                         filing_number=f"南岸备OD{start + i:08d}" if i % 10 == 0 else None,
                         street=random.choice(streets), contact_name="-", contact_phone="-",
                         contact_email="bench@example.org", status="verified")
            for i in range((len(numbers) + 9) // 10)])
        proposals, places, topics = [], [], []
        for n in numbers:
            street = random.choice(streets)
            begin = calls[0].project_start + timedelta(days=random.randrange(60))
            proposals.append(Proposal(
                call=random.choice(calls), organisation=organisations[(n - start) // 10], status="approved",
                reference=f"{PREFIX}{n + 1:06d}", title=f"{street.name_zh}社区服务项目{n + 1}",
                summary="链接居民、物业与社区居委会，形成可持续的议事协商机制。", street=street,
                starts_on=begin, ends_on=begin + timedelta(days=random.randrange(180, 365)),
                requested_amount=Decimal(random.randrange(200, 1500) * 100)))
            communities = list(street.communities.all())
            places.append(random.sample(communities, min(len(communities), random.randint(0, 3))))
            topics.append(random.sample(themes, random.randint(1, 2)))
        proposals = Proposal.objects.bulk_create(proposals, batch_size=BATCH)
        Proposal.communities.through.objects.bulk_create([
            Proposal.communities.through(proposal_id=p.pk, community_id=c.pk)
            for p, chosen in zip(proposals, places) for c in chosen], batch_size=BATCH)
        Proposal.themes.through.objects.bulk_create([
            Proposal.themes.through(proposal_id=p.pk, theme_id=t.pk)
            for p, chosen in zip(proposals, topics) for t in chosen], batch_size=BATCH)
        awards, lines = [], []
        for proposal in proposals:
            status = random.choice(statuses)
            total = proposal.requested_amount
            first = total if random.random() < 0.6 else (total * 2 / 3).quantize(CENT)
            shares = [first, total - first] if first < total else [total]
            paid = PAID_SHARE[status]
            awards.append(Award(proposal=proposal, call_id=proposal.call_id, organisation_id=proposal.organisation_id,
                                street_id=proposal.street_id, status=status, starts_on=proposal.starts_on,
                                ends_on=proposal.ends_on, granted=total,
                                paid=sum((share * paid).quantize(CENT) for share in shares)))
            lines.append([(fund, share, (share * paid).quantize(CENT))
                          for fund, share in zip(random.sample(funds, len(shares)), shares)])
        awards = Award.objects.bulk_create(awards, batch_size=BATCH)
        AwardFunding.objects.bulk_create([
            AwardFunding(award=award, fund=fund, granted=share, paid=paid)
            for award, chosen in zip(awards, lines) for fund, share, paid in chosen], batch_size=BATCH)
        print(f"  created {numbers[-1] + 1:,} / {count:,}", end="\r", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"\rcreated {count - existing:,} bench awards in {time.perf_counter() - started:.0f} s" + " " * 20)


def peak_rss_mb():
    """This process's peak resident memory. Linux's VmHWM, not ru_maxrss: a child started
    with fork + exec inherits its parent's ru_maxrss (here, the parent that bulk-created the
    rows), while VmHWM belongs to the new program's memory alone."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def measure(traced):
    """In a fresh process: run the export once and print its figures as JSON."""
    import tracemalloc

    from django.conf import settings

    from grants.funding.models import Award
    from portal import services as opendata

    directory = Path(tempfile.mkdtemp())
    settings.OPEN_DATA_ROOT = directory
    baseline = peak_rss_mb()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    count = opendata.regenerate(force=True)
    seconds = time.perf_counter() - started
    figures = {"grants": count, "awards": Award.objects.count(), "seconds": seconds, "baseline_mb": baseline,
               "peak_mb": peak_rss_mb(),
               "json_mb": (directory / "360giving.json").stat().st_size / 1e6,
               "csv_mb": (directory / "360giving.csv").stat().st_size / 1e6}
    if traced:
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    shutil.rmtree(directory)
    print(json.dumps(figures))


def child(traced, allow_sqlite):
    arguments = [sys.executable, __file__, "--measure"] + (["--traced"] if traced else []) + (
        ["--allow-sqlite"] if allow_sqlite else [])
    output = subprocess.run(arguments, check=True, capture_output=True, text=True, env=os.environ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--allow-sqlite", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    configure(options.allow_sqlite)
    if options.measure:
        return measure(options.traced)

    from django.conf import settings
    from django.db import connection

    from grants.proposals.models import Proposal

    # seed_demo's awards queue the open data's regeneration: not into the project's media.
    settings.OPEN_DATA_ROOT = Path(tempfile.mkdtemp(prefix="opendata-bench-"))
    try:
        prepare()
    finally:
        shutil.rmtree(settings.OPEN_DATA_ROOT)
    rows = []
    for size in sorted(options.sizes):
        # The export publishes every award: a size below what the database holds cannot be
        # measured there (bench rows are only ever added).
        held = Proposal.objects.filter(reference__startswith=PREFIX).count()
        if held > size:
            print(f"{size:,}: skipped, the database already holds {held:,} bench awards (use a fresh one)")
            continue
        ensure_awards(size)
        plain, traced = child(False, options.allow_sqlite), child(True, options.allow_sqlite)
        rows.append((size, plain, traced))
    if not rows:
        return
    version = connection.cursor().connection.info.server_version // 10000 if connection.vendor == "postgresql" else ""
    print(f"database: {connection.vendor} {version} · one process per figure · both files in one pass")
    print(f"{'bench awards':>12} {'grants':>8} {'time s':>7} {'grants/s':>9} {'JSON MB':>8} {'CSV MB':>7} "
          f"{'RSS before':>10} {'RSS peak':>9} {'export traced peak':>19}")
    for size, plain, traced in rows:
        print(f"{size:>12,} {plain['grants']:>8,} {plain['seconds']:>7.1f} {plain['grants'] / plain['seconds']:>9,.0f} "
              f"{plain['json_mb']:>8.1f} {plain['csv_mb']:>7.1f} {plain['baseline_mb']:>8.0f} MB "
              f"{plain['peak_mb']:>6.0f} MB {traced['traced_peak_mb']:>16.1f} MB")
    peaks = [plain["peak_mb"] for _size, plain, _traced in rows]
    traced_peaks = [traced["traced_peak_mb"] for _size, _plain, traced in rows]
    print(f"target (peak < 150 MB, not rising with the number of grants): "
          f"{'met' if max(peaks) < 150 and peaks[-1] - peaks[0] < 5 else 'NOT met'} "
          f"(RSS peak {min(peaks):.0f}–{max(peaks):.0f} MB; traced {min(traced_peaks):.1f}–{max(traced_peaks):.1f} MB)")


if __name__ == "__main__":
    main()
