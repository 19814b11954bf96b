"""How fast the staff workbench (/<lang>/staff/proposals/) answers with many proposals.

    DATABASE_URL=postgres://… .venv/bin/python bench/staff_list.py [N]       # N = 100000
    .venv/bin/python bench/staff_list.py 20000 --allow-sqlite                # rough, SQLite

Point DATABASE_URL at a scratch database: the script migrates it, loads the demo data if it
has no calls (`seed_demo`), then bulk-creates N submitted proposals (references BENCH-…)
across the demo calls, streets and organisations, once — a second run with the same N reuses
them. After ANALYZE it times, through Django's test client and the whole middleware stack,
30 requests (after 3 warm-ups) of: /healthz (the project's smallest view, a baseline), the
default staff list, a status filter, a filtered list (status + street + lowest score), a
Chinese search (q=停车), an English one (q=neighbourhood watch, an organisation's English
name) and one proposal's staff page. It prints the median and 95th percentile in
milliseconds, the SQL queries per request, and the PostgreSQL plans of the searches' queries,
showing whether the GIN index on the stored search vector is used. Targets at 100,000
proposals (issue 18): medians under 50 ms for the lists and searches, under 30 ms for the
proposal's page.

Settings are production-shaped (DEBUG off); only what a test client needs is relaxed (no
HTTPS redirect, 'testserver' allowed, static files without a collectstatic manifest).
"""

import argparse
import os
import random
import re
import secrets
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREFIX = "BENCH-"
BATCH = 5000
RUNS, WARMUPS = 30, 3

# Believable titles: <street><flavour><topic>. Two topics of 24 are about parking (停车).
FLAVOURS = ["", "“邻里守望”", "“银龄互助”", "“同心圆”", "“微光”", "“幸福里”", "2026年", "“红色管家”"]
TOPICS = [
    "小区停车管理方案", "老旧小区共享停车位协商项目", "老年人居家关爱项目", "青少年课后托管服务",
    "社区垃圾分类宣传行动", "邻里互助议事会培育", "残障人士就业支持计划", "楼栋自治能力建设",
    "老旧小区加装电梯协商", "社区长者食堂运营", "困境儿童陪伴成长计划", "新就业群体关爱驿站",
    "文明养犬倡导行动", "社区文化节", "独居老人智能守护", "家庭教育指导服务",
    "社区志愿者队伍建设", "心理健康进社区", "社区微更新参与式设计", "外来务工人员子女融入",
    "社区矛盾纠纷调解", "低碳生活社区行", "全民阅读推广", "山城步道文明守护",
]
SUMMARIES = [
    "链接居民、物业与社区居委会，形成可持续的议事协商机制。",
    "组织志愿者开展常态化入户走访，建立服务对象档案。",
    "通过培训、活动与陪伴，提升服务对象的自助与互助能力。",
]
STATUS_WEIGHTS = [  # (status, share): what a year of calls leaves behind
    ("submitted", 10), ("screening", 5), ("in_review", 30), ("more_info", 3),
    ("approved", 20), ("rejected", 22), ("waitlisted", 5), ("screened_out", 5),
]
SCORED = {"in_review", "approved", "rejected", "waitlisted"}


def configure(allow_sqlite):
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        if not allow_sqlite:
            sys.exit(f"{sys.argv[0]} measures PostgreSQL: set DATABASE_URL=postgres://… to a "
                     "scratch database (or pass --allow-sqlite for a rough local figure).")
        if not url:
            import tempfile

            os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

    import django

    django.setup()


def ensure_proposals(count):
    """N submitted proposals with references BENCH-000001…, created once."""

    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Locale

    from core.search import document
    from grants.calls.models import CallPage, Theme
    from grants.proposals.models import Proposal
    from incubator.organisations.models import Organisation
    from incubator.places.models import Street

    call_command("migrate", verbosity=0)
    if not CallPage.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)
    existing = Proposal.objects.filter(reference__startswith=PREFIX).count()
    if existing >= count:
        print(f"{existing:,} bench proposals already there: reusing them")
        return existing

    random.seed(20260301 + existing)
    calls = list(CallPage.objects.filter(locale=Locale.get_default()))
    organisations = list(Organisation.objects.all())
    streets = list(Street.objects.all())
    themes = list(Theme.objects.all())
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    now = timezone.now()
    through = Proposal.themes.through
    started = time.perf_counter()
    for start in range(existing, count, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, count)):
            organisation = random.choice(organisations)
            street = organisation.street if random.random() < 0.7 else random.choice(streets)
            status = random.choice(statuses)
            title = f"{street.name_zh}{random.choice(FLAVOURS)}{random.choice(TOPICS)}"
            summary = random.choice(SUMMARIES)
            reference = f"{PREFIX}{number + 1:06d}"
            scored = status in SCORED and random.random() < 0.9
            reviews = random.randint(2, 3) if scored else 0
            requested = Decimal(random.randrange(200, 2000) * 100)
            rows.append(Proposal(
                call=random.choice(calls), organisation=organisation, street=street, title=title,
                summary=summary, requested_amount=requested, cofunding_amount=requested / 10,
                status=status, reference=reference,
                submitted_at=now - timedelta(seconds=random.randrange(365 * 24 * 3600)),
                score=Decimal(random.randrange(3500, 9700)) / 100 if scored else None,
                review_count=reviews, disagreement=scored and random.random() < 0.08,
                search_text=document(reference, title, summary, organisation.name_zh,
                                     organisation.name_en, organisation.uscc,
                                     organisation.filing_number),
            ))
        created = Proposal.objects.bulk_create(rows, batch_size=BATCH)
        through.objects.bulk_create(
            [through(proposal_id=p.pk, theme_id=random.choice(themes).pk) for p in created],
            batch_size=BATCH)
        print(f"  created {start + len(rows):,} / {count:,}", end="\r", flush=True)
    print(f"created {count - existing:,} bench proposals in {time.perf_counter() - started:.0f} s")
    return count


