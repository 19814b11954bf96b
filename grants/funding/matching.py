"""Allocating approved proposals to funds: the optimum, with its proof, and the allocation a
person would make by hand.

This module knows nothing of the database: `grants.funding.services.matching` turns proposals and
funds into `Candidate`s and `Offer`s, calls `solve`, and stores what it returns.

The problem. Each candidate (an approved proposal) asks for an amount and has a review
score; each offer (a fund) has a remaining budget and rules: the calls, themes and streets it
may pay for, the most it gives one award, and the largest share of one award it may cover.
A candidate is funded in full or not at all, by one fund or several. We maximise the total
score-weighted value funded, Σ score × amount. As a mixed-integer program (money in yuan):

    maximise    Σ_p v_p x_p                       v_p = score_p × amount_p
    subject to  Σ_f y_pf − amount_p x_p = 0       the funds cover the amount exactly
                Σ_p y_pf ≤ remaining_f            every budget holds
                0 ≤ y_pf ≤ cap_pf, x_p ∈ {0, 1}   cap: what the fund's rules allow this award

How it is solved (HiGHS, through its own Python interface `highspy`):

1. `greedy` gives a first allocation in a fraction of a second.
2. The LP relaxation is solved by column generation: a proposal–fund share enters the model
   only once the duals say it would pay. Ten thousand proposals with twenty eligible funds
   each are two hundred thousand shares; the optimum uses a few in ten, so the model stays
   small, and each round re-optimises from the previous basis. When no share prices out, the
   restricted LP's optimum is the LP optimum of the whole problem: the bound.
3. Rounding the LP solution down (dropping the few part-funded candidates) and filling what
   money is left greedily gives a second allocation, usually within a hundredth of a
   percent of the bound.
4. The program is then solved as a MIP over the generated shares, starting from the better
   of the two allocations, until its gap is below `gap` or the time is up.

The answer is never worse than greedy (it starts from it), and the gap it reports is measured
against the LP bound of the full problem, so "within 0.1 %" is a proof, not an estimate.
Restricting step 4 to the generated shares can in principle miss an optimum that needs a
share the LP never wanted; the gap to the bound says how much that could cost.

Money leaves the solver as floats; `_to_fen` turns each funded candidate's shares back into
exact Decimal amounts that add up to the amount asked, and re-checks every cap and budget
exactly. Should rounding ever break one, the shares of the funded set are recomputed by a
transportation LP in whole fen, whose vertices are integral.
"""

import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from core.money import CENT, round_money

HUNDRED = Decimal("100")
TOLERANCE = 1e-7  # a share enters the LP when it adds more than this per yuan
EXHAUSTIVE_PAIRS = 20_000  # up to this many proposal-fund pairs, the MIP sees them all


@dataclass(frozen=True)
class Candidate:
    key: int
    score: Decimal
    amount: Decimal
    call: int
    themes: frozenset = frozenset()
    street: int | None = None
    pinned: bool = False

    @property
    def value(self):
        return self.score * self.amount


@dataclass(frozen=True)
class Offer:
    """A fund as the matching sees it. Empty `calls`, `themes` or `streets` admit any."""

    key: int
    remaining: Decimal
    calls: frozenset = frozenset()
    themes: frozenset = frozenset()
    streets: frozenset = frozenset()
    max_per_award: Decimal | None = None
    max_share: Decimal | None = None  # percent of one award

    def admits(self, candidate):
        return ((not self.calls or candidate.call in self.calls)
                and (not self.themes or bool(self.themes & candidate.themes))
                and (not self.streets or candidate.street in self.streets))

    def cap(self, candidate):
        """The most this fund may give the candidate under its rules (0: nothing)."""

        if not self.admits(candidate):
            return Decimal("0")
        cap = candidate.amount
        if self.max_per_award is not None:
            cap = min(cap, self.max_per_award)
        if self.max_share is not None:
            cap = min(cap, share_cap(candidate.amount, self.max_share))
        return cap


def share_cap(amount, max_share):
    """The most a fund covering at most `max_share` percent may give to `amount`: the share
    rounded like any amount (half up to the fen), by the solver and by a budget variation."""
    return round_money(amount * max_share / HUNDRED)


def float_to_money(value):
    """A solver's float as Decimal yuan: through its shortest decimal form (what the float
    stands for, 2.675 rather than 2.67499…), then to the fen."""
    return round_money(Decimal(str(float(value))))


