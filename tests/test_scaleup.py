"""The report's challenge-3 evidence for any economy and year of the table: the library's technology adopted with
the economy's own grid, left out (with the reason) where the economy's column cannot take it, and the sentences
without an emissions account (WIOD before 2000)."""

from __future__ import annotations

import numpy as np

import industwin as iw
from industwin.strategy.scaleup import build_scaleup
from industwin.viz.report_scaleup import scaleup_html


def _html(su) -> str:
    return scaleup_html(su, lambda f: "<figure/>", lambda df: df.to_html())


def test_the_library_technology_buys_the_adopting_economys_own_electricity(wiod2011):
    su = build_scaleup(wiod2011, "FRA", regions=False)
    tech = su.technology.scenario.technology
    assert tech.origins == {"c17": {"FRA": 1.0}}                 # the library's "domestic grid", for France
    d = su.technology.detail()
    change = d[("gross output", "change")]
    assert change.loc[("FRA", "c17")] > 0
    assert change.loc[("FRA", "c17")] > 100 * abs(change.loc[("DEU", "c17")])   # not Germany's grid
    assert su.eci_rank == list(su.economies.index).index("FRA") + 1 and "RoW" not in su.economies.index


def test_an_economy_whose_column_cannot_take_the_library_technology_gets_the_reason(wiod2011):
    rows = np.asarray(wiod2011.index.get_level_values(1) == "c8")
    coke = wiod2011.Z[rows][:, wiod2011.index.get_loc(("MLT", "c12"))].sum()
    assert coke == 0                                # Malta's metals buy no coke from anywhere: nothing to cut
    su = build_scaleup(wiod2011, "MLT", regions=False)
    assert su.technology is None and "--technology" in su.technology_note
    text = " ".join(su.key_figures())
    assert "Technology scenario: the library's h2_dri_eaf does not fit MLT" in text
    assert "does not fit MLT" in _html(su)


def test_without_an_emissions_account_the_sentences_leave_emissions_out():
    m = iw.load("wiod2013", 1999)
    assert "co2" not in m.satellites
    su = build_scaleup(m, "DEU", regions=False)
    s = su.technology_summary
    assert "emissions change, economy" not in s and np.isfinite(s["value added change, economy"])
    tech = next(k for k in su.key_figures() if k.startswith(su.technology.scenario.name))
    assert "emissions" not in tech and "value added" in tech and "cumulative investment" in tech
    assert "bn USD" in tech                                      # M USD shown as bn USD, the unit people read
    assert "<h3>Technology scenario:" in _html(su)

