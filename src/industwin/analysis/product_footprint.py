"""From a company's footprint to PACT v3 product footprints it can share with its customers.

A company's cradle-to-gate emissions in a period — scope 1, scope 2 and purchased goods and services
(scope 3 category 1), :func:`~industwin.analysis.sustainability.company_footprint` — are allocated to its
products by the shares the company gives (economic or physical allocation, ISO 14067 §6.4.6):

    ``PCF_p = a_p · (E_1 + E_2 + E_3,1) / q_p``   kg CO2e per declared unit,

with ``a_p`` the product's allocation share (Σ a_p ≤ 1) and ``q_p`` the amount made in the period in declared
units. The data-quality fields say honestly what this is: ``primaryDataShare`` is the share of the total from
the company's own activity data (scope 1 and 2) and suppliers' own figures; the spend-based lines are secondary
data (US EPA supply-chain factors v1.3) and get poor data-quality ratings (PACT methodology v3 §4.2.3, 1 = best,
5 = worst, weighted by emissions). Other scope 3 categories upstream of the gate (capital goods, fuel- and
energy-related activities, upstream transport, waste) are not in the company footprint, and biogenic carbon is
not assessed: both are stated in the footprint's ``comment`` and ``exemptedEmissionsDescription``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import Field

from industwin.data.io import read_table, records
from industwin.data.pact import SPEC_VERSION, UNITS, ProductFootprint, decimal_text, validate_footprint
from industwin.data.schema import Schema
from industwin.errors import DataError

__all__ = ["Product", "read_products", "product_footprints", "DQR"]

# data-quality ratings (technological, geographical, temporal) by how a line was estimated
DQR = {"activity": (2.0, 2.0, 1.0),              # own activity data × national factors of the year
       "supplier": (2.0, 2.0, 2.0),              # the supplier's own figure
       "spend-based": (4.0, 4.0, 3.0)}           # sector-average EEIO factor per dollar (US, 2022 prices)


class Product(Schema):
    """One product the company makes: its id, the declared unit, how much was made in the period and the share
    of the company's emissions allocated to it."""

    product_id: str = Field(pattern=r"^[uU][rR][nN]:\S+$", description="URN, e.g. urn:gtin:4712345060507")
    name: str = Field(min_length=1)
    description: str = ""
    unit: str = Field(description=f"declared unit of measurement, one of: {', '.join(UNITS)}")
    amount: float = Field(gt=0, description="amount made in the reference period, in `unit`")
    share: float = Field(gt=0, le=1, description="share of the company's emissions allocated to the product")
    mass_kg: float = Field(0.0, ge=0, description="mass of one unit in kg (0 where mass is not relevant)")
    classification: str = Field("", description="a URN classification (e.g. urn:pact:cn:7208), optional")


def read_products(path_or_df, source: str = "products") -> list[Product]:
    df = read_table(path_or_df, f"{source} file", text=("product_id", "name", "description", "unit",
                                                        "classification"))
    rows = records(df, Product, doc="docs/pact.md")
    bad = [p.unit for p in rows if p.unit not in UNITS]
    if bad:
        raise DataError(f"{source} file: unit {bad[0]!r} is not a PACT declared unit. Fix: use one of "
                        f"{', '.join(UNITS)}")
    if sum(p.share for p in rows) > 1 + 1e-9:
        raise DataError(f"{source} file: the shares add up to {sum(p.share for p in rows):.4g}, more than 1. Fix: "
                        "allocate at most the whole footprint")
    return rows


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def product_footprints(fp, products, company_name: str, company_ids: list[str], period_start: datetime,
                       period_end: datetime, country: str | None = None) -> list[ProductFootprint]:
    """PACT v3 footprints of ``products`` from a :class:`~industwin.analysis.sustainability.CompanyFootprint`
    (equation in the module docstring), validated; Active, new ids, valid three years from the period's end."""
    rows = products if isinstance(products, list) else read_products(products)
    s12 = fp.scope12_lines
    s3 = fp.scope3_lines
    kg12 = float(s12["kg_co2e"].sum()) if len(s12) else 0.0
    spend = s3["method"] == "spend-based"
    kg_spend, kg_supplier = float(s3.loc[spend, "kg_co2e"].sum()), float(s3.loc[~spend, "kg_co2e"].sum())
    total = kg12 + kg_spend + kg_supplier
    if total <= 0:
        raise DataError("the company footprint is 0 kg CO2e: nothing to allocate. Fix: give activities and "
                        "purchases")
    weights = {"activity": kg12 / total, "supplier": kg_supplier / total, "spend-based": kg_spend / total}
    dqr = [sum(weights[k] * DQR[k][i] for k in DQR) for i in range(3)]
    primary = 100 * (kg12 + kg_supplier) / total
    sources = []
    if kg_spend > 0:
        sources.append({"name": "US EPA Supply Chain GHG Emission Factors for US Commodities and Industries",
                        "version": "1.3"})
    if kg12 > 0:
        sources.append({"name": "UK Government GHG Conversion Factors for Company Reporting", "version": "2024"})
    now = datetime.now(UTC)
    out = []
    for p in rows:
        per_unit = p.share * total / p.amount
        pcf = {"declaredUnitOfMeasurement": p.unit, "declaredUnitAmount": "1",
               "productMassPerDeclaredUnit": decimal_text(p.mass_kg),
               "referencePeriodStart": _iso(period_start), "referencePeriodEnd": _iso(period_end),
               "boundaryProcessesDescription": "Cradle-to-gate: the company's scope 1 and 2 emissions and its "
               "purchased goods and services (GHG Protocol scope 3 category 1), allocated to the product by a "
               f"share of {p.share:.4g}",
               "pcfExcludingBiogenicUptake": decimal_text(per_unit),
               "pcfIncludingBiogenicUptake": decimal_text(per_unit),
               "fossilGhgEmissions": decimal_text(per_unit),
               "fossilCarbonContent": "0",
               "ipccCharacterizationFactors": ["AR5"],
               "crossSectoralStandards": ["GHGP-Product"],
               "exemptedEmissionsPercent": "0",
               "exemptedEmissionsDescription": "Not assessed: scope 3 categories 2-4 and 5 (capital goods, "
               "fuel- and energy-related activities, upstream transport, waste) are outside the company footprint",
               "allocationRulesDescription": f"Company emissions allocated by a share of {p.share:.4g} given by "
               "the company, divided by the amount made in the period",
               "primaryDataShare": decimal_text(primary, 4),
               "dqi": {"technologicalDQR": decimal_text(dqr[0], 3), "geographicalDQR": decimal_text(dqr[1], 3),
                       "temporalDQR": decimal_text(dqr[2], 3)}}
        if sources:
            pcf["secondaryEmissionFactorSources"] = sources
        if country:
            pcf["geographyCountry"] = country
        doc = {"id": str(uuid.uuid4()), "specVersion": SPEC_VERSION, "created": _iso(now), "status": "Active",
               "companyName": company_name, "companyIds": company_ids, "productDescription": p.description or
               p.name, "productIds": [p.product_id], "productNameCompany": p.name,
               "comment": f"Computed by industwin from a company inventory: {primary:.1f} % from the company's "
               "activity data and suppliers' own footprints, the rest spend-based (secondary data). Fossil carbon "
               "content and biogenic carbon were not assessed (0 / absent). Characterisation factors of the "
               "emission-factor sources (AR5).",
               "pcf": pcf}
        if p.classification:
            doc["productClassifications"] = [p.classification]
        out.append(validate_footprint(doc, f"product {p.product_id}"))
    return out
