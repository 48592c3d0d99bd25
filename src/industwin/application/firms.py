"""Requests on firm networks: a synthetic network, the ESRI of every firm, a focal firm's tiers, hidden links
and interventions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from industwin.application.common import folder_writer, table_output, table_writer, version
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.limits import check_memory, largest
from industwin.data.schema import PathArg
from industwin.errors import DataError, SelectionError

__all__ = ["BYTES_PER_FIRM", "ESRIRequest", "InterveneRequest", "LinksRequest", "SynthRequest", "TiersRequest"]

BYTES_PER_FIRM = 2_000        # a synthetic firm: its links (3–4 on average), its row of attributes, the build


class NetworkRequest(Request):
    """A request on a firm network read from an edge list and a firm table."""

    edges: PathArg
    firms: PathArg

    def network(self, progress: Progress):
        from industwin.core.firms import read_network
        with progress.task(f"reading {self.edges.name}"):
            return read_network(self.edges, self.firms)

    @staticmethod
    def firm(net, fid: str | None, option: str):
        """A firm id as the network spells it (None stays None)."""
        return None if fid is None else net.firms.index[net.position(fid, option)]


class EssentialityRequest(NetworkRequest):
    essentiality: PathArg | None = None
    replace: bool = True

    def inputs_of(self, progress: Progress, focal: str | None, option: str = "FOCAL"):
        """The network, the essentiality matrix and the focal firm (as the network spells its id)."""
        net = self.network(progress)
        return net, self.matrix(), self.firm(net, focal, option)

    def matrix(self):
        from industwin.analysis.firm_risk import read_essentiality
        from industwin.data.registry import data_root
        p = self.essentiality or data_root() / "esri_tutorial" / "ess_mat_n2_ihs.csv"
        if self.essentiality is None and not Path(p).exists():
            raise DataError(f"{p}: the default essentiality matrix is not found. Fix: pass --essentiality or set "
                            "INDUSTWIN_DATA")
        return read_essentiality(p)


class SynthRequest(Request):
    """A synthetic national firm network (US 2014 industry flows at NACE 2-digit level)."""

    firms: int = Field(10_000, ge=10)
    links: float = Field(3.2, gt=0, le=1000)
    seed: int = Field(0, ge=0)
    out: PathArg = Path("industwin-firms")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.core.firm_synthetic import synthetic_network
        per = BYTES_PER_FIRM * max(1.0, self.links / 3.2)
        check_memory(self.firms * per, f"a network of {self.firms:,} firms",
                     f"at most {largest(per):,} firms fit; generate a smaller network (-n)")
        res = Result()
        with progress.task(f"generating {self.firms:,} firms"):
            net = synthetic_network(self.firms, self.links, seed=self.seed)
        coo = net.W.tocoo()
        ids = net.firms.index
        edges = pd.DataFrame({"supplier": ids[coo.row], "customer": ids[coo.col], "value": coo.data})
        firms = net.firms.reset_index()

        def write(folder: Path) -> None:
            edges.to_parquet(folder / "edges.parquet", index=False)
            firms.to_parquet(folder / "firms.parquet", index=False)
        res.writes["--out"] = write
        res.line(f"{net.links:,} links between {net.n:,} firms [{net.unit}]: edges.parquet, firms.parquet")
        res.data["network"] = net
        return res


class ESRIRequest(EssentialityRequest):
    """The Economic Systemic Risk Index of every firm, with an HTML page (distribution, top firms, tier map).
    ``supply_base``: a company's published supplier-site list (read by
    :func:`~industwin.data.supplier_sites.read_supplier_sites`), shown on the page as its latest year's tier-1
    supply base by country (:func:`~industwin.viz.firms.supply_base_section`)."""

    focal: str | None = None
    reveal: bool = False
    dask: bool = False
    gpu: bool = False
    supply_base: PathArg | None = None
    out: PathArg = Path("industwin-esri")

    def check(self) -> None:
        if self.dask and self.gpu:
            raise SelectionError("--dask and --gpu are two different engines. Fix: choose one")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.firm_network import input_concentration, single_points_of_failure, tiers
        from industwin.analysis.firm_risk import CascadeModel, esri, supplier_impact
        from industwin.viz.firms import anonymise, esri_figures, esri_tables, tier_figures, tier_tables
        from industwin.viz.pages import page_html
        sites = None
        if self.supply_base is not None:                     # read first: a faulty list stops before the ESRI
            from industwin.data.supplier_sites import read_supplier_sites
            with progress.task(f"reading {self.supply_base.name}"):
                sites = read_supplier_sites(self.supply_base)
        net, ess, f = self.inputs_of(progress, self.focal, "--focal")
        model = CascadeModel(net, ess)
        res = Result()
        with progress.task("ESRI of every firm", total=net.n) as t:
            scores = esri(model, replaceable=self.replace, scheduler="distributed" if self.dask else None,
                          engine="torch" if self.gpu else "local", progress=lambda done: t.update(completed=done))
        figs, tabs = [], {}
        if f is not None:
            with progress.task(f"tiers of firm {f}"):
                tm = tiers(net, f)
                figs, tabs = tier_figures(tm), tier_tables(tm, input_concentration(net, f, ess),
                                                           single_points_of_failure(net, f, ess),
                                                           supplier_impact(model, f, replaceable=self.replace))
            if "empty" in tm.notes:
                res.notes.append(tm.notes["empty"])
        if sites is not None:
            from industwin.viz.firms import supply_base_section
            sb_figs, sb_tabs = supply_base_section(sites)
            figs, tabs = figs + sb_figs, {**tabs, **sb_tabs}
            res.notes.extend(sites.attrs.get("notes", []))
        table = anonymise(scores, net.firms, self.reveal)
        res.show(f"most systemic firms ({'ids' if self.reveal else 'anonymised'}; ESRI = share of sales lost)",
                 table.head(10), 10, "{:,.4g}")
        html = page_html(f"Systemic risk of {net.n:,} firms ({net.links:,} links)", esri_figures(table) + figs,
                         {**esri_tables(table), **tabs},
                         f"ESRI after Diem et al. (2022), {'with' if self.replace else 'without'} supplier "
                         f"replacement. Generated by industwin {version()} from {self.edges.name}"
                         + (f"; published supply base from {self.supply_base.name} (sites are not volumes)"
                            if self.supply_base is not None else "") + ".")
        res.writes["--out"] = folder_writer({"esri.parquet": scores, "report.html": html})
        res.data["esri"] = scores
        return res


class TiersRequest(EssentialityRequest):
    """A focal firm's tiers 1..n, hidden dependencies, input concentration and single points of failure."""

    focal: str = Field(min_length=1)
    max_tier: int = Field(4, ge=1)
    downstream: bool = False
    out: PathArg | None = None

    def outputs(self) -> list[Output]:
        return table_output(self.out)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.firm_network import input_concentration, single_points_of_failure, tiers
        net, ess, f = self.inputs_of(progress, self.focal)
        res = Result()
        with progress.task(f"tiers of firm {f}"):
            tm = tiers(net, f, "downstream" if self.downstream else "upstream", self.max_tier)
            conc = input_concentration(net, f, ess)
            spof = single_points_of_failure(net, f, ess)
        if "empty" in tm.notes:
            res.notes.append(tm.notes["empty"])
        if "deepest_tier" in tm.notes:
            res.notes.append(f"no firm is reached beyond tier {tm.notes['deepest_tier']}: the tiers stop there "
                             f"(asked for {self.max_tier})")
        res.show(f"firm {f}: value through each tier [{net.unit or 'value'}]", tm.by_tier, len(tm.by_tier), "{:,.4g}")
        res.show("industries reached beyond tier 1 (hidden dependence)", tm.beyond_tier1, 10, "{:,.4g}")
        if not self.downstream:
            res.show("inputs: suppliers, top share, HHI", conc, 15, "{:,.3g}")
            res.show("single points of failure of essential inputs", spof, 15)
        res.writes["--out"] = table_writer(tm.firms)
        res.data.update(tiers=tm, concentration=conc, single_points_of_failure=spof)
        return res


