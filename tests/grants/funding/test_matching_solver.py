"""The allocation solver on its own (no database): exactness against brute force, the rules,
pins, greedy, and the explanations."""

import itertools
import random
from decimal import Decimal

import pytest
from scipy.optimize import linprog

from grants.funding.matching import (
    Allocation,
    Candidate,
    Offer,
    Reason,
    explain,
    greedy,
    respects_rules,
    solve,
)

D = Decimal


def feasible(chosen, offers):
    """Whether the chosen candidates can all be funded in full (an LP feasibility check)."""

    pairs = [(i, j, float(o.cap(c))) for i, c in enumerate(chosen) for j, o in enumerate(offers) if o.cap(c)]
    if not chosen:
        return True
    if not pairs:
        return False
    equality = [[1.0 if i == row else 0.0 for i, _j, _cap in pairs] for row in range(len(chosen))]
    budget = [[1.0 if j == row else 0.0 for _i, j, _cap in pairs] for row in range(len(offers))]
    result = linprog([0.0] * len(pairs), A_eq=equality, b_eq=[float(c.amount) for c in chosen],
                     A_ub=budget, b_ub=[float(o.remaining) for o in offers],
                     bounds=[(0, cap) for _i, _j, cap in pairs], method="highs")
    return result.status == 0


def brute_force(candidates, offers):
    best = D("0")
    pinned = [c for c in candidates if c.pinned]
    free = [c for c in candidates if not c.pinned]
    for size in range(len(free) + 1):
        for subset in itertools.combinations(free, size):
            chosen = pinned + list(subset)
            value = sum((c.value for c in chosen), D("0"))
            if value > best and feasible(chosen, offers):
                best = value
    return best


def random_instance(seed, n=7, f=3):
    rng = random.Random(seed)
    candidates = [Candidate(key=i, score=D(rng.randint(50, 99)), amount=D(rng.randrange(20, 121, 5) * 1000),
                            call=rng.choice([1, 2]), themes=frozenset(rng.sample([1, 2, 3], rng.choice([1, 2]))),
                            street=rng.choice([10, 11, 12])) for i in range(n)]
    offers = []
    for key in range(1, f + 1):
        rules = rng.choice([{}, {"calls": frozenset([1])}, {"themes": frozenset([2])},
                            {"streets": frozenset([10, 11])}, {"max_share": D("50")},
                            {"max_per_award": D("60000")}])
        offers.append(Offer(key=key, remaining=D(rng.randrange(60, 260, 10) * 1000), **rules))
    return candidates, offers


@pytest.mark.parametrize("seed", range(25))
def test_the_optimum_equals_brute_force_on_small_instances(seed):
    candidates, offers = random_instance(seed)
    solution = solve(candidates, offers)
    assert solution.objective == brute_force(candidates, offers)
    assert respects_rules(solution.allocation, candidates, offers)
    assert solution.objective >= solution.greedy_objective


@pytest.mark.parametrize("seed", range(10))
def test_pinned_proposals_are_funded_even_when_the_value_is_lower(seed):
    candidates, offers = random_instance(seed)
    weakest = min(candidates, key=lambda c: (c.score, c.key))
    candidates = [Candidate(**{**c.__dict__, "pinned": c is weakest}) for c in candidates]
    if not feasible([c for c in candidates if c.pinned], offers):
        pytest.skip("the weakest cannot be funded at all")
    solution = solve(candidates, offers)
    assert weakest.key in solution.allocation.shares
    assert solution.objective == brute_force(candidates, offers)


def test_it_beats_the_greedy_allocation_where_picking_by_score_wastes_money():
    # Greedy takes the best (¥100,000) and strands ¥50,000; the optimum funds the two others.
    candidates = [Candidate(1, D("90"), D("100000"), call=1), Candidate(2, D("80"), D("75000"), call=1),
                  Candidate(3, D("80"), D("75000"), call=1)]
    offers = [Offer(1, D("150000"))]
    solution = solve(candidates, offers)
    assert set(solution.allocation.shares) == {2, 3}
    assert set(solution.greedy.shares) == {1}
    assert solution.objective == D("12000000") > solution.greedy_objective == D("9000000")
    assert solution.status == "optimal"


def test_an_award_is_split_across_funds_when_their_rules_allow_it():
    # Neither fund may cover more than 60 % of an award: only together can they fund it.
    candidates = [Candidate(1, D("90"), D("100000"), call=1)]
    offers = [Offer(1, D("100000"), max_share=D("60")), Offer(2, D("100000"), max_share=D("60"))]
    shares = solve(candidates, offers).allocation.shares[1]
    assert sum(shares.values()) == D("100000")
    assert all(amount <= D("60000") for amount in shares.values())


def test_fund_rules_decide_who_may_pay():
    elderly = Candidate(1, D("90"), D("50000"), call=1, themes=frozenset([7]), street=3)
    offer = Offer(1, D("100000"), calls=frozenset([2]))
    assert offer.cap(elderly) == 0
    assert Offer(1, D("100000"), themes=frozenset([7, 8])).cap(elderly) == D("50000")
    assert Offer(1, D("100000"), streets=frozenset([4])).cap(elderly) == 0
    assert Offer(1, D("100000"), max_per_award=D("30000")).cap(elderly) == D("30000")
    assert Offer(1, D("100000"), max_share=D("33.33")).cap(Candidate(2, D("1"), D("100.01"), call=1)) == D("33.33")


