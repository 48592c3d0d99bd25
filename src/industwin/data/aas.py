"""Product carbon footprints as the Asset Administration Shell submodel *Carbon Footprint* (IDTA 02023-1-0-1,
IDTA, *Submodel Template of the Asset Administration Shell: Carbon Footprint*, version 1.0.1, for the AAS
metamodel V3.1): export of PACT v3 ProductFootprints and import of any file holding that submodel, JSON or
AASX, both through the Eclipse BaSyx Python SDK (``basyx.aas``).

One PACT footprint becomes one submodel (idShort ``CarbonFootprint``, semanticId
``https://admin-shell.io/idta/CarbonFootprint/CarbonFootprint/1/0``, kind Instance) with one entry in its list
``ProductCarbonFootprints``; the footprints of one product (the same ``productIds``) hang under one
AssetAdministrationShell. Element names, semantic IDs and value lists are the template's:

* ``id`` → ``Submodel.id`` = ``urn:uuid:<id>``; ``productIds`` → the shell's ``globalAssetId`` (the first) and
  ``specificAssetIds`` named ``productId`` (all); ``productNameCompany`` / ``productDescription`` → the shell's
  ``displayName`` / ``description``; ``companyIds[0]`` → ``Submodel.administration.creator``.
* ``pcf.pcfExcludingBiogenicUptake`` [kg CO2e per declared unit] → ``PcfCO2eq`` [kg CO2e] (xs:decimal).
* ``pcf.declaredUnitOfMeasurement`` → ``ReferenceImpactUnitForCalculation``: kilogram → kg, liter → l, cubic
  meter → cbm, square meter → qm, piece → piece, kilowatt hour → kWh, megajoule → kWh;
  ``pcf.declaredUnitAmount`` → ``QuantityOfMeasureForCalculation`` (xs:double; megajoule ÷ 3.6 for kWh).
* cradle-to-gate (the PACT v3 boundary) → ``LifeCyclePhases`` = [``A1-A3``].
* ``pcf.crossSectoralStandards`` → ``PcfCalculationMethods``: GHGP-Product → GHG Protocol, ISO14067 → ISO 14067,
  ISO14040-44 → ISO 14040, ISO 14044, PACT-1.0/2.0/3.0 → PACT v1.0.1/v2.0.0/v3.0.0, PAS2050 → BS PAS 2050; and
  from ``pcf.productOrSectorSpecificRules`` a TfS or Catena-X rule named "…, v.N" → TFS vN / Catena-X vN.
* each rule name of ``pcf.productOrSectorSpecificRules`` → one ``ProductOrSectorSpecificCarbonFootprints`` entry:
  operator (``otherOperatorName`` for Other) → ``PcfRuleOperator``, rule name → ``PcfRuleName``.
* ``created`` → ``PublicationDate``; ``validityPeriodEnd`` → ``ExpirationDate`` (both xs:dateTime).

PACT v3's declared unit is ``declaredUnitAmount`` × ``declaredUnitOfMeasurement`` and its PCF is per declared
unit; the template's ``PcfCO2eq`` is the total for ``QuantityOfMeasureForCalculation`` of
``ReferenceImpactUnitForCalculation``. Hence ``PcfCO2eq = (pcfExcludingBiogenicUptake / declaredUnitAmount) ×
declaredUnitAmount = pcfExcludingBiogenicUptake``. The template's concept description gives the unit as
``CO2eq``; industwin writes and reads kg CO2e. Units with no template unit (ton kilometer, hour, megabit
second) are refused with a :class:`ValidationError` naming the footprint.

Lost to a reader of the template's elements (the template has no place for them): ``specVersion``, ``status``,
``precedingPfIds``, ``validityPeriodStart``, ``companyName``, ``companyIds`` after the first,
``productClassifications``, ``comment``, the reference period, geography, ``pcfIncludingBiogenicUptake`` and
the other emission breakdowns, ``productMassPerDeclaredUnit``, ``ipccCharacterizationFactors``, the standards
PEF and ISO14083 and the operators PEF and EPD International as methods, ``exemptedEmissionsPercent``,
``primaryDataShare``, ``dqi``, ``secondaryEmissionFactorSources``, extensions. Template elements left out (PACT
has no value for them): ``ExplanatoryStatement`` (a PDF), ``GoodsHandoverAddress``, ``PcfRuleVersion``,
``PcfRuleOnlineReference``, ``ExternalPcfApi``, the content of ``PcfInformation``. So that industwin loses
nothing, the PACT document rides along as an AAS ``Extension`` named :data:`PACT_EXTENSION` on the
ProductCarbonFootprint entry (metamodel V3.1, HasExtensions; other readers ignore it); :func:`read_aas` returns
it while it agrees with the submodel's values.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyecma376_2
from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter import json as aas_json

from industwin.data.pact import ProductFootprint, validate_footprint
from industwin.errors import DataError, ValidationError, ValidationIssue

__all__ = ["PACT_EXTENSION", "SEMANTIC_IDS", "SUBMODEL_SEMANTIC_ID", "TEMPLATE", "aas_environment",
           "footprint_submodel", "read_aas", "write_aas"]

TEMPLATE = "IDTA 02023-1-0-1"
TEMPLATE_ID = "https://admin-shell.io/idta/SubmodelTemplate/CarbonFootprint/1/0"
_CF = "https://admin-shell.io/idta/CarbonFootprint/"
SUBMODEL_SEMANTIC_ID = _CF + "CarbonFootprint/1/0"
SEMANTIC_IDS = {  # idShort → semanticId, as in the template (list entries by their concept's idShort)
    "ProductCarbonFootprints": _CF + "ProductCarbonFootprints/1/0",
    "ProductCarbonFootprint": _CF + "ProductCarbonFootprint/1/0",
    "PcfCalculationMethods": _CF + "PcfCalculationMethods/1/0", "PcfCalculationMethod": "0173-1#02-ABG854#003",
    "PcfCO2eq": "0173-1#02-ABG855#003", "ReferenceImpactUnitForCalculation": "0173-1#02-ABG856#003",
    "QuantityOfMeasureForCalculation": "0173-1#02-ABG857#003",
    "LifeCyclePhases": _CF + "LifeCyclePhases/1/0", "LifeCyclePhase": "0173-1#02-ABG858#003",
    "PublicationDate": _CF + "PublicationDate/1/0", "ExpirationDate": _CF + "ExpirationDate/1/0",
    "ProductOrSectorSpecificCarbonFootprints": _CF + "ProductOrSectorSpecificCarbonFootprints/1/0",
    "ProductOrSectorSpecificCarbonFootprint": _CF + "ProductOrSectorSpecificCarbonFootprint/1/0",
    "ProductOrSectorSpecificRule": _CF + "ProductOrSectorSpecificRule/1/0",
    "PcfRuleOperator": _CF + "ProductOrSectorSpecificRule/Operator/1/0",
    "PcfRuleName": _CF + "ProductOrSectorSpecificRule/Name/1/0",
    "PcfRuleVersion": _CF + "ProductOrSectorSpecificRule/Version/1/0", "PcfInformation": _CF + "PcfInformation/1/0",
}
# value lists of the template's concept descriptions: value → valueId
METHODS = {"GHGP-Product": ("GHG Protocol", "0173-1#07-ABU221#003"), "ISO14067": ("ISO 14067", "0173-1#07-ABU218#003"),
           "ISO14040-44": ("ISO 14040, ISO 14044", "0173-1#07-ABV505#003"),
           "PACT-1.0": ("PACT v1.0.1", "0173-1#07-ACC004#001"), "PACT-2.0": ("PACT v2.0.0", "0173-1#07-ACC003#001"),
           "PACT-3.0": ("PACT v3.0.0", "0173-1#07-ACC012#001"), "PAS2050": ("BS PAS 2050", "0173-1#07-ACC008#001")}
RULE_METHODS = {"TFS v2": "0173-1#07-ACC005#001", "TFS v3": "0173-1#07-ACC010#001",
                "Catena-X v1": "0173-1#07-ACC007#001", "Catena-X v2": "0173-1#07-ACC006#001",
                "Catena-X v3": "0173-1#07-ACC011#001"}
_OPERATORS = {"tfs": "TFS", "catena-x": "Catena-X"}
UNITS = {  # PACT declared unit → (template unit, valueId, divisor of the amount: 1 kWh = 3.6 MJ)
    "kilogram": ("kg", "0173-1#07-ABZ597#003", 1), "liter": ("l", "0173-1#07-ABZ600#003", 1),
    "cubic meter": ("cbm", "0173-1#07-ABZ601#003", 1), "square meter": ("qm", "0173-1#07-ABZ602#003", 1),
    "piece": ("piece", "0173-1#07-ABZ603#003", 1), "kilowatt hour": ("kWh", "0173-1#07-ACB997#001", 1),
    "megajoule": ("kWh", "0173-1#07-ACB997#001", Decimal("3.6"))}
TEMPLATE_UNITS = ("g", "kg", "t", "ml", "l", "cbm", "qm", "piece", "kWh")
CRADLE_TO_GATE = ("A1-A3", "0173-1#07-ABZ789#003")
PACT_EXTENSION = "PactV3ProductFootprint"
FORMATS = (".json", ".aasx")


def _ref(value: str) -> model.ExternalReference:
    return model.ExternalReference((model.Key(model.KeyTypes.GLOBAL_REFERENCE, value),))


def _prop(id_short: str | None, vtype: type, value: Any, sid: str | None = None,
          value_id: str | None = None) -> model.Property:
    return model.Property(id_short, vtype, value, value_id=_ref(value_id) if value_id else None,
                          semantic_id=_ref(sid or SEMANTIC_IDS[id_short]))


def _list(id_short: str, entry: str, items: list, kind: type = model.SubmodelElementCollection,
          vtype: type | None = None) -> model.SubmodelElementList:
    return model.SubmodelElementList(id_short, kind, items, semantic_id=_ref(SEMANTIC_IDS[id_short]),
                                     semantic_id_list_element=_ref(SEMANTIC_IDS[entry]), value_type_list_element=vtype)


def _strings(id_short: str, entry: str, values: Iterable[tuple[str, str]]) -> model.SubmodelElementList:
    return _list(id_short, entry, [_prop(None, str, v, SEMANTIC_IDS[entry], vid) for v, vid in values],
                 model.Property, str)


def _collection(id_short: str | None, sid_name: str, elements: list,
                extension: Iterable[model.Extension] = ()) -> model.SubmodelElementCollection:
    return model.SubmodelElementCollection(id_short, elements, semantic_id=_ref(SEMANTIC_IDS[sid_name]),
                                           extension=extension)


def _footprint(pf: ProductFootprint | dict, where: str = "footprint") -> ProductFootprint:
    return pf if isinstance(pf, ProductFootprint) else validate_footprint(pf, where)


def _rules(pcf: dict) -> list[tuple[str, str]]:
    """(operator, rule name) of ``pcf.productOrSectorSpecificRules``; ``Other`` is replaced by the operator's name."""
    out = []
    for r in [r for r in pcf.get("productOrSectorSpecificRules") or [] if isinstance(r, dict)]:
        op = str(r.get("operator") or "Other")
        op = str(r.get("otherOperatorName") or pcf.get("otherOperatorName") or op) if op == "Other" else op
        out += [(op, str(n)) for n in r.get("ruleNames") or [] if n]
    return out


