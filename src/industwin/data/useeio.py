"""The US 2017 detail input–output table (BEA benchmark, 402 commodities) as USEEIO builds it.

Source: US EPA's USEEIO v2.2 model files (BEA 2017 detail Make and Use tables after redefinitions, producer
prices), ``$INDUSTWIN_DATA/bea_2017_detail_useeior``. The commodity × commodity *domestic* table follows
USEEIO's commodity model (Yang, Ingwersen et al. 2017, *J. Clean. Prod.* 158:308; Ingwersen et al. 2022,
*Sci. Data* 9:194): with the domestic Use table ``U_d`` (commodity × industry), the Make table ``V``
(industry × commodity), industry output ``g`` and commodity output ``q``,

    B = U_d ĝ⁻¹,  D = V q̂⁻¹,  A = B D,  Z = A q̂ = U_d ĝ⁻¹ V.

Final demand is the domestic final demand (20 columns, exports included); imported inputs are outside ``Z``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import DataError

__all__ = ["load_useeio2017"]

FOLDER = "bea_2017_detail_useeior"


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    if not path.exists():
        raise DataError(f"{path}: file not found. Fix: point INDUSTWIN_DATA at the folder holding {FOLDER}/")
    return pd.read_parquet(path)


def _code(labels) -> list[str]:
    return [str(s).split("/")[0] for s in labels]


def load_useeio2017(root: Path, year: int = 2017, fmt: str = "parquet") -> MRIO:
    """The 402-commodity domestic US table for 2017 (USD, producer prices) as a one-region MRIO (region
    ``US``, sectors = BEA/USEEIO commodity codes, names in ``sector_names``)."""
    if year != 2017:
        raise DataError(f"the US detail table here is the 2017 benchmark, not {year}")
    folder = Path(root) / FOLDER
    U = _read(folder, "DomesticUseTransactions")
    V = _read(folder, "MakeTransactions")
    Y = _read(folder, "DomesticFinalDemand")
    q = _read(folder, "CommodityOutput").iloc[:, 0]
    g = _read(folder, "IndustryOutput").iloc[:, 0]
    meta_c = _read(folder, "Commodities")
    fd_meta = _read(folder, "FinalDemandMeta")
    if not (list(U.index) == list(V.columns) == list(q.index) and list(U.columns) == list(V.index) == list(g.index)):
        raise DataError(f"{folder}: Use, Make and output labels disagree. Fix: use the files of one USEEIO model")
    ginv = np.divide(1.0, g.to_numpy(float), out=np.zeros(len(g)), where=g.to_numpy() > 0)
    Z = (U.to_numpy(float) * ginv[None, :]) @ V.to_numpy(float)
    codes = _code(U.index)
    index = pd.MultiIndex.from_product([["US"], codes], names=["region", "sector"])
    cats = _code(Y.columns)
    fd_index = pd.MultiIndex.from_product([["US"], cats], names=["region", "category"])
    x = q.to_numpy(float)
    resid = np.abs(Z.sum(1) + Y.to_numpy(float).sum(1) - x)
    names = dict(zip(meta_c["Code"].astype(str), meta_c["Name"].astype(str))) if "Name" in meta_c else {}
    return MRIO(Z, Y.to_numpy(float), x, index=index, fd_index=fd_index, unit="USD", name="useeio2017", year=2017,
                sector_names=names,
                meta={"source": "BEA 2017 detail benchmark IO via US EPA USEEIO v2.2 (commodity model, domestic)",
                      "price_basis": "producer prices, 2017 USD",
                      "caveats": "rows balance to within the tables' own adjustments (customs duties, scrap, used "
                                 f"goods, re-exports): largest residual {resid.max():.3g} USD",
                      "balance_atol": float(resid.max()) + 1.0,
                      "category_names": dict(zip(fd_meta["Code"].astype(str), fd_meta["Name"].astype(str)))},
                sources={"folder": str(folder)})
