"""The IDTA 02023 Carbon Footprint submodel (data/aas.py, cli/aas.py) against the official template
(IDTA 02023-1-0-1, AAS metamodel V3.1) and the PACT v3 example footprints: the template read as it is; PACT →
JSON/AASX → back with the same values; the written submodel has the template's idShorts, semantic IDs, value
types and value IDs (the template read independently with ``json``); BaSyx reads what is written strictly;
faulty files give one named error; the two commands."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter import json as aas_json
from conftest import DATA
from typer.testing import CliRunner

from industwin.data.aas import (
    PACT_EXTENSION,
    SEMANTIC_IDS,
    SUBMODEL_SEMANTIC_ID,
    aas_environment,
    footprint_submodel,
    read_aas,
    write_aas,
)
from industwin.data.pact import read_footprints
from industwin.errors import DataError, IndustwinError, ValidationError, user_message

REF = DATA.parent / "references" / "data-exchange"
NAME = "IDTA 02023-1-0-1 _Template_CarbonFootprint_forAASMetamodelV3.1"
TEMPLATE = {s: REF / "aas_idta_02023_carbon_footprint" / f"{NAME}{s}" for s in (".json", ".aasx")}
EXAMPLES = REF / "pact_spec_examples" / "v3"
UNIT = {"kilogram": "kg", "liter": "l", "piece": "piece"}   # the PACT examples' units, as the template writes them

pytestmark = pytest.mark.skipif(not TEMPLATE[".json"].is_file(), reason="IDTA 02023 template not present")


@pytest.fixture(scope="module")
def footprints():
    return [read_footprints(EXAMPLES / f"example-{i}.json")[0] for i in range(1, 5)]


@pytest.fixture(scope="module")
def template():
    return json.loads(TEMPLATE[".json"].read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="module")
def written(tmp_path_factory, footprints):
    folder = tmp_path_factory.mktemp("aas")
    return {s: write_aas(folder / f"footprints{s}", footprints) for s in (".json", ".aasx")}


def _sid(el):
    return el["semanticId"]["keys"][0]["value"].strip() if el.get("semanticId") else None


def _cf_submodel(env):
    (sm,) = [s for s in env["submodels"] if _sid(s) == SUBMODEL_SEMANTIC_ID]
    return sm


def _child(el, id_short):
    return next((c for c in el.get("value", []) if c.get("idShort") == id_short), None)


# ------------------------------------------------------------------------------------------ (a) the template
@pytest.mark.parametrize("suffix", [".json", ".aasx"])
def test_template_is_read_with_the_values_it_holds(suffix, template):
    records = read_aas(TEMPLATE[suffix])
    sm = _cf_submodel(template)
    entries = _child({"value": sm["submodelElements"]}, "ProductCarbonFootprints")["value"]
    (shell,) = template["assetAdministrationShells"]
    assert len(records) == len(entries) == 1

    def texts(e, name):
        return [v["value"] for v in (_child(e, name) or {}).get("value", []) if v.get("value")]

    for rec, e in zip(records, entries):
        kg, amount = (_child(e, n).get("value") for n in ("PcfCO2eq", "QuantityOfMeasureForCalculation"))
        assert rec["kg_co2e"] == (None if kg is None else float(kg))
        assert rec["amount"] == (None if amount is None else float(amount))
        assert rec["unit"] == _child(e, "ReferenceImpactUnitForCalculation").get("value")
        assert rec["publication_date"] == _child(e, "PublicationDate").get("value")
        assert rec["expiration_date"] == _child(e, "ExpirationDate").get("value")
        assert rec["life_cycle_phases"] == texts(e, "LifeCyclePhases")
        assert rec["methods"] == texts(e, "PcfCalculationMethods")
        assert rec["submodel_id"] == sm["id"] and rec["shell_id"] == shell["id"]
        assert rec["product_ids"] == [shell["assetInformation"]["globalAssetId"]]
        assert rec["pact"] is None and rec["notes"] == []
    # a template: the structure without example values
    assert records[0]["kg_co2e"] is None and records[0]["life_cycle_phases"] == []


# --------------------------------------------------------------------------------------- (b) the round trip
@pytest.mark.parametrize("suffix", [".json", ".aasx"])
def test_pact_examples_round_trip(suffix, written, footprints):
    records = read_aas(written[suffix])
    assert sorted(r["pact_id"] for r in records) == sorted(pf.id for pf in footprints)
    for pf in footprints:
        (r,) = [r for r in records if r["pact_id"] == pf.id]
        assert r["pact"] == pf.document()
        assert r["kg_co2e"] == float(pf.pcf.pcfExcludingBiogenicUptake)           # kg CO2e per declared unit
        assert r["unit"] == UNIT[pf.pcf.declaredUnitOfMeasurement]
        assert r["amount"] == float(pf.pcf.declaredUnitAmount)
        assert r["kg_co2e_per_unit"] == pytest.approx(pf.kg_per_declared_unit, rel=1e-12)
        assert datetime.fromisoformat(r["publication_date"]) == pf.created
        assert datetime.fromisoformat(r["expiration_date"]) == pf.validityPeriodEnd
        assert r["product_ids"] == pf.productIds and r["company_ids"] == pf.companyIds[:1]
        assert r["life_cycle_phases"] == ["A1-A3"] and r["notes"] == []
    by_id = {r["pact_id"]: r for r in records}
    assert by_id[footprints[0].id]["methods"] == ["GHG Protocol", "PACT v3.0.0", "TFS v3"]
    assert by_id[footprints[2].id]["methods"] == ["GHG Protocol", "ISO 14067", "Catena-X v3"]
    assert by_id[footprints[2].id]["rules"][0]["operator"] == "Catena-X"
    assert by_id[footprints[3].id]["methods"] == []                 # PEF is not in the template's list
    # examples 3 and 4 declare the same product: one shell refers to both submodels
    assert by_id[footprints[2].id]["shell_id"] == by_id[footprints[3].id]["shell_id"]


def test_without_the_pact_document_the_template_values_remain(tmp_path, footprints):
    recs = read_aas(write_aas(tmp_path / "plain.aasx", footprints[1:2], embed_pact=False))
    (r,) = recs
    assert r["pact"] is None and r["pact_id"] == footprints[1].id
    assert (r["kg_co2e"], r["unit"], r["amount"]) == (5.14, "l", 12.0)
    assert PACT_EXTENSION not in (tmp_path / "plain.aasx").read_bytes().decode("latin-1")


def test_units_megajoule_as_kwh_and_units_without_a_template_unit(tmp_path, footprints):
    doc = footprints[0].document()
    doc["pcf"] |= {"declaredUnitOfMeasurement": "megajoule", "declaredUnitAmount": "36"}
    (r,) = read_aas(write_aas(tmp_path / "mj.json", [doc]))
    assert (r["unit"], r["amount"], r["kg_co2e"]) == ("kWh", 10.0, 0.384) and r["pact"] == doc
    doc["pcf"]["declaredUnitOfMeasurement"] = "ton kilometer"
    with pytest.raises(ValidationError) as e:
        footprint_submodel(doc)
    assert e.value.issues[0].field == "pcf.declaredUnitOfMeasurement" and "ton kilometer" in str(e.value)
    assert not (tmp_path / "tkm.json").exists()


# ------------------------------------------------------------------------- (c) the template's structure
def _shape(elements, path=""):
    """path → (modelType, semanticId, valueType, typeValueListElement, semanticIdListElement) of a JSON tree."""
    out = {}
    for e in elements:
        p = f"{path}/{e.get('idShort', '[]')}"
        lst = e.get("semanticIdListElement")
        out[p] = (e["modelType"], _sid(e), e.get("valueType"), e.get("typeValueListElement"),
                  lst["keys"][0]["value"] if lst else None)
        if isinstance(e.get("value"), list):
            out |= _shape(e["value"], p)
    return out


def _required(elements, path=""):
    """Paths of the template's elements with cardinality One."""
    out = set()
    for e in elements:
        p = f"{path}/{e.get('idShort', '[]')}"
        if any(q["type"] == "SMT/Cardinality" and q["value"] == "One" for q in e.get("qualifiers", [])):
            out.add(p)
        if isinstance(e.get("value"), list):
            out |= _required(e["value"], p)
    return out