def _methods(pcf: dict) -> list[tuple[str, str]]:
    """The template's calculation methods for a PACT ``pcf``: its cross-sectoral standards, then the TfS and
    Catena-X rules with the version in the rule name ("…, v.3" → "TFS v3"); values the list lacks are left out."""
    found = [METHODS[s] for s in pcf.get("crossSectoralStandards") or [] if s in METHODS]
    for op, name in _rules(pcf):
        m = re.search(r"\bv\.?\s*(\d+)\b", name)
        key = f"{_OPERATORS.get(op.lower())} v{m[1]}" if m and op.lower() in _OPERATORS else ""
        if key in RULE_METHODS:
            found.append((key, RULE_METHODS[key]))
    return list(dict.fromkeys(found))


def footprint_submodel(pf: ProductFootprint | dict, *, submodel_id: str | None = None,
                       embed_pact: bool = True) -> model.Submodel:
    """A PACT v3 ProductFootprint as the IDTA 02023-1-0-1 CarbonFootprint submodel (kind Instance).

    ``PcfCO2eq`` [kg CO2e] = ``pcfExcludingBiogenicUptake`` [kg CO2e per declared unit], for
    ``QuantityOfMeasureForCalculation`` = ``declaredUnitAmount`` of ``ReferenceImpactUnitForCalculation`` (the
    PACT unit in the template's list: kg, l, cbm, qm, piece, kWh; megajoule as kWh, amount ÷ 3.6); life-cycle
    phases A1-A3 (cradle-to-gate); ``PublicationDate`` = ``created``, ``ExpirationDate`` = ``validityPeriodEnd``.
    The full mapping and what it loses: the module docstring. ``embed_pact`` adds the PACT document as the
    extension :data:`PACT_EXTENSION`; ``submodel_id`` defaults to ``urn:uuid:<PACT id>``.
    Reference: IDTA 02023-1-0-1, Carbon Footprint; PACT Technical Specifications v3.0, ``CarbonFootprint``.
    """
    pf = _footprint(pf)
    doc = pf.document()
    pcf = doc["pcf"]
    where = f"footprint {pf.id}"
    if pf.pcf.declaredUnitOfMeasurement not in UNITS:
        raise ValidationError([ValidationIssue(
            where, "pcf.declaredUnitOfMeasurement", f"{pf.pcf.declaredUnitOfMeasurement!r} has no reference unit in "
            f"{TEMPLATE} ({', '.join(TEMPLATE_UNITS)})", "export footprints declared per kilogram, liter, cubic "
            "meter, square meter, piece, kilowatt hour or megajoule, or leave this one out")])
    unit, unit_id, divisor = UNITS[pf.pcf.declaredUnitOfMeasurement]
    methods = _methods(pcf)
    elements = [_strings("PcfCalculationMethods", "PcfCalculationMethod", methods),
                _prop("PcfCO2eq", Decimal, Decimal(pf.pcf.pcfExcludingBiogenicUptake)),
                _prop("ReferenceImpactUnitForCalculation", str, unit, value_id=unit_id),
                _prop("QuantityOfMeasureForCalculation", float, float(Decimal(pf.pcf.declaredUnitAmount) / divisor)),
                _strings("LifeCyclePhases", "LifeCyclePhase", [CRADLE_TO_GATE]),
                _prop("PublicationDate", datetime, pf.created)]
    if pf.validityPeriodEnd is not None:
        elements.append(_prop("ExpirationDate", datetime, pf.validityPeriodEnd))
    ext = [model.Extension(PACT_EXTENSION, str, json.dumps(doc, ensure_ascii=False))] if embed_pact else []
    top = [_list("ProductCarbonFootprints", "ProductCarbonFootprint",
                 [_collection(None, "ProductCarbonFootprint", elements, ext)])]
    rules = [_collection(None, "ProductOrSectorSpecificCarbonFootprint", [
        _strings("PcfCalculationMethods", "PcfCalculationMethod", methods),
        _collection("ProductOrSectorSpecificRule", "ProductOrSectorSpecificRule",
                    [_prop("PcfRuleOperator", str, op), _prop("PcfRuleName", str, name)]),
        _collection("PcfInformation", "PcfInformation", [])]) for op, name in _rules(pcf)]
    if rules:
        top.append(_list("ProductOrSectorSpecificCarbonFootprints", "ProductOrSectorSpecificCarbonFootprint", rules))
    return model.Submodel(submodel_id or f"urn:uuid:{pf.id}", top, id_short="CarbonFootprint",
                          semantic_id=_ref(SUBMODEL_SEMANTIC_ID), kind=model.ModellingKind.INSTANCE,
                          administration=model.AdministrativeInformation(creator=_ref(pf.companyIds[0]),
                                                                         template_id=TEMPLATE_ID))


