"""Company carbon accounting after the GHG Protocol: scope 1 and 2 from activity data, scope 3 category 1
(purchased goods and services) from spend, and how they compare.

* **Scope 1 / 2** — activity × factor: ``E = Σ_a q_a · f_a`` with the UK Government 2024 company-reporting
  factors (fuels burnt on site: scope 1; purchased electricity, heat and steam: scope 2, location-based).
* **Scope 3, category 1, spend-based** — ``E = Σ_p s_p · (P_2022 / P_{y_p}) · f_{n_p}``: each purchase's
  spend ``s_p`` (USD of year ``y_p``) is moved to 2022 USD with the price index of its commodity and
  multiplied by the EPA supply-chain factor of its NAICS code ``n_p`` (with margins for spend at purchaser
  prices, without for producer prices) — US EPA (2024), *Supply Chain GHG Emission Factors for US
  Commodities and Industries v1.3*; GHG Protocol (2013), *Technical Guidance for Calculating Scope 3
  Emissions*, ch. 1. **Hybrid**: where a supplier gives its own product carbon footprint (kg CO2e per USD,
  or kg for the line), it replaces the sector average.

The supply-chain-to-operational ratio ``scope 3 (cat. 1) / (scope 1 + scope 2)`` is the figure the white
paper quotes as about 11 on average (after CDP).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from typing import Literal

from pydantic import Field, model_validator

from industwin.data.ghg_factors import epa_factors, uk_factors, us_commodity_cpi
from industwin.data.io import read_table, records
from industwin.data.schema import Schema
from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue

__all__ = ["Purchase", "Activity", "read_purchases", "read_activities", "scope3_purchased_goods",
           "scope12", "CompanyFootprint", "company_footprint", "PAPER_SCOPE3_RATIO", "intensity_table",
           "risk_hotspots", "supply_chain_tree"]

PAPER_SCOPE3_RATIO = 11.0      # supply-chain vs operational emissions: "about 11 times" (white paper, after CDP)


DOC = "docs/sustainability.md"


class Purchase(Schema):
    """One line of purchases: spend on one NAICS-6 commodity. ``year`` and ``basis`` change the result and
    have no default; ``currency`` may be left out only for US dollars."""

    naics: str = Field(pattern=r"^\d{6}$", description="2017 NAICS code, 6 digits")
    spend: float = Field(ge=0, description="amount spent, in `currency` of `year`")
    currency: str = "USD"
    year: int = Field(ge=1900, le=2100, description="the year of the spend's prices")
    basis: Literal["purchaser", "producer"] = Field(description="purchaser prices (with trade and transport "
                                                                "margins) or producer prices")
    description: str = ""
    supplier: str = ""
    supplier_kg_per_usd: float | None = Field(None, ge=0, description="supplier's own factor, kg CO2e per USD of year")
    supplier_kg: float | None = Field(None, ge=0, description="supplier's own footprint of this line, kg CO2e")
    product_id: str = Field("", description="the product's URN as in its supplier's PACT footprint (productIds)")
    quantity: float | None = Field(None, ge=0, description="amount bought, in the declared unit of the supplier's "
                                                           "footprint (e.g. kilogram)")

    @model_validator(mode="after")
    def _one_supplier_figure(self) -> "Purchase":
        if self.supplier_kg is not None and self.supplier_kg_per_usd is not None:
            raise ValueError("both supplier_kg and supplier_kg_per_usd are given: keep the one the supplier reported")
        return self


class Activity(Schema):
    """One line of activity data for scope 1 or 2: an amount of a fuel / electricity in a unit."""

    item: str = Field(min_length=1, description="fuel or source as named in the UK factors, e.g. 'Natural gas', "
                                                "'Electricity: UK'")
    unit: str = Field(min_length=1, description="unit as in the UK factors, e.g. 'kWh (Gross CV)', 'litres', 'kWh'")
    amount: float = Field(ge=0)
    sheet: str | None = Field(None, description="factor sheet, e.g. 'Fuels' (default: any of the loaded sheets)")
    description: str = ""


def read_purchases(path_or_df, source: str = "purchases") -> list[Purchase]:
    """Purchases from a CSV / Parquet / Excel file or DataFrame (columns as :class:`Purchase`), every problem
    listed with its line."""
    df = read_table(path_or_df, f"{source} file", text=("naics", "currency", "basis", "description", "supplier",
                                                         "product_id"))
    return records(df, Purchase, doc=DOC)


def read_activities(path_or_df, source: str = "activities") -> list[Activity]:
    """Scope 1 / 2 activity data from a CSV / Parquet / Excel file or DataFrame (columns as :class:`Activity`)."""
    df = read_table(path_or_df, f"{source} file", text=("item", "unit", "sheet", "description"))
    return records(df, Activity, doc=DOC)


def _lines(src, reader, source: str) -> tuple[list, str, int]:
    """Records from a list, a file or a DataFrame, the name to cite and the line of the first record."""
    if isinstance(src, list):
        return src, source, 1
    if isinstance(src, pd.DataFrame):
        return reader(src, source), str(src.attrs.get("source", source)), 1
    from industwin.data.io import input_path
    path = input_path(src, source)
    return reader(path, source), str(path), 2 if path.suffix.lower() not in (".parquet",) else 1


def _footprint_index(footprints) -> dict[str, object]:
    """Active PACT footprints by lower-case product id (the newest where several name one product)."""
    idx: dict[str, object] = {}
    for pf in sorted(footprints or [], key=lambda p: p.created):
        if pf.status == "Active":
            for pid in pf.productIds:
                idx[pid.lower()] = pf
    return idx


def scope3_purchased_goods(purchases, factors: pd.DataFrame | None = None, cpi: pd.DataFrame | None = None,
                           source: str = "purchases", footprints=None) -> pd.DataFrame:
    """Scope 3 category 1 emissions of each purchase line (kg CO2e), spend-based with the EPA factors
    (module docstring), hybrid where the supplier's own footprint is given: a line's ``supplier_kg`` or
    ``supplier_kg_per_usd``, or — when the line names a ``product_id`` and ``quantity`` and ``footprints``
    (PACT v3 ProductFootprints received from suppliers) hold an Active one for that product —
    ``quantity × pcfExcludingBiogenicUptake / declaredUnitAmount``. Columns: the line's fields,
    ``spend_2022usd``, ``factor`` (kg CO2e per 2022 USD), ``method`` (``spend-based`` / ``supplier-specific`` /
    ``supplier PCF (PACT)``), ``pcf_id``, ``kg_co2e``."""
    rows, source, first = _lines(purchases, read_purchases, source)
    pcfs = _footprint_index(footprints)
    f = epa_factors() if factors is None else factors
    cpi = us_commodity_cpi() if cpi is None else cpi
    issues = []
    for n, p in enumerate(rows):
        where = f"line {n + first}"
        if p.naics not in f.index:
            near = [c for c in f.index if c[:4] == p.naics[:4]][:5]
            issues.append(ValidationIssue(source, f"{where}: naics", f"unknown NAICS code {p.naics}",
                                          f"use a 2017 NAICS-6 code of the EPA factors, e.g. {near or list(f.index[:3])}"))
        if p.currency.upper() != "USD":
            issues.append(ValidationIssue(source, f"{where}: currency", f"{p.currency!r} is not USD",
                                          "convert the spend to USD first (the factors are per US dollar)"))
        if p.year not in cpi.columns:
            issues.append(ValidationIssue(source, f"{where}: year", f"no price index for {p.year}",
                                          f"use a year in {list(cpi.columns)}"))
        pf = pcfs.get(p.product_id.lower()) if p.product_id else None
        if pf is not None and p.quantity is None:
            issues.append(ValidationIssue(source, f"{where}: quantity", f"the supplier's footprint of {p.product_id} "
                                          f"is per {pf.pcf.declaredUnitOfMeasurement}, but the line has no quantity",
                                          f"give the quantity bought in {pf.pcf.declaredUnitOfMeasurement}"))
        if pf is not None and (p.supplier_kg is not None or p.supplier_kg_per_usd is not None):
            issues.append(ValidationIssue(source, f"{where}: product_id", "both a supplier figure and a received "
                                          "footprint apply", "keep one: remove supplier_kg(_per_usd) or product_id"))
    if issues:
        raise ValidationError(issues)
    out = []
    for p in rows:
        row = f.loc[p.naics]
        code = row["useeio"]
        defl = cpi.loc[code, 2022] / cpi.loc[code, p.year] if code in cpi.index else 1.0
        spend22 = p.spend * defl
        factor = row["with_margins" if p.basis == "purchaser" else "without_margins"]
        pf = pcfs.get(p.product_id.lower()) if p.product_id else None
        pcf_id = ""
        if pf is not None:
            kg, method, pcf_id = p.quantity * pf.kg_per_declared_unit, "supplier PCF (PACT)", pf.id
        elif p.supplier_kg is not None:
            kg, method = p.supplier_kg, "supplier-specific"
        elif p.supplier_kg_per_usd is not None:
            kg, method = p.supplier_kg_per_usd * p.spend, "supplier-specific"
        else:
            kg, method = spend22 * factor, "spend-based"
        out.append({**p.model_dump(), "title": row["title"], "useeio": code, "spend_2022usd": spend22,
                    "factor": factor, "method": method, "pcf_id": pcf_id, "kg_co2e": kg})
    df = pd.DataFrame(out)
    df.attrs["unit"] = "kg CO2e"
    return df


def scope12(activities, factors: pd.DataFrame | None = None, source: str = "activities") -> pd.DataFrame:
    """Scope 1 and 2 emissions of each activity line (kg CO2e) with the UK 2024 factors: amount × factor
    of the matching (item, unit) row. Unknown items or units give an error listing the valid ones."""
    rows, source, first = _lines(activities, read_activities, source)
    f = uk_factors() if factors is None else factors
    issues, out = [], []
    for n, a in enumerate(rows):
        sel = f[(f["item"].str.lower() == a.item.lower())]
        if a.sheet:
            sel = sel[sel["sheet"] == a.sheet]
        if sel.empty:
            near = sorted(set(f["item"][f["item"].str.lower().str.contains(a.item.lower()[:4], regex=False)]))[:6]
            issues.append(ValidationIssue(source, f"line {n + first}: item", f"no factor for {a.item!r}",
                                          f"use an item of the UK factors, e.g. {near or sorted(set(f['item']))[:6]}"))
            continue
        hit = sel[sel["unit"].str.lower() == a.unit.lower()]
        if hit.empty:
            issues.append(ValidationIssue(source, f"line {n + first}: unit", f"{a.item!r} has no factor per {a.unit!r}",
                                          f"use one of {sorted(set(sel['unit']))}"))
            continue
        h = hit.iloc[0]
        out.append({**a.model_dump(), "sheet": h["sheet"], "scope": h["scope"], "factor": h["kg_co2e"],
                    "kg_co2e": a.amount * h["kg_co2e"]})
    if issues:
        raise ValidationError(issues)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class CompanyFootprint:
    """A company's scope split (t CO2e), its supply-chain-to-operational ratio and its upstream hot spots."""

    scopes: pd.Series
    scope12_lines: pd.DataFrame
    scope3_lines: pd.DataFrame
    hot_spots: pd.DataFrame

    @property
    def ratio(self) -> float:
        """Scope 3 (cat. 1) over scope 1 + 2 — compare with the paper's ≈ 11 (:data:`PAPER_SCOPE3_RATIO`)."""
        op = self.scopes.get("scope 1", 0.0) + self.scopes.get("scope 2", 0.0)
        return float(self.scopes.get("scope 3 (cat. 1)", 0.0) / op) if op else float("inf")