def test_written_submodel_has_the_templates_structure(written, template):
    ref = _cf_submodel(template)
    tshape, required = _shape(ref["submodelElements"]), _required(ref["submodelElements"])
    env = json.loads(written[".json"].read_text(encoding="utf-8"))
    cds = {cd["id"]: cd for cd in template["conceptDescriptions"]}
    for sm in env["submodels"]:
        assert (sm["idShort"], _sid(sm), sm.get("kind", "Instance")) == (ref["idShort"], _sid(ref), "Instance")
        shape = _shape(sm["submodelElements"])
        for path, what in shape.items():
            assert tshape.get(path) == what, path                   # idShort, semantic IDs and types as the template
        parents = {p.rsplit("/", 1)[0] for p in shape} | {""}
        missing = {p for p in required if p.rsplit("/", 1)[0] in parents and p not in shape}
        assert not missing                                          # every mandatory element where its parent is
        assert {"/ProductCarbonFootprints/[]/PcfCO2eq", "/ProductCarbonFootprints/[]/PublicationDate"} <= set(shape)

        def check_values(elements):                                 # values from the template's value lists
            for e in elements:
                if e.get("valueId"):
                    pairs = cds[_sid(e)]["embeddedDataSpecifications"][0]["dataSpecificationContent"]["valueList"]
                    allowed = {(v["value"], v["valueId"]["keys"][0]["value"].strip())
                               for v in pairs["valueReferencePairs"]}
                    assert (e["value"], e["valueId"]["keys"][0]["value"]) in allowed
                if isinstance(e.get("value"), list):
                    check_values(e["value"])
        check_values(sm["submodelElements"])
    for name, sid in SEMANTIC_IDS.items():                          # the module's constants are the template's
        assert sid in {v[1] for v in tshape.values()} | {v[4] for v in tshape.values()}, name