def _id_short(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:120]
    return s if s[:1].isalpha() else f"Product_{s}".rstrip("_")


def aas_environment(footprints: Iterable[ProductFootprint | dict], *,
                    embed_pact: bool = True) -> model.DictIdentifiableStore:
    """An AAS environment: per product (the same ``productIds``) one AssetAdministrationShell (asset kind Type,
    ``globalAssetId`` = the first product id, every product id a ``specificAssetId`` named ``productId``)
    referring to one :func:`footprint_submodel` per footprint. Reference: IDTA 02023-1-0-1; AAS metamodel V3.1."""
    pfs = [_footprint(f, f"footprint {i + 1}") for i, f in enumerate(footprints)]
    if not pfs:
        raise DataError("no footprints to export. Fix: give a file with at least one PACT v3 ProductFootprint")
    issues, submodels = [], []
    for i, pf in enumerate(pfs):
        if pf.id in {p.id for p in pfs[:i]}:
            issues.append(ValidationIssue(f"footprint {pf.id}", "id", "the same id as an earlier footprint",
                                          "give each footprint its own id (a new version gets a new id)"))
            continue
        try:
            submodels.append((pf, footprint_submodel(pf, embed_pact=embed_pact)))
        except ValidationError as e:
            issues += e.issues
    if issues:
        raise ValidationError(issues)
    store: model.DictIdentifiableStore = model.DictIdentifiableStore()
    groups: dict[tuple[str, ...], list] = {}
    for pf, sm in submodels:
        groups.setdefault(tuple(pf.productIds), []).append((pf, sm))
    for pids, items in groups.items():
        pf = items[0][0]
        info = model.AssetInformation(model.AssetKind.TYPE, global_asset_id=pids[0],
                                      specific_asset_id=[model.SpecificAssetId("productId", p) for p in pids])
        desc = pf.productDescription.strip()
        store.add(model.AssetAdministrationShell(
            info, f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'industwin:aas:' + ' '.join(pids))}",
            id_short=_id_short(pf.productNameCompany),
            display_name=model.MultiLanguageNameType({"en": pf.productNameCompany[:128]}),
            description=model.MultiLanguageTextType({"en": desc[:1023]}) if desc else None,
            submodel={model.ModelReference.from_referable(sm) for _, sm in items}))
        for _, sm in items:
            store.add(sm)
    return store