def company_footprint(activities, purchases, top: int = 10, footprints=None) -> CompanyFootprint:
    """Scope 1, 2 and 3 (category 1) of a company from its activity data and purchase list, in t CO2e, with
    the purchases that weigh most (hot spots by NAICS commodity); ``footprints``: suppliers' PACT footprints
    that replace the spend-based estimate of the lines naming their products."""
    s12 = scope12(activities) if activities is not None else pd.DataFrame(columns=["scope", "kg_co2e"])
    s3 = scope3_purchased_goods(purchases, footprints=footprints)
    scopes = pd.Series({"scope 1": s12.loc[s12["scope"] == "Scope 1", "kg_co2e"].sum() / 1e3,
                        "scope 2": s12.loc[s12["scope"] == "Scope 2", "kg_co2e"].sum() / 1e3,
                        "scope 3 (cat. 1)": s3["kg_co2e"].sum() / 1e3}, name="t CO2e")
    hs = s3.groupby(["naics", "title"], as_index=False).agg(spend_2022usd=("spend_2022usd", "sum"),
                                                             kg_co2e=("kg_co2e", "sum"))
    hs["share_pct"] = 100 * hs["kg_co2e"] / (hs["kg_co2e"].sum() or 1.0)
    hs = hs.sort_values("kg_co2e", ascending=False).head(top).reset_index(drop=True)
    return CompanyFootprint(scopes, s12, s3, hs)


