"""Writes the corpus of faulty inputs in this folder (run once; the files are committed).

One small file (or folder) per fault, each the smallest input that shows it; ``cases.yaml`` says which command
reads it and what the user must be told. ``table/`` and ``network/`` are valid inputs the faulty ones vary.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def small_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    """3 regions (A, B, C) × 2 sectors (agri, manu), 2 final-demand categories (hh, gov): tests/conftest.py's."""
    Z = np.array([[10, 20, 5, 0, 2, 1], [15, 30, 3, 8, 0, 4], [4, 0, 12, 18, 3, 2],
                  [1, 6, 9, 25, 5, 7], [2, 3, 0, 4, 20, 10], [0, 5, 6, 2, 12, 40]], dtype=float)
    Y = np.array([[40, 5, 3, 0, 2, 0], [30, 10, 8, 2, 5, 1], [1, 0, 50, 6, 4, 0],
                  [6, 2, 35, 15, 3, 1], [0, 0, 2, 1, 60, 9], [7, 1, 4, 0, 45, 20]], dtype=float)
    idx = pd.MultiIndex.from_product([["A", "B", "C"], ["agri", "manu"]], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([["A", "B", "C"], ["hh", "gov"]], names=["region", "category"])
    return pd.DataFrame(Z, idx, idx), pd.DataFrame(Y, idx, fd)


def table(name: str, Z: pd.DataFrame, Y: pd.DataFrame, unit: str | None = "M EUR") -> Path:
    d = HERE / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    Z.to_csv(d / "Z.csv")
    Y.to_csv(d / "Y.csv")
    if unit:
        (d / "meta.yaml").write_text(f"unit: {unit}\nname: small\n")
    return d


def text(name: str, body: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(body.encode(encoding))


def main() -> None:
    Z, Y = small_table()
    table("table", Z, Y)
    # --- table folders
    d = table("table_y_repeated_header", Z, Y)
    lines = (d / "Y.csv").read_text().splitlines()
    lines[0] = lines[0].replace("B,B", "A,B", 1)          # region row: A,A,A,B,C,C
    lines[1] = lines[1].replace("hh,gov,hh", "hh,gov,hh", 1)
    head0 = lines[0].split(",")
    head1 = lines[1].split(",")
    head0[4], head1[4] = "A", "hh"                          # column 3 repeats (A, hh)
    lines[0], lines[1] = ",".join(head0), ",".join(head1)
    (d / "Y.csv").write_text("\n".join(lines) + "\n")
    d = table("table_y_unknown_region", Z, Y)
    (d / "Y.csv").write_text((d / "Y.csv").read_text().replace("C,C", "X,X", 1))
    Zn = Z.copy()
    Zn.iloc[1, 3] = -4.0
    table("table_negative_z", Zn, Y)
    table("table_without_unit", Z, Y, unit=None)
    d = table("table_blank_cell", Z, Y)
    body = (d / "Z.csv").read_text().splitlines()
    cells = body[4].split(",")
    cells[3] = ""
    body[4] = ",".join(cells)
    (d / "Z.csv").write_text("\n".join(body) + "\n")
    d = table("table_text_cell", Z, Y)
    (d / "Z.csv").write_text((d / "Z.csv").read_text().replace("30.0", "thirty", 1))
    d = table("table_repeated_row", Z, Y)
    (d / "Z.csv").write_text((d / "Z.csv").read_text().replace("B,agri", "A,manu", 1))
    d = table("table_meta_typo", Z, Y)
    (d / "meta.yaml").write_text("unit: M EUR\nunits: M USD\n")
    d = table("table_without_y", Z, Y)
    (d / "Y.csv").unlink()
    d = table("table_latin1", Z, Y)
    (d / "Z.csv").write_bytes((d / "Z.csv").read_text().replace("agri", "agrí").encode("latin-1"))
    (d / "Y.csv").write_bytes((d / "Y.csv").read_text().replace("agri", "agrí").encode("latin-1"))
    d = table("table_empty_z", Z, Y)
    (d / "Z.csv").write_bytes(b"")
    d = table("table_corrupt_parquet", Z, Y)
    (d / "Z.csv").unlink()
    (d / "Z.parquet").write_bytes(b"PAR1" + bytes(range(200)) + b"PAR1")
    text("table_corrupt.xlsx", "this is not a workbook")
    # --- demand files (industwin output)
    text("demand_blank_value.csv", "region,sector,value\nA,agri,10\nB,manu,\n")
    text("demand_header_only.csv", "region,sector,value\n")
    text("demand_empty.csv", "")
    (HERE / "demand_folder.csv").mkdir(exist_ok=True)
    (HERE / "demand_folder.csv" / ".keep").write_text("")
    text("demand_latin1.csv", "region,sector,value\nA,agri,10\nB,manu,5 # café\n", "latin-1")
    text("demand_inf.csv", "region,sector,value\nA,agri,inf\n")
    text("demand_repeated.csv", "region,sector,value\nA,agri,10\nA,agri,5\n")
    text("demand_unknown_region.csv", "region,sector,value\nX,agri,10\n")
    text("demand_negative.csv", "region,sector,value\nA,agri,-100\nB,manu,1\n")
    text("demand_ok.csv", "region,sector,value\nA,agri,10\n")
    # --- scenario files on the small table (industwin simulate)
    base = {"name": "small", "table": {"path": "table"}, "horizon": 30,
            "shocks": {"capacity": [{"nodes": [{"region": "A", "sector": "manu"}], "size": 0.5, "start": 1,
                                     "duration": 10}]}}

    def scenario(name: str, change, fmt: str = "yaml") -> None:
        sc = json.loads(json.dumps(base))
        change(sc)
        import yaml
        body = yaml.safe_dump(sc, sort_keys=False) if fmt == "yaml" else json.dumps(sc)
        text(name, body)

    scenario("scenario_ok.yaml", lambda s: None)
    scenario("scenario_stockpile_inf.yaml", lambda s: s.update(interventions={"stockpile": [
        {"products": ["manu"], "buyers": [{"region": "B"}], "extra_days": float("inf")}]}))
    scenario("scenario_inventory_nan.yaml", lambda s: s.update(parameters={"inventory_days": float("nan")}))
    scenario("scenario_size_true.yaml", lambda s: s["shocks"]["capacity"][0].update(size=True))
    scenario("scenario_reshore_nan_share.yaml", lambda s: s.update(interventions={"reshore": [
        {"product": "manu", "buyers": [{"region": "B"}], "to": {"A": float("nan"), "C": 1.0}}]}))
    scenario("scenario_diversify_negative_share.yaml", lambda s: s.update(interventions={"diversify": [
        {"product": "manu", "buyers": [{"region": "B"}], "origin": "A", "to": {"B": -0.5, "C": 1.5}}]}))
    scenario("scenario_horizon_huge.yaml", lambda s: s.update(horizon=10_000_000))
    scenario("scenario_horizon_memory.yaml", lambda s: s.update(horizon=36_000))
    scenario("scenario_typo.yaml", lambda s: s["shocks"]["capacity"][0].update(durations=5))
    scenario("scenario_year_text.yaml", lambda s: s["table"].update(year="abc"))
    scenario("scenario_unknown_region.yaml", lambda s: s["shocks"]["capacity"][0]["nodes"][0].update(region="ATL"))
    text("scenario_repeated_key.yaml", "name: small\nhorizon: 30\nhorizon: 60\nshocks: {}\n")
    text("scenario_syntax.yaml", "name: small\nshocks:\n  capacity: [\n")
    text("scenario_list.yaml", "- name: small\n")
    text("scenario_empty.yaml", "")
    text("scenario_nan.json", '{"name": "small", "horizon": NaN, "shocks": {}}')
    # --- decarbonisation plans on the small table
    text("emissions.csv", "region,sector,value\n" + "".join(f"{r},{s},{v}\n" for (r, s), v in
                                                                zip(Z.index, [5, 20, 4, 15, 6, 25])))
    text("emissions_blank.csv", "region,sector,value\nA,agri,5\nA,manu,\n")
    plan = ("name: small plan\ntable: {path: table}\nemissions: {file: %s, unit: kt CO2e}\n%s"
            "measures:\n  - {kind: efficiency, sectors: [manu], energy: [agri], reduction: %s}\n")
    text("plan_ok.yaml", plan % ("emissions.csv", "jobs: null\n", "0.2"))
    text("plan_jobs_typo.yaml", plan % ("emissions.csv", "jobs: employmnt\n", "0.2"))
    text("plan_unknown_field.yaml", plan % ("emissions.csv", "carbon_prise: 50\n", "0.2"))
    text("plan_emissions_blank.yaml", plan % ("emissions_blank.csv", "jobs: null\n", "0.2"))
    text("plan_reduction.yaml", plan % ("emissions.csv", "jobs: null\n", "1.5"))
    text("plan_no_unit.yaml", plan.replace(", unit: kt CO2e", "") % ("emissions.csv", "jobs: null\n", "0.2"))
    # --- purchases and activities (industwin carbon)
    head = "naics,spend,year,basis,description\n"
    text("purchases_blank_year.csv", head + "331110,1000,2022,purchaser,steel\n331315,500,,purchaser,aluminium\n")
    text("purchases_blank_basis.csv", head + "331110,1000,2022,,steel\n")
    text("purchases_spend_inf.csv", head + "331110,inf,2022,purchaser,steel\n")
    text("purchases_spend_text.csv", head + "331110,abc,2022,purchaser,steel\n")
    text("purchases_unknown_column.csv", "naics,spend,year,basis,supplyer\n331110,1000,2022,purchaser,x\n")
    text("purchases_header_only.csv", head)
    text("purchases_no_year_column.csv", "naics,spend,basis\n331110,1000,purchaser\n")
    text("activities_negative.csv", "item,unit,amount\nNatural gas,kWh (Gross CV),-100\n")
    text("purchases_ok.csv", head + "331110,1000,2022,purchaser,steel\n")
    # --- firm networks: NACE codes with leading zeros, ids as text
    net = HERE / "network"
    net.mkdir(exist_ok=True)
    firms = pd.DataFrame({"firm": [f"F{k:02d}" for k in range(10)],
                          "industry": ["01", "01", "10", "10", "20", "24", "25", "28", "29", "46"],
                          "region": ["AT", "DE", "AT", "AT", "DE", "AT", "DE", "AT", "DE", "AT"],
                          "size": [50, 40, 80, 60, 90, 120, 70, 100, 300, 45]})
    edges = pd.DataFrame({"supplier": ["F00", "F01", "F02", "F03", "F04", "F05", "F06", "F07", "F02", "F05"],
                          "customer": ["F02", "F03", "F08", "F08", "F05", "F06", "F08", "F08", "F09", "F07"],
                          "value": [10, 8, 20, 15, 30, 25, 12, 40, 5, 9]})
    firms.to_csv(net / "firms.csv", index=False)
    edges.to_csv(net / "edges.csv", index=False)
    f2 = firms.copy()
    f2.loc[3, "firm"] = "F02"
    f2.to_csv(HERE / "firms_repeated_id.csv", index=False)
    firms.assign(size=firms["size"].astype(object).where(firms.index != 4, -90)).to_csv(
        HERE / "firms_negative_size.csv", index=False)
    firms.assign(size=firms["size"].astype(object).where(firms.index != 4, "abc")).to_csv(
        HERE / "firms_size_text.csv", index=False)
    firms.assign(size=firms["size"].astype(object).where(firms.index != 4, True)).to_csv(
        HERE / "firms_size_true.csv", index=False)
    firms.assign(industry=firms["industry"].where(firms.index != 6, "")).to_csv(
        HERE / "firms_blank_industry.csv", index=False)
    edges.assign(value=edges["value"].astype(object).where(edges.index != 2, "")).to_csv(
        HERE / "edges_blank_value.csv", index=False)
    text("essentiality_not_square.csv", ",01,10\n01,2,1\n")
    text("essentiality_values.csv", ",01,10\n01,2,7\n10,1,0\n")
    # --- surveys (industwin report --survey)
    s_head = "respondent,group,priority,score\n"
    text("survey_twice.csv", s_head + "r1,government,stockpiling,5\nr2,industry,stockpiling,2\n"
                                      "r1,government,stockpiling,1\n")
    text("survey_two_groups.csv", s_head + "r1,government,stockpiling,5\nr1,industry,data_standards,2\n")
    text("survey_latin1.csv", s_head + "rené,government,stockpiling,5\n", "latin-1")
    text("survey_score.csv", s_head + "r1,government,stockpiling,9\n")
    # --- risk scores (industwin hotspots)
    text("risk_negative.csv", "region,sector,score\nDEU,c4,-1\n")
    text("risk_unknown.csv", "region,sector,score\nDEU,c99,1\n")
    # --- output places
    (HERE / "not_a_folder.txt").write_text("a file where a folder is expected\n")
    foreign = HERE / "foreign_folder"
    foreign.mkdir(exist_ok=True)
    (foreign / "notes.txt").write_text("someone's own notes: results must not replace this folder\n")


def more() -> None:
    """Faults found by trying the tool as a new user would, after the first corpus."""
    Z, Y = small_table()
    x = Z.sum(axis=1) + Y.sum(axis=1)
    d = table("table_x_too_small", Z, Y)
    (0.2 * x).to_frame("x").to_csv(d / "x.csv")
    d = table("table_x_two_columns", Z, Y)
    pd.DataFrame({"junk": 3 * x, "x": x}).to_csv(d / "x.csv")
    Yn = Y.copy()
    Yn.iloc[0, :] = -1000.0
    table("table_negative_output", Z, Yn)
    d = table("table_v_too_large", Z, Y)
    va = (x - Z.sum(axis=0)).to_frame().T
    va.index = pd.Index(["value_added"], name="component")
    (3 * va).to_csv(d / "V.csv")
    d = table("table_block_twice", Z, Y)
    Z.to_parquet(d / "Z.parquet")
    d = table("table_lonely_fy", Z, Y)
    (d / "satellites").mkdir()
    fy = pd.DataFrame([[1.0] * 6], index=pd.MultiIndex.from_tuples([("co2", "kt")], names=["stressor", "unit"]),
                      columns=Y.columns)
    fy.to_csv(d / "satellites" / "co2_F_Y.csv")
    text("demand_semicolon.csv", "region;sector;value\nA;agri;10\n")
    text("demand_long_row.csv", "region,sector,value\nA,agri,10,5\n")
    (HERE / "demand_workbook.csv").write_bytes(b"PK\x03\x04" + bytes(60))
    base = {"name": "small", "table": {"path": "table"}, "horizon": 30,
            "shocks": {"capacity": [{"nodes": [{"region": "A", "sector": "manu"}], "size": 0.5, "start": 1,
                                     "duration": 10}]}}
    import yaml

    def scenario(name: str, **changes) -> None:
        sc = json.loads(json.dumps(base))
        for k, v in changes.items():
            sc[k] = v
        text(name, yaml.safe_dump(sc, sort_keys=False))
    stock = {"products": ["manu"], "buyers": [{"region": "B"}], "extra_days": 10}
    scenario("scenario_names_twice.yaml", interventions={"stockpile": [{**stock, "name": "same"},
                                                                       {**stock, "name": "same"}]})
    scenario("scenario_name_baseline.yaml", interventions={"stockpile": [{**stock, "name": "baseline"}]})
    scenario("scenario_two_tables.yaml", table={"path": "table", "dataset": "wiod2013"})
    scenario("scenario_convex_no_days.yaml", shocks={"capacity": [{"nodes": [{"region": "A"}], "size": 0.5,
                                                                   "start": 1, "duration": 5, "recovery": "convex"}]})
    scenario("scenario_no_buyers.yaml", shocks={"final_demand": [{"products": [{"region": "A"}], "buyers": [],
                                                                  "change": -0.1, "start": 1, "duration": 5}]})
    text("scenario_scientific.yaml", "name: small\ntable: {path: table}\nhorizon: 30\nshocks:\n  final_demand:\n"
         "    - {products: [{region: A}], change: 1e9, start: 1, duration: 5}\n")
    plan = ("name: small plan\ntable: {path: table}\nemissions: {file: emissions.csv, unit: kt CO2e}\njobs: null\n"
            "measures:\n%s")
    text("plan_names_twice.yaml", plan % ("  - {kind: efficiency, name: m, sectors: [manu], energy: [agri], "
                                          "reduction: 0.1}\n  - {kind: efficiency, name: m, sectors: [agri], energy: "
                                          "[manu], reduction: 0.1}\n"))
    text("plan_switch_to_a_fuel.yaml", plan % ("  - {kind: fuel_switch, sectors: [manu], fuels: [agri], electricity: "
                                               "agri, share: 0.5}\n"))
    text("plan_unknown_sector.yaml", plan % ("  - {kind: efficiency, sectors: [serv], energy: [agri], "
                                             "reduction: 0.1}\n"))
    text("purchases_two_supplier_figures.csv", "naics,spend,year,basis,supplier_kg_per_usd,supplier_kg\n"
         "331110,1000,2022,purchaser,0.5,300\n")
    firms = pd.read_csv(HERE / "network" / "firms.csv", dtype=str)
    firms.loc[0, "region"] = ""
    firms.to_csv(HERE / "firms_blank_region.csv", index=False)
    visibility = {"nodes": [{"region": "B", "sector": "manu"}], "headroom": 0.1}
    scenario("scenario_default_names_clash.yaml", interventions={"demand_visibility": [
        visibility, {**visibility, "nodes": [{"region": "C", "sector": "manu"}]}]})
    d = table("table_satellite_twice", Z, Y)
    (d / "satellites").mkdir()
    F = pd.DataFrame([Z.sum(axis=0).to_numpy()], index=pd.MultiIndex.from_tuples([("co2", "kt")],
                                                                                   names=["stressor", "unit"]),
                     columns=Z.columns)
    F.to_csv(d / "satellites" / "co2.csv")
    (1000 * F).to_parquet(d / "satellites" / "co2.parquet")


# ----------------------------------------------------------------------------- carbon-border and supplier-base
GENERATED = "# ---------------------------------------------------------------- generated by make_faults.py: do not edit below"


def borders_and_supply_bases() -> list[dict]:
    """The inputs of ``industwin carbon-border`` (scenarios on the small table with a CO2 account) and of
    ``industwin supplier-base`` / ``firms esri --supply-base`` (supplier-site lists), and their cases."""
    Z, Y = small_table()
    idx = pd.MultiIndex.from_tuples

    def satellite(d: Path, name: str, rows: list[tuple[str, str]], values: list[list[float]]) -> None:
        (d / "satellites").mkdir(exist_ok=True)
        pd.DataFrame(values, index=idx(rows, names=["stressor", "unit"]), columns=Z.columns).to_csv(
            d / "satellites" / f"{name}.csv")
    co2 = [Z.sum(axis=0).tolist()]
    d = table("table_co2", Z, Y)
    satellite(d, "co2", [("co2", "kt")], co2)
    satellite(d, "employment", [("persons", "persons"), ("hours", "M h")], [[100, 80, 60, 90, 40, 70], [1] * 6])
    satellite(table("table_co2_tj", Z, Y), "co2", [("co2", "TJ")], co2)
    satellite(table("table_co2_gbp", Z, Y, unit="M GBP"), "co2", [("co2", "kt")], co2)
    price = "{regions: [%s], price: %s, currency: %s, border_adjustment: true}"

    def border(name: str, tab: str = "table_co2", extra: str = "", prices: tuple[str, ...] = ("A, B",),
               value: str = "80", currency: str = "EUR", covered: str = "sectors: [manu]") -> None:
        """The EU-like scenario of examples/carbon_border on the small table: A and B price carbon together
        and charge imports of manu at the border; each fault changes one thing."""
        listed = "".join(f"  - {price % (regs, value, currency)}\n" for regs in prices)
        text(name, f"name: small border\ntable: {{path: {tab}}}\n{extra}prices:\n{listed}border: {{{covered}}}\n"
                   "leakage: {electricity: [agri]}\n")
    border("border_ok.yaml")
    border("border_unknown_region.yaml", prices=("A, ATL",))
    border("border_negative_price.yaml", value="-80")
    border("border_nan_price.yaml", value=".nan")
    border("border_unknown_field.yaml", covered="sectors: [manu], bassis: total")
    text("border_syntax.yaml", "name: small border\nprices:\n  - {regions: [A], price: 80\n")
    border("border_no_rate.yaml", currency="USD")
    border("border_unknown_sector.yaml", covered="sectors: [c12]")
    border("border_no_co2.yaml", tab="table")
    border("border_jobs_hours.yaml", extra="jobs_stressor: hours\n")
    border("border_jobs_missing.yaml", tab="table_co2_tj", extra="jobs: employment\n")
    border("border_priced_twice.yaml", prices=("A, B", "B"))
    border("border_emissions_in_tj.yaml", tab="table_co2_tj")
    border("border_table_in_gbp.yaml", tab="table_co2_gbp")
    # --- supplier-site lists
    head = "year,supplier,country,site\n"
    rows = "2020,Alpha Co.,China,Guangdong\n2020,Beta Ltd.,Japan,Tokyo\n2022,Alpha Co.,Vietnam,Bac Ninh\n"
    text("sites_ok.csv", head + rows)
    text("sites_unknown_country.csv", head + rows + "2022,Beta Ltd.,Narnia,Cair Paravel\n")
    text("sites_blank_supplier.csv", head + rows + "2022,,Japan,Tokyo\n")
    text("sites_year_text.csv", head + rows + "twenty,Beta Ltd.,Japan,Tokyo\n")
    text("sites_missing_column.csv", "year,supplier_name,nation\n2020,Alpha Co.,China\n")
    text("sites_latin1.csv", head + rows + "2022,Nestlé S.A.,Switzerland,Vevey\n", "latin-1")
    text("sites_header_only.csv", head)
    text("sites_unknown_column.csv", "year,supplier,country,colour\n2020,Alpha Co.,China,red\n")
    text("sites_one_year.csv", head + "2020,Alpha Co.,China,Guangdong\n2020,Beta Ltd.,Japan,Tokyo\n")

    def cb(f: str) -> list[str]:
        return ["carbon-border", f"{{F}}/{f}", "-o", "{T}/cb"]

    def sb(f: str, *more: str) -> list[str]:
        return ["supplier-base", f"{{F}}/{f}", "--no-twin", *more, "-o", "{T}/sb"]
    esri = ["firms", "esri", "{F}/network/edges.csv", "{F}/network/firms.csv", "--supply-base"]
    return [
        {"id": "border-ok", "args": cb("border_ok.yaml"), "exit": 0,
         "expect": ["A+B: 80.00 EUR/t", "with the border adjustment"]},
        {"id": "border-unknown-region", "args": cb("border_unknown_region.yaml"),
         "expect": ["prices[0].regions", "unknown region or group 'ATL'", "A, B, C"]},
        {"id": "border-negative-price", "args": cb("border_negative_price.yaml"),
         "expect": ["prices[0].price", "greater than or equal to 0"]},
        {"id": "border-nan-price", "args": cb("border_nan_price.yaml"),
         "expect": ["prices[0].price", "finite number"]},
        {"id": "border-unknown-field", "args": cb("border_unknown_field.yaml"),
         "expect": ["border.bassis", "unknown field", "allowed here: basis"]},
        {"id": "border-syntax", "args": cb("border_syntax.yaml"), "expect": ["not valid YAML", "line 4"]},
        {"id": "border-missing", "args": cb("no_such_border.yaml"), "names": "no_such_border.yaml",
         "expect": ["file not found (the carbon-border scenario)"]},
        {"id": "border-currency-without-rate", "args": cb("border_no_rate.yaml"),
         "expect": ["prices[0].currency", "a price in USD on a table in EUR needs an exchange rate", "usd_per_eur"]},
        {"id": "border-unknown-sector", "args": cb("border_unknown_sector.yaml"),
         "expect": ["border.sectors", "unknown sector(s) 'c12'", "agri, manu"]},
        {"id": "border-table-without-co2", "args": cb("border_no_co2.yaml"),
         "expect": ["field 'satellite'", "no 'co2' satellite"]},
        {"id": "border-jobs-not-a-head-count", "args": cb("border_jobs_hours.yaml"),
         "expect": ["jobs_stressor", "'M h', not a head count", "jobs: null"]},
        {"id": "border-jobs-satellite-missing", "args": cb("border_jobs_missing.yaml"),
         "expect": ["field 'jobs'", "no 'employment' satellite"]},
        {"id": "border-region-priced-twice", "args": cb("border_priced_twice.yaml"),
         "expect": ["prices[1].regions", "region 'B' is already priced in prices[0]"]},
        {"id": "border-emissions-not-tonnes", "args": cb("border_emissions_in_tj.yaml"),
         "expect": ["field 'satellite'", "'TJ', not a mass of CO2"]},
        {"id": "border-table-in-another-currency", "args": cb("border_table_in_gbp.yaml"),
         "expect": ["prices[0].currency", "the table is in GBP", "a table in USD or EUR"]},
        {"id": "border-out-is-a-file", "args": ["carbon-border", "{F}/border_ok.yaml", "-o", "{F}/not_a_folder.txt"],
         "names": "--out", "expect": ["is a file, not a folder"]},
        {"id": "sites-ok", "args": sb("sites_ok.csv"), "exit": 0,
         "expect": ["3 rows, 2 supplier names", "CHN's share of sites: 50.0 % (2020) → 0.0 % (2022)"]},
        {"id": "sites-unknown-country", "args": sb("sites_unknown_country.csv"),
         "expect": ["line 5: country", "unknown country 'Narnia' on 1 row(s)", "ISO3 code"]},
        {"id": "sites-blank-supplier", "args": sb("sites_blank_supplier.csv"),
         "expect": ["'supplier'", "1 blank cell(s) (line 5)"]},
        {"id": "sites-year-text", "args": sb("sites_year_text.csv"),
         "expect": ["'year'", "not numbers (line 5: 'twenty')", "whole number"]},
        {"id": "sites-missing-column", "args": sb("sites_missing_column.csv"),
         "expect": ["'country'", "column missing", "'nation'", "unknown column"]},
        {"id": "sites-latin1", "args": sb("sites_latin1.csv"), "expect": ["not UTF-8", "Latin-1", "CSV UTF-8"]},
        {"id": "sites-header-only", "args": sb("sites_header_only.csv"), "expect": ["header but no data rows"]},
        {"id": "sites-unknown-column", "args": sb("sites_unknown_column.csv"),
         "expect": ["'colour'", "unknown column"]},
        {"id": "sites-one-year", "args": sb("sites_one_year.csv"),
         "expect": ["the list has one year (2020)", "several years"]},
        {"id": "sites-missing", "args": sb("no_such_sites.csv"), "names": "no_such_sites.csv",
         "expect": ["file not found (the supplier-site list)"]},
        {"id": "sites-focus-unknown", "args": sb("sites_ok.csv", "--focus", "Narnia"), "names": "--focus",
         "expect": ["not a country name or ISO3 code"]},
        {"id": "sites-base-not-listed", "args": sb("sites_ok.csv", "--base", "2019"), "names": "--base",
         "expect": ["the list has no year 2019", "2020, 2022"]},
        {"id": "sites-late-before-base", "args": sb("sites_ok.csv", "--base", "2022", "--late", "2020"),
         "names": "--late", "expect": ["is not after --base 2022"]},
        {"id": "esri-supply-base-unknown-country", "args": [*esri, "{F}/sites_unknown_country.csv", "-o", "{T}/e"],
         "names": "sites_unknown_country.csv", "expect": ["unknown country 'Narnia'"]},
        {"id": "esri-supply-base-missing", "args": [*esri, "{F}/no_such_sites.csv", "-o", "{T}/e"],
         "names": "no_such_sites.csv", "expect": ["file not found (the supplier-site list)"]},
    ]


def _scalar(v) -> str:
    """A YAML scalar as the corpus writes it: plain where plain text is safe, else double-quoted."""
    import re
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    v = str(v)
    plain = re.fullmatch(r"(--?)?[A-Za-z][\w.-]*", v) and v.lower() not in {"true", "false", "null", "yes", "no",
                                                                          "on", "off", "y", "n"}
    return v if plain else json.dumps(v, ensure_ascii=False)


def write_cases(cases: list[dict]) -> None:
    """Replace the generated block at the end of cases.yaml (after :data:`GENERATED`) with ``cases``; the
    hand-written cases above it stay as they are."""
    import yaml
    path = HERE / "cases.yaml"
    body = path.read_text(encoding="utf-8").split(GENERATED)[0].rstrip("\n")
    out = [body, "", GENERATED,
           "# carbon-border (scenarios on table_co2: the small table with a CO2 account and employment), supplier-base",
           "# and firms esri --supply-base (supplier-site lists): written by borders_and_supply_bases()."]
    for c in cases:
        out.append(f"- id: {c['id']}")
        out.append(f"  args: [{', '.join(map(_scalar, c['args']))}]")
        if "exit" in c:
            out.append(f"  exit: {c['exit']}")
        if "names" in c:
            out.append(f"  names: {json.dumps(c['names'], ensure_ascii=False)}")
        out.append(f"  expect: [{', '.join(json.dumps(e, ensure_ascii=False) for e in c['expect'])}]")
    text = "\n".join(out) + "\n"
    back = yaml.safe_load(text.split(GENERATED)[1])
    assert back == [{k: c[k] for k in ("id", "args", "exit", "names", "expect") if k in c} for c in cases], back
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
    more()
    write_cases(borders_and_supply_bases())