class LinksRequest(NetworkRequest):
    """Hidden-link prediction: evaluation (ROC-AUC, average precision) and a firm's likely missing suppliers."""

    hide: float = Field(0.2, gt=0, lt=1)
    seed: int = Field(0, ge=0)
    customer: str | None = None
    out: PathArg | None = None

    def outputs(self) -> list[Output]:
        return table_output(self.out)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.hidden_links import LinkPredictor, evaluate_link_prediction
        net = self.network(progress)
        c = self.firm(net, self.customer, "--customer")
        res = Result()
        with progress.task("hiding links, training, scoring"):
            ev = evaluate_link_prediction(net, self.hide, seed=self.seed)
        res.show("hidden links found (customer × supplier negatives are the honest test)",
                 ev[["roc_auc", "average_precision", "positives", "negatives_n"]], 10, "{:,.3f}")
        out = ev
        if c is not None:
            with progress.task(f"candidate suppliers of {c}"):
                out = LinkPredictor(seed=self.seed).fit(net).candidates(net, c, top=15)
            res.show(f"likeliest missing suppliers of {c}", out.set_index("supplier"), 15, "{:,.3f}")
        res.writes["--out"] = table_writer(out)
        res.data["evaluation"] = ev
        return res


class InterveneRequest(EssentialityRequest):
    """Re-score after interventions around a focal firm and report the systemic risk each removes."""

    focal: str = Field(min_length=1)
    second_supplier: list[str] = Field(default_factory=list)
    stock: float | None = Field(None, gt=0, le=3650)
    reshore: str | None = None
    out: PathArg | None = None

    def check(self) -> None:
        if not (self.second_supplier or self.stock is not None or self.reshore):
            raise SelectionError("name at least one intervention. Fix: --second-supplier INDUSTRY, --stock DAYS or "
                                 "--reshore COLUMN=VALUE")
        if self.reshore is not None:
            col, _, home = self.reshore.partition("=")
            if not col.strip() or not home.strip():
                raise SelectionError(f"--reshore {self.reshore!r}: not a COLUMN=VALUE pair. Fix: write e.g. "
                                     "--reshore region=USA")

    def outputs(self) -> list[Output]:
        return table_output(self.out)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis import firm_risk as fr
        net, ess, f = self.inputs_of(progress, self.focal)
        ivs = [fr.second_supplier(net, f, k) for k in self.second_supplier]
        if self.stock is not None:
            ivs.append(fr.add_stock([f], self.stock))
        if self.reshore:
            col, _, home = (p.strip() for p in self.reshore.partition("="))
            if col not in net.firms.columns:
                raise SelectionError(f"--reshore {self.reshore!r}: the firm table has no column {col!r}. Fix: use one "
                                     f"of {', '.join(c for c in net.firms.columns if c != 'industry')}")
            value = home
            if pd.api.types.is_numeric_dtype(net.firms[col].dtype):
                value = pd.to_numeric(pd.Series([home]), errors="coerce").iloc[0]
                if pd.isna(value):
                    raise SelectionError(f"--reshore {self.reshore!r}: column {col!r} holds numbers and {home!r} is "
                                         "not one. Fix: give a value of the column")
            if not np.isin(net.firms[col].to_numpy(), [value]).any():
                raise SelectionError(f"--reshore {self.reshore!r}: no firm has {col} = {home}. Fix: use a value of "
                                     f"the column, e.g. {', '.join(map(str, net.firms[col].dropna().unique()[:5]))}")
            ivs.append(fr.reshore(net, f, value, column=col))
        res = Result()
        with progress.task(f"re-scoring {net.n:,} firms for {len(ivs) + 1} variants"):
            table = fr.assess_interventions(net, ess, ivs, focal=f, replaceable=self.replace)
        res.show("systemic risk (sum of ESRI) and the focal firm's exposure per intervention", table, 20, "{:,.4g}")
        res.writes["--out"] = table_writer(table)
        res.data["interventions"] = table
        return res