def staff_client():
    from django.contrib.auth.models import Group
    from django.test import Client

    from incubator.accounts import permissions
    from incubator.accounts.models import User

    user, _ = User.objects.get_or_create(email="bench-staff@example.com", defaults={"name": "基准测试"})
    user.groups.add(Group.objects.get(name=permissions.STAFF))
    client = Client()
    client.force_login(user)
    return client


def measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "median": statistics.median(times),
        "p95": statistics.quantiles(times, n=20, method="inclusive")[-1],
        "queries": len(queries),
        "rows": matching(url),
        "sql": [query["sql"] for query in queries.captured_queries],
    }


def matching(url):
    """How many proposals the list at `url` finds (None for other pages)."""
    from django.http import QueryDict

    from grants.proposals.models import Proposal
    from grants.review.workbench_filters import ProposalFilter

    if not re.search(r"/staff/proposals/(\?|$)", url):
        return None
    query = QueryDict(url.partition("?")[2])
    return ProposalFilter(query, queryset=Proposal.objects.exclude(status=Proposal.Status.DRAFT)).qs.count()


def explain(sql_statements):
    """EXPLAIN ANALYZE of the proposal queries one request ran (the count and the page)."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql in sql_statements:
            if "proposals_proposal" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--allow-sqlite", action="store_true")
    parser.add_argument("--no-exports", action="store_true", help="skip timing the CSV and XLSX exports")
    options = parser.parse_args()
    configure(options.allow_sqlite)

    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from grants.proposals.models import Proposal
    from incubator.places.models import Street

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    total = ensure_proposals(options.count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    street = Street.objects.get(code="500108003")  # 南坪街道, the busiest in the demo data
    detail = Proposal.objects.filter(reference__startswith=PREFIX, status="in_review").order_by("pk").first()
    scenarios = [
        ("minimal view (/healthz)", "/healthz", None),
        ("staff list, default", "/zh-hans/staff/proposals/", 50),
        ("status filter: in review", "/zh-hans/staff/proposals/?status=in_review", 50),
        ("filtered: status+street+score",
         f"/zh-hans/staff/proposals/?status=in_review&street={street.pk}&score_min=60", 50),
        ("search: q=停车", "/zh-hans/staff/proposals/?q=停车", 50),
        ("search: q=neighbourhood watch", "/zh-hans/staff/proposals/?q=neighbourhood+watch", 50),
        ("proposal's staff page", f"/zh-hans/staff/proposals/{detail.pk}/", 30),
        # Not in the target; shows what a sort without a matching index costs.
        ("sorted: highest score first", "/zh-hans/staff/proposals/?sort=-score", None),
    ]
    static = {**settings.STORAGES,
              "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    results = {}
    with override_settings(STORAGES=static):
        client = staff_client()
        for label, url, _target in scenarios:
            results[label] = measure(client, url)

    print()
    version = f" {connection.pg_version // 10000}" if connection.vendor == "postgresql" else ""
    print(f"database: {connection.vendor}{version} · bench proposals: {total:,} · "
          f"{RUNS} runs after {WARMUPS} warm-ups")
    print(f"{'request':<32} {'matching':>9} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, _url, target in scenarios:
        result = results[label]
        rows = "–" if result["rows"] is None else f"{result['rows']:,}"
        aim = f"< {target} ms" if target else ""
        print(f"{label:<32} {rows:>9} {result['median']:>10.1f} {result['p95']:>8.1f} {result['queries']:>8}  {aim}")
    slow = [label for label, _url, target in scenarios if target and results[label]["median"] >= target]
    print("targets (medians):", "met" if not slow else f"missed by {', '.join(slow)}")

    print("\nExports of the whole default list (one run each, not in the target):")
    with override_settings(STORAGES=static):
        for format in () if options.no_exports else ("csv", "xlsx"):
            started = time.perf_counter()
            response = client.get(f"/zh-hans/staff/proposals/export.{format}")
            size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming \
                else len(response.content)
            print(f"  {format:<5} {time.perf_counter() - started:6.1f} s  {size / 1e6:6.1f} MB")

    if connection.vendor == "postgresql":
        print("\nPlans of the searches' proposal queries (EXPLAIN ANALYZE):")
        plans = explain(results["search: q=停车"]["sql"]) + explain(results["search: q=neighbourhood watch"]["sql"])
        for sql, plan in plans:
            print("\n" + sql[:160] + ("…" if len(sql) > 160 else ""))
            print(plan)
        print()
        for sql, plan in plans:
            kind = "count" if sql.lstrip().upper().startswith("SELECT COUNT") else "page"
            indexes = sorted(set(re.findall(r"(?:Index Scan|Index Only Scan)(?: Backward)? (?:using|on) (\w+)", plan)))
            print(f"{kind} query uses: {', '.join(indexes) or 'no index'}")
        if not any("proposal_search_vector_gin" in plan for _sql, plan in plans):
            print("WARNING: the GIN index proposal_search_vector_gin is not used at all")
        if any("to_tsvector" in sql for sql, _plan in plans):
            print("WARNING: a search query computes a vector instead of reading the stored one")


if __name__ == "__main__":
    main()
