"""The data space: five companies' confidential emissions become a sector statistic a ministry sees, cells with
too few or too dominant contributors suppressed (hand-checked against the rules and against an independent LP
audit of what an intruder could derive); idempotent submissions; usage policies (purpose, end date — excluded
then deleted); every access in the audit log; the API's boundaries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from industwin.analysis.disclosure import TOTAL
from industwin.collab.dataspace import DataSpace, SpaceError
from industwin.collab.directory import Directory
from industwin.errors import ValidationError
from industwin.web.app import Settings, create_app
from industwin.web.store import Store

PURPOSE = "Decarbonisation strategy for German heavy industry"
UNTIL = date.today() + timedelta(days=365)

#          company: {(sector, year): t CO2e}
EMISSIONS = {
    "Alpha": {("c24", 2023): 100, ("c24", 2024): 100, ("c20", 2023): 10, ("c29", 2023): 60, ("c29", 2024): 65},
    "Beta": {("c24", 2023): 90, ("c24", 2024): 95, ("c20", 2023): 5, ("c29", 2023): 50, ("c29", 2024): 55},
    "Gamma": {("c24", 2023): 80, ("c24", 2024): 85, ("c20", 2024): 50, ("c29", 2023): 40, ("c29", 2024): 45},
    "Delta": {("c24", 2023): 70, ("c24", 2024): 80, ("c29", 2023): 30, ("c29", 2024): 35},
    "Epsilon": {("c20", 2023): 500, ("c20", 2024): 400},
}

pytestmark = pytest.mark.usefixtures("quick_hashing")


def _rows(company):
    return [{"sector": s, "year": y, "value": float(v)} for (s, y), v in EMISSIONS[company].items()]


def _body(rows, kind="emissions", purpose=PURPOSE, until=UNTIL):
    return {"kind": kind, "policy": {"purpose": purpose, "until": until.isoformat()}, "rows": rows}


@pytest.fixture
def space(db_url):
    store = Store(db_url)
    d = Directory(store)
    ministry = d.add_organisation("Ministry of Economy")
    ds = DataSpace(store, d)
    prog = ds.add_programme(ministry, "Heavy industry 2025", PURPOSE, "DEU", UNTIL, sectors=["c20", "c24", "c29"])
    orgs = {}
    for name in EMISSIONS:
        orgs[name] = d.add_organisation(f"{name} GmbH")
        ds.add_member(prog, orgs[name], "contributor")
    return ds, d, ministry, prog, orgs


def test_five_companies_become_a_sector_statistic_with_suppressed_cells(space):
    ds, d, ministry, prog, orgs = space
    for name, org in orgs.items():
        sub, created = ds.submit(prog.id, org.id, f"{name} system", _body(_rows(name)), key=f"{name}-2025")
        assert created and sub.n_rows == len(EMISSIONS[name])
    agg = ds.aggregate(prog.id, "emissions", ministry.id, "analyst@ministry")
    # the table by hand: sums over companies
    truth = pd.DataFrame([(s, str(y), v) for e in EMISSIONS.values() for (s, y), v in e.items()],
                         columns=["sector", "year", "v"]).pivot_table("v", "sector", "year", aggfunc="sum",
                                                                      fill_value=0)
    st = agg.status
    # primary cells, by the rules: c20/2023 has 3 contributors but 500 + 10 > 85 % of 515 (dominance);
    # c20/2024 has 2 contributors (too few); the c20 row total (Epsilon 900 of 965) is dominated too
    assert st.loc["c20", "2023"].startswith("primary") and "85" in st.loc["c20", "2023"]
    assert st.loc["c20", "2024"].startswith("primary") and "fewer than 3" in st.loc["c20", "2024"]
    assert st.loc["c20", TOTAL].startswith("primary")
    # c24 and c29 cells pass the rules (4 contributors, top two ≤ 85 %, p % rule met)
    for s in ("c24", "c29"):
        for y in ("2023", "2024"):
            assert not st.loc[s, y].startswith("primary")
    # secondary suppression hid some of them so that no c20 cell is the difference of published ones …
    assert (st == "secondary").to_numpy().sum() >= 2
    # … checked independently: an intruder's LP bounds on every suppressed cell leave a range
    assert (agg.audit["width"] > 1e-6).all()
    assert bool(agg.audit["protected"].all())
    # published cells equal the sums by hand; suppressed ones are not shown
    for s in truth.index:
        for y in truth.columns:
            v = agg.values.loc[s, y]
            if st.loc[s, y] == "published":
                assert v == pytest.approx(truth.loc[s, y])
                assert agg.contributors.loc[s, y] >= 3
            else:
                assert np.isnan(v)
    assert agg.values.loc[TOTAL, TOTAL] == pytest.approx(truth.to_numpy().sum())
    assert agg.organisations == 5 and agg.submissions == 5
    # no single company's figure is in what leaves
    shown = agg.to_json()
    flat = [x for row in shown["values"] for x in row if x is not None]
    assert 500.0 not in flat and 400.0 not in flat
    # the read is in the programme's audit log, with every submission
    log = ds.log(prog.id, ministry.id)
    assert sum(e.action == "submitted" for e in log) == 5
    assert any(e.action == "aggregate read" and e.actor == "analyst@ministry" for e in log)


def test_submissions_are_idempotent_and_private(space):
    ds, d, ministry, prog, orgs = space
    a, b = orgs["Alpha"], orgs["Beta"]
    s1, new1 = ds.submit(prog.id, a.id, "a", _body(_rows("Alpha")), key="k1")
    s2, new2 = ds.submit(prog.id, a.id, "a", _body(_rows("Alpha")), key="k1")
    assert new1 and not new2 and s1.id == s2.id
    with pytest.raises(SpaceError) as e:                      # same key, other body
        ds.submit(prog.id, a.id, "a", _body(_rows("Beta")), key="k1")
    assert e.value.status == 409
    s3, new3 = ds.submit(prog.id, b.id, "b", _body(_rows("Beta")), key="k1")   # keys are per organisation
    assert new3 and s3.id != s1.id
    assert [s.id for s in ds.submissions(prog.id, a.id)] == [s1.id]
    with pytest.raises(SpaceError) as e:                      # B cannot read A's submission: not found
        ds.submission(prog.id, s1.id, b.id, "b")
    assert e.value.status == 404
    with pytest.raises(SpaceError) as e:                      # the facilitator neither
        ds.submission(prog.id, s1.id, ministry.id, "m")
    assert e.value.status == 404
    reg = ds.register(prog.id, ministry.id)                   # the facilitator sees who, what, policy; no rows
    assert sorted(reg["organisation"]) == ["Alpha GmbH", "Beta GmbH"] and "value" not in reg.columns
    with pytest.raises(SpaceError):
        ds.register(prog.id, a.id)                            # a contributor does not
    watcher = d.add_organisation("Watcher Institute")
    ds.add_member(prog, watcher, "observer")
    with pytest.raises(SpaceError) as e:                      # an observer reads, does not submit
        ds.submit(prog.id, watcher.id, "w", _body(_rows("Alpha")), key="w")
    assert e.value.status == 403
    outsider = d.add_organisation("Outsider Ltd")
    with pytest.raises(SpaceError) as e:
        ds.aggregate(prog.id, "emissions", outsider.id, "x")
    assert e.value.status == 404


def test_usage_policy_is_enforced_and_expired_data_deleted(space):
    ds, d, ministry, prog, orgs = space
    with pytest.raises(ValidationError, match="policy.purpose"):
        ds.submit(prog.id, orgs["Alpha"].id, "a", _body(_rows("Alpha"), purpose="marketing"), key="x")
    with pytest.raises(ValidationError, match="policy.until"):
        ds.submit(prog.id, orgs["Alpha"].id, "a", _body(_rows("Alpha"), until=date.today() - timedelta(days=1)),
                  key="x")
    bad = _body(_rows("Alpha"))
    bad["policy"]["third_party_use"] = True
    with pytest.raises(ValidationError, match="third_party_use"):
        ds.submit(prog.id, orgs["Alpha"].id, "a", bad, key="x")
    with pytest.raises(ValidationError, match="rows.0.value"):
        ds.submit(prog.id, orgs["Alpha"].id, "a", _body([{"sector": "c24", "year": 2023, "value": float("nan")}]),
                  key="x")
    with pytest.raises(ValidationError, match="origin"):
        ds.submit(prog.id, orgs["Alpha"].id, "a",
                  _body([{"product": "c24", "origin": "DEU", "value": 1.0}], kind="sourcing"), key="x")
    short = date.today() + timedelta(days=10)
    for name, org in orgs.items():
        ds.submit(prog.id, org.id, name, _body(_rows(name), until=short if name == "Delta" else UNTIL), key="k")
    before = ds.aggregate(prog.id, "emissions", ministry.id, "m")
    later = date.today() + timedelta(days=11)
    after = ds.aggregate(prog.id, "emissions", ministry.id, "m", today=later)     # Delta's data has expired
    delta = sum(EMISSIONS["Delta"].values())
    assert after.values.loc[TOTAL, TOTAL] == pytest.approx(before.values.loc[TOTAL, TOTAL] - delta)
    assert after.organisations == 4
    assert ds.submissions(prog.id, orgs["Delta"].id) == []                        # deleted, not just hidden
    assert any(e.action == "deleted past end date" for e in d.audit_log(orgs["Delta"].id))


def test_consultation_and_readiness_aggregates(space):
    ds, d, ministry, prog, orgs = space
    answers = {"Alpha": "yes", "Beta": "yes", "Gamma": "yes", "Delta": "no", "Epsilon": "yes"}
    for i, (name, org) in enumerate(orgs.items()):
        ds.submit(prog.id, org.id, name, _body([{"question": "q1", "answer": answers[name]},
                                                 {"question": "q2", "answer": "no" if i < 3 else "yes"}],
                                                kind="consultation"), key="c")
        ds.submit(prog.id, org.id, name, _body([{"sector": "c24", "dimension": "shop_floor_automation", "band": 1 + i},
                                                 {"sector": "c20", "dimension": "shop_floor_automation", "band": 2}],
                                                kind="readiness"), key="r")
    c = ds.aggregate(prog.id, "consultation", ministry.id, "m")
    counts = {("q1", "yes"): 4, ("q1", "no"): 1, ("q2", "no"): 3, ("q2", "yes"): 2}
    for (q, a), n in counts.items():                         # counts by hand; 1 or 2 respondents never shown
        if n < 3:
            assert c.status.loc[q, a].startswith("primary") and np.isnan(c.values.loc[q, a])
        elif c.status.loc[q, a] == "published":
            assert c.values.loc[q, a] == n
    assert c.values.loc[TOTAL, TOTAL] == 10 and bool(c.audit["protected"].all())
    r = ds.aggregate(prog.id, "readiness", ministry.id, "m")
    assert r.statistic == "mean"
    cell = r.values.loc["shop_floor_automation", "c24"]          # five organisations, bands 1 … 5: published
    assert r.status.loc["shop_floor_automation", "c24"] == "published" and cell == pytest.approx(3.0)
    assert r.values.loc[TOTAL, TOTAL] == pytest.approx((15 + 5 * 2) / 10)


def _api_client(db_url, tmp_path):
    app = create_app(Settings(home=tmp_path / "home", db=db_url, workers=1))
    return TestClient(app, base_url="https://testserver")


def test_api_submit_and_read_aggregate(space, db_url, tmp_path):
    ds, d, ministry, prog, orgs = space
    tokens = {}
    with _api_client(db_url, tmp_path) as tc:
        for name, org in [*orgs.items(), ("Ministry", ministry)]:
            cred = d.issue_client(org, f"{name} system", scope="api")
            r = tc.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(cred.id, cred.secret))
            tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        url = f"/api/v1/programmes/{prog.id}/submissions"
        for name in orgs:
            r = tc.post(url, json=_body(_rows(name)), headers={**tokens[name], "Idempotency-Key": "one"})
            assert r.status_code == 201, r.text
            again = tc.post(url, json=_body(_rows(name)), headers={**tokens[name], "Idempotency-Key": "one"})
            assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
        assert tc.post(url, json=_body(_rows("Beta")), headers={**tokens["Alpha"], "Idempotency-Key": "one"}
                       ).status_code == 409
        assert tc.post(url, json=_body(_rows("Alpha")), headers=tokens["Alpha"]).status_code == 422  # no key
        mass = _body(_rows("Alpha"))
        mass["org_id"] = orgs["Beta"].id                                    # mass assignment: refused
        assert tc.post(url, json=mass, headers={**tokens["Alpha"], "Idempotency-Key": "m"}).status_code == 422
        agg = tc.get(f"/api/v1/programmes/{prog.id}/aggregates/emissions", headers=tokens["Ministry"])
        assert agg.status_code == 200
        j = agg.json()
        i, k = j["rows"].index("c20"), j["columns"].index("2023")
        assert j["values"][i][k] is None and j["status"][i][k].startswith("primary")
        mine = tc.get(url, headers=tokens["Alpha"]).json()
        assert len(mine) == 1
        sid = mine[0]["id"]
        assert tc.get(f"{url}/{sid}", headers=tokens["Alpha"]).json()["data"] == _rows("Alpha")
        assert tc.get(f"{url}/{sid}", headers=tokens["Beta"]).status_code == 404
        assert tc.get(f"{url}/{sid}", headers=tokens["Ministry"]).status_code == 404
        # a PACT partner's token (scope "pact") is not an API token, and the other way round
        pact = d.issue_client(orgs["Alpha"], "a partner")
        t = tc.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(pact.id, pact.secret)).json()
        assert tc.get(url, headers={"Authorization": f"Bearer {t['access_token']}"}).status_code == 401
        assert tc.get("/3/footprints", headers=tokens["Alpha"]).status_code == 401
        assert tc.get(url).status_code == 401
        big = tc.post(url, content=b"{" + b" " * (3 * 2**20) + b"}",
                      headers={**tokens["Alpha"], "Idempotency-Key": "big", "content-type": "application/json"})
        assert big.status_code == 413
        assert tc.delete(f"{url}/{sid}", headers=tokens["Alpha"]).status_code == 204
        assert tc.get(url, headers=tokens["Alpha"]).json() == []


def test_published_import_shares_feed_the_twin(space, wiod2011, tmp_path):
    """Firms' sourcing (imported basic metals bought by German transport-equipment makers, by origin) becomes a
    published table; the twin takes its split of imports over origins (suppressed cells: their residual spread
    by the table's own shares), keeps each buyer's import coefficient, and the exposure is re-run."""
    from industwin.analysis.import_sourcing import read_sourcing_table, with_import_shares
    from industwin.analysis.value_chains import supply_chain_exposure
    ds, d, ministry, prog, orgs = space
    # USD bought by each firm from each origin (c12 basic metals, c9 chemicals): CHN and POL by four firms,
    # JPN by one firm only (suppressed), and one firm's large FRA purchase dominating its cell
    firms = {
        "Alpha": {("c12", "CHN"): 40, ("c12", "POL"): 30, ("c12", "FRA"): 10, ("c9", "FRA"): 20, ("c9", "USA"): 9},
        "Beta": {("c12", "CHN"): 35, ("c12", "POL"): 25, ("c12", "FRA"): 12, ("c9", "FRA"): 25, ("c9", "USA"): 8},
        "Gamma": {("c12", "CHN"): 30, ("c12", "POL"): 20, ("c12", "JPN"): 15, ("c9", "FRA"): 22, ("c9", "USA"): 7},
        "Delta": {("c12", "CHN"): 25, ("c12", "POL"): 28, ("c12", "FRA"): 9, ("c9", "FRA"): 18, ("c9", "USA"): 6},
        "Epsilon": {("c12", "FRA"): 11, ("c9", "USA"): 10},
    }
    for name, org in orgs.items():
        rows = [{"product": p, "origin": o, "value": float(v)} for (p, o), v in firms[name].items()]
        ds.submit(prog.id, org.id, name, _body(rows, kind="sourcing"), key="s")
    agg = ds.aggregate(prog.id, "sourcing", ministry.id, "m")
    assert agg.status.loc["c12", "JPN"].startswith("primary")
    path = tmp_path / "sourcing.csv"
    agg.values.to_csv(path)
    published = read_sourcing_table(path)
    rs = with_import_shares(wiod2011, "DEU", ["c15"], published)
    idx = wiod2011.index
    reg = idx.get_level_values(0).astype(str)
    sec = idx.get_level_values(1).astype(str)
    j = np.flatnonzero((reg == "DEU") & (sec == "c15"))[0]
    A0 = np.asarray(wiod2011.Z)[:, j] / wiod2011.x[j]
    A1 = np.asarray(rs.mrio.Z)[:, j] / rs.mrio.x[j]
    for product in ("c12", "c9"):
        P = np.flatnonzero((sec == product) & (reg != "DEU"))
        assert A1[P].sum() == pytest.approx(A0[P].sum(), rel=1e-9)          # the import coefficient is kept
        total = published.loc[product, TOTAL]
        for o in published.columns.drop(TOTAL):
            v = published.loc[product, o]
            share = A1[P][reg[P] == o].sum() / A1[P].sum()
            if np.isfinite(v):                                              # published: the firms' share
                assert share == pytest.approx(v / total, rel=1e-9)
        hidden = [o for o in published.columns.drop(TOTAL) if not np.isfinite(published.loc[product, o])]
        if hidden:                                                          # the residual, by the table's shares
            resid = total - np.nansum(published.loc[product].drop(TOTAL).to_numpy())
            w0 = np.array([A0[P][reg[P] == o].sum() for o in hidden])
            got = np.array([A1[P][reg[P] == o].sum() for o in hidden]) / A1[P].sum()
            assert got == pytest.approx(resid / total * w0 / w0.sum(), rel=1e-9)
    # output re-solved through the new coefficients, by an independent dense solve
    A = np.asarray(rs.mrio.Z) / np.where(rs.mrio.x > 0, rs.mrio.x, 1.0)[None, :]
    x = np.linalg.solve(np.eye(len(A)) - A, np.asarray(wiod2011.Y).sum(axis=1))
    assert np.allclose(rs.mrio.x, np.maximum(x, 0), rtol=1e-6, atol=1e-3)
    # the exposure seen through the firms' shares: China's share of DEU c15's supply chain rises
    before = supply_chain_exposure(wiod2011, "DEU", "c15").by_country
    after = supply_chain_exposure(rs.mrio, "DEU", "c15").by_country
    col = before.columns[0]
    s_chn = A0[(sec == "c12") & (reg == "CHN")].sum() / A0[(sec == "c12") & (reg != "DEU")].sum()
    assert s_chn < published.loc["c12", "CHN"] / published.loc["c12", TOTAL]
    assert after.loc["CHN", col] > before.loc["CHN", col]


def test_programme_commands(tmp_path):
    """``industwin programme`` on a server folder: open a programme, add members, submit files (idempotent),
    read the protected aggregate and write it as CSV; faulty input is one message with exit 2."""
    import json
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from industwin.cli import app
    home = ["--home", str(tmp_path / "srv")]

    def cli(*args):
        r = CliRunner().invoke(app, [*args, *home])
        return SimpleNamespace(returncode=r.exit_code, stdout=r.output, stderr="")

    for name in ("Ministry", *EMISSIONS):
        assert cli("org", "add", name).returncode == 0
    r = cli("programme", "add", "Heavy 2025", "--owner", "Ministry", "--purpose", PURPOSE, "--region", "DEU",
            "--until", UNTIL.isoformat())
    assert r.returncode == 0, r.stdout + r.stderr
    for name in EMISSIONS:
        assert cli("programme", "member", "Heavy 2025", name).returncode == 0
        f = tmp_path / f"{name}.json"
        f.write_text(json.dumps(_body(_rows(name), until=UNTIL)))
        assert "stored" in cli("programme", "submit", "Heavy 2025", name, str(f)).stdout
    again = cli("programme", "submit", "Heavy 2025", "Alpha", str(tmp_path / "Alpha.json"))
    assert again.returncode == 0 and "already stored" in again.stdout           # the file's hash is its key
    out = tmp_path / "emissions.csv"
    r = cli("programme", "aggregate", "Heavy 2025", "emissions", "--as", "Ministry", "--out", str(out))
    assert r.returncode == 0 and "suppressed" in r.stdout, r.stdout + r.stderr
    import pandas as pd
    t = pd.read_csv(out, index_col=0)
    assert t.loc["c24", "2023"] == pytest.approx(340) and pd.isna(t.loc["c20", "2024"])
    assert "emissions: 5" in cli("programme", "list").stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_body([{"sector": "c24", "year": 2023, "value": -1}])))
    for args, words in ((("programme", "add", "X", "--owner", "Ministry", "--purpose", "p", "--region", "de",
                          "--until", UNTIL.isoformat()), "alpha-3"),
                        (("programme", "member", "Heavy 2025", "Alpha"), "already a member"),
                        (("programme", "submit", "Heavy 2025", "Alpha", str(bad)), "bad.json: field 'rows.0.value'"),
                        (("programme", "aggregate", "Heavy 2025", "nonsense", "--as", "Ministry"), "no aggregate"),
                        (("programme", "aggregate", "Heavy 2025", "emissions", "--as", "Nobody"), "no organisation")):
        r = cli(*args)
        assert r.returncode == 2 and words in r.stdout and "Traceback" not in r.stdout + r.stderr, (args, r.stdout)