def intensity_table(mrio, satellite: str, stressor: str | None = None):
    """Direct intensities ``d`` (per unit of output), total (supply-chain) intensities ``m' = d'L`` and their
    ratio per sector, for one stressor of a satellite — the sector-level version of the paper's "supply-chain
    emissions are about 11 times a firm's own"."""
    from industwin.core.accounts import intensities, satellite_multipliers
    if satellite not in mrio.satellites:
        has = ", ".join(mrio.satellites) or "none"
        raise SelectionError(f"the table has no {satellite!r} satellite (it has {has}). Fix: name one of its "
                             "satellites, or attach an emissions account first")
    d = intensities(mrio, satellite)
    m = satellite_multipliers(mrio, satellite)
    st = d.index[0] if stressor is None else stressor
    if st not in d.index:
        raise SelectionError(f"satellite {satellite!r} has no stressor {st!r}. Fix: choose one of "
                             f"{', '.join(map(str, d.index))}")
    df = pd.DataFrame({"direct": d.loc[st], "total": m.loc[st]})
    df["ratio"] = df["total"] / df["direct"].where(df["direct"] > 0)
    unit = mrio.satellites[satellite].units[list(mrio.satellites[satellite].stressors).index(st)]
    df.attrs["unit"] = f"{unit} per {mrio.unit}"
    return df


