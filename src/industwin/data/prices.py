"""Moving a table between price years: single (row) deflation with a price index per product."""

from __future__ import annotations

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import DataError

__all__ = ["reprice"]


def reprice(mrio: MRIO, index: pd.Series, year: int | None = None) -> MRIO:
    r"""The table in the prices of another year: every flow of product *i* (row *i* of ``Z`` and ``Y``, and
    output ``x_i``) is multiplied by its price ratio ``π_i = P_i(target) / P_i(table year)``:

    .. math:: Z' = \hat{π} Z, \quad Y' = \hat{π} Y, \quad x' = \hat{π} x

    (single deflation, Miller & Blair 2009 §14.2; value added follows as ``x' − 1'Z'``). Satellites in
    physical units are unchanged, so intensities per unit of output change by ``1/π``. ``index``: the ratios
    by sector code or (region, sector); sectors without a ratio are refused."""
    pi = pd.Series(index, dtype=float)
    if pi.index.nlevels == 1 and mrio.index.nlevels == 2:
        aligned = pi.reindex(mrio.index.get_level_values(-1)).to_numpy()
    else:
        aligned = pi.reindex(mrio.index).to_numpy()
    if np.isnan(aligned).any():
        miss = list(mrio.index[np.isnan(aligned)][:3])
        raise DataError(f"price index missing for {int(np.isnan(aligned).sum())} sector(s), e.g. {miss}. "
                        "Fix: give a ratio for every sector")
    if (aligned <= 0).any():
        raise DataError("price ratios must be positive")
    Z = mrio.Z.multiply(aligned[:, None]).tocsr() if hasattr(mrio.Z, "multiply") else np.asarray(mrio.Z) * aligned[:, None]
    return mrio.replace(Z=Z, Y=np.asarray(mrio.Y) * aligned[:, None], x=np.asarray(mrio.x) * aligned,
                        V=None, year=year if year is not None else mrio.year)
