"""The ``industwin`` command line (typer + rich): a thin layer over the Python API."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import industwin as iw
from industwin.data.registry import DATASETS
from industwin.errors import IndustwinError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="industwin: a digital twin of an economy's production network (MRIO).")
console = Console(soft_wrap=True)   # messages are not broken at the terminal width (tables still fit it)

Source = Annotated[str, typer.Argument(help="dataset name (see `industwin datasets`) or path of a table")]
Year = Annotated[int | None, typer.Option("--year", "-y", help="year of a named dataset (default: latest)")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="write the full result to .csv or .parquet")]


@contextlib.contextmanager
def step(desc: str):
    """A spinner with elapsed time for work that may take over a second."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as prog:
        prog.add_task(desc, total=None)
        yield


def _load(source: str, year: int | None) -> iw.MRIO:
    with step(f"loading {source}{' ' + str(year) if year else ''}"):
        return iw.load(source, year, cache=False)


def _write(df: pd.DataFrame | pd.Series, out: Path) -> None:
    df = df.to_frame() if isinstance(df, pd.Series) else df
    if out.suffix.lower() == ".parquet":
        flat = df.copy()
        if isinstance(flat.columns, pd.MultiIndex):
            flat.columns = ["|".join(map(str, c)) for c in flat.columns]
        flat.columns = flat.columns.map(str)
        flat.to_parquet(out)
    elif out.suffix.lower() == ".csv":
        df.to_csv(out)
    else:
        raise IndustwinError(f"{out}: unknown output format. Fix: end the file name with .csv or .parquet")
    console.print(f"[green]wrote[/] {out} ({df.shape[0]} × {df.shape[1]})")


def _show(df: pd.DataFrame, title: str, top: int, fmt: str = "{:,.4g}") -> None:
    t = Table(title=title, show_lines=False)
    idx_names = [str(n or "") for n in (df.index.names if df.index.nlevels > 1 else [df.index.name])]
    for n in idx_names:
        t.add_column(n, style="bold")
    for c in df.columns:
        t.add_column(str(c), justify="right")
    for ix, row in df.head(top).iterrows():
        ix = ix if isinstance(ix, tuple) else (ix,)
        t.add_row(*map(str, ix), *[fmt.format(v) if isinstance(v, float | int) and not isinstance(v, bool)
                                   else str(v) for v in row])
    console.print(t)


def _fail(e: Exception) -> None:
    from rich.markup import escape
    console.print(f"[red]error:[/] {escape(str(e))}", soft_wrap=True)
    raise typer.Exit(code=2)


@app.command()
def datasets() -> None:
    """List the named datasets and where their data is read from."""
    t = Table(title=f"datasets (INDUSTWIN_DATA = {iw.data_root()})")
    for c in ("name", "years", "shape", "description", "found"):
        t.add_column(c)
    for d in iw.list_datasets():
        found = (iw.data_root() / d.folder).is_dir()
        t.add_row(d.name, f"{d.years[0]}–{d.years[-1]}", d.shape, d.description, "yes" if found else "[red]no[/]")
    console.print(t)


@app.command()
def describe(source: Source = "wiod2013", year: Year = None) -> None:
    """Describe a table: size, totals, satellites and how well it balances."""
    try:
        m = _load(source, year)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    console.print(repr(m))
    rep = iw.balance_report(m, rtol=0, atol=m.meta.get("balance_atol", 1e-6))
    s = pd.Series({"gross output": m.x.sum(), "final demand": m.Y.sum(), "value added": m.V.sum(),
                   "zero-output sectors": float((m.x == 0).sum()), "unbalanced rows": float(len(rep))})
    _show(s.to_frame(f"[{m.unit}]"), "totals", 10)
    for k, v in m.meta.items():
        if k not in ("category_names",):
            console.print(f"[dim]{k}:[/] {v}")


@app.command()
def multipliers(source: Source = "wiod2013", year: Year = None,
                kind: Annotated[str, typer.Option(help="output, value_added or a satellite name")] = "output",
                region: Annotated[str | None, typer.Option(help="show one region only")] = None,
                top: int = 15, out: Out = None) -> None:
    """Output, value-added or satellite multipliers (1'L, v_c'L, S L) by region and sector."""
    try:
        m = _load(source, year)
        with step("factorising (I − A) and solving"):
            if kind == "output":
                res = iw.output_multipliers(m).to_frame()
            else:
                res = iw.satellite_multipliers(m, kind).T
        if region is not None and region not in m.regions:
            raise KeyError(f"region {region!r} is not in this table; choose one of {list(m.regions)}")
    except (IndustwinError, KeyError) as e:
        _fail(e)
    if out:
        _write(res, out)
    view = res.xs(region, level="region", drop_level=False) if region else res
    view = view.sort_values(view.columns[0], ascending=False)
    _show(view, f"{kind} multipliers ({m.name} {m.year or ''}), largest first", top)


@app.command()
def footprint(source: Source = "wiod2013", year: Year = None,
              satellite: Annotated[str, typer.Option(help="satellite name (value_added always exists)")] = "value_added",
              by: Annotated[str, typer.Option(help="region, product or origin")] = "region",
              stressor: Annotated[str | None, typer.Option(help="stressor (for --by origin)")] = None,
              region: Annotated[str | None, typer.Option(help="consuming region to show (product, origin)")] = None,
              top: int = 15, out: Out = None) -> None:
    """Consumption-based footprints and embodied-trade accounts of a satellite."""
    try:
        m = _load(source, year)
        with step("computing footprints"):
            if by == "region":
                res = iw.embodied_accounts(m, satellite)
                st = stressor or res.production.index[0]
                table = res.table(st).sort_values("consumption", ascending=False)
            else:
                table = iw.footprint(m, satellite, by=by, stressor=stressor)
                table = table.T if by == "product" else table
        if region is not None and region not in m.fd_regions:
            raise KeyError(f"region {region!r} has no final demand in this table; choose one of {list(m.fd_regions)}")
    except (IndustwinError, KeyError, ValueError) as e:
        _fail(e)
    if out:
        _write(table, out)
    view, what = table, f"{satellite} footprint by {by}"
    if by == "origin":
        reg = region or str(m.fd_regions[0])
        view = table[[reg]].sort_values(reg, ascending=False)
        what = f"where {reg}'s {satellite} footprint arises (origin region, sector)"
    elif by == "product" and region is not None:
        view = table.xs(region, level=0, drop_level=False)
        view = view.sort_values(view.columns[0], ascending=False)
    _show(view, f"{what} ({m.name} {m.year or ''})", top)