def test_shares_are_exact_to_the_fen_and_add_up():
    candidates = [Candidate(i, D("70") + i, D("33333.33"), call=1) for i in range(5)]
    offers = [Offer(1, D("50000.01"), max_share=D("40")), Offer(2, D("50000.02")), Offer(3, D("20000"))]
    solution = solve(candidates, offers)
    assert respects_rules(solution.allocation, candidates, offers)
    for split in solution.allocation.shares.values():
        assert sum(split.values()) == D("33333.33")
        assert all(amount == amount.quantize(D("0.01")) for amount in split.values())


def test_pins_that_cannot_all_be_funded_are_reported_infeasible():
    candidates = [Candidate(1, D("90"), D("80000"), call=1, pinned=True),
                  Candidate(2, D("80"), D("80000"), call=1, pinned=True)]
    assert solve(candidates, [Offer(1, D("100000"))]).status == "infeasible"


def test_nothing_to_match_is_an_empty_result():
    solution = solve([Candidate(1, D("90"), D("80000"), call=1)], [Offer(1, D("100000"), calls=frozenset([9]))])
    assert solution.status == "empty" and solution.allocation.shares == {}


def test_greedy_takes_the_best_score_first_and_prefers_one_fund():
    candidates = [Candidate(1, D("70"), D("50000"), call=1), Candidate(2, D("95"), D("50000"), call=1)]
    offers = [Offer(1, D("60000")), Offer(2, D("30000"))]
    allocation = greedy(candidates, offers)
    assert allocation.shares == {2: {1: D("50000")}}  # 1 would need both funds' leftovers: 10,000 + 30,000


@pytest.mark.parametrize("candidate, offers, reason", [
    (Candidate(1, D("90"), D("50000"), call=1), [Offer(1, D("100000"), calls=frozenset([2]))],
     Reason.NO_ELIGIBLE_FUND),
    (Candidate(1, D("90"), D("50000"), call=1), [Offer(1, D("100000"), max_per_award=D("20000"))],
     Reason.RULES_CANNOT_COVER),
    (Candidate(1, D("90"), D("50000"), call=1), [Offer(1, D("40000"))], Reason.BUDGETS_EXHAUSTED),
])
def test_each_proposal_left_out_gets_the_reason(candidate, offers, reason):
    assert explain(candidate, Allocation(), offers)[0] == reason


def test_a_funded_proposal_is_explained_with_its_funds_and_amounts():
    candidate = Candidate(1, D("90"), D("50000"), call=1)
    reason, details = explain(candidate, Allocation({1: {7: D("50000")}}), [Offer(7, D("50000"))])
    assert reason == Reason.FUNDED and details == {"shares": {"7": "50000"}}


def test_budget_exhausted_says_how_much_was_left():
    candidates = [Candidate(1, D("95"), D("80000"), call=1), Candidate(2, D("60"), D("50000"), call=1)]
    offers = [Offer(1, D("100000"))]
    solution = solve(candidates, offers)
    reason, details = explain(candidates[1], solution.allocation, offers)
    assert reason == Reason.BUDGETS_EXHAUSTED and D(details["left"]) == D("20000")


def test_a_larger_instance_is_solved_within_the_gap_and_never_below_greedy():
    rng = random.Random(5)
    candidates = [Candidate(i, D(rng.randint(4000, 9800)) / 100, D(rng.randrange(20000, 200001, 1000)),
                            call=rng.choice([1, 2, 3]), themes=frozenset([rng.randint(1, 6)]), street=rng.randint(1, 15))
                  for i in range(400)]
    offers = [Offer(k, D(rng.randrange(1_000_000, 3_000_000, 1000)),
                    streets=frozenset(rng.sample(range(1, 16), 8)) if k % 3 == 0 else frozenset(),
                    themes=frozenset(rng.sample(range(1, 7), 3)) if k % 3 == 1 else frozenset(),
                    max_share=D("50") if k % 2 else None) for k in range(1, 13)]
    solution = solve(candidates, offers)
    assert solution.status == "optimal" and solution.gap <= 1e-3
    assert solution.objective >= solution.greedy_objective
    assert respects_rules(solution.allocation, candidates, offers)
    assert solution.lp_bound >= float(solution.objective)


# -- proposals nobody scored ---------------------------------------------------------------
def test_candidates_all_scoring_zero_are_funded_as_far_as_the_budget_goes():
    # Approved without reviews: every value is 0, so is the LP bound; no gap is divided by it.
    candidates = [Candidate(key=i, score=D("0"), amount=D("50000"), call=1) for i in range(3)]
    solution = solve(candidates, [Offer(key=1, remaining=D("120000"))])
    assert solution.status == "optimal" and solution.objective == 0
    assert set(solution.allocation.shares) == {0, 1} and solution.gap == solution.lp_gap == 0.0
    assert respects_rules(solution.allocation, candidates, [Offer(key=1, remaining=D("120000"))])


def test_unscored_candidates_take_what_the_scored_ones_leave():
    candidates = [Candidate(key=1, score=D("0"), amount=D("60000"), call=1),
                  Candidate(key=2, score=D("80"), amount=D("60000"), call=1),
                  Candidate(key=3, score=D("0"), amount=D("30000"), call=1)]
    solution = solve(candidates, [Offer(key=1, remaining=D("100000"))])
    assert set(solution.allocation.shares) == {2, 3} and solution.objective == D("80") * 60000
