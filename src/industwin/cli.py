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
from industwin.errors import IndustwinError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="industwin: a digital twin of an economy's production network (MRIO).")
console = Console()

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
        t.add_row(*map(str, ix), *[fmt.format(v) if isinstance(v, float | int) else str(v) for v in row])
    console.print(t)


def _fail(e: Exception) -> None:
    console.print(f"[red]error:[/] {e}")
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


@app.command()
def demo(region: Annotated[str, typer.Option(help="region to profile")] = "DEU", year: int = 2011,
         source: Annotated[str, typer.Option(help="dataset name or path")] = "wiod2013",
         html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-profile.html")) -> None:
    """The main job: a readable profile of one economy and a self-contained HTML page."""
    from industwin.analysis.profile import economy_profile
    from industwin.viz.pages import profile_figures, write_page

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
    notes = (f"Source: {m.meta.get('source', m.name)}. {m.meta.get('caveats', '')}. "
             f"Generated by industwin {iw.__version__}.")
    page = write_page(html, f"{region} {year}: production, sectors and supply-chain origins", profile_figures(p),
                      {"The economy": p.totals.to_frame(f"[{u}]"), "Sectors": p.sectors,
                       "Tier-1 inputs of manufacturing by origin": p.input_origin,
                       "Value added in manufactured final products by origin": p.value_added_origin,
                       "Value added: production vs consumption": p.value_added_trade.to_frame()}, notes)
    console.print(f"[green]wrote[/] {page.resolve()}  ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":  # pragma: no cover
    app()
