"""Matching benchmark: N approved proposals and F funds with mixed rules, solved exactly
(HiGHS through SciPy) and greedily; prints solve time, both objectives and the gap to the
LP-relaxation bound. Also times the award agreement PDF.

    .venv/bin/python bench/matching.py                 # 10,000 proposals, 50 funds
    .venv/bin/python bench/matching.py 2000 20 --seed 7
    .venv/bin/python bench/matching.py --no-pdf

The instance is synthetic and reproducible (--seed): 4 calls, 8 themes, 15 streets; asks of
¥20,000–¥200,000; scores 40–98; funds of five kinds — district government (any call, some
streets, at most ¥150,000 an award), welfare lottery (two themes, at most half an award),
foundations (a theme or three, at most ¥80,000 and 60 %), companies (their streets, at most
30 %) and special funds (two of the calls, no cap) — with budgets covering about 40 % of what
is asked, so that choosing matters.
"""

import argparse
import os
import random
import resource
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.funding.matching import Candidate, Offer, greedy, solve


def instance(n, f, seed):
    rng = random.Random(seed)
    calls, themes, streets = range(1, 5), range(1, 9), range(1, 16)
    candidates = [
        Candidate(key=i, score=Decimal(rng.randint(4000, 9800)) / 100,
                  amount=Decimal(rng.randrange(20_000, 200_001, 1000)), call=rng.choice(calls),
                  themes=frozenset(rng.sample(themes, rng.choice((1, 1, 2, 3)))), street=rng.choice(streets))
        for i in range(n)]
    demand = sum(c.amount for c in candidates)
    kinds = ["government", "lottery", "foundation", "company", "special"]
    weights = {"government": 5, "lottery": 3, "foundation": 2, "company": 1, "special": 3}
    plan = [kinds[i % len(kinds)] for i in range(f)]
    unit = demand * Decimal("0.40") / sum(weights[kind] for kind in plan)
    offers = []
    for key, kind in enumerate(plan, start=1):
        budget = (unit * weights[kind] * Decimal(rng.uniform(0.7, 1.3))).quantize(Decimal("1"))
        rules = {
            "government": dict(streets=frozenset(rng.sample(streets, 8)), max_per_award=Decimal("150000")),
            "lottery": dict(themes=frozenset(rng.sample(themes, 2)), max_share=Decimal("50")),
            "foundation": dict(themes=frozenset(rng.sample(themes, rng.randint(1, 3))),
                               max_per_award=Decimal("80000"), max_share=Decimal("60")),
            "company": dict(streets=frozenset(rng.sample(streets, 3)), max_share=Decimal("30")),
            "special": dict(calls=frozenset(rng.sample(calls, 2))),
        }[kind]
        offers.append(Offer(key=key, remaining=budget, **rules))
    return candidates, offers


def check(solution, candidates, offers):
    """The allocation keeps every rule exactly (Decimal arithmetic, not the solver's floats)."""

    by_key = {c.key: c for c in candidates}
    used = solution.allocation.used()
    for offer in offers:
        assert used.get(offer.key, 0) <= offer.remaining, f"fund {offer.key} over budget"
    for key, split in solution.allocation.shares.items():
        candidate = by_key[key]
        assert sum(split.values()) == candidate.amount, f"proposal {key} not funded exactly"
        for fund, amount in split.items():
            offer = next(o for o in offers if o.key == fund)
            assert amount <= offer.cap(candidate), f"proposal {key}: fund {fund} above its cap"


