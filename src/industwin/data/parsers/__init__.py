"""Parsers for the MRIO databases users bring (the full files are not shipped with industwin).

* :func:`parse_exiobase3` — EXIOBASE 3 ``IOT_<year>_pxp.zip`` / ``IOT_<year>_ixi.zip`` (or the unpacked folder);
* :func:`parse_oecd_icio` — OECD Inter-Country Input-Output tables, CSV (2016–2023 releases);
* :func:`parse_figaro` — Eurostat FIGARO inter-country IO tables, CSV matrix or flat format;
* :func:`parse_wiod2016` — WIOD 2016 release world tables ``WIOT<year>_Nov16_ROW.xlsb`` / ``.xlsx``.

Each returns an :class:`~industwin.data.mrio.MRIO` with ``meta["source"]`` naming the database.
"""

from industwin.data.parsers.exiobase import parse_exiobase3
from industwin.data.parsers.figaro import parse_figaro
from industwin.data.parsers.oecd import parse_oecd_icio
from industwin.data.parsers.wiod2016 import parse_wiod2016

__all__ = ["parse_exiobase3", "parse_oecd_icio", "parse_figaro", "parse_wiod2016"]
