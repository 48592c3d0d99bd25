"""Requests on one table: datasets, describe, multipliers, footprints and output for a demand vector."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from industwin.application.common import TableOutRequest, TableRequest, table_label, table_writer
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.schema import PathArg
from industwin.errors import SelectionError

__all__ = ["DatasetsRequest", "DescribeRequest", "MultipliersRequest", "FootprintRequest", "OutputRequest",
           "read_demand"]


class DatasetsRequest(Request):
    """The named datasets and whether their files are found."""

    def compute(self, progress: Progress) -> Result:
        from industwin.data.registry import data_root, list_datasets
        root = data_root()
        rows = [{"name": d.name, "years": f"{d.years[0]}–{d.years[-1]}", "shape": d.shape, "unit": d.unit,
                 "description": d.description, "found": "yes" if (root / d.folder).is_dir() else "no"}
                for d in list_datasets()]
        res = Result()
        res.show(f"datasets (INDUSTWIN_DATA = {root})", pd.DataFrame(rows).set_index("name"), 50, "{}")
        return res


class DescribeRequest(TableRequest):
    """Size, totals, satellites and how well the table balances."""

    def compute(self, progress: Progress) -> Result:
        import industwin as iw
        res = Result()
        m = self.load(progress, res)
        res.line(repr(m))
        rep = iw.balance_report(m, rtol=0, atol=m.meta.get("balance_atol", 1e-6))
        s = pd.Series({"gross output": m.x.sum(), "final demand": m.Y.sum(), "value added": m.V.sum(),
                       "zero-output sectors": float((m.x == 0).sum()), "unbalanced rows": float(len(rep))})
        res.show("totals", s.to_frame(f"[{m.unit}]"), 10)
        for k, v in m.meta.items():
            if k not in ("category_names",):
                res.line(f"{k}: {v}")
        res.data["mrio"] = m
        return res


class MultipliersRequest(TableOutRequest):
    """Output, value-added or satellite multipliers (1'L, v_c'L, S L) by region and sector."""

    kind: str = Field("output", min_length=1)
    region: str | None = None

    def compute(self, progress: Progress) -> Result:
        import industwin as iw
        from industwin.data.select import regions_of
        res = Result()
        m = self.load(progress, res)
        if self.region is not None:
            regions_of(m, self.region)
        with progress.task("factorising (I − A) and solving"):
            table = iw.output_multipliers(m).to_frame() if self.kind == "output" else \
                iw.satellite_multipliers(m, self.kind).T
        res.writes["--out"] = table_writer(table)
        view = table.xs(self.region, level="region", drop_level=False) if self.region else table
        view = view.sort_values(view.columns[0], ascending=False)
        res.show(f"{self.kind} multipliers ({table_label(m)}), largest first", view, self.top)
        res.data["multipliers"] = table
        return res


class FootprintRequest(TableOutRequest):
    """Consumption-based footprints and embodied-trade accounts of a satellite."""

    satellite: str = Field("value_added", min_length=1)
    by: Literal["region", "product", "origin"] = "region"
    stressor: str | None = None
    region: str | None = None

    def check(self) -> None:
        if self.by == "origin" and self.region is None:
            raise SelectionError("--by origin shows where one region's footprint arises. Fix: name the consuming "
                                 "region with --region (e.g. --region DEU)")

    def compute(self, progress: Progress) -> Result:
        import industwin as iw
        from industwin.data.select import regions_of
        res = Result()
        m = self.load(progress, res)
        if self.region is not None:
            regions_of(m, self.region, "consuming region") if self.by != "region" else regions_of(m, self.region)
            if self.by != "region" and self.region not in set(map(str, m.fd_regions)):
                raise SelectionError(f"region {self.region!r} has no final demand in this table. Fix: choose one "
                                     f"of {', '.join(map(str, m.fd_regions))}")
        sat = m.satellite(self.satellite)
        if self.stressor is not None and self.stressor not in sat.stressors:
            raise SelectionError(f"satellite {self.satellite!r} has no stressor {self.stressor!r}. Fix: choose one of "
                                 f"{', '.join(map(str, sat.stressors))}")
        with progress.task("computing footprints"):
            if self.by == "region":
                acc = iw.embodied_accounts(m, self.satellite)
                st = self.stressor or acc.production.index[0]
                table = acc.table(st).sort_values("consumption", ascending=False)
            else:
                table = iw.footprint(m, self.satellite, by=self.by, stressor=self.stressor)
                table = table.T if self.by == "product" else table
        res.writes["--out"] = table_writer(table)
        view, what = table, f"{self.satellite} footprint by {self.by}"
        if self.by == "origin":
            view = table[[self.region]].sort_values(self.region, ascending=False)
            what = f"where {self.region}'s {self.satellite} footprint arises (origin region, sector)"
        elif self.by == "product":
            view = table.xs(self.region, level=0, drop_level=False) if self.region is not None else table
            view = view.sort_values(view.columns[0], ascending=False)
            what += f", largest by {view.columns[0]}"
        elif self.by == "region" and self.region is not None:
            view = table.loc[[self.region]]
        res.show(f"{what} ({table_label(m)})", view, self.top)
        res.data["footprint"] = table
        return res


def read_demand(path, what: str = "final-demand file") -> pd.Series:
    """A final-demand vector from a file with columns region, sector, value."""
    from industwin.data.io import read_sector_values
    return read_sector_values(path, what, "value", fix="give each row its final demand (a number; 0 if none)")


class OutputRequest(TableOutRequest):
    """Gross output needed for a final-demand vector: x = (I − A)⁻¹ y."""

    demand: PathArg

    def compute(self, progress: Progress) -> Result:
        import industwin as iw
        from industwin.data.select import known_rows
        y = read_demand(self.demand)
        res = Result()
        m = self.load(progress, res)
        known_rows(y, m)
        x = iw.gross_output(m, y).to_frame("gross output")
        res.writes["--out"] = table_writer(x)
        neg = int((x["gross output"] < 0).sum())
        order = x["gross output"].abs().sort_values(ascending=False).index
        res.show(f"gross output for {Path(self.demand).name} [{m.unit}], largest in size first", x.loc[order],
                 self.top)
        res.line(f"Total: {x['gross output'].sum():,.6g} {m.unit} for a final demand of {y.sum():,.6g} {m.unit} "
                 f"({len(y)} row(s)).")
        if neg:
            res.notes.append(f"{neg} sector(s) have negative output: the demand file has negative values (a fall "
                             "in demand); they are listed by size, sign kept")
        res.data["output"] = x
        return res