@dataclass
class Allocation:
    shares: dict = field(default_factory=dict)  # candidate key -> {offer key: Decimal}

    def objective(self, candidates):
        return sum((c.value for c in candidates if c.key in self.shares), Decimal("0"))

    def used(self):
        """What each offer gives in total."""

        totals = {}
        for split in self.shares.values():
            for key, amount in split.items():
                totals[key] = totals.get(key, Decimal("0")) + amount
        return totals


@dataclass
class Solution:
    allocation: Allocation
    greedy: Allocation
    objective: Decimal
    greedy_objective: Decimal
    lp_bound: float = 0.0  # the LP relaxation's optimum
    bound: float = 0.0  # the best proven bound: the LP's, or the MIP's when it saw every share
    status: str = "optimal"  # "optimal" (within the gap of `bound`), "time_limit", "infeasible", "empty"
    seconds: float = 0.0
    nodes: int = 0
    shares_generated: int = 0
    shares_eligible: int = 0

    @property
    def gap(self):
        """How far below the best proven bound the allocation can be, as a fraction."""
        return _gap(self.bound, self.objective)

    @property
    def lp_gap(self):
        """How far below the LP-relaxation bound the allocation is, as a fraction."""
        return _gap(self.lp_bound, self.objective)


def _gap(bound, objective):
    return max(0.0, (bound - float(objective)) / bound) if bound else 0.0


def coverable(candidate, offers):
    """Whether the funds' rules, budgets aside, let the candidate be funded in full."""
    return sum((offer.cap(candidate) for offer in offers), Decimal("0")) >= candidate.amount


# -- by hand -------------------------------------------------------------------------------
def greedy(candidates, offers):
    """What a person does with a spreadsheet: pinned candidates first, then best score
    first; each is funded by the fund with most money left that can cover it alone, or else
    split across the funds with most money left; skipped if it cannot be covered in full."""
    remaining = {offer.key: offer.remaining for offer in offers}
    allocation = Allocation()
    for candidate in sorted(candidates, key=lambda c: (not c.pinned, -c.score, c.amount, c.key)):
        caps = sorted(((offer, offer.cap(candidate)) for offer in offers),
                      key=lambda pair: (-remaining[pair[0].key], pair[0].key))
        alone = [offer for offer, cap in caps if cap == candidate.amount <= remaining[offer.key]]
        if alone:
            split = {alone[0].key: candidate.amount}
        else:
            split, needed = {}, candidate.amount
            for offer, cap in caps:
                give = min(cap, remaining[offer.key], needed)
                if give > 0:
                    split[offer.key] = give
                    needed -= give
            if needed > 0:
                continue
        for key, amount in split.items():
            remaining[key] -= amount
        allocation.shares[candidate.key] = split
    return allocation


