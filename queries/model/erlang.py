"""Erlang C and Erlang A: the service a queue gets from N agents, and the agents it needs.

Pure queueing math on one interval, in the planner's units: traffic A in Erlangs (contacts x
AHT / interval seconds), AHT, answer time T and patience in seconds.

**Erlang C** (M/M/N, nobody hangs up). P(wait) comes from the Erlang B recursion
B(n) = A B(n-1) / (n + A B(n-1)), which never forms A^n or n!, so it neither overflows nor
loses precision at thousands of Erlangs; then P(wait) = N B / (N - A (1 - B)),
SL = 1 - P(wait) exp(-(N - A) T / AHT), ASA = P(wait) AHT / (N - A), occupancy = A / N.

**Erlang A** (M/M/N+M: callers hang up after an exponential patience of mean `patience`).
Computed from the stationary distribution of the birth-death chain of the number of contacts
in the system, on states 0..N+K, relative to state N: pi(N-m) / pi(N) = prod_{i<m} (N-i) / A
below it, pi(N+k) / pi(N) = prod_{j=1..k} y / (a + j) above it, where a = N patience / AHT
and y = A patience / AHT are the service and arrival rates over the abandonment rate. The
products are summed as logarithms, scaled by the largest, so neither thousands of agents
nor overload (N < A) overflow; K is chosen so that the states left out hold less than e^-40
of the mass. By PASTA an arrival finds k contacts waiting with probability pi(N+k); it then
waits through k + 1 stages, the j-th ending at rate (a + j) / patience, and survives them
all (is answered) with probability a / (a + k + 1). The stages' total S has exp(-S /
patience) ~ Beta(a + 1, k + 1), so P(answered within T | k) is a finite negative-binomial
sum. This is exact up to the truncation, and agrees with Mandelbaum and Zeltyn's
incomplete-gamma formulas for M/M/N+M to about 1e-15 (tests/model/test_staffing.py checks it).

Under Erlang A the service level is the share of *all* contacts answered within T (a contact
that hangs up counts as missed), ASA is the average wait of answered contacts, and occupancy
is carried traffic A (1 - P(abandon)) / N. Under Erlang C these reduce to the formulas above.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from queries.cancel import check_cancelled

# Tolerance for ceil() of a float ratio: 10 / 0.8 may come out as 12.500000000000002.
_EPS = 1e-9


@dataclass(frozen=True)
class Performance:
    """What one interval's contacts get from `agents` agents."""

    agents: int
    traffic: float
    wait_probability: float
    abandon_probability: float
    service_level: float
    asa_seconds: float
    occupancy: float


# -- Erlang C -------------------------------------------------------------------------------


