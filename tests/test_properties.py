"""Property-based tests (Hypothesis) of the readers and schemas: random bytes, random tables and random YAML
thrown at every reader of user input may be refused only with the project's own errors — never a traceback
from pandas, pyarrow, yaml or pydantic, never a silent number."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from industwin.analysis.decarbonisation import Plan, read_plan
from industwin.analysis.disruption import Scenario, read_scenario
from industwin.analysis.firm_risk import read_essentiality
from industwin.analysis.sustainability import read_activities, read_purchases
from industwin.application.tables import read_demand
from industwin.core.firms import FirmNetwork, read_network
from industwin.data.io import read_mapping, read_matrix, read_table, validate
from industwin.data.tables import read_tables
from industwin.errors import IndustwinError, ValidationError
from industwin.strategy.consultation import read_responses

FAULTS = Path(__file__).parent / "faults"
# IW_EXAMPLES=600 hunts harder (minutes); the suite runs 40 examples per property
SETTINGS = settings(max_examples=int(os.environ.get("IW_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _file(data: bytes, suffix: str) -> Path:
    d = Path(tempfile.mkdtemp(prefix="iw-prop-"))
    p = d / f"input{suffix}"
    p.write_bytes(data)
    return p


# ------------------------------------------------------------------ random bytes at every reader
BYTE_READERS = {
    ".csv": [lambda p: read_table(p, "table"), lambda p: read_matrix(p, "matrix", index_cols=2, header_rows=2),
             read_purchases, read_activities, read_responses, read_demand, read_essentiality,
             lambda p: read_network(p, FAULTS / "network" / "firms.csv"),
             lambda p: read_network(FAULTS / "network" / "edges.csv", p)],
    ".parquet": [lambda p: read_table(p, "table"), read_purchases, lambda p: read_matrix(p, "matrix")],
    ".xlsx": [lambda p: read_table(p, "table"), read_responses, read_tables],
    ".yaml": [lambda p: read_mapping(p, "mapping"), read_scenario, read_plan],
    ".json": [lambda p: read_mapping(p, "mapping"), read_scenario],
}


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from(sorted(BYTE_READERS)))
def test_random_bytes_are_refused_clearly(data, suffix):
    p = _file(data, suffix)
    for reader in BYTE_READERS[suffix]:
        try:
            reader(p)
        except IndustwinError:
            pass


_TEXT_CELLS = st.one_of(st.sampled_from(["", " ", "nan", "NaN", "inf", "-inf", "true", "False", "01", "1e309",
                                         "abc", "NA", "null", "2022", "-5", "0", "331110", "purchaser", "é"]),
                        st.text(max_size=8))


@st.composite
def csv_texts(draw, columns: list[str]) -> str:
    cols = draw(st.lists(st.sampled_from(columns + ["extra", ""]), min_size=1, max_size=len(columns) + 1))
    rows = draw(st.lists(st.lists(_TEXT_CELLS, min_size=len(cols), max_size=len(cols)), max_size=6))
    buf = io.StringIO()
    pd.DataFrame(rows, columns=cols).to_csv(buf, index=False) if rows else buf.write(",".join(cols) + "\n")
    return buf.getvalue()


# ------------------------------------------------------------------ random tables as files and DataFrames
@SETTINGS
@given(text=csv_texts(["naics", "spend", "year", "basis", "currency", "supplier_kg"]))
def test_random_purchase_files(text):
    try:
        rows = read_purchases(_file(text.encode(), ".csv"))
    except IndustwinError:
        return
    for r in rows:                              # what is accepted is complete and finite
        assert np.isfinite(r.spend) and r.spend >= 0 and r.basis in ("purchaser", "producer") and len(r.naics) == 6


@SETTINGS
@given(text=csv_texts(["respondent", "group", "priority", "score"]))
def test_random_survey_files(text):
    try:
        out = read_responses(_file(text.encode(), ".csv"))
    except IndustwinError:
        return
    assert out["score"].between(1, 5).all() and not out.duplicated(["respondent", "priority"]).any()


@SETTINGS
@given(text=csv_texts(["region", "sector", "value"]))
def test_random_demand_files(text):
    try:
        y = read_demand(_file(text.encode(), ".csv"))
    except IndustwinError:
        return
    assert np.isfinite(y.to_numpy()).all() and not y.index.has_duplicates


_CELL = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from(["", "a", "01", "F00", "inf"]))


@SETTINGS
@given(rows=st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=8),
       firm_rows=st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=6))
def test_random_network_frames(rows, firm_rows):
    edges = pd.DataFrame(rows, columns=["supplier", "customer", "value"])
    firms = pd.DataFrame(firm_rows, columns=["firm", "industry", "size"])
    try:
        net = FirmNetwork.from_edges(edges, firms)
    except IndustwinError:
        return
    assert np.isfinite(net.W.data).all() and (net.W.data >= 0).all() and not net.firms.index.has_duplicates


@SETTINGS
@given(block=st.lists(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["", "x"])),
                               min_size=3, max_size=3), min_size=3, max_size=3),
       labels=st.lists(st.sampled_from(["a", "b", "c", "", "a "]), min_size=3, max_size=3))
def test_random_essentiality_matrices(block, labels):
    p = _file(pd.DataFrame(block, index=labels, columns=labels).to_csv().encode(), ".csv")
    try:
        e = read_essentiality(p)
    except IndustwinError:
        return
    assert set(np.unique(e.matrix.to_numpy())) <= {0, 1, 2}


# ------------------------------------------------------------------ random YAML at the schemas
_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                  st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
                  st.sampled_from(["A", "manu", "agri", "c14", "CHN", "unlimited", ".inf"]))
_VALUE = st.recursive(_LEAF, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                    st.dictionaries(st.sampled_from(
                                                        ["name", "size", "start", "duration", "nodes", "region",
                                                         "sector", "to", "share", "horizon", "x"]), kids, max_size=3)),
                      max_leaves=8)
_SCENARIO_KEYS = ["name", "description", "table", "horizon", "parameters", "shocks", "interventions", "outputs",
                  "focus", "typo"]


@SETTINGS
@given(doc=st.dictionaries(st.sampled_from(_SCENARIO_KEYS), _VALUE, max_size=6))
def test_random_scenarios_meet_the_schema(doc):
    base = {"name": "x", "shocks": {"capacity": [{"nodes": [{"region": "A"}], "size": 0.5, "start": 0,
                                                   "duration": 2}]}}
    for d in (doc, {**base, **doc}):
        try:
            sc = validate(Scenario, d, "scenario")
        except ValidationError:
            continue
        dumped = sc.model_dump_json()            # what is accepted has only finite numbers
        assert "NaN" not in dumped and "Infinity" not in dumped


@SETTINGS
@given(doc=st.dictionaries(st.sampled_from(["name", "table", "emissions", "jobs", "carbon_price", "measures", "x"]),
                           _VALUE, max_size=5),
       as_yaml=st.booleans())
def test_random_plans_meet_the_schema(doc, as_yaml):
    try:
        if as_yaml:
            read_plan(_file(yaml.safe_dump(doc, allow_unicode=True).encode(), ".yaml"))
        else:
            validate(Plan, doc, "plan")
    except IndustwinError:
        pass


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_yaml_text(text):
    try:
        data, _ = read_mapping(_file(text.encode(), ".yaml"), "mapping")
    except IndustwinError:
        return
    assert isinstance(data, dict)


def test_the_strategies_reach_valid_inputs_too():
    """The properties above are not vacuous: the same readers accept the corpus's valid files."""
    assert len(read_purchases(FAULTS / "purchases_ok.csv")) == 1
    assert read_scenario(FAULTS / "scenario_ok.yaml").horizon == 30
    assert read_network(FAULTS / "network" / "edges.csv", FAULTS / "network" / "firms.csv").n == 10
    with pytest.raises(IndustwinError):
        read_purchases(FAULTS / "purchases_blank_year.csv")