def write_aas(path: str | Path, footprints: Iterable[ProductFootprint | dict], *, embed_pact: bool = True) -> Path:
    """Write :func:`aas_environment` of ``footprints`` to ``path``: ``.json`` (the BaSyx JSON serialisation of
    the environment) or ``.aasx`` (an AASX package, AAS part in XML, with OPC core properties), atomically (a
    temporary file beside it, then renamed). Reference: IDTA-01001 (AAS Part 1, metamodel V3.1, JSON) and
    IDTA-01005 (AAS Part 5, AASX package format)."""
    from industwin.application.outputs import Output
    from industwin.data.storage import write_atomic
    path = Path(path)
    Output(path, "file", "AAS file", formats=FORMATS).check()
    store = aas_environment(footprints, embed_pact=embed_pact)

    def write(tmp: Path) -> None:
        if path.suffix.lower() == ".json":
            with open(tmp, "w", encoding="utf-8") as f:
                aas_json.write_aas_json_file(f, store, indent=2)
            return
        with aasx.AASXWriter(str(tmp), failsafe=False) as w:   # every object, in order, in one XML part
            w.write_all_aas_objects("/aasx/data.xml", store, aasx.DictSupplementaryFileContainer())
            props = pyecma376_2.OPCCoreProperties()
            props.created = props.modified = datetime.now(UTC)
            props.creator = "industwin"
            props.title = f"Product carbon footprints ({TEMPLATE} CarbonFootprint)"
            w.write_core_properties(props)

    return write_atomic(path, write)


