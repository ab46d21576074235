"""The AHT differences the KPI screen's `m` takes into a scenario's aht_delta (issue #18), as
pure functions of the group rows: `onsite_aht`, `observed_aht_delta`, `tenure_adjusted_aht_delta`.

The groups (10 contacts per agent, per-agent rows made into group rows by tests/kpi_rows.py):
  onsite  5 agents > 24 months at 3,000 s (300 s AHT), 5 agents < 6 months at 3,600 s (360 s):
          AHT 33,000 / 100 = 330 s;
  remote  5 agents > 24 months at 3,300 s: AHT 330 s;
  hybrid  3 agents at 2,700 s: under the floor of 5, suppressed.
"""

from __future__ import annotations

import pytest

from queries.model.kpi import compare, observed_aht_delta, onsite_aht, tenure_adjusted_aht_delta
from tests.kpi_rows import agent_rows, group_sums


def agents(mode: str, prefix: str, count: int, handle: float, band: str) -> list[dict]:
    return [{"agent_id": f"{prefix}{i}", "work_mode": mode, "tenure_band": band, "contacts": 10,
             "handle_seconds": handle} for i in range(count)]


GROUPS = group_sums(agent_rows(
    agents("onsite", "OS", 5, 3_000.0, "> 24 months") + agents("onsite", "OJ", 5, 3_600.0, "< 6 months")
    + agents("remote", "RS", 5, 3_300.0, "> 24 months") + agents("hybrid", "H", 3, 2_700.0, "> 24 months")
))


def test_the_onsite_aht_is_the_one_the_screen_shows() -> None:
    assert onsite_aht(GROUPS, 5) == pytest.approx(330.0)
    # With a floor of 11 the onsite group (10 agents) is suppressed: no AHT to compare with.
    assert onsite_aht(GROUPS, 11) is None


def test_the_observed_delta_is_each_modes_aht_over_onsite_minus_one() -> None:
    """Remote 330 / 330 - 1 = 0; hybrid is suppressed at a floor of 5 and left out; at a floor
    of 3 it shows 270 s: 270 / 330 - 1 = -0.181818..."""
    assert observed_aht_delta(GROUPS, 5) == pytest.approx({"remote": 0.0})
    assert observed_aht_delta(GROUPS, 3) == pytest.approx({"remote": 0.0, "hybrid": 270 / 330 - 1})
    assert observed_aht_delta(GROUPS, 11) == {}


def test_the_tenure_adjusted_delta_is_the_adjusted_difference_over_onsite_aht() -> None:
    """Only > 24 months has both modes: remote 330 - onsite 300 = +30 s (weight 5), so the
    adjusted difference is +30 s where the observed one is 0: 30 / 330 = 0.090909...
    Hybrid (suppressed) has no adjusted difference."""
    [remote] = compare(GROUPS, "remote", "onsite", ["aht_seconds"], True, min_agents=5)
    assert (remote.difference, remote.tenure_adjusted_difference) == pytest.approx((0.0, 30.0))
    assert tenure_adjusted_aht_delta(GROUPS, 5) == pytest.approx({"remote": 30 / 330})
    # At a floor of 3 hybrid's > 24 months band (3 agents) counts: 270 - 300 = -30 s.
    assert tenure_adjusted_aht_delta(GROUPS, 3) == pytest.approx({"remote": 30 / 330, "hybrid": -30 / 330})
    assert tenure_adjusted_aht_delta(GROUPS, 11) == {}