# Up to this many agents Erlang B is the recursion (exact, and cheap); above it, one call of
# the Poisson tail: a forecast of millions of Erlangs must not loop once per agent.
_RECURSION_AGENTS = 5000


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of N agents and no queue (Erlang B).

    By the stable recursion up to `_RECURSION_AGENTS`; above it as Poisson(A) pmf(N) /
    cdf(N) (the same number: B = (A^N / N!) / sum_k<=N A^k / k!), in logarithms so that it
    takes constant time and neither overflows nor turns into NaN when it underflows to 0.
    """
    if agents > _RECURSION_AGENTS:
        # scipy.stats is imported only here: a start that staffs no huge forecast never pays for it.
        from scipy import stats  # type: ignore[import-untyped]

        return math.exp(float(stats.poisson.logpmf(agents, traffic)) - float(stats.poisson.logcdf(agents, traffic)))
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def wait_probability(agents: int, traffic: float) -> float:
    """Erlang C: the probability that a contact waits; 1 when N <= A (the queue never clears)."""
    if agents <= traffic:
        return 1.0
    return _wait_from_blocking(agents, traffic, erlang_b(agents, traffic))


def erlang_c(agents: int, traffic: float, aht_seconds: float, answer_seconds: float) -> Performance:
    """Every Erlang C figure for N >= 1 agents at A Erlangs.

    With N <= A the queue never clears: P(wait) 1, SL 0 and an infinite ASA.
    """
    if agents <= traffic:
        return Performance(agents, traffic, 1.0, 0.0, 0.0, math.inf, traffic / agents)
    p_wait = wait_probability(agents, traffic)
    return Performance(
        agents=agents,
        traffic=traffic,
        wait_probability=p_wait,
        abandon_probability=0.0,
        service_level=_service_level(agents, traffic, p_wait, aht_seconds, answer_seconds),
        asa_seconds=p_wait * aht_seconds / (agents - traffic),
        occupancy=traffic / agents,
    )


def required_agents(
    traffic: float, aht_seconds: float, target_sl: float, answer_seconds: float,
    max_occupancy: float | None = None,
) -> int:
    """Erlang C: the smallest N > A with SL >= target_sl and, if set, A / N <= max_occupancy.

    SL grows with N above A. Up to `_RECURSION_AGENTS` the search walks up one agent at a
    time, carrying Erlang B along (the answer is within a few sqrt(A) of the start); above
    it, a bounded search from the square-root staffing rule N = A + sqrt(A), where each
    probe costs one Poisson tail, so a million Erlangs takes a few dozen probes, not a
    million steps.
    """
    agents = max(math.floor(traffic) + 1, _occupancy_floor(traffic, max_occupancy))

    def level(n: int, blocking: float | None = None) -> float:
        check_cancelled()
        blocking = erlang_b(n, traffic) if blocking is None else blocking
        return _service_level(n, traffic, _wait_from_blocking(n, traffic, blocking), aht_seconds, answer_seconds)

    if agents > _RECURSION_AGENTS:
        return _fewest(agents, max(agents, math.ceil(traffic + math.sqrt(traffic))), level, target_sl)
    blocking = erlang_b(agents, traffic)
    while level(agents, blocking) < target_sl:
        agents += 1
        if agents > _RECURSION_AGENTS:  # a strict target at the edge: the bounded search goes on
            return _fewest(agents, agents, level, target_sl)
        blocking = traffic * blocking / (agents + traffic * blocking)
    return agents


def _wait_from_blocking(agents: int, traffic: float, blocking: float) -> float:
    return agents * blocking / (agents - traffic * (1 - blocking))


def _service_level(
    agents: int, traffic: float, p_wait: float, aht_seconds: float, answer_seconds: float,
) -> float:
    return 1 - p_wait * math.exp(-(agents - traffic) * answer_seconds / aht_seconds)


def _occupancy_floor(traffic: float, max_occupancy: float | None) -> int:
    """The fewest agents with A / N <= max_occupancy (1 without a cap)."""
    if max_occupancy is None:
        return 1
    return max(1, math.ceil(traffic / max_occupancy - _EPS))


# -- Erlang A -------------------------------------------------------------------------------


def erlang_a(
    agents: int, traffic: float, aht_seconds: float, answer_seconds: float, patience_seconds: float,
) -> Performance:
    """Every Erlang A figure for N >= 1 agents at A Erlangs with mean patience `patience_seconds`."""
    if traffic == 0:
        return Performance(agents, traffic, 0.0, 0.0, 1.0, 0.0, 0.0)
    chain = _Chain.solve(agents, traffic, aht_seconds, patience_seconds)
    answered = chain.answered
    p_answered = chain.p_no_wait + float(answered.sum())
    mean_wait_given = np.cumsum(1 / chain.stage) * patience_seconds  # sum of the stages' means
    return Performance(
        agents=agents,
        traffic=traffic,
        wait_probability=float(chain.p_waiting.sum()),
        abandon_probability=1 - p_answered,
        service_level=chain.service_level(answer_seconds / patience_seconds),
        asa_seconds=float((answered * mean_wait_given).sum()) / p_answered,
        # Carried traffic over agents; min() only absorbs rounding when every agent is busy.
        occupancy=min(1.0, traffic * p_answered / agents),
    )


def required_agents_erlang_a(
    traffic: float, aht_seconds: float, target_sl: float, answer_seconds: float,
    patience_seconds: float, max_occupancy: float | None = None,
) -> int:
    """Erlang A: the smallest N >= 1 with SL >= target_sl and, if set, A / N <= max_occupancy.

    The occupancy cap is on offered traffic A / N, as for Erlang C (and so conservative:
    carried traffic is lower). N agents answer at most N / A of the contacts, so fewer than
    target x A never meet the target; the answer is usually within a few sqrt(A) of A, so
    the search starts there.
    """
    if traffic == 0:
        return 1

    def level(agents: int) -> float:
        check_cancelled()
        chain = _Chain.solve(agents, traffic, aht_seconds, patience_seconds)
        return chain.service_level(answer_seconds / patience_seconds)

    floor = max(1, math.floor(target_sl * traffic), _occupancy_floor(traffic, max_occupancy))
    return _fewest(floor, max(floor, round(traffic)), level, target_sl)


@dataclass(frozen=True)
class _Chain:
    """The M/M/N+M chain as an arrival sees it, in units of the mean patience.

    `stage[k]` = a + k + 1 is the rate at which the last of the k + 1 stages of an arrival
    that finds k contacts waiting ends; `p_waiting[k]` is the probability of finding them.
    """

    a: float
    stage: np.ndarray
    p_no_wait: float
    p_waiting: np.ndarray

    @classmethod
    def solve(cls, agents: int, traffic: float, aht_seconds: float, patience_seconds: float) -> _Chain:
        a = agents * patience_seconds / aht_seconds  # service capacity over the abandonment rate
        y = traffic * patience_seconds / aht_seconds  # arrival rate over the abandonment rate
        below = np.arange(agents, agents - _states_kept(agents - traffic, traffic, agents), -1)
        log_below = np.cumsum(np.log(below / traffic))  # log pi(N-m) / pi(N), m = 1, 2 ...
        stage = a + np.arange(_states_kept(y - a, y)) + 1
        log_waiting = np.concatenate(([0.0], np.cumsum(math.log(y) - np.log(stage[:-1]))))
        top = max(float(log_below.max()), float(log_waiting.max()))
        no_wait, waiting = float(np.exp(log_below - top).sum()), np.exp(log_waiting - top)
        total = no_wait + float(waiting.sum())
        return cls(a, stage, no_wait / total, waiting / total)

    @property
    def answered(self) -> np.ndarray:
        """P(finds k waiting and is answered): it outlasts its k + 1 stages w.p. a / (a + k + 1)."""
        answered: np.ndarray = self.p_waiting * self.a / self.stage
        return answered

    def service_level(self, t: float) -> float:
        """Share of all arrivals answered within t mean patiences."""
        return self.p_no_wait + float((self.answered * (1 - self._stages_longer_than(t))).sum())

    def _stages_longer_than(self, t: float) -> np.ndarray:
        """P(S_k > t) for every k, S_k = sum of exponentials with rates a + 1 .. a + k + 1.

        exp(-S_k) ~ Beta(a + 1, k + 1), so P(S_k > t) = P(Beta <= e^-t), the negative-binomial
        sum over j = 0..k of Gamma(a + 1 + j) / (Gamma(a + 1) j!) e^(-t(a + 1)) (1 - e^-t)^j:
        one cumulative sum gives every k at once. Terms are formed from logarithms so that
        e^(-t(a + 1)) underflowing cannot zero the sum.
        """
        j = np.arange(1, len(self.stage))
        log_terms = (
            -t * (self.a + 1)
            + np.concatenate(([0.0], np.cumsum(np.log((self.a + j) / j))))
            + np.arange(len(self.stage)) * math.log(-math.expm1(-t))
        )
        levels: np.ndarray = np.minimum(np.cumsum(np.exp(log_terms)), 1.0)
        return levels


def _states_kept(excess: float, scale: float, limit: float = math.inf) -> int:
    """How many states to keep on one side of N so that the rest hold < e^-40 of the mass.

    Either side's log pi peaks `excess` states away from N (if positive) and then falls at
    least like m^2 / (4 scale) after m more states (for m <= scale), so 14 sqrt(scale) past
    the peak it is down by e^-49; the 60 extra states cover a small scale, where the terms
    fall like scale^m / m!. Below N there are only N states.
    """
    return int(min(limit, math.ceil(max(excess, 0.0) + 14 * math.sqrt(scale)) + 60))


def _fewest(floor: int, guess: int, level: Callable[[int], float], target: float) -> int:
    """The smallest n >= floor with level(n) >= target, for a level that grows with n.

    A safeguarded secant search on the integers, from `guess`: each probe goes where the
    line through the last two levels reaches the target. While every probe so far falls
    short (or every one meets), probes move away by at least 1, 2, 4 ... (but upward never
    past twice the last n), so a poor line cannot make it creep; once the answer is bracketed,
    a probe that did not halve the bracket is followed by a bisection. On a smooth level
    this takes a handful of evaluations where bisection alone takes a dozen.
    """
    short, enough = floor - 1, None  # largest n known to fall short, smallest known to meet
    previous: tuple[int, float] | None = None
    n, step, width = guess, 1, math.inf
    while enough is None or enough - short > 1:
        value = level(n)
        if value >= target:
            enough = n
        else:
            short = n
        aim = _secant(previous, (n, value), target)
        previous = (n, value)
        if enough is None:
            n = short + step if aim is None else max(short + step, min(aim, 2 * short + 1))
            step *= 2
        elif short < floor:
            n = max(floor, enough - step if aim is None else min(enough - step, aim))
            step *= 2
        elif aim is None or enough - short > width / 2:
            n = (short + enough) // 2
        else:
            n = min(max(aim, short + 1), enough - 1)
        width = enough - short if enough is not None and short >= floor else math.inf
    return enough


def _secant(
    previous: tuple[int, float] | None, latest: tuple[int, float], target: float,
) -> int | None:
    """The smallest integer at or past which the line through two points reaches `target`."""
    if previous is None or previous[1] == latest[1]:
        return None
    (n0, v0), (n1, v1) = previous, latest
    crossing = n1 + (target - v1) * (n1 - n0) / (v1 - v0)
    # Levels a few 1e-308 apart (deep overload) make the line too steep to follow.
    return math.ceil(crossing) if math.isfinite(crossing) else None
