"""Technology pipeline register: the reader's refusals, funding shares and the valley-of-death flags against
hand-computed values, and the EU's TRL terms."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industwin.errors import DataError, ValidationError
from industwin.strategy.pipeline import (
    AMOUNTS,
    COLUMNS,
    convert,
    funding_by_stage,
    funding_stops,
    funding_totals,
    pipeline_summary,
    public_shares,
    read_register,
    trl_levels,
    valley_of_death,
)

ROOT = Path(__file__).resolve().parents[1]
HEADER = ",".join(COLUMNS)
# three technologies; amounts: public/private research, development, deployment
ROWS = [
    "a,Alpha,c12,DEU,5,2030,M EUR,10,10,60,20,0,10",      # TRL 5, public ends, private short → flagged
    "b,Beta,c9,DEU,6,2028,M EUR,0,5,40,40,20,100",        # public continues (20 > 0.25·40), private ample
    "c,Gamma,c14,IND,8,2026,M USD,4,0,0,0,30,70",         # TRL 8: never flagged; no development money
]


def write(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "reg.csv") -> Path:
    p = tmp_path / name
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


@pytest.fixture
def reg(tmp_path):
    return read_register(write(tmp_path, ROWS))


def test_funding_shares_hand_computed(reg):
    f = funding_by_stage(reg)
    assert f.loc["a", ("all", "total")] == 110 and f.loc["b", ("development", "total")] == 80
    s = public_shares(reg)
    # a: research 10/20, development 60/80, deployment 0/10, all 70/110
    assert s.loc["a"].tolist() == pytest.approx([0.5, 0.75, 0.0, 70 / 110])
    # b: research 0/5, development 40/80, deployment 20/120, all 60/205
    assert s.loc["b"].tolist() == pytest.approx([0.0, 0.5, 20 / 120, 60 / 205])
    # c: research 4/4, development 0/0 (no money: NaN), deployment 30/100, all 34/104
    assert s.loc["c", "research"] == 1.0 and math.isnan(s.loc["c", "development"])
    assert s.loc["c", ["deployment", "all"]].tolist() == pytest.approx([0.3, 34 / 104])
    # totals per unit, never across units: M EUR = a + b
    assert s.loc["total (M EUR)"].tolist() == pytest.approx([10 / 25, 100 / 160, 20 / 130, 130 / 315])
    assert s.loc["total (M USD)", "all"] == pytest.approx(34 / 104)
    assert funding_totals(reg).loc["M EUR", ("all", "public")] == 130


def test_where_public_funding_stops(reg):
    w = funding_stops(reg)
    # a: public 10, 60, 0 of 70 → stops after development
    assert w.loc["a", ["public_split_research", "public_split_development", "public_split_deployment"]].tolist() \
        == pytest.approx([10 / 70, 60 / 70, 0.0])
    assert w.loc["a", "public_until"] == "development" and w.loc["a", "stage_now"] == "development"
    assert w.loc["b", "public_until"] == "deployment"
    assert w.loc["c", "public_split_research"] == pytest.approx(4 / 34)
    assert w.loc["total (M EUR)", "public_split_deployment"] == pytest.approx(20 / 130)


def test_valley_of_death_flags(reg):
    v = valley_of_death(reg)
    assert v["flag"].tolist() == [True, False, False]
    assert v.loc["a", "shortfall"] == pytest.approx(0.5 * 80 - 10)
    assert not v.loc["b", "public_ends"] and v.loc["b", "in_development"]
    # boundaries: public 7–9 exactly a quarter of 4–6 still "ends"; private exactly at the threshold is not short
    edge = reg.copy()
    edge.loc["b", ["public_deployment", "private_deployment"]] = [10.0, 40.0]     # 10 = 0.25·40; 40 = 0.5·80
    e = valley_of_death(edge)
    assert e.loc["b", "public_ends"] and not e.loc["b", "private_short"] and not e.loc["b", "flag"]
    edge.loc["b", "private_deployment"] = 39.99
    assert valley_of_death(edge).loc["b", "flag"]
    # a stricter rule drops a: its public money must fall to a tenth and private demonstration below 0.1 × 80
    assert not valley_of_death(reg, private_ratio=0.1, public_drop=0.1).loc["a", "flag"]
    with pytest.raises(ValueError):
        valley_of_death(reg, private_ratio=float("nan"))
    s = pipeline_summary(reg)
    assert s["valley-of-death flags"] == 1 and s["flagged"] == "a"
    assert s["public share (M EUR)"] == pytest.approx(130 / 315)
    assert s["private shortfall of flagged technologies (M EUR)"] == pytest.approx(30.0)


def test_convert_puts_one_unit(reg):
    c = convert(reg, {"M EUR": 1.0, "M USD": 0.8}, "M EUR")
    assert c.loc["c", "public_deployment"] == pytest.approx(24.0) and set(c["unit"]) == {"M EUR"}
    assert reg.loc["c", "public_deployment"] == 30          # input unchanged
    assert public_shares(c).loc["total (M EUR)", "all"] == pytest.approx((130 + 0.8 * 34) / (315 + 0.8 * 104))
    with pytest.raises(ValueError, match="no rate"):
        convert(reg, {"M EUR": 1.0}, "M EUR")


def test_trl_terms_are_the_eu_annex_wording():
    t = trl_levels()
    assert list(t.index) == list(range(1, 10))
    assert t.loc[1, "term"] == "basic principles observed"
    assert t.loc[9, "term"].startswith("actual system proven in operational environment")
    assert t.loc[4, "stage"] == "development" and t.loc[7, "stage"] == "deployment"
    assert "Annex B" in t.attrs["source"]


@pytest.mark.parametrize("rows, header, field, line", [
    (["a,Alpha,c12,DEU,10,2030,M EUR,1,1,1,1,1,1"], HEADER, "trl", "line 2"),
    (["a,Alpha,c12,DEU,4.5,2030,M EUR,1,1,1,1,1,1"], HEADER, "trl", "line 2"),
    (["a,Alpha,c12,DEU,4,2030,M EUR,1,1,1,1,1,1", "b,B,c1,DEU,4,2030,M EUR,1,-2,1,1,1,1"], HEADER,
     "private_research", "line 3"),
    (["a,Alpha,c12,DEU,4,2030,M EUR,1,1,inf,1,1,1"], HEADER, "public_development", "line 2"),
    (["a,Alpha,c12,DEU,4,2030,M EUR,1,1,1,,1,1"], HEADER, "private_development", "line 2"),
    (["a,Alpha,c12,DEU,4,2030,euros,1,1,1,1,1,1"], HEADER, "unit", "line 2"),
    (["a,Alpha,c12,DEU,4,2030,M EUR,1,1,1,1,1,1,x"], HEADER + ",notes", "notes", None),
    (["a,Alpha,c12,DEU,4,2030,M EUR,1,1,1,1,1"], HEADER.replace(",private_deployment", ""), "private_deployment",
     None),
    (["a,Alpha,c12,DEU,4,2030,M EUR,1,1,1,1,1,1", "a,Again,c12,DEU,4,2030,M EUR,1,1,1,1,1,1"], HEADER, "id",
     "line 3"),
])
def test_reader_refuses_with_file_line_and_field(tmp_path, rows, header, field, line):
    p = write(tmp_path, rows, header)
    with pytest.raises(DataError) as e:
        read_register(p)
    msg = str(e.value)
    assert str(p) in msg and field in msg
    if line:
        assert line in msg


def test_example_register_reads_and_says_it_is_illustrative():
    r = read_register(ROOT / "examples" / "pipeline" / "register.csv")
    assert 14 <= len(r) <= 20 and set(r["economy"]) == {"DEU", "IND"}
    assert set(r["unit"]) == {"M EUR", "M USD"}
    assert "illustrative" in (ROOT / "examples" / "pipeline" / "README.md").read_text().lower()
    assert valley_of_death(r)["flag"].sum() >= 1


_amount = st.one_of(st.integers(0, 10_000), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))
_row = st.tuples(st.integers(1, 9), st.integers(2020, 2050), st.sampled_from(["M EUR", "M USD", "k INR"]),
                 st.lists(_amount, min_size=6, max_size=6))
_bad = st.sampled_from([("trl", "0"), ("trl", "nine"), ("public_research", "-1"), ("private_deployment", "nan"),
                        ("market_year", "soon"), ("unit", ""), ("sector", "")])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_row, min_size=1, max_size=6), st.data())
def test_reader_property_round_trip_and_corruption(tmp_path, rows, data):
    """Any valid register reads back exactly; one corrupted cell is refused, naming its line and column."""
    lines = [",".join([f"t{k}", f"Tech {k}", "c12", "DEU", str(trl), str(yr), unit, *map(repr, am)])
             for k, (trl, yr, unit, am) in enumerate(rows)]
    r = read_register(write(tmp_path, lines, name="ok.csv"))
    assert list(r.index) == [f"t{k}" for k in range(len(rows))]
    got = r[list(AMOUNTS)].to_numpy(float)
    assert np.array_equal(got, np.array([[float(a) for a in am] for *_, am in rows]))
    assert r["trl"].tolist() == [t for t, *_ in rows]
    k = data.draw(st.integers(0, len(rows) - 1))
    col, val = data.draw(_bad)
    cells = lines[k].split(",")
    cells[COLUMNS.index(col)] = val
    bad = [*lines[:k], ",".join(cells), *lines[k + 1:]]
    with pytest.raises(ValidationError) as e:
        read_register(write(tmp_path, bad, name="bad.csv"))
    assert col in str(e.value) and f"line {k + 2}" in str(e.value)


def test_dataframe_input_is_not_changed():
    df = pd.DataFrame([r.split(",") for r in ROWS], columns=list(COLUMNS))
    before = df.copy()
    r = read_register(df)
    assert len(r) == 3 and df.equals(before)