@app.command()
def output(demand: Annotated[Path, typer.Argument(help="CSV with columns region, sector, value")],
           source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013", year: Year = None,
           top: int = 15, out: Out = None) -> None:
    """Gross output needed for a final-demand vector: x = (I − A)⁻¹ y."""
    try:
        m = _load(source, year)
        if not demand.exists():
            raise IndustwinError(f"{demand}: file not found")
        d = pd.read_csv(demand)
        missing = {"region", "sector", "value"} - set(d.columns)
        if missing:
            raise IndustwinError(f"{demand}: missing column(s) {sorted(missing)}. Fix: columns region, sector, value")
        y = d.set_index(["region", "sector"])["value"].astype(float)
        res = iw.gross_output(m, y).to_frame("gross output")
    except (IndustwinError, KeyError, ValueError) as e:
        _fail(e)
    if out:
        _write(res, out)
    _show(res.sort_values("gross output", ascending=False), f"gross output for {demand.name} [{m.unit}]", top)


Region = Annotated[str, typer.Argument(help="region code, e.g. DEU")]


def _years(spec: str | None) -> list[int] | None:
    """'1995-2011', '2000,2005,2011' or None (all years)."""
    if not spec:
        return None
    try:
        out: list[int] = []
        for part in spec.split(","):
            if "-" in part:
                a, b = part.split("-")
                out += list(range(int(a), int(b) + 1))
            else:
                out.append(int(part))
        return out
    except ValueError:
        raise IndustwinError(f"--years {spec!r}: write a range like 1995-2011 or a list like 2000,2005,2011") from None


@app.command()
def gvc(source: Source = "wiod2013", year: Year = None,
        by: Annotated[str, typer.Option(help="country or sector")] = "country",
        region: Annotated[str | None, typer.Option(help="show one region only")] = None,
        top: int = 45, out: Out = None) -> None:
    """Gross exports decomposed into DVA, DDC, FVA, FDC (Borin–Mancini), VAX ratio, GVC participation."""
    from industwin.analysis.value_chains import export_decomposition
    from industwin.data.select import regions_of
    try:
        m = _load(source, year)
        if region is not None:
            regions_of(m, region)
        with step("decomposing gross exports"):
            res = export_decomposition(m, by)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    if out:
        _write(res, out)
    view = res if region is None else (res.loc[[region]] if by == "country" else res.xs(region, level=0, drop_level=False))
    cols = ["gross_exports", "DVA", "DDC", "FVA", "FDC", "VAX_ratio" if by == "country" else "DVX", "backward",
            "forward"]
    _show(view[cols].sort_values("gross_exports", ascending=False),
          f"value added in gross exports ({m.name} {m.year or ''}) [{m.unit}; shares]", top)


@app.command()
def origin(region: Region, source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013",
           year: Year = None, top: int = 35, out: Out = None) -> None:
    """Where the value of a region's final products is added (foreign share and largest origins)."""
    from industwin.analysis.value_chains import final_output_origin
    try:
        m = _load(source, year)
        with step("tracing value added to its origin"):
            o = final_output_origin(m, region)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    va = o.value_added
    if out:
        _write(va, out)
    sh = o.shares.drop(columns=region)
    t = pd.DataFrame({"name": [m.sector_label(s) for s in sh.index.get_level_values(1)],
                      "final_output": o.final_output, "foreign_share_%": 100 * o.foreign_share,
                      "top_foreign_origin": sh.idxmax(axis=1), "its_share_%": 100 * sh.max(axis=1)})
    _show(t.sort_values("final_output", ascending=False), f"value added in {region}'s final products ({m.year})", top,
          "{:,.1f}")


@app.command()
def position(source: Source = "wiod2013", year: Year = None,
             region: Annotated[str | None, typer.Option(help="show one region only")] = None,
             inventories: Annotated[str | None, typer.Option(help="inventory category for Antràs et al.'s "
                                                                   "correction, e.g. INVEN")] = None,
             top: int = 35, out: Out = None) -> None:
    """Upstreamness (Antràs–Chor), downstreamness and their ratio per country-sector."""
    from industwin.analysis.value_chains import chain_position
    from industwin.data.select import regions_of
    try:
        m = _load(source, year)
        if region is not None:
            regions_of(m, region)
        res = chain_position(m, inventories)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    if out:
        _write(res, out)
    view = res if region is None else res.xs(region, level=0, drop_level=False)
    _show(view.sort_values("upstreamness", ascending=False), f"position in the value chain ({m.year})", top, "{:.3f}")


@app.command()
def exposure(region: Region, sector: Annotated[str, typer.Argument(help="sector code, e.g. c15")],
             source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013", year: Year = None,
             threshold: Annotated[float, typer.Option(help="flag inputs where one foreign origin supplies more "
                                                           "than this share (0–1)")] = 0.5,
             top: int = 15, out: Out = None) -> None:
    """Tier-n exposure of a country-sector: tier 1 vs hidden tiers, concentration of each input."""
    from industwin.analysis.value_chains import supply_chain_exposure
    try:
        m = _load(source, year)
        with step("tracing the supply chain tier by tier"):
            e = supply_chain_exposure(m, region, sector, threshold)
    except (IndustwinError, KeyError) as err:
        _fail(err)
    if out:
        _write(e.suppliers, out)
    _show(e.summary.to_frame(f"{region} {sector} [{m.unit}; shares]"), f"exposure of {region} {sector} "
          f"({m.sector_label(sector)}), {m.year}", 20, "{:,.3f}")
    _show(e.by_country.drop(index=region, errors="ignore"), "foreign origins (all tiers)", top, "{:,.3f}")
    flagged = e.flagged
    console.print(f"[bold]{len(flagged)}[/] input(s) where one foreign origin supplies more than {threshold:.0%}")
    if len(flagged):
        _show(flagged[["name", "total", "top_foreign_origin", "top_foreign_share", "hhi"]], "flagged inputs", top,
              "{:,.3f}")