def risk_hotspots(mrio, risk, demand, top: int = 20) -> pd.DataFrame:
    """A due-diligence hot-spot list: a risk score per country-sector (``risk``: Series on the table's
    (region, sector) index — labour-rights, safety or any indicator the user supplies; missing = 0) carried
    through the supply chain of a final demand ``y`` (Series on the index, e.g. one product). Each
    country-sector's output needed for ``y`` is ``x = L y``; its ``exposure`` is ``risk × x``, and ``share`` its
    part of the total. Returns the ``top`` rows with output, risk, exposure and share, largest first."""
    from industwin.core.leontief import leontief
    r = pd.Series(risk).reindex(mrio.index)
    if r.isna().all():
        raise DataError("risk scores match no (region, sector) of the table. Fix: index them like mrio.index")
    r = r.fillna(0.0)
    if (r < 0).any():
        raise DataError("risk scores must be non-negative")
    y = pd.Series(demand).reindex(mrio.index).fillna(0.0).to_numpy(float)
    x = leontief(mrio).solve(y)
    df = pd.DataFrame({"output": x, "risk": r.to_numpy(), "exposure": r.to_numpy() * x}, index=mrio.index)
    tot = df["exposure"].sum()
    df["share"] = df["exposure"] / tot if tot else 0.0
    return df.sort_values("exposure", ascending=False).head(top)