# -- the exact program ---------------------------------------------------------------------
class _Program:
    """One HiGHS model, grown column by column: first as an LP, then made a MIP.

    Columns 0..P-1 are the candidates' x; each generated share y_pf is a column after them.
    Rows 0..P-1 say the shares cover the candidate's amount; rows P..P+F-1 are the budgets."""

    def __init__(self, candidates, offers):
        import highspy

        self.highspy = highspy
        self.candidates, self.offers = candidates, offers
        P, F = len(candidates), len(offers)
        self.P = P
        self.score = np.array([float(c.score) for c in candidates])
        self.amount = np.array([float(c.amount) for c in candidates])
        # Every eligible pair, as parallel arrays; `column[k]` is its model column, or -1.
        pair_candidate, pair_offer, pair_cap = [], [], []
        for i, candidate in enumerate(candidates):
            for j, offer in enumerate(offers):
                if cap := offer.cap(candidate):
                    pair_candidate.append(i)
                    pair_offer.append(j)
                    pair_cap.append(cap)
        self.pair_candidate = np.array(pair_candidate, dtype=np.int64)
        self.pair_offer = np.array(pair_offer, dtype=np.int64)
        self.pair_cap_exact = pair_cap
        self.pair_cap = np.array([float(cap) for cap in pair_cap])
        self.column = np.full(len(pair_cap), -1, dtype=np.int64)

        h = self.h = _quiet(highspy.Highs)
        h.setOptionValue("output_flag", False)
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = P, P + F
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = self.score * self.amount
        lp.col_lower_ = np.array([1.0 if c.pinned else 0.0 for c in candidates])
        lp.col_upper_ = np.ones(P)
        lp.row_lower_ = np.concatenate([np.zeros(P), np.full(F, -inf)])
        lp.row_upper_ = np.concatenate([np.zeros(P), np.array([float(o.remaining) for o in offers])])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.arange(P + 1, dtype=np.int32)
        lp.a_matrix_.index_ = np.arange(P, dtype=np.int32)
        lp.a_matrix_.value_ = -self.amount
        h.passModel(lp)

    @property
    def generated(self):
        return int((self.column >= 0).sum())

    def add(self, pairs):
        """Add these pairs' shares y_pf as columns."""
        pairs = np.unique(pairs)
        pairs = pairs[self.column[pairs] < 0]
        if not len(pairs):
            return
        first = self.h.getNumCol()
        n = len(pairs)
        self.h.addCols(
            n, np.zeros(n), np.zeros(n), self.pair_cap[pairs], 2 * n,
            np.arange(0, 2 * n, 2, dtype=np.int32),
            np.column_stack([self.pair_candidate[pairs], self.P + self.pair_offer[pairs]]).ravel().astype(np.int32),
            np.ones(2 * n))
        self.column[pairs] = np.arange(first, first + n)

    def run(self):
        self.h.run()
        return self.h.getModelStatus()

    def is_infeasible(self, status):
        return status == self.highspy.HighsModelStatus.kInfeasible

    def reduced_profits(self):
        """What each pair's share would add per yuan, at the current duals (> 0: it pays)."""
        row_dual = np.asarray(self.h.getSolution().row_dual)
        return -(row_dual[self.pair_candidate] + row_dual[self.P + self.pair_offer])

    def values(self):
        return np.asarray(self.h.getSolution().col_value)

    def pair_values(self):
        values = self.values()
        result = np.zeros(len(self.column))
        present = self.column >= 0
        result[present] = values[self.column[present]]
        return result

    def objective(self):
        return self.h.getInfo().objective_function_value

    def as_mip(self, start, time_limit, gap):
        """Make x integral, start from `start` (an Allocation) and solve."""
        P = self.P
        self.h.changeColsIntegrality(P, np.arange(P, dtype=np.int32),
                                     np.full(P, int(self.highspy.HighsVarType.kInteger), dtype=np.uint8))
        values = np.zeros(self.h.getNumCol())
        index = {c.key: i for i, c in enumerate(self.candidates)}
        offer_index = {o.key: j for j, o in enumerate(self.offers)}
        wanted = []
        for key, split in start.shares.items():
            i = index[key]
            values[i] = 1.0
            for offer_key, amount in split.items():
                pair = self._pair(i, offer_index[offer_key])
                wanted.append(pair)
        self.add(np.array(wanted, dtype=np.int64))
        values = np.concatenate([values, np.zeros(self.h.getNumCol() - len(values))])
        for key, split in start.shares.items():
            i = index[key]
            for offer_key, amount in split.items():
                values[self.column[self._pair(i, offer_index[offer_key])]] = float(amount)
        solution = self.highspy.HighsSolution()
        solution.col_value = values
        solution.value_valid = True
        self.h.setSolution(solution)
        self.h.setOptionValue("mip_rel_gap", gap)
        self.h.setOptionValue("time_limit", max(time_limit, 0.1))
        return self.run()

    def pairs_of(self, allocation):
        """The pair indices an allocation's shares use."""
        index = {c.key: i for i, c in enumerate(self.candidates)}
        offer_index = {o.key: j for j, o in enumerate(self.offers)}
        return np.array([self._pair(index[key], offer_index[offer]) for key, split in allocation.shares.items()
                         for offer in split], dtype=np.int64)

    def _pair(self, i, j):
        if not hasattr(self, "_pair_index"):
            self._pair_index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(self.pair_candidate, self.pair_offer))}
        return self._pair_index[(i, j)]

    def allocation(self):
        """The model's current integral solution as exact shares (see `_to_fen`)."""
        values, pair_values = self.values(), self.pair_values()
        chosen = [c for i, c in enumerate(self.candidates) if values[i] > 0.5]
        floats = {c.key: {} for c in chosen}
        chosen_index = {i for i, c in enumerate(self.candidates) if values[i] > 0.5}
        for k in np.nonzero(pair_values > 1e-6)[0]:
            i = int(self.pair_candidate[k])
            if i in chosen_index:
                floats[self.candidates[i].key][self.offers[self.pair_offer[k]].key] = pair_values[k]
        return _to_fen(chosen, self.offers, floats)

    def rounded(self):
        """The LP solution rounded down: candidates it funds in full, with their shares."""
        values, pair_values = self.values(), self.pair_values()
        shares = {}
        for i in np.nonzero(values[:self.P] > 1 - 1e-9)[0]:
            shares[self.candidates[i].key] = {}
        for k in np.nonzero(pair_values > 1e-6)[0]:
            key = self.candidates[self.pair_candidate[k]].key
            if key in shares:
                shares[key][self.offers[self.pair_offer[k]].key] = pair_values[k]
        chosen = [c for c in self.candidates if c.key in shares]
        return _to_fen(chosen, self.offers, shares)


