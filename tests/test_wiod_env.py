"""WIOD 2013 environmental accounts (AIR, May12 layout) read onto the WIOD 2011 table, then to CO2e."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from industwin.data.ghg_factors import co2e_satellite
from industwin.data.wiod_env import WIOD13_NACE, read_wiod_env
from industwin.errors import DataError

LABELS = ["secAtB"] + [f"sec{c}" for c in WIOD13_NACE[1:]] + ["secQ", "secTOT", "FC_HH"]


def _archive(tmp_path, regions, drop=None):
    """An AIR_May12.zip in the WIOD layout: per country a workbook, a sheet per year, a label column first,
    then sec-codes × gases; value = region no. × 1000 + row no. (CO2, Gg) and a tenth of it (CH4, t)."""
    folder = tmp_path / "AIR_May12"
    folder.mkdir()
    for k, r in enumerate(regions):
        if r == drop:
            continue
        rows = np.arange(len(LABELS), dtype=float)
        df = pd.DataFrame({"description": ["x"] * len(LABELS), "code": LABELS, "CO2": k * 1000 + rows,
                           "CH4": (k * 1000 + rows) / 10})
        with pd.ExcelWriter(folder / f"{r}_AIR_May12.xlsx") as xw:
            df.to_excel(xw, sheet_name="2011", index=False)
            df.to_excel(xw, sheet_name="2010", index=False)
    z = tmp_path / "AIR_May12.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"AIR_May12/{f.name}")
    return z


def test_air_accounts_on_wiod(tmp_path, wiod2011):
    regions = list(dict.fromkeys(wiod2011.index.get_level_values(0)))
    z = _archive(tmp_path, [r for r in regions if r != "RoW"])
    air = read_wiod_env(z, wiod2011)
    assert list(air.stressors) == ["CO2", "CH4"] and air.units == ("Gg", "t")
    k = regions.index("DEU")
    pos = wiod2011.index.get_loc(("DEU", "c3"))                   # food: NACE 15t16, third row of the sheet
    assert air.F[0, pos] == k * 1000 + 2 and air.F[1, pos] == pytest.approx((k * 1000 + 2) / 10)
    assert air.F[:, wiod2011.index.get_loc(("RoW", "c1"))].sum() == 0     # no RoW workbook: zeros
    hh = list(wiod2011.fd_index).index(("DEU", "CONS_h"))
    assert air.F_Y[0, hh] == k * 1000 + LABELS.index("FC_HH")
    assert air.F_Y[:, list(wiod2011.fd_index).index(("DEU", "GFCF"))].sum() == 0
    ghg = co2e_satellite(air, "AR5", "kt CO2e")                    # Gg CO2 = kt; t CH4 × 28 / 1000
    np.testing.assert_allclose(ghg.F[0], air.F[0] + air.F[1] * 28 / 1e3)
    assert read_wiod_env(z, wiod2011, year=2010).F.sum() == pytest.approx(air.F.sum())


def test_air_accounts_errors(tmp_path, wiod2011):
    regions = [r for r in dict.fromkeys(wiod2011.index.get_level_values(0)) if r != "RoW"]
    z = _archive(tmp_path, regions, drop="FRA")
    with pytest.raises(DataError, match="no workbook for \\['FRA'\\]"):
        read_wiod_env(z, wiod2011)
    (tmp_path / "b").mkdir()
    complete = _archive(tmp_path / "b", regions)
    with pytest.raises(DataError, match="no sheet 1999"):
        read_wiod_env(complete, wiod2011, year=1999)
