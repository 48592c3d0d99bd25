"""Sector groups per table family: recognised from the sector codes of each database format, the groups the
classifications define (checked by hand against the code lists), and the groups file checked when loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import industwin as iw
from industwin.data.sector_groups import GROUPS_FILE, load_sector_groups, sector_group, table_family
from industwin.errors import SelectionError, ValidationError

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("source, family, manufacturing", [
    ("wiod2013", "wiod2013", [f"c{i}" for i in range(3, 17)]),
    (FIX / "ICIO2023_2011.csv", "icio", ["C10T12"]),
    (FIX / "WIOT2011_Nov16_ROW.xlsx", "wiod2016", ["C29"]),
    (FIX / "IOT_2011_ixi.zip", "exiobase", ["Manufacture of motor vehicles"]),
])
def test_each_family_is_recognised(source, family, manufacturing):
    m = iw.load(source)
    assert table_family(m) == family
    assert sector_group(m, "manufacturing") == manufacturing


def test_groups_of_the_world_and_the_national_tables():
    w = iw.load("wiod2013", 2011)
    # ISIC Rev.3 (WIOD 2013): 23 coke/refined petroleum = c8, 24 chemicals = c9, 26 minerals = c11, 27t28 metals =
    # c12, E electricity, gas and water = c17, C mining = c2; OECD medium-high/high tech: 24, 29, 30t33, 34t35
    assert sector_group(w, "emission_intensive") == ["c2", "c8", "c9", "c11", "c12", "c17"]
    assert sector_group(w, "medium_high_tech") == ["c9", "c13", "c14", "c15"]
    assert sector_group(w, "electronics") == ["c14"]
    us = iw.load("wiod2016_usa", 2014)
    assert table_family(us) == "wiod2016"
    assert sector_group(us, "medium_high_tech") == ["C20", "C21", "C26", "C27", "C28", "C29", "C30"]
    assert sector_group(us, "carbon_intensive") == ["B", "C19", "C20", "C23", "C24", "D35", "H49", "H50", "H51"]
    assert len(sector_group(us, "manufacturing")) == 19                 # C10-C12 … C33
    with pytest.raises(SelectionError, match="unknown sector group 'steel'"):
        sector_group(w, "steel")


def test_a_table_of_another_classification_is_told_so():
    m = iw.load("useeio2017")
    with pytest.raises(SelectionError, match="of no known family") as e:
        table_family(m)
    assert "1111A0" in str(e.value) and "Fix:" in str(e.value)


@pytest.mark.parametrize("change, field", [
    (lambda d: d["families"]["icio"]["groups"].pop("electronics"), "families.icio.groups"),
    (lambda d: d["families"]["wiod2013"]["groups"].update(manufacturing=["c(["]), "families.wiod2013.groups"),
    (lambda d: d["families"]["wiod2013"].update(detect=5), "families.wiod2013.detect"),
    (lambda d: d["families"]["exiobase"].update(match="label"), "families.exiobase.match"),
])
def test_the_groups_file_is_checked_when_loaded(tmp_path, change, field):
    data = yaml.safe_load(GROUPS_FILE.read_text())
    change(data)
    f = tmp_path / "groups.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ValidationError) as e:
        load_sector_groups(str(f))
    assert field in str(e.value) and str(f) in str(e.value)


EXIO = ["Cultivation of paddy rice", "Mining of coal and lignite; extraction of peat (10)",
        "Extraction of crude petroleum and services related to crude oil extraction, excluding surveying",
        "Petroleum Refinery", "Manufacture of basic iron and steel and of ferro-alloys and first products thereof",
        "Manufacture of cement, lime and plaster", "Manufacture of motor vehicles, trailers and semi-trailers (34)",
        ("Sale, maintenance, repair of motor vehicles, motor vehicles parts, motorcycles, motor cycles parts and "
         "accessoiries"), "Manufacture of gas; distribution of gaseous fuels through mains",
        "Production of electricity by coal", "Transport via railways", "Other land transportation",
        "Air transport (62)", "Manufacture of office machinery and computers (30)", "Chemicals nec",
        "Retail trade, except of motor vehicles and motorcycles; repair of personal and household goods (52)"]


def test_exiobase_groups_on_its_own_names():
    import numpy as np
    import pandas as pd

    from industwin.data.mrio import MRIO
    n = len(EXIO)
    m = MRIO(np.eye(n), np.ones((n, 1)), np.full(n, 2.0), index=pd.MultiIndex.from_product([["AT"], EXIO]),
             fd_index=pd.MultiIndex.from_tuples([("AT", "hh")]), unit="M EUR")
    assert table_family(m) == "exiobase"
    manu = set(sector_group(m, "manufacturing"))
    assert EXIO[6] in manu and EXIO[4] in manu and EXIO[3] in manu
    assert EXIO[8] not in manu and EXIO[7] not in manu                    # gas supply is a utility, trade a service
    mht = set(sector_group(m, "medium_high_tech"))
    assert {EXIO[6], EXIO[13], EXIO[14]} <= mht and EXIO[7] not in mht     # car repair is no high-tech industry
    ci = set(sector_group(m, "carbon_intensive"))
    assert {EXIO[10], EXIO[11], EXIO[12], EXIO[9], EXIO[4], EXIO[5]} <= ci and EXIO[15] not in ci
    assert sector_group(m, "electricity") == [EXIO[9]]