def _quiet(make):
    """HiGHS prints its banner to the process's stdout when the first solver is made, before
    any option can silence it; the worker's output is for our own messages."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            return make()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _to_fen(chosen, offers, floats):
    """Exact Decimal shares from the solver's floats; each candidate's shares add up to its
    amount and no cap or budget is exceeded by a fen."""
    shares = {}
    for candidate in chosen:
        split = {key: float_to_money(value) for key, value in floats[candidate.key].items()}
        difference = candidate.amount - sum(split.values(), Decimal("0"))
        if difference and split:
            largest = max(split, key=split.get)
            split[largest] += difference
        shares[candidate.key] = {key: amount for key, amount in split.items() if amount > 0}
    allocation = Allocation(shares)
    if respects_rules(allocation, chosen, offers):
        return allocation
    return _transport(chosen, offers)


def respects_rules(allocation, candidates, offers):
    """Every funded candidate covered exactly, within each fund's cap, and every budget held:
    checked in Decimal, whatever produced the allocation."""
    by_key = {offer.key: offer for offer in offers}
    funded = {c.key: c for c in candidates if c.key in allocation.shares}
    for key, split in allocation.shares.items():
        candidate = funded.get(key)
        if candidate is None or sum(split.values(), Decimal("0")) != candidate.amount:
            return False
        if any(amount <= 0 or amount > by_key[offer].cap(candidate) for offer, amount in split.items()):
            return False
    used = allocation.used()
    return all(used.get(offer.key, Decimal("0")) <= offer.remaining for offer in offers)


def _transport(chosen, offers):
    """Shares for a fixed funded set, in whole fen, by a transportation LP: with integral
    data its vertex solutions are integral."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_array

    def fen(amount):
        return float(int(amount / CENT))

    pairs = [(c, o, o.cap(c)) for c in chosen for o in offers if o.cap(c)]
    candidate_row = {c.key: i for i, c in enumerate(chosen)}
    offer_row = {o.key: i for i, o in enumerate(offers)}
    columns = np.arange(len(pairs))
    equality = coo_array((np.ones(len(pairs)), ([candidate_row[c.key] for c, _o, _cap in pairs], columns)),
                         shape=(len(chosen), len(pairs)))
    budget = coo_array((np.ones(len(pairs)), ([offer_row[o.key] for _c, o, _cap in pairs], columns)),
                       shape=(len(offers), len(pairs)))
    result = linprog(np.zeros(len(pairs)), A_ub=budget, b_ub=[fen(o.remaining) for o in offers],
                     A_eq=equality, b_eq=[fen(c.amount) for c in chosen],
                     bounds=[(0, fen(cap)) for _c, _o, cap in pairs], method="highs-ds")
    if result.status != 0:
        raise ValueError("the funded set has no exact allocation in whole fen")
    shares = {}
    for (candidate, offer, _cap), value in zip(pairs, result.x):
        if amount := float_to_money(value / 100):  # the LP counts whole fen
            shares.setdefault(candidate.key, {})[offer.key] = amount
    return Allocation(shares)


def _best_per_candidate(program, pairs, merit, count):
    """The `count` pairs of each candidate with the highest merit, among `pairs`."""
    order = np.lexsort((-merit, program.pair_candidate[pairs]))
    ranked = pairs[order]
    owners = program.pair_candidate[ranked]
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = owners[1:] != owners[:-1]
    rank = np.arange(len(ranked)) - np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0))
    return ranked[rank < count]


def _better(first, second, candidates):
    return second if second.objective(candidates) > first.objective(candidates) else first