@lru_cache(maxsize=1)
def _us_coefficients_2022() -> tuple[list[str], np.ndarray, dict[str, str]]:
    """The US 2017 detail table's coefficients in 2022 prices (commodity codes, A, names), read once."""
    from industwin.data.prices import reprice
    from industwin.data.registry import load
    m = load("useeio2017")
    cpi = us_commodity_cpi()
    m22 = reprice(m, (cpi[2022] / cpi[2017]), 2022)
    codes = list(m22.index.get_level_values(1))
    x = np.asarray(m22.x, float)
    A = np.asarray(m22.Z) * np.divide(1.0, x, out=np.zeros(len(x)), where=x > 0)[None, :]
    A.flags.writeable = False
    return codes, A, {c: m.sector_names.get(c, c) for c in codes}


def supply_chain_tree(lines: pd.DataFrame, max_depth: int = 3, threshold: float = 0.01,
                      factors: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""The upstream hot spots of a company's spend-based purchases, tier by tier.

    A commodity's supply-chain factor satisfies ``f' = d' + f'A`` (its own direct emissions plus those of its
    inputs), so the emissions of buying ``s`` (2022 USD, producer prices) of commodity *c* split into
    ``f_i A_{ic} s`` passing through each input *i* and a remainder at *c* itself — applied again to each
    input, this is a tree by tier. ``A`` is the US 2017 detail table moved to 2022 prices with the BEA price
    indices; ``f`` the EPA factors without margins averaged per USEEIO commodity; margins (transport and
    trade) of purchaser-price lines form their own node. The EPA model is not exactly this table, so a
    remainder can be slightly negative; it is reported as is. Nodes below ``threshold`` of the total are
    folded into their parent's remainder.

    ``lines``: :func:`scope3_purchased_goods` output. Returns ``tier`` (1 = the purchases), ``path``,
    ``kg_co2e`` (through that node), ``own_kg_co2e`` (its remainder), ``share``."""
    f = epa_factors() if factors is None else factors
    codes, A, title = _us_coefficients_2022()
    pos = {c: k for k, c in enumerate(codes)}
    fc = f.groupby("useeio")["without_margins"].mean().reindex(codes).fillna(0.0).to_numpy()
    spend = lines[lines["method"] == "spend-based"]
    total = float(lines["kg_co2e"].sum())
    cut = abs(total) * threshold
    rows = []

    def expand(c: int, s: float, path: str, tier: int) -> None:
        value = fc[c] * s
        kids = fc * A[:, c] * s
        big = np.flatnonzero(np.abs(kids) >= cut) if tier < max_depth else np.array([], dtype=int)
        own = value - kids[big].sum()
        rows.append({"tier": tier, "path": path, "kg_co2e": value, "own_kg_co2e": own})
        for i in big[np.argsort(-kids[big])]:
            expand(int(i), float(A[i, c] * s), f"{path} ← {title[codes[i]]}", tier + 1)

    for _, ln in spend.iterrows():
        c = pos.get(ln["useeio"])
        label = f"{ln['title']} ({ln['naics']})"
        if c is None:
            rows.append({"tier": 1, "path": label, "kg_co2e": ln["kg_co2e"], "own_kg_co2e": ln["kg_co2e"]})
            continue
        s = ln["spend_2022usd"]
        if ln["basis"] == "purchaser":
            margin = ln["kg_co2e"] - s * fc[c]
            rows.append({"tier": 2, "path": f"{label} ← margins (transport, trade)", "kg_co2e": margin,
                         "own_kg_co2e": margin})
        expand(c, s, label, 1)
    for _, ln in lines[lines["method"] != "spend-based"].iterrows():
        rows.append({"tier": 1, "path": f"{ln['title']} ({ln['naics']}, supplier-specific)",
                     "kg_co2e": ln["kg_co2e"], "own_kg_co2e": ln["kg_co2e"]})
    df = pd.DataFrame(rows)
    df["share"] = df["kg_co2e"] / total if total else 0.0
    return df