def _sid(el: Any) -> str | None:
    ref = getattr(el, "semantic_id", None)
    return ref.key[0].value.strip() if ref is not None and ref.key else None


def _find(elements: Iterable, name: str) -> Any:
    """The element of ``elements`` with the template's semanticId for ``name`` (else the idShort ``name``)."""
    elements = list(elements)
    hits = [e for e in elements if _sid(e) == SEMANTIC_IDS[name]] or [e for e in elements if e.id_short == name]
    return hits[0] if hits else None


def _value(parent: Any, name: str) -> Any:
    el = _find(parent.value, name) if parent is not None else None
    return el.value if isinstance(el, model.Property) else None


def _texts(parent: Any, name: str) -> list[str]:
    el = _find(parent.value, name) if parent is not None else None
    items = el.value if isinstance(el, model.SubmodelElementList) else []
    return [str(p.value) for p in items if isinstance(p, model.Property) and p.value not in (None, "")]


def _date(v: Any) -> str | None:
    return None if v is None else v.isoformat().replace("+00:00", "Z") if hasattr(v, "isoformat") else str(v)


def _number(v: Any, source: str, field: str, issues: list) -> Decimal | None:
    if v is None:
        return None
    try:
        d = Decimal(str(v).strip())
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite() or abs(float(d)) == float("inf"):
        issues.append(ValidationIssue(source, field, f"{str(v)[:40]!r} is not a finite number",
                                      "write it as a decimal number, e.g. 5.14"))
        return None
    return d


