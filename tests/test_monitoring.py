"""Implementation monitoring: the targets file's refusals and round trip, the status rules and the what-changed
comparison against hand-computed numbers, and tracking on WIOD against the indicators computed directly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industwin.errors import DataError, ValidationError
from industwin.strategy.indicators import SPECS, diagnosis_inputs, indicator_matrix
from industwin.strategy.monitoring import (
    from_records,
    read_targets,
    sector_measures,
    target_status,
    to_records,
    track,
    what_changed,
)

ROOT = Path(__file__).resolve().parents[1]


def targets_dict(**target) -> dict:
    t = {"id": "t1", "indicator": "manufacturing_va_share", "baseline_year": 2005, "target_value": 0.3,
         "target_year": 2015, "direction": "increase", **target}
    return {"strategy": "test", "economy": "DEU", "targets": [t]}


def write_yaml(tmp_path: Path, data: dict, name: str = "targets.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- status rules
def st_(values, **kw):
    args = {"baseline_year": 2000, "baseline_value": 10.0, "target_year": 2010, "target_value": 20.0,
            "direction": "increase", "tolerance": 0.1} | kw
    return target_status(pd.Series(values, dtype=float), **args)


def test_status_hand_computed_increase():
    r = st_({2004: 14.0})              # path 10 + 10·0.4 = 14: on the path
    assert (r["status"], r["path_value"], r["gap_to_path"], r["progress"]) == ("on track", 14.0, 0.0, 0.4)
    assert st_({2004: 13.0})["status"] == "on track"          # 1 behind = 0.1 × |20 − 10|: still within
    r = st_({2004: 12.9})
    assert r["status"] == "off track" and r["gap_to_path"] == pytest.approx(-1.1) and r["tolerance"] == 1.0
    assert st_({2004: 21.0})["status"] == "achieved" and st_({2004: 20.0})["status"] == "achieved"
    assert st_({2003: 25.0, 2004: 12.0})["status"] == "off track"        # the latest value counts
    assert st_({2003: 13.5, 2004: np.nan})["latest_year"] == 2003         # missing values are skipped
    r = st_({2012: 19.5})                                                 # target year passed, not reached
    assert r["status"] == "off track" and "passed" in r["note"]
    assert st_({2000: 10.0})["status"] == "no data yet"                   # nothing after the baseline year
    assert st_({})["status"] == "no data yet"
    assert st_({2004: 14.0}, baseline_value=None)["status"] == "no data yet"


def test_status_hand_computed_decrease():
    kw = {"baseline_year": 2005, "baseline_value": 1.0, "target_year": 2015, "target_value": 0.5,
          "direction": "decrease"}
    r = st_({2010: 0.8}, **kw)          # path 0.75, 0.05 behind, tolerance 0.05
    assert r["status"] == "on track" and r["gap_to_path"] == pytest.approx(-0.05) and r["progress"] == \
        pytest.approx(0.4)
    assert st_({2010: 0.81}, **kw)["status"] == "off track"
    assert st_({2011: 0.5}, **kw)["status"] == "achieved"
    assert st_({2010: 0.6}, **kw)["gap_to_path"] == pytest.approx(0.15)   # ahead of the path: positive
    with pytest.raises(ValueError):
        st_({2010: 0.6}, direction="up")


# --------------------------------------------------------------------------- what changed
def test_what_changed_on_a_tiny_series():
    years = np.arange(2000, 2005)
    t = years - 2000
    treated = np.where(years <= 2002, 100.0, 100 * np.exp(0.1 * (years - 2002)))          # 0 then +0.10 a year
    peers = 50 * np.exp(0.05 * t)                                                        # +0.05 throughout
    other = np.where(years <= 2002, 10 * np.exp(0.02 * t), 10 * np.exp(0.04 - 0.03 * (years - 2002)))
    s = pd.DataFrame({"targeted": treated, "peers": peers, "other": other}, index=years)
    w = what_changed(s, 2002)
    assert w.loc["targeted", ["growth_before", "growth_after", "change"]].tolist() == pytest.approx([0, 0.1, 0.1])
    assert w.loc["peers", ["change", "difference"]].tolist() == pytest.approx([0.0, 0.1])
    assert w.loc["other", ["growth_before", "growth_after"]].tolist() == pytest.approx([0.02, -0.03])
    assert w.loc["other", "difference"] == pytest.approx(0.1 - (-0.05))
    assert math.isnan(w.loc["targeted", "difference"])
    assert any("not a causal" in c for c in w.attrs["caveats"]) and "2 year(s) before" in w.attrs["caveats"][-1]
    # least squares on logs: ln values 0, 0.1, 0.3 over three years → slope (0.3 − 0)/2 = 0.15
    s2 = pd.DataFrame({"a": np.exp([0, 0.1, 0.3, 0.3]), "b": np.exp([0, 0, 0, 0.2])}, index=[1, 2, 3, 4])
    w2 = what_changed(s2, 3)
    assert w2.loc["a", ["growth_before", "growth_after"]].tolist() == pytest.approx([0.15, 0.0])
    assert w2.loc["b", "difference"] == pytest.approx((0.0 - 0.15) - (0.2 - 0.0))
    with pytest.raises(ValueError, match="inside the years"):
        what_changed(s2, 4)


def test_sector_measures_on_a_small_table(small):
    d = sector_measures(small, ["manu"], "output")
    x = pd.Series(np.asarray(small.x), index=small.index)
    assert d.loc["B", "targeted_num"] == pytest.approx(x[("B", "manu")])
    assert d.loc["C", "other_num"] == pytest.approx(x[("C", "agri")])
    va = pd.Series(np.asarray(small.x) - np.asarray(small.Z).sum(axis=0), index=small.index)
    assert sector_measures(small, ["manu"], "value_added").loc["A", "targeted_num"] == pytest.approx(va[("A", "manu")])
    assert sector_measures(small, ["manu"], "jobs")["targeted_num"].isna().all()     # no employment accounts


# --------------------------------------------------------------------------- the file
@pytest.mark.parametrize("change, field", [
    ({"colour": "red"}, "targets[0].colour"),
    ({"target_value": float("inf")}, "targets[0].target_value"),
    ({"target_year": 2005}, "targets[0]"),
    ({"baseline_value": 0.4}, "targets[0]"),                       # 0.4 → 0.3 is no increase
    ({"indicator": "happiness"}, "targets[0].indicator"),
    ({"direction": "up"}, "targets[0].direction"),
    ({"baseline_year": "2005x"}, "targets[0].baseline_year"),
    ({"sectors": ["c1", "c1"]}, "targets[0]"),
])
def test_targets_file_refusals_name_file_and_field(tmp_path, change, field):
    p = write_yaml(tmp_path, targets_dict(**change))
    with pytest.raises(ValidationError) as e:
        read_targets(p)
    assert str(p) in str(e.value) and field in str(e.value)


def test_targets_file_structure_refusals(tmp_path):
    d = targets_dict()
    del d["targets"][0]["target_year"]
    with pytest.raises(ValidationError, match=r"targets\[0\].target_year.*required"):
        read_targets(write_yaml(tmp_path, d))
    d = targets_dict()
    d.pop("economy")
    with pytest.raises(ValidationError, match="no economy"):
        read_targets(write_yaml(tmp_path, d))
    d = targets_dict()
    d["metrics"] = [{"name": "gvc_participation", "unit": "x", "values": {2008: 1}}]
    with pytest.raises(ValidationError, match="indicator ids"):
        read_targets(write_yaml(tmp_path, d))
    d["metrics"] = [{"name": "firms", "unit": "firms", "values": {2008: "many"}}]
    with pytest.raises(ValidationError, match=r"metrics\[0\].values"):
        read_targets(write_yaml(tmp_path, d))
    (tmp_path / "bad.yaml").write_text("strategy: x\ntargets: [\n")
    with pytest.raises(DataError, match="bad.yaml.*line"):
        read_targets(tmp_path / "bad.yaml")


_year = st.integers(1995, 2030)
_num = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def targets_files(draw):
    metrics = [{"name": f"m{k}", "unit": draw(st.sampled_from(["firms", "M EUR", "%"])),
                "values": draw(st.dictionaries(_year, _num, min_size=1, max_size=4))}
               for k in range(draw(st.integers(0, 2)))]
    targets = []
    for k in range(draw(st.integers(1, 3))):
        y0 = draw(_year)
        t = {"id": f"t{k}", "indicator": draw(st.sampled_from([*sorted(SPECS)[:5], *(m["name"] for m in metrics)])),
             "baseline_year": y0, "target_year": y0 + draw(st.integers(1, 20)), "direction":
             draw(st.sampled_from(["increase", "decrease"])), "target_value": draw(_num)}
        if draw(st.booleans()):
            step = draw(st.floats(0.01, 1e3))
            t["baseline_value"] = t["target_value"] - step if t["direction"] == "increase" else \
                t["target_value"] + step
        if t["indicator"] in SPECS and draw(st.booleans()):
            t["sectors"] = draw(st.lists(st.sampled_from(["c9", "c12", "c13"]), min_size=1, max_size=3, unique=True))
        targets.append(t)
    return {"strategy": "s", "economy": draw(st.sampled_from(["DEU", "IND"])), "tolerance": draw(st.floats(0, 1)),
            "metrics": metrics, "targets": targets}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(targets_files(), st.data())
def test_targets_reader_property(tmp_path, data, draw):
    """Any valid file reads; to_records → JSON → from_records gives it back; an infinite number anywhere a number
    is written is refused, naming the file and the field."""
    p = write_yaml(tmp_path, data)
    t = read_targets(p)
    rec = to_records(t)
    assert from_records(json.loads(json.dumps(rec))) == t
    assert [x.id for x in t.targets] == [x["id"] for x in data["targets"]]
    k = draw.draw(st.integers(0, len(data["targets"]) - 1))
    key = draw.draw(st.sampled_from(["target_value", "baseline_value"]))
    bad = json.loads(json.dumps(data))
    bad["targets"][k][key] = float("inf")
    q = write_yaml(tmp_path, bad, "bad.yaml")
    with pytest.raises(ValidationError) as e:
        read_targets(q)
    assert str(q) in str(e.value) and f"targets[{k}].{key}" in str(e.value)


def test_examples_read_and_say_illustrative():
    for econ in ("DEU", "IND"):
        p = ROOT / "examples" / "targets" / f"{econ}.yaml"
        t = read_targets(p)
        assert 2 <= len(t.targets) <= 3 and t.metrics and all(x.baseline_year <= 2011 for x in t.targets)
        assert "ILLUSTRATIVE" in p.read_text()


# --------------------------------------------------------------------------- tracking on WIOD
def test_tracking_deu_equals_the_indicators_computed_directly():
    import industwin as iw
    years = [2004, 2005, 2011]
    tables = {y: iw.load("wiod2013", y) for y in years}
    d = targets_dict(indicator="medium_high_tech_va_share", sectors=["c9", "c13", "c14", "c15"], peers=["FRA", "ITA"],
                     target_value=0.16)
    d["targets"].append({"id": "t2", "indicator": "emission_intensity_va", "baseline_year": 2005,
                         "target_value": 0.21, "target_year": 2015, "direction": "decrease"})
    d["targets"].append({"id": "t3", "indicator": "foreign_va_share_manufacturing", "baseline_year": 2005,
                         "baseline_value": 0.2, "target_value": 0.25, "target_year": 2015, "direction": "increase"})
    tr = track(from_records(d), tables)
    for y in (2005, 2011):                    # independent path: every indicator of DEU on the year's table
        m = tables[y]
        P = indicator_matrix(m, ["DEU"], diagnosis_inputs(m))[0]["DEU"]
        for tid, ind in (("t1", "medium_high_tech_va_share"), ("t2", "emission_intensity_va"),
                         ("t3", "foreign_va_share_manufacturing")):
            assert tr.values.loc[y, tid] == pytest.approx(P[ind], rel=1e-12)
    s = tr.status
    assert s.loc["t1", "baseline_value"] == tr.values.loc[2005, "t1"] and s.loc["t1", "baseline_from"] == "computed"
    assert s.loc["t3", "baseline_from"] == "given" and s.loc["t1", "latest_year"] == 2011
    assert s.loc["t2", "unit"] == "kt CO2 per M USD"
    # the status is the rule applied to the tracked numbers
    ref = target_status(tr.values["t1"], 2005, tr.values.loc[2005, "t1"], 2015, 0.16, "increase", 0.1)
    assert s.loc["t1", "status"] == ref["status"] and s.loc["t1", "path_value"] == pytest.approx(ref["path_value"])
    # what changed: the group series are value added summed directly from the table (x − 1'Z on WIOD)
    g = tr.groups["t1"]
    m = tables[2011]
    va = pd.Series(np.asarray(m.x) - np.asarray(m.Z).sum(axis=0), index=m.index)
    mht = ["c9", "c13", "c14", "c15"]
    assert g.loc[2011, "targeted sectors"] == pytest.approx(va.loc["DEU"].loc[mht].sum(), rel=1e-9)
    assert g.loc[2011, "same sectors, peer economies"] == pytest.approx(
        va.loc["FRA"].loc[mht].sum() + va.loc["ITA"].loc[mht].sum(), rel=1e-9)
    assert g.loc[2011, "other sectors, same economy"] == pytest.approx(va.loc["DEU"].drop(mht).sum(), rel=1e-9)
    w = tr.changes.loc["t1"]
    ref = what_changed(g, 2005)
    assert w["difference"].to_numpy() == pytest.approx(ref["difference"].to_numpy(), nan_ok=True)
    assert "t2" not in tr.changes.index.get_level_values(0)          # names no sectors: no comparison


def test_tracking_refuses_unknown_sectors_and_economies(small):
    d = targets_dict(indicator="m", sectors=None)
    d["metrics"] = [{"name": "m", "unit": "firms", "values": {2008: 1.0, 2009: 2.0}}]
    d["targets"][0] |= {"economy": "ZZZ", "baseline_year": 2008, "target_year": 2010, "target_value": 3.0}
    with pytest.raises(ValidationError, match=r"targets\[0\].economy"):
        track(from_records(d), {2008: small})
    d["targets"][0]["economy"] = "A"
    tr = track(from_records(d), {2008: small})           # a metric target needs no indicator of the table
    assert tr.status.loc["t1", "status"] == "on track" and tr.status.loc["t1", "latest_value"] == 2.0
