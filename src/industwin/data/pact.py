"""The PACT v3 ProductFootprint (WBCSD Partnership for Carbon Transparency, *Technical Specifications for PCF
Data Exchange*, version 3.0): a typed schema for the documents industwin publishes and receives.

Decimals travel as strings (``"0.384"``) and are checked to be finite decimal numbers; identifiers are URNs;
dates are RFC 3339 date-times. The schema holds what the specification requires and the fields industwin
reads; the other optional fields of the specification pass through unchanged (``extra="allow"``) so that a
received document is kept whole. ``footprint_from_json`` turns a document (or a list of them, or a
``{"data": [...]}`` response) into validated footprints, every problem named with its field path.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from industwin.errors import DataError

__all__ = ["SPEC_VERSION", "CarbonFootprint", "DataQualityIndicators", "EmissionFactorSource", "ProductFootprint",
           "decimal_text", "read_footprints", "validate_footprint", "UNITS"]

SPEC_VERSION = "3.0.0"
UNITS = ("liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter",
         "piece", "hour", "megabit second")
MAX_BYTES = 256 * 2**20
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number PACT accepts")


def _decimal(v: str) -> str:
    if not _DECIMAL.match(v):
        raise ValueError(f"{v!r} is not a decimal written as text, e.g. \"0.384\"")
    return v


def _urn(v: str) -> str:
    if not re.match(r"^[uU][rR][nN]:\S+$", v):
        raise ValueError(f"{v!r} is not a URN, e.g. \"urn:gtin:4712345060507\"")
    return v


def _uuid(v: str) -> str:
    try:
        UUID(v)
    except ValueError:
        raise ValueError(f"{v!r} is not a UUID") from None
    return v


Dec = Annotated[str, AfterValidator(_decimal)]
Urn = Annotated[str, AfterValidator(_urn)]
Uid = Annotated[str, AfterValidator(_uuid)]


def decimal_text(x: float, digits: int = 6) -> str:
    """A number as PACT's decimal text: fixed notation, ``digits`` significant digits, no exponent."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("a PACT decimal must be finite")
    d = Decimal(repr(float(x)))
    if d == 0:
        return "0"
    q = Decimal(1).scaleb(d.adjusted() - digits + 1)
    out = format(d.quantize(q) if q < 1 else d.quantize(Decimal(1)), "f")
    return out.rstrip("0").rstrip(".") if "." in out else out


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class EmissionFactorSource(_Open):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)


class DataQualityIndicators(_Open):
    technologicalDQR: Dec
    geographicalDQR: Dec
    temporalDQR: Dec


class CarbonFootprint(_Open):
    declaredUnitOfMeasurement: Literal[UNITS]  # type: ignore[valid-type]
    declaredUnitAmount: Dec
    productMassPerDeclaredUnit: Dec
    referencePeriodStart: datetime
    referencePeriodEnd: datetime
    geographyCountry: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    boundaryProcessesDescription: str | None = None
    pcfExcludingBiogenicUptake: Dec
    pcfIncludingBiogenicUptake: Dec
    fossilGhgEmissions: Dec
    fossilCarbonContent: Dec
    ipccCharacterizationFactors: list[Annotated[str, Field(pattern=r"^AR\d+$")]] = Field(min_length=1)
    crossSectoralStandards: list[str] = Field(min_length=1)
    exemptedEmissionsPercent: Dec
    primaryDataShare: Dec | None = None
    secondaryEmissionFactorSources: list[EmissionFactorSource] | None = Field(None, min_length=1)
    dqi: DataQualityIndicators | None = None


class ProductFootprint(_Open):
    id: Uid
    specVersion: str = Field(pattern=r"^\d+\.\d+\.\d+(-\d{8})?$")
    precedingPfIds: list[Uid] | None = Field(None, min_length=1)
    created: datetime
    status: Literal["Active", "Deprecated"]
    validityPeriodStart: datetime | None = None
    validityPeriodEnd: datetime | None = None
    companyName: str = Field(min_length=1)
    companyIds: list[Urn] = Field(min_length=1)
    productDescription: str
    productIds: list[Urn] = Field(min_length=1)
    productClassifications: list[Urn] | None = Field(None, min_length=1)
    productNameCompany: str = Field(min_length=1)
    comment: str | None = None
    pcf: CarbonFootprint

    def document(self) -> dict[str, Any]:
        """The footprint as PACT JSON (dates in RFC 3339 with ``Z``, fields that are not set left out)."""
        return json.loads(self.model_dump_json(exclude_none=True).replace("+00:00\"", "Z\""))

    @property
    def kg_per_declared_unit(self) -> float:
        """``pcfExcludingBiogenicUptake / declaredUnitAmount``: kg CO2e per one unit of measurement."""
        return float(Decimal(self.pcf.pcfExcludingBiogenicUptake) / Decimal(self.pcf.declaredUnitAmount))


def validate_footprint(doc: Any, where: str = "footprint") -> ProductFootprint:
    """One ProductFootprint from a JSON object; a :class:`DataError` names every faulty field."""
    if not isinstance(doc, dict):
        raise DataError(f"{where}: a ProductFootprint is a JSON object, got {type(doc).__name__}. Fix: send the "
                        "PACT v3 document")
    try:
        pf = ProductFootprint.model_validate(doc)
    except ValidationError as e:
        parts = [f"{'.'.join(str(x) for x in err['loc']) or 'document'}: {err['msg']}" for err in e.errors()[:6]]
        raise DataError(f"{where}: not a PACT v3 ProductFootprint — " + "; ".join(parts)
                        + ". Fix: see the PACT v3 specification (docs/pact.md)") from None
    try:
        if Decimal(pf.pcf.declaredUnitAmount) <= 0:
            raise DataError(f"{where}: pcf.declaredUnitAmount must be above 0. Fix: state the declared unit")
    except InvalidOperation:  # pragma: no cover - the pattern already checked it
        raise DataError(f"{where}: pcf.declaredUnitAmount is not a number") from None
    return pf


def read_footprints(path_or_obj, source: str = "footprints") -> list[ProductFootprint]:
    """Footprints from a JSON file or object: one document, a list, or a PACT response ``{"data": [...]}``."""
    if isinstance(path_or_obj, str | Path):
        from industwin.data.io import input_path
        path = input_path(path_or_obj, f"{source} file", formats=(".json",))
        if path.stat().st_size > MAX_BYTES:
            raise DataError(f"{source} file {path}: larger than {MAX_BYTES // 2**20} MB. Fix: split it")
        try:
            obj = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as e:
            raise DataError(f"{source} file {path}: not JSON ({e}). Fix: give PACT v3 footprints as JSON") from None
        where = f"{source} file {path}"
    else:
        obj, where = path_or_obj, source
    if isinstance(obj, dict) and "data" in obj:
        obj = obj["data"]
    docs = obj if isinstance(obj, list) else [obj]
    return [validate_footprint(d, f"{where}: item {i + 1}" if len(docs) > 1 else where) for i, d in enumerate(docs)]