def sample_agreement_pdf():
    """A realistic agreement rendered without a database: ten budget lines, two funders and
    three tranches, whose figures add up (the grant is the budget less the co-funding)."""
    from django.conf import settings
    from django.utils import translation

    from core.money import CENT, yuan
    from core.pdf import render_pdf
    from grants.funding.agreement import capitals

    budget = [{"category": "人员费", "item": f"社工补贴（第{n}期）", "quantity": Decimal("3"), "unit": "月",
               "unit_price": Decimal("5500")} for n in range(1, 11)]
    for line in budget:
        line["subtotal"] = line["quantity"] * line["unit_price"]
    budget_total = sum(line["subtotal"] for line in budget)
    cofunding = Decimal("15000")
    amount = budget_total - cofunding
    government = (amount * 2 / 3).quantize(Decimal("1000"))
    tranches = [(1, Decimal("50"), "协议签订后"), (2, Decimal("40"), "中期报告通过后"),
                (3, Decimal("10"), "结项报告通过后")]
    context = {
        "issuer": settings.AGREEMENT_ISSUER, "reference": "NA-2026-0042",
        "title": "南坪街道“银龄互助”老年人居家关爱项目", "call": "2026年南岸区社区治理创新项目",
        "organisation": {"name": "南岸区阳光社工服务中心", "name_en": "", "code": "52500108MJP123456X",
                         "address": "南坪街道江南大道8号", "contact": "周老师", "phone": "023-62800000",
                         "email": "sunshine@example.org"},
        "where": "南坪街道、后堡社区、南湖社区", "starts_on": date(2026, 3, 1), "ends_on": date(2026, 12, 31),
        "amount": amount, "amount_text": yuan(amount), "capitals": capitals(amount), "cofunding": cofunding,
        "funders": [{"name": "2026年南岸区政府购买社会服务资金", "owner": "重庆市南岸区民政局",
                     "kind": "政府购买服务", "amount": government},
                    {"name": "南岸区慈善会社区基金", "owner": "南岸区慈善会", "kind": "基金会",
                     "amount": amount - government}],
        "budget": budget, "budget_total": budget_total,
        "tranches": [{"number": number, "percent": share, "amount": (amount * share / 100).quantize(CENT),
                      "condition": condition} for number, share, condition in tranches],
        "midterm_due": date(2026, 8, 1), "final_due": date(2027, 1, 30),
        "indicators": [{"label": "服务人次", "target": Decimal("1200"), "unit": ""},
                       {"label": "开展活动", "target": Decimal("40"), "unit": ""}],
    }
    with translation.override("zh-hans"):
        return render_pdf("funding/pdf/agreement.html", context)


def pdf_timing(runs=10):
    """Median time to render an award agreement PDF (needs Django and a database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()

    sample_agreement_pdf()  # fonts loaded, templates compiled
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf = sample_agreement_pdf()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2], max(times), len(pdf)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("proposals", nargs="?", type=int, default=10_000)
    parser.add_argument("funds", nargs="?", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--gap", type=float, default=1e-4, help="stop within this of the bound (default 1e-4)")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()

    candidates, offers = instance(args.proposals, args.funds, args.seed)
    print(f"{len(candidates):,} proposals asking ¥{sum(c.amount for c in candidates):,}; "
          f"{len(offers)} funds holding ¥{sum(o.remaining for o in offers):,}")
    pairs = sum(1 for c in candidates for o in offers if o.cap(c))
    print(f"eligible proposal–fund pairs: {pairs:,}")

    started = time.perf_counter()
    greedy(candidates, offers)
    greedy_seconds = time.perf_counter() - started
    solution = solve(candidates, offers, time_limit=args.time_limit, gap=args.gap)
    check(solution, candidates, offers)
    by_hand = solution.greedy

    exact, hand = solution.objective, solution.greedy_objective
    print(f"exact:  {solution.status}, {solution.seconds:.2f} s in all (greedy start, LP by column "
          f"generation, rounding, MIP), {solution.nodes} branch-and-bound nodes, "
          f"{solution.shares_generated:,} of {solution.shares_eligible:,} shares generated")
    print(f"        objective {exact:,.2f}; funds {len(solution.allocation.shares):,} proposals, "
          f"¥{sum(solution.allocation.used().values()):,}")
    print(f"greedy: objective {hand:,.2f}; funds {len(by_hand.shares):,} proposals, "
          f"¥{sum(by_hand.used().values()):,} ({greedy_seconds:.2f} s)")
    print(f"exact − greedy: {exact - hand:+,.2f} ({(exact - hand) / hand * 100:+.4f} %)")
    print(f"LP-relaxation bound {solution.lp_bound:,.2f}; gap to it {solution.lp_gap * 100:.4f} % "
          f"(greedy: {(solution.lp_bound - float(hand)) / solution.lp_bound * 100:.4f} %)")
    if solution.bound < solution.lp_bound:
        print(f"MIP bound (every share in the model) {solution.bound:,.2f}; "
              f"proven gap {solution.gap * 100:.4f} %")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if not args.no_pdf:
        median, worst, size = pdf_timing()
        print(f"agreement PDF: median {median * 1000:.0f} ms, slowest {worst * 1000:.0f} ms of 10, {size:,} bytes")


if __name__ == "__main__":
    main()
