"""Firm networks and the Economic Systemic Risk Index: the authors' reference values, hand cascades, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import DATA
from industwin.analysis.firm_risk import CascadeModel, Essentiality, esri, propagate, read_essentiality
from industwin.core.firms import FirmNetwork, read_network
from industwin.errors import DataError, SelectionError, ValidationError

ESRI = DATA / "esri_tutorial"


def _toy101(name: str) -> tuple[FirmNetwork, Essentiality]:
    W = pd.read_csv(ESRI / f"example_net_{name}.csv").to_numpy(float)
    ind = pd.read_csv(ESRI / "industry_vector.csv")["industry_id"].astype(str)
    return FirmNetwork.from_adjacency(W, ind), read_essentiality(ESRI / "reference" / "essentiality_4_industries.csv")


@pytest.mark.parametrize("name", ["erdos_reny_101_213", "scale_free_101_4000"])
@pytest.mark.parametrize("replaceable", [False, True])
def test_esri_matches_the_authors_reference(name, replaceable):
    net, ess = _toy101(name)
    ref = pd.read_csv(ESRI / "reference" / f"esri_example_net_{name}_{'replaceable' if replaceable else 'no_replacement'}.csv")
    got = esri(net, ess, replaceable=replaceable, batch=37)      # batches that do not divide 101
    for col in ("esri", "esri_downstream", "esri_upstream"):
        np.testing.assert_allclose(got[col].to_numpy(), ref[col].to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got["iterations"].to_numpy(), ref["iterations"].to_numpy())


def test_esri_matches_the_reference_toy11_edge_list():
    t = ESRI / "reference" / "toy11"
    net = read_network(t / "toy_edges.csv", t / "toy_firms.csv", value="weight")
    ess = read_essentiality(t / "toy_essentiality.csv")
    ref = pd.read_csv(t / "toy_esri_reference.csv")
    got = esri(net, ess)
    np.testing.assert_allclose(got["esri"], ref["ESRI_weight_1"], atol=1e-12)
    np.testing.assert_allclose(got["esri_downstream"], ref["ESRI_d_weight_1"], atol=1e-12)
    np.testing.assert_allclose(got["esri_upstream"], ref["ESRI_u_weight_1"], atol=1e-12)
    np.testing.assert_array_equal(got["iterations"], ref["iterations"])


def test_cascades_by_hand():
    # A (x) → B (y) 10, B → C (z) 5; x→y essential, y→z non-essential, no replacement
    edges = pd.DataFrame({"supplier": ["A", "B"], "customer": ["B", "C"], "value": [10.0, 5.0]})
    firms = pd.DataFrame({"firm": ["A", "B", "C"], "industry": ["x", "y", "z"]})
    net = FirmNetwork.from_edges(edges, firms)
    ess = Essentiality(pd.DataFrame([[0, 2, 0], [0, 0, 1], [0, 0, 0]], index=list("xyz"), columns=list("xyz")))
    e = esri(net, ess, replaceable=False)
    # A closes: B loses its only essential input, then C its only (non-essential) input → all sales lost;
    # upstream only A's sales (10 of 15) are lost; 4 updates, the last without change → 3 iterations
    assert e.loc["A", "esri"] == pytest.approx(1.0) and e.loc["A", "esri_upstream"] == pytest.approx(10 / 15)
    assert e.loc["A", "iterations"] == 3
    # C (no sales) closes: nothing downstream; its suppliers lose their customer → all sales lost upstream
    assert e.loc["C", "esri_downstream"] == 0 and e.loc["C", "esri"] == pytest.approx(1.0)
    # an arbitrary shock: B at half capacity → everyone at one half
    res = propagate(net, ess, np.array([1.0, 0.5, 1.0]), replaceable=False)
    np.testing.assert_allclose(res["level"][:, 0], [0.5, 0.5, 0.5])
    assert res["loss"][0] == pytest.approx(0.5)


def test_replacement_by_hand():
    # A1 (10) and A2 (30), same industry, both sell to B as an essential input. A1 closes: the industry's
    # surviving sales are 30, so A1's loss counts σ = min(1, 10/30) = 1/3 → B keeps 1 − (1/3)(10/40) = 11/12
    edges = pd.DataFrame({"supplier": ["A1", "A2"], "customer": ["B", "B"], "value": [10.0, 30.0]})
    firms = pd.DataFrame({"firm": ["A1", "A2", "B"], "industry": ["x", "x", "y"]})
    net = FirmNetwork.from_edges(edges, firms)
    ess = Essentiality(pd.DataFrame([[0, 2], [0, 0]], index=["x", "y"], columns=["x", "y"]))
    res = propagate(net, ess, np.array([0.0, 1.0, 1.0]), replaceable=True, eps=1e-12)
    assert res["level"][2, 0] == pytest.approx(11 / 12)
    res = propagate(net, ess, np.array([0.0, 1.0, 1.0]), replaceable=False, eps=1e-12)
    assert res["level"][2, 0] == pytest.approx(1 - 10 / 40)


def test_bad_networks_give_clear_errors(tmp_path):
    firms = pd.DataFrame({"firm": ["A", "B"], "industry": ["x", "y"]})
    bad = pd.DataFrame({"supplier": ["A", "A", "B", "Z"], "customer": ["A", "B", "A", "B"],
                        "value": [1.0, -2.0, np.nan, 1.0]})
    with pytest.raises(ValidationError) as e:
        FirmNetwork.from_edges(bad, firms)
    msg = str(e.value)
    assert "self-loop" in msg and "negative value" in msg and "1 blank cell(s) (row 2)" in msg
    assert "not in the firm table, e.g. 'Z'" in msg
    dup = pd.DataFrame({"supplier": ["A", "A"], "customer": ["B", "B"], "value": [1.0, 2.0]})
    with pytest.raises(ValidationError, match="repeat a supplier → customer pair"):
        FirmNetwork.from_edges(dup, firms, duplicates="error")
    assert FirmNetwork.from_edges(dup, firms).W[0, 1] == 3.0           # summed by default
    with pytest.raises(ValidationError, match="column missing"):
        FirmNetwork.from_edges(dup.rename(columns={"value": "amount"}), firms)
    with pytest.raises(DataError, match="not found"):
        read_network(tmp_path / "nope.csv")
    net = FirmNetwork.from_edges(dup, firms)
    with pytest.raises(SelectionError, match=r"industr\(ies\) are not in the essentiality matrix"):
        CascadeModel(net, Essentiality.uniform(["x"]))
    with pytest.raises(SelectionError, match="capacity caps in"):
        propagate(net, Essentiality.uniform(["x", "y"]), np.array([1.5, 1.0]))
    with pytest.raises(DataError, match="values must be 0, 1 or 2"):
        Essentiality(pd.DataFrame([[3]], index=["x"], columns=["x"]))


def test_survey_essentiality_matrices_load():
    for name in ("ess_mat_n2_ihs.csv", "ess_mat_n4_ihs.csv"):
        e = read_essentiality(ESRI / name)
        assert e.matrix.shape[0] == e.matrix.shape[1] > 50 and set(np.unique(e.matrix)) <= {0, 1, 2}