def solve(candidates, offers, time_limit=30.0, gap=1e-4, progress=None):
    """The best allocation found within `time_limit` seconds (stopping early once within
    `gap` of the LP bound), beside the greedy one. `progress(fraction, stage)` is told how
    far the work has got."""
    started = time.perf_counter()
    report = progress or (lambda fraction, stage: None)
    candidates = [c for c in candidates if coverable(c, offers)]
    report(0.05, "greedy")
    by_hand = greedy(candidates, offers)
    hand_value = by_hand.objective(candidates)
    if not candidates:
        return Solution(Allocation(), by_hand, Decimal("0"), hand_value, status="empty")

    program = _Program(candidates, offers)
    report(0.15, "relaxation")
    # Start from each candidate's three most generous funds and the shares greedy used.
    program.add(np.concatenate([_best_per_candidate(program, np.arange(len(program.column)), program.pair_cap, 3),
                                program.pairs_of(by_hand)]))
    rounds = 0
    while True:
        rounds += 1
        status = program.run()
        if program.is_infeasible(status):
            return Solution(Allocation(), by_hand, Decimal("0"), hand_value, status="infeasible",
                            seconds=time.perf_counter() - started)
        profits = program.reduced_profits()
        entering = np.nonzero((program.column < 0) & (profits > TOLERANCE))[0]
        report(min(0.15 + 0.05 * rounds, 0.5), "relaxation")
        if not len(entering):
            break
        program.add(_best_per_candidate(program, entering, profits[entering], 2))
    lp_bound = program.objective()

    report(0.55, "rounding")
    rounded = program.rounded()
    funded = set(rounded.shares)
    used = rounded.used()
    leftover = [Offer(o.key, o.remaining - used.get(o.key, Decimal("0")), o.calls, o.themes, o.streets,
                      o.max_per_award, o.max_share) for o in offers]
    filled = greedy([c for c in candidates if c.key not in funded], leftover)
    rounded.shares.update(filled.shares)
    best = _better(by_hand, rounded, candidates)
    if any(c.pinned and c.key not in best.shares for c in candidates):
        best = by_hand if all(c.key in by_hand.shares for c in candidates if c.pinned) else best

    report(0.6, "integer program")
    remaining_time = time_limit - (time.perf_counter() - started)
    bound, status, nodes = lp_bound, "optimal", 0
    # Every candidate may score 0 (approved without reviews): a bound of 0 is met already.
    if _gap(lp_bound, best.objective(candidates)) > gap and remaining_time > 0:
        # A small problem gets every share: then the MIP's own bound holds for the whole
        # problem and is usually much tighter than the LP's.
        exhaustive = len(program.column) <= EXHAUSTIVE_PAIRS
        if exhaustive:
            program.add(np.arange(len(program.column)))
        outcome = program.as_mip(best, remaining_time, gap)
        info = program.h.getInfo()
        nodes = int(info.mip_node_count)
        if info.primal_solution_status == 2:  # the MIP holds a feasible solution
            best = _better(best, program.allocation(), candidates)
        if exhaustive and outcome == program.highspy.HighsModelStatus.kOptimal:
            bound = min(lp_bound, info.mip_dual_bound)
    objective = best.objective(candidates)
    if _gap(bound, objective) > gap:
        status = "time_limit"
    report(1.0, "done")
    return Solution(best, by_hand, objective, hand_value, lp_bound, bound, status, time.perf_counter() - started,
                    nodes, program.generated, len(program.column))


# -- why -----------------------------------------------------------------------------------
class Reason:
    FUNDED = "funded"
    NO_ELIGIBLE_FUND = "no_eligible_fund"
    RULES_CANNOT_COVER = "rules_cannot_cover"
    BUDGETS_EXHAUSTED = "budgets_exhausted"
    NOT_CHOSEN = "not_chosen"


def explain(candidate, allocation, offers):
    """(reason, details) for a candidate the matching considered: `details` names the funds
    and the amounts that make the reason true, as strings ready to store."""
    if candidate.key in allocation.shares:
        return Reason.FUNDED, {"shares": {str(k): str(v) for k, v in allocation.shares[candidate.key].items()}}
    eligible = [offer for offer in offers if offer.cap(candidate)]
    if not eligible:
        return Reason.NO_ELIGIBLE_FUND, {}
    funds = [offer.key for offer in eligible]
    if not coverable(candidate, offers):
        return Reason.RULES_CANNOT_COVER, {
            "funds": funds, "most": str(sum((offer.cap(candidate) for offer in eligible), Decimal("0")))}
    used = allocation.used()
    could = sum((min(o.cap(candidate), o.remaining - used.get(o.key, Decimal("0"))) for o in eligible),
                Decimal("0"))
    if could >= candidate.amount:
        return Reason.NOT_CHOSEN, {"funds": funds}
    return Reason.BUDGETS_EXHAUSTED, {"funds": funds, "left": str(max(could, Decimal("0")))}