def _load(p: Path) -> model.DictIdentifiableStore:
    """The BaSyx objects of a ``.json`` or ``.aasx`` file (strict: ``failsafe=False``)."""
    text = None
    try:
        if p.suffix.lower() == ".json":
            text = p.read_text(encoding="utf-8-sig")
            return aas_json.read_aas_json_file(io.StringIO(text), failsafe=False)
        store: model.DictIdentifiableStore = model.DictIdentifiableStore()
        with aasx.AASXReader(p, failsafe=False) as r:
            r.read_into(store, aasx.DictSupplementaryFileContainer())
        return store
    except UnicodeDecodeError:
        raise DataError(f"{p}: not UTF-8 text. Fix: save the AAS JSON as UTF-8") from None
    except json.JSONDecodeError as e:
        raise DataError(f"{p}: not JSON ({e.msg}, line {e.lineno} column {e.colno}). Fix: give a complete AAS "
                        "JSON file (an AAS environment)") from None
    except (ValueError, KeyError, TypeError, AttributeError, SyntaxError, OSError) as e:
        chain = [e]                                 # the XML reader wraps the fault ("Cannot convert 'abc' …")
        while chain[-1].__cause__ is not None and len(chain) < 20:
            chain.append(chain[-1].__cause__)
        inner = [str(x) for x in chain[1:] if not str(x).startswith("[<class")]
        why = f"{e} … {inner[-1]}" if inner else str(e)
        bad = re.search(r"'([^']*)'", why)
        field = (_locate(json.loads(text), bad[1]) if text and bad else None) or "document"
        raise ValidationError([ValidationIssue(str(p), field, f"the BaSyx SDK cannot read this AAS "
                                               f"{p.suffix[1:].upper()} ({type(e).__name__}: {why[:200]})",
                                               "correct the value, or re-export the file as AAS V3 JSON or AASX")]) \
            from None


def _locate(obj: Any, bad: str, path: str = "") -> str | None:
    """The idShort path of the first element whose ``value`` is ``bad`` (to name it in a message)."""
    if isinstance(obj, dict):
        here = f"{path}/{obj['idShort']}" if isinstance(obj.get("idShort"), str) else path
        if obj.get("value") == bad:
            return here.lstrip("/") or None
        children = [v for v in obj.values() if isinstance(v, dict | list)]
    else:
        children = obj if isinstance(obj, list) else []
    for i, child in enumerate(children):
        at = (f"{path}[{i}]" if path else path) if isinstance(obj, list) else here
        if (hit := _locate(child, bad, at)) is not None:
            return hit
    return None


