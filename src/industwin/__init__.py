"""industwin — a digital twin of an economy's production network for industrial strategy.

Quick start::

    import industwin as iw
    mrio = iw.load("wiod2013", year=2011)          # 41 regions × 35 sectors, M USD
    x = iw.gross_output(mrio, final_demand)        # x = (I − A)⁻¹ y, one cached LU
    m = iw.output_multipliers(mrio)                # 1'(I − A)⁻¹
    fp = iw.footprint(mrio, "value_added")         # consumption-based accounts of any satellite
"""

from industwin.core import *  # noqa: F401,F403
from industwin.core import __all__ as _core_all
from industwin.data import (MRIO, Satellite, balance_report, data_root, list_datasets, load, open_saved,
                            rebalance, save)
from industwin.errors import DataError, IndustwinError, ValidationError

__version__ = "0.1.0"
__all__ = ["MRIO", "Satellite", "load", "save", "open_saved", "list_datasets", "data_root", "balance_report",
           "rebalance", "IndustwinError", "DataError", "ValidationError", *_core_all]