# ---------------------------------------------------------------------------------- (d) BaSyx reads strictly
def test_basyx_reads_what_is_written_with_failsafe_false(written):
    with open(written[".json"], encoding="utf-8") as f:
        env = aas_json.read_aas_json_file(f, failsafe=False)
    store = model.DictIdentifiableStore()
    with aasx.AASXReader(written[".aasx"], failsafe=False) as r:
        r.read_into(store, aasx.DictSupplementaryFileContainer())
        assert r.get_core_properties().creator == "industwin"
    for objs in (env, store):
        kinds = [type(o).__name__ for o in objs]
        assert kinds.count("Submodel") == 4 and kinds.count("AssetAdministrationShell") == 3


# -------------------------------------------------------------------------------------------- (e) faults
def _raises(path, kind=IndustwinError, *words):
    with pytest.raises(kind) as e:
        read_aas(path)
    code, msg = user_message(e.value)
    assert code == 2 and str(path) in msg and all(w in msg for w in words), msg
    return msg


def test_faulty_files_give_one_named_error(tmp_path, written, footprints):
    text = written[".json"].read_text(encoding="utf-8")
    (bad := tmp_path / "truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    _raises(bad, DataError, "not JSON")
    (bad := tmp_path / "footprints.txt").write_text(text, encoding="utf-8")
    _raises(bad, DataError, "unknown format")
    _raises(tmp_path / "missing.aasx", DataError, "not found")
    (bad := tmp_path / "broken.aasx").write_bytes(b"PK not a zip")
    _raises(bad, ValidationError)
    one = footprints[1].pcf.pcfExcludingBiogenicUptake
    for value in ("NaN", "abc", "Infinity"):
        (bad := tmp_path / f"co2_{value}.json").write_text(text.replace(f'"value": "{one}"', f'"value": "{value}"'),
                                                           encoding="utf-8")
        _raises(bad, ValidationError, "PcfCO2eq", value)
    # an AASX whose only submodel is not a carbon footprint
    other = model.Submodel("urn:example:nameplate", [model.Property("Name", str, "x")], id_short="Nameplate")
    shell = model.AssetAdministrationShell(model.AssetInformation(global_asset_id="urn:example:asset"),
                                           "urn:example:aas", submodel={model.ModelReference.from_referable(other)})
    with aasx.AASXWriter(str(bad := tmp_path / "nameplate.aasx")) as w:
        w.write_aas([shell.id], model.DictIdentifiableStore([shell, other]), aasx.DictSupplementaryFileContainer())
    _raises(bad, ValidationError, "no IDTA 02023-1-0-1 carbon-footprint submodel")
    # an AASX with PcfCO2eq NaN
    sm = footprint_submodel(footprints[0])
    entry = next(iter(sm.submodel_element.get_object_by_attribute("id_short", "ProductCarbonFootprints").value))
    entry.value.get_object_by_attribute("id_short", "PcfCO2eq").value = Decimal("NaN")
    with aasx.AASXWriter(str(bad := tmp_path / "nan.aasx")) as w:
        w.write_all_aas_objects("/aasx/data.xml", model.DictIdentifiableStore([sm]),
                                aasx.DictSupplementaryFileContainer())
    _raises(bad, ValidationError, "PcfCO2eq", "not a finite number")
    # an AASX with PcfCO2eq "abc" (BaSyx refuses it while parsing)
    with zipfile.ZipFile(written[".aasx"]) as z, zipfile.ZipFile(bad := tmp_path / "abc.aasx", "w") as out:
        for item in z.infolist():
            data = z.read(item)
            if item.filename.endswith("data.xml"):
                data = data.replace(f"<aas:value>{one}</aas:value>".encode(), b"<aas:value>abc</aas:value>", 1)
                assert b">abc<" in data
            out.writestr(item, data)
    _raises(bad, ValidationError, "'abc'")


def test_an_edited_value_drops_the_embedded_document(tmp_path, written, footprints):
    text = written[".json"].read_text(encoding="utf-8")
    (edited := tmp_path / "edited.json").write_text(text.replace('"value": "5.14"', '"value": "6.5"'),
                                                    encoding="utf-8")
    r = next(r for r in read_aas(edited) if r["submodel_id"] == f"urn:uuid:{footprints[1].id}")
    assert r["kg_co2e"] == 6.5 and r["pact"] is None and "disagrees" in r["notes"][0]


def test_environment_refuses_duplicates_and_empty_input(footprints):
    with pytest.raises(ValidationError, match="the same id"):
        aas_environment([footprints[0], footprints[0]])
    with pytest.raises(DataError, match="no footprints"):
        aas_environment([])


# ----------------------------------------------------------------------------------------- (f) the commands
def test_cli_export_and_import(tmp_path):
    from industwin.cli import app
    runner = CliRunner()
    src = tmp_path / "footprints.json"
    src.write_text(json.dumps({"data": [json.loads((EXAMPLES / f"example-{i}.json").read_text())
                                        for i in range(1, 5)]}), encoding="utf-8")
    for suffix in (".json", ".aasx"):
        out, back = tmp_path / f"shells{suffix}", tmp_path / f"back{suffix}.json"
        r = runner.invoke(app, ["aas", "export", str(src), str(out)], env={"COLUMNS": "200"})
        assert r.exit_code == 0 and "4 footprint(s) written" in r.output, r.output
        r = runner.invoke(app, ["aas", "import", str(out), "--out", str(back)], env={"COLUMNS": "200"})
        assert r.exit_code == 0, r.output
        assert "Product 2" in r.output and "5.14" in r.output and "12 l" in r.output and "A1-A3" in r.output
        assert [p.document() for p in read_footprints(back)] == [p.document() for p in read_footprints(src)]
        assert len(json.loads(back.read_text(encoding="utf-8"))["records"]) == 4
    (txt := tmp_path / "shells.txt").write_text("x", encoding="utf-8")
    for args in (["aas", "import", str(txt)], ["aas", "import", str(tmp_path / "none.aasx")],
                 ["aas", "export", str(src), str(tmp_path / "out.xml")],
                 ["aas", "export", str(tmp_path / "none.json"), str(tmp_path / "out.aasx")]):
        r = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert r.exit_code == 2 and r.output.count("error:") == 1, r.output
        assert "Traceback" not in r.output


def test_zip_of_written_aasx_is_an_aas_package(written):
    with zipfile.ZipFile(written[".aasx"]) as z:
        names = set(z.namelist())
        assert {"aasx/aasx-origin", "[Content_Types].xml", "_rels/.rels"} <= names
        xml = z.read("aasx/data.xml").decode("utf-8")
    assert "https://admin-shell.io/aas/3/1" in xml and SUBMODEL_SEMANTIC_ID in xml
    assert len(json.loads(written[".json"].read_text(encoding="utf-8"))["submodels"]) == 4