@app.command()
def extraction(region: Region, source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013",
               year: Year = None, sector: Annotated[str | None, typer.Option(help="one sector of the region "
                                                                                 "(default: the whole region)")] = None,
               buyers: Annotated[str | None, typer.Option(help="comma-separated buyer regions (default: all others "
                                                               "for a region, all for a sector)")] = None,
               model: Annotated[str, typer.Option(help="supply (buyers lose the input; Ghosh) or demand "
                                                       "(buyers drop the supplier; Leontief)")] = "supply",
               top: int = 15, out: Out = None) -> None:
    """Hypothetical extraction: who loses what if a country (or country-sector) stops supplying."""
    from industwin.analysis.value_chains import hypothetical_extraction
    try:
        m = _load(source, year)
        ex = hypothetical_extraction(m, region, sector, buyers.split(",") if buyers else None, model)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    if out:
        _write(ex.by_region, out)
    w = ex.world
    console.print(f"If {ex.supplier} stopped supplying {len(ex.buyers)} region(s), world value added would fall by "
                  f"[bold]{w['value_added_loss']:,.0f} {m.unit}[/] ({100 * w['value_added_loss_share']:.2f} %).")
    _show(ex.by_region[["value_added", "value_added_loss", "value_added_loss_share", "output_loss"]],
          f"losses by region ({m.year}) [{m.unit}]", top)


@app.command()
def suppliers(region: Region, source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013",
              year: Year = None, top: int = 20, out: Out = None) -> None:
    """The foreign supplier sectors a region depends on most (value added lost if each stopped)."""
    from industwin.analysis.value_chains import supplier_dependence
    try:
        m = _load(source, year)
        with step("extracting every foreign supplier"):
            res = supplier_dependence(m, region)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    if out:
        _write(res, out)
    _show(res, f"foreign suppliers {region} depends on most ({m.year}) [{m.unit}]", top)


def _value_chain_view(region: str, product: str | None, years: str | None, dataset: str, threshold: float,
                      dask: bool):
    from rich.progress import BarColumn, MofNCompleteColumn

    from industwin.analysis.value_chains import economy_value_chains
    ys = _years(years)
    n = len(ys) if ys else len(DATASETS[dataset].years) if dataset in DATASETS else 1
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as prog:
        task = prog.add_task(f"value chains of {region}, year by year" + (" (Dask)" if dask else ""), total=n)
        return economy_value_chains(region, product, ys, dataset, threshold,
                                    scheduler="distributed" if dask else None,
                                    progress=lambda y: prog.advance(task))


def _print_value_chains(v) -> None:
    o = v.origins.xs(v.product, level="product")
    sh = o.div(o.sum(axis=1), axis=0) * 100
    first, last = v.years[0], v.years[-1]
    name = v.sector_names.get(v.product, v.product)
    top = sh.drop(columns=v.region).loc[last].nlargest(3)
    console.print(f"Value added abroad in {v.region}'s {name}: [bold]{100 - sh.loc[first, v.region]:.1f} %[/] in "
                  f"{first} → [bold]{100 - sh.loc[last, v.region]:.1f} %[/] in {last}; largest foreign origins "
                  + ", ".join(f"{r} {sh.loc[first, r]:.1f} % → {s:.1f} %" for r, s in top.items()))
    s = v.exposure.summary
    face, look, hidden = s["foreign_share_face_value"], s["foreign_share_look_through"], s["hidden_share_of_foreign"]
    console.print(f"Its foreign inputs: {100 * face:.1f} % of inputs at tier 1, {100 * look:.1f} % counting all tiers; "
                  f"{100 * hidden:.0f} % of the foreign exposure is hidden beyond tier 1; "
                  f"{int(s['inputs_flagged'])} input(s) with one foreign origin above {v.exposure.threshold:.0%}.")
    t = v.trade
    console.print(f"VAX ratio of {v.region}: {t.loc[first, 'VAX_ratio']:.3f} ({first}) → "
                  f"{t.loc[last, 'VAX_ratio']:.3f} ({last}); backward participation {t.loc[last, 'backward']:.3f}, "
                  f"forward {t.loc[last, 'forward']:.3f}.")
    d = v.dependence.head(8)
    t = pd.DataFrame({"sector": [n[:24] for n in d["name"]], "sales to " + v.region: d["exports_to_region"].to_numpy(),
                      "VA lost by " + v.region: d["value_added_loss"].to_numpy(),
                      "% of its VA": 100 * d["value_added_loss_share"].to_numpy()},
                     index=pd.Index([f"{r} {c}" for r, c in d.index], name="supplier"))
    _show(t, f"foreign suppliers {v.region} depends on most, if each stopped supplying it ({last}) [{v.unit}]", 8,
          "{:,.2f}")