def _records(p: Path, sm: model.Submodel, shell: Any, issues: list) -> list[dict]:
    src = str(p)
    info = shell.asset_information if shell is not None else None
    product_ids = [] if info is None else list(dict.fromkeys(
        [i for i in [info.global_asset_id] if i] + [a.value for a in info.specific_asset_id if a.name == "productId"]))
    name = None if shell is None else (shell.display_name or {}).get("en") or shell.id_short
    creator = sm.administration.creator if sm.administration is not None else None
    rules = []
    for e in getattr(_find(sm.submodel_element, "ProductOrSectorSpecificCarbonFootprints"), "value", []):
        rule = _find(e.value, "ProductOrSectorSpecificRule") if isinstance(e, model.SubmodelElementCollection) else None
        rules.append({"operator": _value(rule, "PcfRuleOperator"), "name": _value(rule, "PcfRuleName"),
                      "version": _value(rule, "PcfRuleVersion"), "methods": _texts(e, "PcfCalculationMethods")})
    out = []
    entries = [e for e in getattr(_find(sm.submodel_element, "ProductCarbonFootprints"), "value", [])
               if isinstance(e, model.SubmodelElementCollection)]
    for i, e in enumerate(entries):
        field = f"{sm.id_short or sm.id}/ProductCarbonFootprints[{i}]"
        kg = _number(_value(e, "PcfCO2eq"), src, f"{field}/PcfCO2eq", issues)
        amount = _number(_value(e, "QuantityOfMeasureForCalculation"), src,
                         f"{field}/QuantityOfMeasureForCalculation", issues)
        unit = _value(e, "ReferenceImpactUnitForCalculation")
        rec = {"source": src, "shell_id": getattr(shell, "id", None), "submodel_id": sm.id, "pact_id": None,
               "product_ids": product_ids, "product_name": name,
               "company_ids": [creator.key[0].value] if creator is not None and creator.key else [],
               "kg_co2e": None if kg is None else float(kg), "unit": unit,
               "amount": None if amount is None else float(amount),
               "kg_co2e_per_unit": float(kg / amount) if kg is not None and amount else None,
               "life_cycle_phases": _texts(e, "LifeCyclePhases"), "methods": _texts(e, "PcfCalculationMethods"),
               "rules": rules, "publication_date": _date(_value(e, "PublicationDate")),
               "expiration_date": _date(_value(e, "ExpirationDate")), "pact": None, "notes": []}
        m = re.fullmatch(r"urn:uuid:([0-9a-fA-F-]{36})", sm.id)
        rec["pact_id"] = m[1] if m and len(entries) == 1 else None
        ext = next((x for x in e.extension if x.name == PACT_EXTENSION), None)
        if ext is not None:
            try:
                pf = validate_footprint(json.loads(str(ext.value)), f"{src}: {field}: extension {PACT_EXTENSION}")
            except (ValueError, DataError) as err:
                rec["notes"].append(f"the embedded PACT document is left out: {str(err)[:200]}")
            else:
                unit2, _, divisor = UNITS.get(pf.pcf.declaredUnitOfMeasurement, (None, None, 1))
                if (kg == Decimal(pf.pcf.pcfExcludingBiogenicUptake) and unit == unit2 and amount is not None
                        and abs(amount - Decimal(pf.pcf.declaredUnitAmount) / divisor)
                        <= Decimal("1e-9") * abs(amount)):
                    rec["pact"], rec["pact_id"] = pf.document(), pf.id
                else:
                    rec["notes"].append("the embedded PACT document disagrees with PcfCO2eq, the unit or the "
                                        "quantity (edited after export?); it is left out, the submodel's values stand")
        out.append(rec)
    return out


def read_aas(path: str | Path) -> list[dict]:
    """The product carbon footprints of every IDTA 02023 CarbonFootprint submodel (semanticId
    :data:`SUBMODEL_SEMANTIC_ID`) in a ``.json`` or ``.aasx`` file, one record per ProductCarbonFootprint entry:
    ``kg_co2e`` (``PcfCO2eq``, kg CO2e for ``amount`` × ``unit``), ``kg_co2e_per_unit`` = kg_co2e / amount,
    ``unit`` (``ReferenceImpactUnitForCalculation``), ``amount`` (``QuantityOfMeasureForCalculation``),
    ``life_cycle_phases``, ``methods``, ``rules`` (ProductOrSectorSpecificCarbonFootprints), ``publication_date``,
    ``expiration_date`` (ISO 8601), ``product_ids`` and ``product_name`` (from the shell that refers to the
    submodel), ``company_ids`` (the submodel's creator), ``pact_id``, ``pact`` (the PACT v3 document when
    :func:`footprint_submodel` embedded it and it agrees with the values) and ``notes``. Elements are found by
    their semanticId (else idShort); values the file leaves empty are ``None``. Reference: IDTA 02023-1-0-1."""
    from industwin.data.io import input_path
    p = input_path(path, "AAS file", formats=FORMATS)
    store = _load(p)
    shells = {ref.key[0].value: o for o in store if isinstance(o, model.AssetAdministrationShell)
              for ref in o.submodel if ref.key}
    found = [o for o in store if isinstance(o, model.Submodel) and _sid(o) == SUBMODEL_SEMANTIC_ID]
    if not found:
        raise ValidationError([ValidationIssue(
            str(p), "submodels", f"no {TEMPLATE} carbon-footprint submodel (semanticId {SUBMODEL_SEMANTIC_ID})",
            "give the AAS file that holds the CarbonFootprint submodel, e.g. one written by industwin aas export")])
    issues: list[ValidationIssue] = []
    records = [r for sm in found for r in _records(p, sm, shells.get(sm.id), issues)]
    if issues:
        raise ValidationError(issues)
    return records
