"""Readiness assessment: the model's shape; the self-assessment reader's refusals (each naming file, line and
column); percentiles, best in class and priorities on four companies computed by hand; the confidential mean
table (a cell of fewer than 3 companies hidden, published means equal to hand means); the regional ranking
against the figures published with the data (Honti, Czvetko & Abonyi 2020) and a region's "holds it back"
table recomputed independently from the raw CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industwin.analysis.disclosure import TOTAL
from industwin.analysis.readiness import (
    benchmark,
    country_summary,
    priorities,
    readiness_table,
    regional_standing,
    scores,
)
from industwin.data.readiness import dimension_weights, load_model, read_assessments, read_i40_rank, read_kpi_weights
from industwin.errors import SelectionError, ValidationError

MODEL = load_model()
IDS = MODEL.ids
D0, D1 = IDS[0], IDS[1]              # vertical_integration, horizontal_integration


def _frame(bands: dict[str, dict[str, int]], sector: dict[str, str] | None = None, default: int = 3) -> pd.DataFrame:
    rows = []
    for c, b in bands.items():
        for d in IDS:
            rows.append({"company": c, "sector": (sector or {}).get(c, "c12"), "region": "DEU", "nuts2": "DE60",
                         "size_class": "small", "dimension": d, "band": b.get(d, default)})
    return pd.DataFrame(rows)


def _write(df: pd.DataFrame, tmp_path, name="a.csv"):
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


# ----------------------------------------------------------------------------- model
def test_model_has_3_blocks_8_pillars_16_dimensions_with_6_bands():
    assert [b.id for b in MODEL.blocks] == ["process", "technology", "organisation"]
    assert sum(len(b.pillars) for b in MODEL.blocks) == 8
    assert len(IDS) == 16 and len(set(IDS)) == 16
    assert MODEL.bands == [0, 1, 2, 3, 4, 5]
    dims = MODEL.dimensions
    assert dims["block"].value_counts().to_dict() == {"technology": 9, "organisation": 4, "process": 3}
    assert all(len(d.bands) == 6 for b in MODEL.blocks for p in b.pillars for d in p.dimensions)
    assert MODEL.band_text("shop_floor_automation", 0) == "Work on the shop floor is manual"


# ----------------------------------------------------------------------------- reader
def _error(tmp_path, df) -> str:
    with pytest.raises(ValidationError) as e:
        read_assessments(_write(df, tmp_path))
    return str(e.value)


def _base() -> pd.DataFrame:
    df = _frame({"A": {}, "B": {}})
    df["band"] = df["band"].astype(object)
    return df


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d.assign(dimension=d["dimension"].where(d.index != 3, "shopfloor_automation")), "line 5: dimension",
     "did you mean 'shop_floor_automation'"),
    (lambda d: d.assign(band=d["band"].where(d.index != 4, 6)), "line 6: band", "less than or equal to 5"),
    (lambda d: d.assign(band=d["band"].where(d.index != 4, 2.5)), "band", "line 6: 2.5"),
    (lambda d: d.assign(band=d["band"].where(d.index != 4, "NaN")), "band", "line 6: 'NaN'"),
    (lambda d: d.drop(index=[20, 21]), "line 18: dimension",
     f"company 'B' has no row for 2 dimension(s): {IDS[4]}, {IDS[5]}"),
    (lambda d: pd.concat([d, d.iloc[[5]]]), "line 34: dimension",
     f"gives dimension '{IDS[5]}' again (first on line 7)"),
])
def test_reader_refuses_with_file_line_field_and_fix(tmp_path, change, field, words):
    msg = _error(tmp_path, change(_base()))
    assert "a.csv" in msg and f"field '{field}'" in msg and words in msg and "Fix:" in msg


def test_reader_reads_names_as_codes_and_refuses_unknown_sectors(tmp_path):
    df = _frame({"A": {}, "B": {}}, sector={"A": "Basic Metals and Fabricated Metal", "B": "c13"})
    names = {"c12": "Basic Metals and Fabricated Metal", "c13": "Machinery, Nec"}
    a = read_assessments(_write(df, tmp_path), sectors=names)
    assert set(a["sector"]) == {"c12", "c13"} and a["band"].dtype == np.int8 and a.attrs["companies"] == 2
    df.loc[df["company"] == "B", "sector"] = "Machinery"
    with pytest.raises(ValidationError, match="line 18: sector.*unknown sector 'Machinery'"):
        read_assessments(_write(df, tmp_path), sectors=names)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bands=st.lists(st.lists(st.integers(0, 5), min_size=16, max_size=16), min_size=1, max_size=3),
       bad=st.one_of(st.none(), st.tuples(st.integers(0, 47), st.sampled_from([-1, 6, 7, 2.5, "x"]))))
def test_reader_round_trips_and_names_the_bad_line(tmp_path, bands, bad):
    df = _frame({f"F{i}": dict(zip(IDS, b)) for i, b in enumerate(bands)})
    df["band"] = df["band"].astype(object)
    if bad is None:
        a = read_assessments(_write(df, tmp_path))
        assert a["band"].tolist() == [v for b in bands for v in b]
        assert scores(a).overall.to_numpy() == pytest.approx([np.mean(b) for b in bands])
        return
    k = bad[0] % len(df)
    df.loc[k, "band"] = bad[1]
    with pytest.raises(ValidationError, match=f"line {k + 2}"):
        read_assessments(_write(df, tmp_path))


def test_kpi_weights_file_gives_hand_weights(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("company,kpi,weight\nA,sustainability,2\nA,cost,0\n*,people,1\n")
    w = read_kpi_weights(p)
    # sustainability → 4 dimensions, each 2/4 of a total 2 → mean-1 normalisation: 16 · 0.5 / 2 = 4
    assert w.loc["A", "facility_intelligence"] == pytest.approx(4.0) and w.loc["A", D0] == 0
    assert w.loc["*", "leadership_competency"] == pytest.approx(4.0) and w.loc["A"].sum() == pytest.approx(16)
    p.write_text("company,kpi,weight\nA,speedy,1\n")
    with pytest.raises(ValidationError, match="line 2: kpi.*unknown kpi 'speedy'"):
        read_kpi_weights(p)


# ----------------------------------------------------------------------------- four companies by hand
FOUR = _frame({"A": {D0: 1, D1: 0}, "B": {D0: 2, D1: 1}, "C": {D0: 2, D1: 5}, "D": {D0: 4, D1: 3}})


def test_percentile_median_p90_best_by_hand():
    b = benchmark(FOUR, by=())
    # A (1) vs {2, 2, 4}: none below → 0 %; B (2) vs {1, 2, 4}: 1 below + ½ tie → 50 %; D (4) vs {1, 2, 2}: 100 %
    assert b.loc[("A", D0), "percentile"] == 0 and b.loc[("B", D0), "percentile"] == 50
    assert b.loc[("D", D0), "percentile"] == 100 and b.loc[("C", D0), "percentile"] == 50
    # type-7 90th percentile of {2, 2, 4}: position 0.9·2 = 1.8 → 2 + 0.8·(4 − 2) = 3.6
    assert b.loc[("A", D0), ["median", "p90", "best", "n_peers"]].tolist() == pytest.approx([2, 3.6, 4, 3])
    assert b.loc[("D", D0), ["median", "p90", "best"]].tolist() == pytest.approx([2, 2, 2])
    assert b.loc[("A", IDS[5]), "percentile"] == 50            # all tied at 3
    assert benchmark(FOUR, by=(), min_peers=4)["best"].isna().all()


def test_priorities_by_hand_equal_and_kpi_weights():
    p = priorities(FOUR, "A", by=("sector",))
    top = p.set_index("dimension")
    assert top.loc[D1, ["band", "best", "gap", "priority", "rank"]].tolist() == [0, 5, 5, 5, 1]
    assert top.loc[D0, ["band", "best", "gap", "priority", "rank"]].tolist() == [1, 4, 3, 3, 2]
    assert (p["priority"].iloc[2:] == 0).all() and list(p.columns) == ["dimension", "name", "pillar", "block", "band",
                                                                      "best", "gap", "weight", "priority", "rank"]
    q = priorities(FOUR, "A", weights={D0: 3, D1: 1}).set_index("dimension")    # mean-1 weights 12 and 4
    assert q.loc[D0, ["weight", "priority", "rank"]].tolist() == [12, 36, 1]
    assert q.loc[D1, ["weight", "priority", "rank"]].tolist() == [4, 20, 2]
    assert dimension_weights({"sustainability": 1}).loc["facility_automation"] == pytest.approx(4)
    with pytest.raises(SelectionError, match="fewer than 4 peers"):
        priorities(FOUR, "A", min_peers=4)


# ----------------------------------------------------------------------------- aggregation
def test_protected_means_hide_small_cells_and_publish_hand_means():
    bands = {"A": {D0: 1}, "B": {D0: 2}, "C": {D0: 2}, "D": {D0: 4}, "E": {D0: 5},
             "F": {D0: 3}, "G": {D0: 2}, "H": {D0: 4}, "I": {}, "J": {}}
    sector = {"A": "c12", "B": "c12", "C": "c12", "D": "c12", "E": "c9", "F": "c13", "G": "c13", "H": "c13",
              "I": "c14", "J": "c14"}
    df = _frame(bands, sector)
    df.loc[df["company"].isin(["I", "J"]), "band"] = 0              # two companies all at 0: a sum of 0 shows
    t = readiness_table(df, "sector")
    assert t.status["c9"].str.startswith("primary").all() and t.values["c9"].isna().all()     # 1 company
    assert t.values["c14"].isna().all() and (t.status["c14"] != "published").all()            # 2, all 0
    hand = {("c12", D0): 9 / 4, ("c13", D0): 3, ("c12", IDS[7]): 3, (TOTAL, D0): (1 + 2 + 2 + 4 + 5 + 3 + 2 + 4) / 10}
    published = 0
    for (col, row), v in hand.items():
        if t.status.loc[row, col] == "published":
            assert t.values.loc[row, col] == pytest.approx(v)
            published += 1
    assert published >= 2 and t.contributors.loc[D0, "c12"] == 4
    assert (t.values.notna() == (t.status == "published")).all().all()
    assert bool(t.protected.audit["width"].gt(0).all())
    # without the one-company sector nothing else is sensitive: the all-0 cells of two companies (a sum of 0,
    # "empty" to the sum's rules) must still be hidden as primary, with complementary cells
    t = readiness_table(df[df["company"] != "E"], "sector")
    assert t.status["c14"].str.startswith("primary").all() and t.values["c14"].isna().all()
    assert (t.status == "secondary").any().any() and bool(t.protected.audit["width"].gt(0).all())


# ----------------------------------------------------------------------------- regions
def test_ranking_matches_the_published_order():
    r = read_i40_rank().sort_values("promethee_rank")
    assert list(r.index[:3]) == ["UKI3", "LU00", "IE05"] and len(r) == 309
    assert r.loc["DE60", "promethee_rank"] == 6.5 and r.loc["SE11", "promethee_rank"] == 6.5     # a tie
    assert "DEC0" in r.index and not r.loc["EU28", "is_region"]
    de = country_summary("DEU")
    assert de.best == ("DE60", 6.5) and len(de.regions) == 38 and de.worst[1] >= de.median_rank
    assert country_summary("IND") is None


def test_holds_it_back_recomputed_from_the_raw_file():
    s = regional_standing("DE60", peers="country")
    raw = pd.read_csv(DATA / "industry40_readiness_nuts2" / "i40_index_db.csv")
    raw["NUTS_ID"] = raw["NUTS_ID"].replace({"Dec-00": "DEC0"})
    peers = raw[raw["NUTS_ID"].str.startswith("DE") & (raw["NUTS_ID"] != "DE60")]
    assert len(s.peers) == 37 and s.rank == 6.5
    for ind, col, year, sign in [("rd_business", "rd_e_gerdreg_SECTPERF_BES_UNIT_PC_GDP", 2015, 1),
                                 ("high_tech_manufacturing", "htec_emp_reg2_NACE_R2_C_HTC_MH_UNIT_PC_EMP_SEX_T",
                                  2018, 1),
                                 ("low_education_25_64", "edat_lfse_04_SEX_T_ISCED11_ED0-2_AGE_Y25-64_UNIT_PC", 2018,
                                  -1)]:
        x = raw.loc[(raw["NUTS_ID"] == "DE60") & (raw["YEAR"] == year), col].item()
        v = peers.loc[peers["YEAR"] == year, col].dropna().to_numpy()
        med = np.median(v)
        mad = 1.4826 * np.median(np.abs(v - med))
        row = s.indicators.loc[ind]
        assert (row["year"], row["value"], row["n_peers"]) == (year, x, len(v))
        assert row["z"] == pytest.approx(sign * (x - med) / mad)
        assert ind in s.holds_back.index                        # all three are below the German median
    assert list(s.holds_back["z"]) == sorted(s.holds_back["z"]) and (s.holds_back["z"] < 0).all()
    assert s.indicators.loc["high_tech_manufacturing", "z"] == pytest.approx((6.3 - 8.9) / (1.4826 * 2.5), abs=1e-3)
    with pytest.raises(SelectionError, match="DE60"):
        regional_standing("XX99")


def test_companies_without_a_region_are_not_each_others_peers():
    """A blank NUTS-2 cell is not a shared region: grouped by nuts2, such a company has no peers (and no
    statistics), while companies that share a region still compare."""
    import pandas as pd

    from industwin.analysis.readiness import benchmark
    from industwin.data.readiness import load_model
    dims = load_model().ids
    rows = [{"company": f"F{i}", "sector": "c12", "region": "DEU", "nuts2": n, "size_class": "small",
             "dimension": d, "band": (i + k) % 6} for i, n in enumerate(["DE60"] * 4 + [None] * 3)
            for k, d in enumerate(dims)]
    b = benchmark(pd.DataFrame(rows), by=("nuts2",))
    n = b["n_peers"].groupby(level=0).first()
    assert n[["F0", "F1", "F2", "F3"]].tolist() == [3] * 4 and n[["F4", "F5", "F6"]].tolist() == [0] * 3
    assert b.loc["F4", "percentile"].isna().all()
