"""Single deflation of a table: the US 2017 detail table moved to 2022 prices with the BEA price indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.data.ghg_factors import us_commodity_cpi
from industwin.data.prices import reprice
from industwin.errors import DataError


def test_us_table_in_2022_prices():
    m = iw.load("useeio2017")
    cpi = us_commodity_cpi()
    ratio = cpi[2022] / cpi[2017]
    m22 = reprice(m, ratio, 2022)
    codes = m.index.get_level_values(1)
    r = ratio.reindex(codes).to_numpy()
    np.testing.assert_allclose(m22.x, m.x * r)
    np.testing.assert_allclose(np.asarray(m22.Z)[:, 5], np.asarray(m.Z)[:, 5] * r)
    # a uniform ratio leaves the technical coefficients unchanged and scales output by it
    m2 = reprice(m, pd.Series(1.1, index=codes))
    np.testing.assert_allclose(iw.technical_coefficients(m2).to_numpy(), iw.technical_coefficients(m).to_numpy(),
                               atol=1e-14)
    assert m22.year == 2022 and m2.year == 2017
    with pytest.raises(DataError, match="missing for 1 sector"):
        reprice(m, ratio.drop(ratio.index[0]))