@app.command("value-chains")
def value_chains(region: Region, product: Annotated[str | None, typer.Option(help="sector code of the product to "
                                                                                 "trace (default: the largest)")] = None,
                 years: Annotated[str | None, typer.Option(help="e.g. 1995-2011 or 2000,2011 (default: all)")] = None,
                 source: Annotated[str, typer.Option(help="dataset name")] = "wiod2013",
                 threshold: Annotated[float, typer.Option(help="concentration flag (0–1)")] = 0.5,
                 dask: Annotated[bool, typer.Option(help="run the years in parallel on Dask")] = False,
                 html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-value-chains.html")
                 ) -> None:
    """Value chains of one economy over the years, with a self-contained HTML page."""
    from industwin.viz.pages import write_page
    from industwin.viz.value_chains import value_chain_figures, value_chain_tables
    t0 = time.perf_counter()
    try:
        v = _value_chain_view(region, product, years, source, threshold, dask)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    _print_value_chains(v)
    page = write_page(html, f"{region}: value chains {v.years[0]}–{v.years[-1]}", value_chain_figures(v),
                      value_chain_tables(v), f"Generated by industwin {iw.__version__} from {source}.")
    console.print(f"[green]wrote[/] {page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


@app.command()
def simulate(scenario: Annotated[Path, typer.Argument(help="scenario file (.yaml or .json)")],
             out: Annotated[Path, typer.Option("--out", "-o", help="folder for the results (Parquet + HTML)")] =
             Path("industwin-simulation"),
             source: Annotated[str | None, typer.Option(help="override the scenario's table (dataset or path)")] = None,
             year: Year = None) -> None:
    """Run a disruption scenario: the shock, each intervention and all together, with an HTML report."""
    from rich.progress import BarColumn, MofNCompleteColumn

    from industwin.analysis.disruption import read_scenario, run_scenario
    from industwin.viz.disruption import scenario_figures, scenario_tables
    from industwin.viz.pages import write_page
    t0 = time.perf_counter()
    try:
        sc = read_scenario(scenario)
        m = _load(source or sc.table.path or sc.table.dataset, year or sc.table.year)
        n_runs = 1 + sum(len(getattr(sc.interventions, k)) for k in ("stockpile", "diversify", "reshore",
                                                                      "demand_visibility"))
        n_runs += 1 if n_runs > 2 else 0
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as prog:
            task = prog.add_task(f"simulating {sc.name}", total=n_runs * sc.horizon)

            def tick(run: str, step: int) -> None:
                prog.update(task, advance=1, description=f"{sc.name}: {run}")
            res = run_scenario(sc, m, progress=tick)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    out.mkdir(parents=True, exist_ok=True)
    res.summary.to_parquet(out / "summary.parquet")
    res.by_region.to_parquet(out / "losses_by_region.parquet")
    for name, r in res.runs.items():
        safe = "".join(c if c.isalnum() else "_" for c in name)
        for what in sc.outputs:
            df = r.frame(what)
            df.columns = ["|".join(map(str, c)) for c in df.columns]
            df.to_parquet(out / f"{safe}.{what}.parquet")
    cols = ["value_added_loss", "loss_avoided", "cost", "net_benefit"]
    names = ["VA lost", "avoided", "cost", "net benefit"]
    if sc.focus:
        cols.insert(1, f"value_added_loss_{sc.focus}")
        names.insert(1, f"{sc.focus} VA lost")
    view = res.summary[cols].set_axis(names, axis=1)
    view.index = [str(i)[:28] for i in view.index]
    _show(view, f"{sc.name}: runs compared over {sc.horizon} days [{m.unit}]", 20, "{:,.0f}")
    _show(res.by_region.head(8), "losses by region without intervention", 8, "{:,.1f}")
    page = write_page(out / "report.html", f"{sc.name}: simulated shock and interventions", scenario_figures(res),
                      scenario_tables(res), f"{sc.description} Generated by industwin {iw.__version__} on "
                                            f"{m.name} {m.year or ''}.")
    console.print(f"[green]wrote[/] {out.resolve()}/ (summary, losses, trajectories as Parquet) and "
                  f"{page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


@app.command()
def risk(source: Source = "wiod2013", year: Year = None,
         draws: Annotated[int, typer.Option(help="Monte Carlo draws")] = 200,
         seed: Annotated[int, typer.Option(help="random seed (same seed, same draws)")] = 0,
         horizon: Annotated[int, typer.Option(help="days simulated per draw")] = 120,
         max_days: Annotated[int, typer.Option(help="longest shock, days")] = 60,
         region: Annotated[str | None, typer.Option(help="draw shocks among this region's sectors only")] = None,
         dask: Annotated[bool, typer.Option(help="run on a Dask LocalCluster")] = True,
         html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-risk.html")) -> None:
    """Monte Carlo risk assessment: expected loss, value at risk and the nodes whose failure costs most."""
    from industwin.analysis.disruption import risk_assessment
    from industwin.viz.disruption import risk_figures
    from industwin.viz.pages import write_page
    t0 = time.perf_counter()
    try:
        m = _load(source, year)
        nodes = None
        if region is not None:
            from industwin.data.select import region_positions
            rows = region_positions(m, region)
            nodes = [tuple(m.index[r]) for r in rows if m.x[r] > 0]
        with step(f"{draws} draws of {horizon} days" + (" on a Dask LocalCluster" if dask else "")):
            ra = risk_assessment(m, draws, seed, nodes, duration=(7, max_days), horizon=horizon,
                                 scheduler="distributed" if dask else None)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    _show(ra.summary.to_frame(), f"risk over {draws} draws (seed {seed})", 10, "{:,.1f}")
    _show(ra.nodes.head(10), "nodes whose failure costs most", 10, "{:,.1f}")
    page = write_page(html, f"Risk assessment: {draws} single-node shocks", risk_figures(ra),
                      {"Summary": ra.summary.to_frame(), "Nodes": ra.nodes.head(30), "Draws": ra.draws.head(200)},
                      f"Generated by industwin {iw.__version__} on {m.name} {m.year or ''}; seed {seed}.")
    console.print(f"[green]wrote[/] {page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


@app.command()
def demo(region: Annotated[str, typer.Option(help="region to profile")] = "DEU", year: int = 2011,
         source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013",
         html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-profile.html"),
         years: Annotated[str | None, typer.Option(help="years of the value-chain series (default: all)")] = None
         ) -> None:
    """The main job: one economy's profile and value chains, in the terminal and as a self-contained HTML page."""
    from industwin.analysis.profile import economy_profile
    from industwin.viz.pages import profile_figures, write_page
    from industwin.viz.value_chains import value_chain_figures, value_chain_tables

    t0 = time.perf_counter()
    try:
        m = _load(source, year)
        with step(f"profiling {region}: factorising (I − A), multipliers, supply-chain origins"):
            p = economy_profile(m, region)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    u = m.unit
    console.rule(f"[bold]{region} {year} — {m.name} ({len(m.regions)} regions × {len(m.sectors)} sectors)")
    _show(p.totals.to_frame(f"[{u}]"), "the economy", 10, "{:,.1f}")
    _show(p.sectors[["name", "output", "value_added", "output_multiplier"]], f"largest sectors [{u}]", 10, "{:,.2f}")
    io = p.input_origin
    dom = io.loc[region, "share (%)"] if region in io.index else 0.0
    console.print(f"Manufacturing buys [bold]{100 - dom:.1f} %[/] of its tier-1 inputs abroad; "
                  f"top foreign origins: " + ", ".join(f"{r} {s:.1f} %" for r, s in io.drop(region, errors="ignore")
                                                       ["share (%)"].head(5).items()))
    _show(io.head(10), f"where {region} manufacturing's direct inputs come from [{u}]", 10, "{:,.1f}")
    vo = p.value_added_origin
    console.print(f"Along the whole supply chain, [bold]{vo.drop(region, errors='ignore')['share (%)'].sum():.1f} %[/] "
                  f"of the value of {region}'s manufactured final products is added abroad.")
    _show(vo.head(10), f"value added in {region}'s manufactured final products, by origin [{u}]", 10, "{:,.1f}")
    _show(p.value_added_trade.to_frame(), "value added: production vs consumption, embodied trade", 10, "{:,.1f}")
    figures, tables = profile_figures(p), {
        "The economy": p.totals.to_frame(f"[{u}]"), "Sectors": p.sectors,
        "Tier-1 inputs of manufacturing by origin": p.input_origin,
        "Value added in manufactured final products by origin": p.value_added_origin,
        "Value added: production vs consumption": p.value_added_trade.to_frame()}
    title = f"{region} {year}: production, sectors and supply-chain origins"
    if source.lower() in DATASETS:  # a named dataset has years: add the value chains over time
        try:
            ys = _years(years) or [y for y in DATASETS[source.lower()].years if y <= year]
            v = _value_chain_view(region, None, ",".join(map(str, ys)), source.lower(), 0.5, False)
        except (IndustwinError, KeyError) as e:
            _fail(e)
        console.rule(f"[bold]{region}: value chains {v.years[0]}–{v.years[-1]}")
        _print_value_chains(v)
        figures = figures[:1] + value_chain_figures(v) + figures[1:]
        tables.update(value_chain_tables(v))
        title = f"{region} {year}: production, value chains {v.years[0]}–{v.years[-1]} and supply-chain exposure"
    notes = (f"Source: {m.meta.get('source', m.name)}. {m.meta.get('caveats', '')}. "
             f"Generated by industwin {iw.__version__}.")
    page = write_page(html, title, figures, tables, notes)
    console.print(f"[green]wrote[/] {page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


@app.command()
def carbon(purchases: Annotated[Path, typer.Argument(help="purchases CSV/Parquet: naics, spend, year, basis, …")],
           activities: Annotated[Path | None, typer.Option(help="scope 1/2 activity data CSV: item, unit, amount")]
           = None,
           out: Annotated[Path, typer.Option("--out", "-o", help="folder for the line tables and report.html")]
           = Path("industwin-carbon")) -> None:
    """A company's GHG Protocol footprint: scope 1 and 2 (UK 2024 factors), scope 3 purchased goods (EPA
    factors, spend-based or supplier-specific), the supply-chain-to-operational ratio and the hot spots."""
    import plotly.graph_objects as go

    from industwin.analysis.sustainability import PAPER_SCOPE3_RATIO, company_footprint
    from industwin.viz.pages import write_page
    t0 = time.perf_counter()
    try:
        with step("matching activities and purchases to emission factors"):
            fp = company_footprint(activities, purchases)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    _show(fp.scopes.to_frame(), "footprint by scope [t CO2e]", 5, "{:,.1f}")
    console.print(f"Supply-chain (scope 3, cat. 1) to operational (scope 1 + 2) ratio: [bold]{fp.ratio:,.1f}×[/] "
                  f"(the white paper's average: about {PAPER_SCOPE3_RATIO:g}×)")
    _show(fp.hot_spots.set_index("naics"), "purchases that weigh most", 10, "{:,.4g}")
    out.mkdir(parents=True, exist_ok=True)
    fp.scope3_lines.to_parquet(out / "scope3_lines.parquet")
    fp.scope12_lines.to_parquet(out / "scope12_lines.parquet")
    split = go.Figure(go.Bar(x=fp.scopes.index, y=fp.scopes.to_numpy(), text=[f"{v:,.0f}" for v in fp.scopes],
                             textposition="outside"))
    split.update_layout(title=f"Footprint by scope [t CO2e] — supply chain / operations = {fp.ratio:,.1f}×",
                        height=400)
    hs = fp.hot_spots.iloc[::-1]
    hot = go.Figure(go.Bar(y=[f"{t[:40]} ({n})" for n, t in zip(hs["naics"], hs["title"])], x=hs["kg_co2e"] / 1e3,
                           orientation="h"))
    hot.update_layout(title="Upstream hot spots: purchases by emissions [t CO2e]", height=max(350, 30 * len(hs)))
    from industwin.analysis.sustainability import supply_chain_tree
    tree = supply_chain_tree(fp.scope3_lines)
    tree.to_parquet(out / "scope3_tree.parquet")
    parents = [p.rsplit(" ← ", 1)[0] if " ← " in p else "" for p in tree["path"]]
    sun = go.Figure(go.Sunburst(ids=tree["path"], labels=[p.rsplit(" ← ", 1)[-1][:40] for p in tree["path"]],
                                parents=parents, values=tree["own_kg_co2e"].clip(lower=0) / 1e3,
                                branchvalues="remainder", hovertemplate="%{id}<br>%{value:,.1f} t CO2e here"
                                                                        "<extra></extra>"))
    sun.update_layout(title="Purchased goods' emissions tier by tier (inner ring: what the company buys) "
                            "[t CO2e]", height=620)
    page = write_page(out / "report.html", "Company carbon footprint (GHG Protocol scopes 1, 2 and 3 cat. 1)",
                      [split, hot, sun], {"Scopes [t CO2e]": fp.scopes.to_frame(), "Hot spots": fp.hot_spots,
                                          "Supply-chain tree (tier by tier)": tree.sort_values(
                                              "kg_co2e", ascending=False).head(30),
                                     "Scope 3 lines": fp.scope3_lines, "Scope 1 and 2 lines": fp.scope12_lines},
                      "Scope 1/2: UK Government GHG conversion factors 2024; scope 3: US EPA supply-chain factors v1.3 "
                      f"(kg CO2e per 2022 USD). Generated by industwin {iw.__version__}.")
    console.print(f"[green]wrote[/] {out.resolve()}/ and {page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


@app.command()
def jobs(source: Source = "wiod2016_usa", year: Year = None,
         sectors: Annotated[str | None, typer.Option(help="carbon-intensive sector codes, comma-separated "
                                                          "(default: mining, fuels, chemicals, minerals, metals, "
                                                          "power, transport)")] = None,
         html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-jobs.html")) -> None:
    """Jobs through the production network: employment multipliers, jobs supported by each final demand, and
    the jobs exposed to a transition away from carbon-intensive sectors (tables with employment accounts)."""
    import plotly.graph_objects as go

    from industwin.analysis import workforce as wf
    from industwin.viz.pages import write_page
    t0 = time.perf_counter()
    try:
        m = _load(source, year)
        mult = wf.employment_multipliers(m)
        sup = wf.jobs_by_final_demand(m)
        ci = wf.CARBON_INTENSIVE_WIOD16 if sectors is None else tuple(s.strip() for s in sectors.split(","))
        ex = wf.transition_exposure(m, ci)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    unit = sup.attrs.get("unit", "")
    by_fd = sup.sum().droplevel(0).to_frame(f"jobs [{unit}]")
    _show(by_fd, f"{m.name} {m.year}: jobs supported by each final demand", 10, "{:,.0f}")
    _show(mult.sort_values("total", ascending=False).head(10), "employment multipliers (largest)", 10, "{:,.4g}")
    cols = ["jobs", "direct", "supply_chain", "exposed_share"]
    _show(ex[cols].head(12), f"jobs exposed to carbon-intensive sectors [{unit}]", 12, "{:,.3g}")
    tot = ex[["direct", "supply_chain"]].sum()
    console.print(f"Carbon-intensive sectors employ [bold]{tot['direct']:,.0f}[/] and their purchases support "
                  f"[bold]{tot['supply_chain']:,.0f}[/] more upstream [{unit}].")
    names = m.sector_names
    f1 = go.Figure(go.Bar(x=by_fd.index.astype(str), y=by_fd.iloc[:, 0]))
    f1.update_layout(title=f"Jobs supported by each final demand [{unit}]", height=380)
    top = ex.head(15).iloc[::-1]
    lab = [f"{s} {names.get(s, '')[:35]}" for s in top.index.get_level_values(-1)]
    f2 = go.Figure([go.Bar(y=lab, x=top["direct"], orientation="h", name="in carbon-intensive sectors"),
                    go.Bar(y=lab, x=top["supply_chain"], orientation="h", name="in their supply chains")])
    f2.update_layout(barmode="stack", title=f"Where the jobs exposed to a transition sit [{unit}]", height=520)
    page = write_page(html, f"{m.name} {m.year}: jobs, multipliers and transition exposure", [f1, f2],
                      {"Jobs by final demand": by_fd, "Employment multipliers": mult,
                       "Transition exposure": ex[cols + ["carbon_intensive"]]},
                      f"{m.meta.get('source', m.name)}. Carbon-intensive sectors: {', '.join(ci)}. "
                      f"Generated by industwin {iw.__version__}.")
    console.print(f"[green]wrote[/] {page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


@app.command()
def decarbonise(plan: Annotated[Path, typer.Argument(help="decarbonisation scenario file (.yaml / .json)")],
                out: Annotated[Path, typer.Option("--out", "-o", help="folder for summary.parquet and report.html")]
                = Path("industwin-decarbonisation")) -> None:
    """National decarbonisation scenarios: efficiency, fuel switching, new recipes and a carbon price, each
    alone and together, against the baseline (emissions, output, jobs, prices)."""
    import plotly.graph_objects as go

    from industwin.analysis.decarbonisation import attach_emissions, read_plan, run_plan
    from industwin.analysis.sustainability import intensity_table
    from industwin.analysis.workforce import transition_exposure
    from industwin.viz.pages import write_page
    t0 = time.perf_counter()
    try:
        p = read_plan(plan)
        m = _load(p.table.path or p.table.dataset, p.table.year)
        if p.emissions is not None:
            m = attach_emissions(m, p.emissions, p.satellite)
        with step(f"{p.name}: {len(p.measures)} measure(s)"):
            res = run_plan(p, m)
            it = intensity_table(m, p.satellite)
            exposure = transition_exposure(m) if "employment" in m.satellites else None
    except (IndustwinError, KeyError) as e:
        _fail(e)
    _show(res, f"{p.name}: scenarios against the baseline", 20, "{:,.4g}")
    out.mkdir(parents=True, exist_ok=True)
    res.to_parquet(out / "summary.parquet")
    rest = res.iloc[1:]
    figs = [go.Figure(go.Bar(x=rest.index, y=rest["emissions_change_pct"]))]
    figs[0].update_layout(title="Emissions against the baseline (%)", height=380)
    if "jobs_change_pct" in res:
        figs.append(go.Figure(go.Bar(x=rest.index, y=rest["jobs_change_pct"])))
        figs[-1].update_layout(title="Jobs against the baseline (%)", height=380)
    if p.carbon_price:
        figs.append(go.Figure(go.Bar(x=res.index, y=res["price_rise_pct_mean"], name="mean")))
        figs[-1].add_bar(x=res.index, y=res["price_rise_pct_max"], name="largest")
        figs[-1].update_layout(title=f"Price rise from a carbon price of {p.carbon_price:g} per unit (%)", height=380)
    top = it.sort_values("total", ascending=False).head(15).iloc[::-1]
    lab = [f"{c} {m.sector_names.get(c, '')[:30]}" for c in top.index.get_level_values(-1)]
    fi = go.Figure([go.Bar(y=lab, x=top["direct"], orientation="h", name="direct"),
                    go.Bar(y=lab, x=top["total"] - top["direct"], orientation="h", name="in the supply chain")])
    fi.update_layout(barmode="stack", height=520, title=f"Emission intensity of the most intensive sectors "
                                                         f"[{it.attrs.get('unit', '')}]: direct and supply chain")
    figs.insert(0, fi)
    tables = {"Scenarios": res, "Emission intensities (direct, total, ratio)": it.sort_values("total", ascending=False)}
    if exposure is not None:
        ex = exposure.head(15).iloc[::-1]
        lab = [f"{c} {m.sector_names.get(c, '')[:30]}" for c in ex.index.get_level_values(-1)]
        fj = go.Figure([go.Bar(y=lab, x=ex["direct"], orientation="h", name="in carbon-intensive sectors"),
                        go.Bar(y=lab, x=ex["supply_chain"], orientation="h", name="in their supply chains")])
        fj.update_layout(barmode="stack", height=520, title="Jobs exposed to a transition away from carbon-intensive "
                                                            f"sectors [{exposure.attrs.get('unit', '')}]")
        figs.append(fj)
        tables["Transition exposure (jobs)"] = exposure
    page = write_page(out / "report.html", f"{p.name}: emissions, decarbonisation scenarios and jobs", figs, tables,
                      f"{p.description} Generated by industwin {iw.__version__}.")
    console.print(f"[green]wrote[/] {out.resolve()}/summary.parquet and {page.resolve()}  "
                  f"({time.perf_counter() - t0:.1f} s)")


@app.command()
def hotspots(risk: Annotated[Path, typer.Argument(help="risk scores CSV: region, sector, score (your indicator)")],
             region: Annotated[str, typer.Option(help="region of the product")],
             sector: Annotated[str, typer.Option(help="sector of the product")],
             source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013", year: Year = None,
             amount: Annotated[float, typer.Option(help="final demand for the product, in the table's unit")] = 1.0,
             top: Annotated[int, typer.Option(help="rows to show")] = 15, out: Out = None) -> None:
    """A due-diligence hot-spot list: a risk score per country-sector carried through a product's supply chain."""
    from industwin.analysis.sustainability import risk_hotspots
    try:
        m = _load(source, year)
        if not risk.exists():
            raise IndustwinError(f"{risk}: file not found")
        df = pd.read_csv(risk)
        need = [c for c in ("region", "sector", "score") if c not in df.columns]
        if need:
            raise IndustwinError(f"{risk}: column(s) {need} missing. Fix: give region, sector, score")
        scores = pd.Series(pd.to_numeric(df["score"], errors="coerce").to_numpy(),
                           index=pd.MultiIndex.from_frame(df[["region", "sector"]].astype(str)))
        if scores.isna().any():
            raise IndustwinError(f"{risk}: column score needs numbers")
        if (region, sector) not in m.index:
            raise IndustwinError(f"({region}, {sector}) is not a row of {m.name}")
        hs = risk_hotspots(m, scores, pd.Series({(region, sector): amount}), top)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    _show(hs, f"where the risk in {region} {sector} sits [output in {m.unit}]", top, "{:,.4g}")
    if out:
        _write(hs, out)


@app.command()
def report(economy: Annotated[str, typer.Option(help="economy to diagnose (a region of the table)")] = "DEU",
           year: Annotated[int, typer.Option(help="year of the table")] = 2011,
           dataset: Annotated[str, typer.Option(help="table with the economy and its peers")] = "wiod2013",
           peers: Annotated[str | None, typer.Option(help="peer economies, comma-separated (default: all)")] = None,
           survey: Annotated[Path | None, typer.Option(help="consultation responses CSV: respondent, group, "
                                                            "priority, score")] = None,
           out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file (default: "
                                                                         "industwin-report-<ECONOMY>-<YEAR>.html)")]
           = None,
           pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="also write the PDF beside the HTML")] = True
           ) -> None:
    """The strategy report: diagnosis across the five grand challenges, peers, recommendations with evidence,
    cases and what-if scenarios, the consultation, data and methods — HTML and PDF."""
    from rich.progress import BarColumn, MofNCompleteColumn

    from industwin.strategy.report import build_report
    t0 = time.perf_counter()
    try:
        m = _load(dataset, year)
        plist = None if peers is None else [p.strip() for p in peers.split(",")]
        n = (len(plist) if plist else len(m.regions) - 2) + 1
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as prog:
            task = prog.add_task(f"diagnosing {economy} and its peers", total=n)
            rep = build_report(economy, year, dataset, plist, survey, mrio=m,
                               progress=lambda k: prog.update(task, completed=k))
    except (IndustwinError, KeyError) as e:
        _fail(e)
    console.rule(f"[bold]{economy} {year}: strategy diagnosis")
    for p in rep.summary_points():
        console.print(f"• {p}")
    t = rep.diagnosis.table
    _show(t[t["available"]][["challenge", "value", "peer_median", "percentile"]], "indicators against peers", 20,
          "{:,.3g}")
    path = out or Path(f"industwin-report-{economy}-{year}.html")
    html_path, pdf_path = rep.write(path, pdf)
    console.print(f"[green]wrote[/] {html_path.resolve()}" + (f" and {pdf_path.resolve()}" if pdf_path else "")
                  + f"  ({time.perf_counter() - t0:.1f} s)")


# --------------------------------------------------------------------------- firm networks

firms_app = typer.Typer(no_args_is_help=True, help="Firm-level supply networks: systemic risk (ESRI), tiers, "
                                                   "hidden links, interventions.")
app.add_typer(firms_app, name="firms")
Edges = Annotated[Path, typer.Argument(help="edge list (.csv / .parquet): supplier, customer, value")]
Firms = Annotated[Path, typer.Argument(help="firm table (.csv / .parquet): firm, industry (NACE), region, …")]
EssOpt = Annotated[Path | None, typer.Option("--essentiality", help="industry essentiality matrix CSV (default: "
                                                                   "NACE 2-digit matrix of Diem et al. 2022)")]
Replace = Annotated[bool, typer.Option("--replace/--no-replace", help="failing suppliers can be replaced within "
                                                                      "their industry")]


def _network(edges: Path, firms: Path):
    from industwin.core.firms import read_network
    with step(f"reading {edges.name}"):
        return read_network(edges, firms)


def _essentiality(path: Path | None):
    from industwin.analysis.firm_risk import read_essentiality
    from industwin.data.registry import data_root
    p = path or data_root() / "esri_tutorial" / "ess_mat_n2_ihs.csv"
    if not Path(p).exists():
        raise IndustwinError(f"{p}: essentiality matrix not found. Fix: pass --essentiality or set INDUSTWIN_DATA")
    return read_essentiality(p)


def _id(net, text: str):
    """A firm id as typed on the command line, in the type of the firm table's index."""
    idx = net.firms.index
    if text in idx:
        return text
    try:
        v = int(text)
    except ValueError:
        v = text
    if v not in idx:
        raise IndustwinError(f"firm {text!r} is not in the firm table (ids like {list(idx[:3])})")
    return v


@firms_app.command("synth")
def firms_synth(n: Annotated[int, typer.Option("--firms", "-n", help="number of firms")] = 10_000,
                links: Annotated[float, typer.Option(help="links per firm")] = 3.2,
                seed: Annotated[int, typer.Option(help="random seed (same seed, same network)")] = 0,
                out: Annotated[Path, typer.Option("--out", "-o", help="folder for edges.parquet and firms.parquet")]
                = Path("industwin-firms")) -> None:
    """Generate a synthetic national firm network (US 2014 industry flows at NACE 2-digit level)."""
    from industwin.core.firm_synthetic import synthetic_network
    try:
        with step(f"generating {n:,} firms"):
            net = synthetic_network(n, links, seed=seed)
    except IndustwinError as e:
        _fail(e)
    out.mkdir(parents=True, exist_ok=True)
    coo = net.W.tocoo()
    ids = net.firms.index
    pd.DataFrame({"supplier": ids[coo.row], "customer": ids[coo.col], "value": coo.data}).to_parquet(
        out / "edges.parquet", index=False)
    net.firms.reset_index().to_parquet(out / "firms.parquet", index=False)
    console.print(f"[green]wrote[/] {out.resolve()}/edges.parquet ({net.links:,} links) and firms.parquet "
                  f"({net.n:,} firms) [{net.unit}]")


@firms_app.command("esri")
def firms_esri(edges: Edges, firms: Firms, essentiality: EssOpt = None, replace: Replace = True,
               focal: Annotated[str | None, typer.Option(help="firm id whose tier map goes on the page")] = None,
               reveal: Annotated[bool, typer.Option(help="show firm ids (default: anonymised ranks)")] = False,
               dask: Annotated[bool, typer.Option(help="run on a Dask LocalCluster")] = False,
               gpu: Annotated[bool, typer.Option(help="all-firms blocks on PyTorch/CUDA (pip install industwin[gpu])")]
               = False,
               out: Annotated[Path, typer.Option("--out", "-o", help="folder for esri.parquet and report.html")]
               = Path("industwin-esri")) -> None:
    """The Economic Systemic Risk Index of every firm, with an HTML page (distribution, top firms, tier map)."""
    from rich.progress import BarColumn, MofNCompleteColumn

    from industwin.analysis.firm_network import input_concentration, single_points_of_failure, tiers
    from industwin.analysis.firm_risk import CascadeModel, esri, supplier_impact
    from industwin.viz.firms import anonymise, esri_figures, esri_tables, tier_figures, tier_tables
    from industwin.viz.pages import write_page
    t0 = time.perf_counter()
    try:
        net = _network(edges, firms)
        ess = _essentiality(essentiality)
        model = CascadeModel(net, ess)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, transient=True) as prog:
            task = prog.add_task("ESRI of every firm", total=net.n)
            scores = esri(model, replaceable=replace, scheduler="distributed" if dask else None,
                          engine="torch" if gpu else "local", progress=lambda done: prog.update(task, completed=done))
        figs, tabs = [], {}
        if focal is not None:
            f = _id(net, focal)
            with step(f"tiers of firm {f}"):
                tm = tiers(net, f)
                figs, tabs = tier_figures(tm), tier_tables(tm, input_concentration(net, f, ess),
                                                         single_points_of_failure(net, f, ess),
                                                         supplier_impact(model, f, replaceable=replace))
    except (IndustwinError, KeyError) as e:
        _fail(e)
    out.mkdir(parents=True, exist_ok=True)
    scores.to_parquet(out / "esri.parquet")
    table = anonymise(scores, net.firms, reveal)
    _show(table.head(10), f"most systemic firms ({'ids' if reveal else 'anonymised'}; ESRI = share of sales lost)",
          10, "{:,.4g}")
    page = write_page(out / "report.html", f"Systemic risk of {net.n:,} firms ({net.links:,} links)",
                      esri_figures(table) + figs, {**esri_tables(table), **tabs},
                      f"ESRI after Diem et al. (2022), {'with' if replace else 'without'} supplier replacement. "
                      f"Generated by industwin {iw.__version__} from {edges.name}.")
    console.print(f"[green]wrote[/] {out.resolve()}/esri.parquet and {page.resolve()}  "
                  f"({time.perf_counter() - t0:.1f} s)")


@firms_app.command("tiers")
def firms_tiers(edges: Edges, firms: Firms, focal: Annotated[str, typer.Argument(help="focal firm id")],
                essentiality: EssOpt = None,
                max_tier: Annotated[int, typer.Option(help="deepest tier")] = 4,
                downstream: Annotated[bool, typer.Option(help="customers instead of suppliers")] = False,
                out: Out = None) -> None:
    """A focal firm's tiers 1..n, hidden dependencies, input concentration and single points of failure."""
    from industwin.analysis.firm_network import input_concentration, single_points_of_failure, tiers
    try:
        net = _network(edges, firms)
        ess = _essentiality(essentiality)
        f = _id(net, focal)
        tm = tiers(net, f, "downstream" if downstream else "upstream", max_tier)
        conc = input_concentration(net, f, ess)
        spof = single_points_of_failure(net, f, ess)
    except (IndustwinError, KeyError) as e:
        _fail(e)
    _show(tm.by_tier, f"firm {f}: value through each tier [{net.unit or 'value'}]", max_tier, "{:,.4g}")
    _show(tm.beyond_tier1, "industries reached beyond tier 1 (hidden dependence)", 10, "{:,.4g}")
    _show(conc, "inputs: suppliers, top share, HHI", 15, "{:,.3g}")
    _show(spof, "single points of failure of essential inputs", 15)
    if out:
        _write(tm.firms, out)


@firms_app.command("links")
def firms_links(edges: Edges, firms: Firms,
                hide: Annotated[float, typer.Option(help="share of links hidden for the evaluation")] = 0.2,
                seed: Annotated[int, typer.Option(help="random seed")] = 0,
                customer: Annotated[str | None, typer.Option(help="list the likeliest missing suppliers of this "
                                                                  "firm")] = None,
                out: Out = None) -> None:
    """Hidden-link prediction: evaluation (ROC-AUC, average precision) and a firm's likely missing suppliers."""
    from industwin.analysis.hidden_links import LinkPredictor, evaluate_link_prediction
    try:
        net = _network(edges, firms)
        with step("hiding links, training, scoring"):
            ev = evaluate_link_prediction(net, hide, seed=seed)
        _show(ev[["roc_auc", "average_precision", "positives", "negatives_n"]],
              "hidden links found (customer × supplier negatives are the honest test)", 10, "{:,.3f}")
        cands = None
        if customer is not None:
            c = _id(net, customer)
            with step(f"candidate suppliers of {c}"):
                cands = LinkPredictor(seed=seed).fit(net).candidates(net, c, top=15)
            _show(cands.set_index("supplier"), f"likeliest missing suppliers of {c}", 15, "{:,.3f}")
    except (IndustwinError, KeyError) as e:
        _fail(e)
    if out:
        _write(ev if cands is None else cands, out)


@firms_app.command("intervene")
def firms_intervene(edges: Edges, firms: Firms, focal: Annotated[str, typer.Argument(help="focal firm id")],
                    essentiality: EssOpt = None, replace: Replace = True,
                    second_supplier: Annotated[list[str] | None, typer.Option(
                        help="input industry that gets a second supplier (repeatable)")] = None,
                    stock: Annotated[float | None, typer.Option(help="days of input stock at the focal firm")] = None,
                    reshore: Annotated[str | None, typer.Option(
                        help="COLUMN=VALUE: buy at home what is bought elsewhere, e.g. region=USA")] = None,
                    out: Out = None) -> None:
    """Re-score after interventions around a focal firm and report the systemic risk each removes."""
    from industwin.analysis import firm_risk as fr
    try:
        net = _network(edges, firms)
        ess = _essentiality(essentiality)
        f = _id(net, focal)
        ivs = [fr.second_supplier(net, f, k) for k in (second_supplier or [])]
        if stock:
            ivs.append(fr.add_stock([f], stock))
        if reshore:
            col, _, home = reshore.partition("=")
            if not home:
                raise IndustwinError("--reshore takes COLUMN=VALUE, e.g. region=USA")
            kind = net.firms[col].dtype if col in net.firms.columns else object
            ivs.append(fr.reshore(net, f, pd.Series([home]).astype(kind).iloc[0], column=col))
        if not ivs:
            raise IndustwinError("name at least one intervention: --second-supplier, --stock or --reshore")
        with step(f"re-scoring {net.n:,} firms for {len(ivs) + 1} variants"):
            res = fr.assess_interventions(net, ess, ivs, focal=f, replaceable=replace)
    except (IndustwinError, KeyError, ValueError) as e:
        _fail(e)
    _show(res, "systemic risk (sum of ESRI) and the focal firm's exposure per intervention", 20, "{:,.4g}")
    if out:
        _write(res, out)


if __name__ == "__main__":  # pragma: no cover
    app()
