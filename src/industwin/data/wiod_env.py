"""WIOD 2013 release environmental accounts (air emissions, CO2 by source, energy use, …) as satellites of the
WIOD 2013 tables.

Layout (the WIOD "May12" environmental accounts, as documented by the distribution and read by pymrio's
``parse_wiod``): one folder or zip archive per account whose name starts with the account code (``AIR_``,
``CO2_``, ``EM_``, ``EU_`` …), holding one workbook per country (``AUS_AIR_May12.xls`` …) with one sheet per
year. In a sheet, rows are the industries as ``sec`` + NACE rev. 1 code (``secAtB``, ``sec15t16`` … ``secP``),
plus ``secQ``, totals and ``FC_HH`` (households' direct emissions); columns are the stressors. For the
upper-case accounts the first column is a label column before the codes. Units: AIR — CO2 in Gg, the other
gases in tonnes; CO2 by source — Gg; energy — TJ.

The files are not in ``$INDUSTWIN_DATA``; this loader is tested on a small archive in that layout. The
rest of the world gets its account when the archive has a ``RoW`` workbook, zeros otherwise.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError

__all__ = ["WIOD13_NACE", "read_wiod_env"]

# the 35 WIOD 2013 industries (NACE rev. 1 codes) in the order of the tables' sectors c1 … c35
WIOD13_NACE = ("AtB", "C", "15t16", "17t18", "19", "20", "21t22", "23", "24", "25", "26", "27t28", "29", "30t33",
               "34t35", "36t37", "E", "F", "50", "51", "52", "H", "60", "61", "62", "63", "64", "J", "70", "71t74",
               "L", "M", "N", "O", "P")
UNITS = {"AIR": {"CO2": "Gg", "*": "t"}, "CO2": {"*": "Gg"}, "EM": {"*": "TJ"}, "EU": {"*": "TJ"}}


def _workbooks(path: Path) -> dict[str, object]:
    """Country code → an open workbook source (path or bytes), from a folder or a zip archive."""
    out = {}
    if path.is_dir():
        for f in sorted(path.iterdir()):
            if f.suffix.lower() in (".xls", ".xlsx"):
                out[f.name[:3].upper()] = f
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            for n in zf.namelist():
                if n.lower().endswith((".xls", ".xlsx")):
                    out[Path(n).name[:3].upper()] = BytesIO(zf.read(n))
    else:
        raise DataError(f"{path}: give the account's folder or zip archive (e.g. AIR_May12/ or CO2_May12.zip)")
    return out


def read_wiod_env(path, mrio: MRIO, year: int | None = None, account: str | None = None,
                  name: str | None = None) -> Satellite:
    """One WIOD 2013 environmental account for the regions of a WIOD 2013 table (``mrio``), aligned with its
    rows (sectors c1–c35) and with households' emissions on each region's ``CONS_h`` column (``F_Y``).
    ``account``: AIR, CO2, EM, EU … (default: the folder / archive name before ``_``)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: not found")
    account = (account or path.name.split("_")[0]).upper()
    year = mrio.year if year is None else year
    books = _workbooks(path)
    regions = [r for r in dict.fromkeys(mrio.index.get_level_values(0)) if r.upper() in books or r != "RoW"]
    missing = [r for r in regions if r.upper() not in books]
    if missing:
        raise DataError(f"{path}: no workbook for {missing[:5]} (countries are read from the file names' first "
                        "three letters, e.g. AUS_AIR_May12.xls)")
    sectors = list(dict.fromkeys(mrio.index.get_level_values(1)))
    if len(sectors) != len(WIOD13_NACE):
        raise DataError("the table is not a WIOD 2013 table (35 sectors c1 … c35)")
    code_to_sector = dict(zip(WIOD13_NACE, sectors))
    blocks, hh, stressors = {}, {}, None
    for r in regions:
        xl = pd.ExcelFile(books[r.upper()], engine="calamine")
        if str(year) not in xl.sheet_names:
            raise DataError(f"{path}: {r}'s workbook has no sheet {year} (has {xl.sheet_names[:3]}…)")
        raw = pd.read_excel(xl, str(year), header=0)
        if account.isupper() and not raw.iloc[:, 0].astype(str).str.startswith("sec").any():
            raw = raw.iloc[:, 1:]                          # upper-case accounts: a label column first
        codes = raw.iloc[:, 0].astype(str).str.strip()
        raw = raw.set_index(codes).iloc[:, 1:]
        raw.columns = raw.columns.map(lambda c: str(c).strip())
        if stressors is None:
            stressors = list(raw.columns)
        elif list(raw.columns) != stressors:
            raise DataError(f"{path}: {r}'s stressors differ from the first country's")
        rows = {}
        for code in WIOD13_NACE:
            key = f"sec{code}"
            if key not in raw.index:
                raise DataError(f"{path}: {r}, sheet {year}: row {key!r} missing")
            rows[code_to_sector[code]] = pd.to_numeric(raw.loc[key], errors="coerce").fillna(0.0).to_numpy(float)
        blocks[r] = pd.DataFrame(rows)
        hh[r] = pd.to_numeric(raw.loc["FC_HH"], errors="coerce").fillna(0.0).to_numpy(float) \
            if "FC_HH" in raw.index else np.zeros(len(stressors))
    F = np.zeros((len(stressors), len(mrio.index)))
    for k, (r, s) in enumerate(mrio.index):
        if r in blocks:
            F[:, k] = blocks[r][s].to_numpy()
    FY = np.zeros((len(stressors), len(mrio.fd_index)))
    for k, (r, c) in enumerate(mrio.fd_index):
        if r in hh and c == "CONS_h":
            FY[:, k] = hh[r]
    units = UNITS.get(account, {"*": ""})
    unit = [units.get(st, units["*"]) for st in stressors]
    return Satellite(name or account.lower(), F, pd.Index(stressors), tuple(unit), FY)
