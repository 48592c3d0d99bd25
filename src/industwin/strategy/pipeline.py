"""A technology pipeline register: the technologies a strategy backs, how mature each is (its technology readiness
level, TRL 1–9), when it is expected on the market, and who funds which stage — and the analyses a report states.

The register is a CSV file, one technology a row (``docs/pipeline.md``)::

    id, name, sector, economy, trl, market_year, unit,
    public_research, private_research, public_development, private_development, public_deployment, private_deployment

Amounts are in the row's ``unit`` (a scale and an ISO currency, e.g. ``M EUR``), by stage: research (TRL 1–3),
development (4–6), demonstration & deployment (7–9), the bands of :data:`STAGES`. The nine levels are the EU's
(Horizon Europe Work Programme, General Annexes, Annex B), packaged in ``trl.yaml`` (:func:`trl_levels`).

Analyses: funding by stage, public and private (:func:`funding_by_stage`, :func:`funding_totals`); the public
share of each stage's money and where public money stops (:func:`public_shares`, :func:`funding_stops`); the
"valley of death" — technologies in development (TRL 4–6) whose public funding ends before demonstration while
private money for demonstration is short (:func:`valley_of_death`; Auerswald & Branscomb 2003); and the numbers a
report can state (:func:`pipeline_summary`). Amounts in different units are never added: totals are per unit,
unless :func:`convert` first puts the register into one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field

from industwin.data.schema import Schema
from industwin.errors import SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = [
    "AMOUNTS",
    "COLUMNS",
    "DOC",
    "SOURCES",
    "STAGES",
    "Technology",
    "check_register",
    "convert",
    "funding_by_stage",
    "funding_stops",
    "funding_totals",
    "pipeline_summary",
    "public_shares",
    "read_register",
    "trl_levels",
    "valley_of_death",
]

DOC = "docs/pipeline.md"
TRL_FILE = Path(__file__).with_name("trl.yaml")
STAGES: dict[str, tuple[int, int]] = {"research": (1, 3), "development": (4, 6), "deployment": (7, 9)}
SOURCES = ("public", "private")
AMOUNTS = tuple(f"{s}_{st}" for st in STAGES for s in SOURCES)
UNIT_PATTERN = r"^(?:(?:k|M|bn) )?[A-Z]{3}$"

Amount = Annotated[float, Field(ge=0, description="funding in the row's unit; 0 when none")]


class Technology(Schema):
    """One row of the register."""

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    sector: str = Field(min_length=1, description="the table's sector code, e.g. c12 (wiod2013)")
    economy: str = Field(min_length=1, description="the table's region code, e.g. DEU")
    trl: int = Field(ge=1, le=9, description="technology readiness level now (Horizon Europe Annex B)")
    market_year: int = Field(ge=1900, le=2200, description="year expected to reach TRL 9 / the market")
    unit: str = Field(pattern=UNIT_PATTERN, description="scale and ISO currency of the amounts, e.g. 'M EUR'")
    public_research: Amount
    private_research: Amount
    public_development: Amount
    private_development: Amount
    public_deployment: Amount
    private_deployment: Amount


COLUMNS = tuple(Technology.model_fields)


@lru_cache(maxsize=1)
def _trl() -> dict:
    import yaml
    return yaml.safe_load(TRL_FILE.read_text(encoding="utf-8"))


def trl_levels() -> pd.DataFrame:
    """The nine technology readiness levels with their official EU terms (Horizon Europe Work Programme, General
    Annexes, Annex B) and industwin's stage band; ``attrs["source"]`` cites the Annex."""
    d = _trl()
    rows = [{"level": lv["level"], "term": lv["term"], "stage": _stage_of(lv["level"])} for lv in d["levels"]]
    out = pd.DataFrame(rows).set_index("level")
    out.attrs["source"] = " ".join(d["source"].split())
    return out


def _stage_of(trl: int) -> str:
    return next(s for s, (lo, hi) in STAGES.items() if lo <= trl <= hi)


def read_register(src: Any) -> pd.DataFrame:
    """Read and validate a technology register (CSV, Parquet, Excel, or a DataFrame).

    Every column of :data:`COLUMNS` is required and no other is allowed; TRL a whole number 1–9; amounts finite
    and ≥ 0 (0 when a stage has no funding — a blank is an error, never a silent 0); ids unique. Every problem
    is listed with its file, line and field (:class:`~industwin.errors.ValidationError`). Returns one row per
    technology, indexed by ``id``, with ``stage`` (the band of its TRL) and ``trl_term`` (the EU's term) added;
    ``attrs["source"]`` names the file and ``attrs["units"]`` maps id → unit.
    """
    from industwin.data.io import line_of, read_table, records
    df = read_table(src, "technology register", text=("id", "name", "sector", "economy", "unit"))
    rows = records(df, Technology, doc=DOC)
    source = df.attrs["source"]
    ids = [r.id for r in rows]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValidationError([ValidationIssue(source, f"{line_of(df, ids.index(i, ids.index(i) + 1))}: id",
                                               f"technology id {i!r} given twice", "give every technology its own id")
                               for i in twice])
    out = pd.DataFrame([r.model_dump() for r in rows]).set_index("id")
    terms = trl_levels()["term"]
    out["stage"] = [_stage_of(t) for t in out["trl"]]
    out["trl_term"] = terms.reindex(out["trl"]).to_numpy()
    out.attrs["source"] = source
    out.attrs["units"] = dict(out["unit"])
    return out


def check_register(register: pd.DataFrame, regions, sectors, table: str = "the table") -> None:
    """Every technology's economy and sector are ``table``'s (``regions``, ``sectors``): all problems at once,
    each with the technology's id and the fix."""
    import difflib
    source = str(register.attrs.get("source", "technology register"))
    from industwin.data.mrio import economies
    regions, sectors = economies(regions), [str(s) for s in sectors]
    issues = []
    for col, valid, what in (("economy", regions, "economy"), ("sector", sectors, "sector")):
        bad = register[col][~register[col].astype(str).isin(valid)]
        for v, ids in bad.groupby(bad, sort=True).groups.items():     # one problem per wrong value
            near = difflib.get_close_matches(str(v), valid, n=3, cutoff=0.5)
            issues.append(ValidationIssue(source, col, f"{v!r} of {plain_list(list(ids), 3)} is no {what} of {table}"
                                          + (f" (did you mean {plain_list(near, 3)}?)" if near else ""),
                                          f"write one of {plain_list(valid, 8)}"))
    if issues:
        raise ValidationError(issues[:20])


def _checked(register: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in (*AMOUNTS, "trl", "unit") if c not in register.columns]
    if missing:
        raise SelectionError(f"the register lacks column(s) {plain_list(missing)}. Fix: read it with read_register")
    return register


def convert(register: pd.DataFrame, rates: Mapping[str, float], unit: str) -> pd.DataFrame:
    """The register with every amount in one ``unit``: ``a' = a · rates[u]`` for a row in unit ``u`` (e.g.
    ``rates={"M USD": 0.80, "M EUR": 1.0}``, ``unit="M EUR"``). The caller states the rates (a year's average,
    purchasing-power parities …); industwin holds none. Returns a new frame; the input is not changed."""
    reg = _checked(register)
    have = set(reg["unit"])
    missing = sorted(have - set(rates))
    if missing:
        raise SelectionError(f"no rate for unit(s) {plain_list(missing)}. Fix: give rates for "
                             f"{plain_list(sorted(have))}")
    bad = {u: r for u, r in rates.items() if not (np.isfinite(r) and r > 0)}
    if bad:
        raise SelectionError(f"rates must be finite and > 0; got {bad}. Fix: correct them")
    out = reg.copy()
    f = out["unit"].map(dict(rates)).astype(float)
    for c in AMOUNTS:
        out[c] = out[c].astype(float) * f
    out["unit"] = unit
    out.attrs = {**reg.attrs, "units": {i: unit for i in out.index}, "converted": dict(rates)}
    return out


def funding_by_stage(register: pd.DataFrame) -> pd.DataFrame:
    """Funding of each technology by stage and source: columns (stage, source) for the three stages and ``all``,
    sources ``public``, ``private``, ``total`` (``total = public + private``; ``all = Σ stages``). Amounts in each
    row's own unit (``attrs["units"]``: id → unit)."""
    reg = _checked(register)
    cols = {}
    for st in (*STAGES, "all"):
        for s in SOURCES:
            cols[(st, s)] = (reg[[f"{s}_{x}" for x in STAGES]].sum(axis=1) if st == "all"
                             else reg[f"{s}_{st}"]).astype(float)
        cols[(st, "total")] = cols[(st, "public")] + cols[(st, "private")]
    out = pd.DataFrame(cols, index=reg.index)
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["stage", "source"])
    out.attrs["units"] = dict(reg["unit"])
    return out


def funding_totals(register: pd.DataFrame) -> pd.DataFrame:
    """:func:`funding_by_stage` summed over technologies, one row per unit (amounts in different units are not
    added; :func:`convert` first for one total)."""
    f = funding_by_stage(register)
    out = f.groupby(register["unit"].to_numpy()).sum()
    out.index.name = "unit"
    out.attrs["units"] = {u: u for u in out.index}
    return out


def _ratio(num: pd.Series | pd.DataFrame, den: pd.Series | pd.DataFrame):
    with np.errstate(invalid="ignore", divide="ignore"):
        return (num / den).where(den > 0)


def _with_totals(per: pd.DataFrame, f: pd.DataFrame, units: pd.Series, make) -> pd.DataFrame:
    tot = f.groupby(units.to_numpy()).sum()
    rows = make(tot)
    rows.index = [f"total ({u})" for u in tot.index]
    return pd.concat([per, rows])


def public_shares(register: pd.DataFrame) -> pd.DataFrame:
    """The public share of each stage's funding, ``s_g = P_g / (P_g + R_g)`` (public ``P``, private ``R``, stage
    ``g``; NaN where a stage has no funding), per technology and, in rows ``total (<unit>)``, over all technologies
    of one unit (``Σ P_g / Σ (P_g + R_g)``). Cf. OECD Frascati Manual (2015) on sources of R&D funds."""
    f = funding_by_stage(register)

    def make(t: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({st: _ratio(t[(st, "public")], t[(st, "total")]) for st in (*STAGES, "all")})
    out = _with_totals(make(f), f, register["unit"], make)
    out.columns.name = "stage"
    out.attrs["units"] = "share of the stage's funding that is public"
    return out


def funding_stops(register: pd.DataFrame) -> pd.DataFrame:
    """Where public funding stops: per technology, the split of its public money over the stages,
    ``p_g = P_g / Σ_h P_h`` (NaN without public money), the last stage with public money (``public_until``),
    the stage it is in now (its TRL's band) and the public share of each stage (:func:`public_shares`); the rows
    ``total (<unit>)`` give the same over all technologies of a unit."""
    f = funding_by_stage(register)
    shares = public_shares(register)

    def make(t: pd.DataFrame) -> pd.DataFrame:
        pub = t.xs("public", axis=1, level="source")
        split = pd.DataFrame({f"public_split_{st}": _ratio(pub[st], pub["all"]) for st in STAGES})
        until = [next((st for st in reversed(STAGES) if pub.loc[i, st] > 0), "none") for i in pub.index]
        return split.assign(public_until=until)
    out = _with_totals(make(f), f, register["unit"], make)
    out["stage_now"] = register["stage"].reindex(out.index) if "stage" in register else \
        pd.Series([_stage_of(int(t)) for t in register["trl"]], index=register.index).reindex(out.index)
    out = out.join(shares.add_prefix("public_share_"))
    out.attrs["units"] = "shares (0–1) of money in each row's own unit"
    return out


def valley_of_death(register: pd.DataFrame, private_ratio: float = 0.5, public_drop: float = 0.25) -> pd.DataFrame:
    """Flag technologies in the "valley of death" between development and market (Auerswald & Branscomb 2003,
    *J. Technology Transfer* 28:227; European Commission High-Level Group on Key Enabling Technologies 2011).

    A technology is flagged when all three hold:

    * it is in development now: ``4 ≤ TRL ≤ 6``;
    * its public funding ends: ``P_dev > 0`` and ``P_dep ≤ public_drop · P_dev`` (public money for demonstration
      and deployment, TRL 7–9, is at most a quarter of what it had in development);
    * private money for demonstration is short: ``R_dep < private_ratio · (P_dev + R_dev)`` (below half of all its
      development funding — demonstration plants usually cost more than the development before them).

    Returns the numbers behind each test, the flags and ``shortfall = max(0, private_ratio · (P_dev + R_dev) −
    R_dep)`` (the private demonstration money missing to the threshold, in the row's unit)."""
    for name, v in (("private_ratio", private_ratio), ("public_drop", public_drop)):
        if not (np.isfinite(v) and v >= 0):
            raise SelectionError(f"{name} must be a finite number ≥ 0, got {v!r}. Fix: correct it")
    reg = _checked(register)
    pdev, rdev = reg["public_development"].astype(float), reg["private_development"].astype(float)
    pdep, rdep = reg["public_deployment"].astype(float), reg["private_deployment"].astype(float)
    in_dev = reg["trl"].between(4, 6)
    public_ends = (pdev > 0) & (pdep <= public_drop * pdev)
    need = private_ratio * (pdev + rdev)
    short = rdep < need
    out = pd.DataFrame({"trl": reg["trl"], "unit": reg["unit"], "public_development": pdev,
                        "private_development": rdev, "public_deployment": pdep, "private_deployment": rdep,
                        "in_development": in_dev, "public_ends": public_ends, "private_short": short,
                        "flag": in_dev & public_ends & short, "shortfall": (need - rdep).clip(lower=0.0)})
    out.attrs["units"] = dict(reg["unit"])
    out.attrs["rule"] = (f"TRL 4–6, public 7–9 ≤ {public_drop:g} × public 4–6 (and public 4–6 > 0), private 7–9 < "
                         f"{private_ratio:g} × all 4–6 funding")
    return out


def pipeline_summary(register: pd.DataFrame, private_ratio: float = 0.5, public_drop: float = 0.25) -> pd.Series:
    """The numbers a report can state: technologies by stage and economy, the median expected market year,
    funding by unit (total, public share, public share of each stage) and the valley-of-death flags
    (:func:`valley_of_death`) with their private shortfall."""
    reg = _checked(register)
    stage = reg["stage"] if "stage" in reg else pd.Series([_stage_of(int(t)) for t in reg["trl"]], index=reg.index)
    vod = valley_of_death(reg, private_ratio, public_drop)
    tot = funding_totals(reg)
    s: dict[str, Any] = {"technologies": len(reg)}
    for st in STAGES:
        s[f"technologies in {st} (TRL {STAGES[st][0]}–{STAGES[st][1]})"] = int((stage == st).sum())
    for e, n in reg["economy"].value_counts().sort_index().items():
        s[f"technologies of {e}"] = int(n)
    s["median expected market year"] = float(reg["market_year"].median())
    s["valley-of-death flags"] = int(vod["flag"].sum())
    s["flagged"] = ", ".join(vod.index[vod["flag"]])
    for u in tot.index:
        s[f"funding ({u})"] = float(tot.loc[u, ("all", "total")])
        s[f"public funding ({u})"] = float(tot.loc[u, ("all", "public")])
        s[f"public share ({u})"] = float(tot.loc[u, ("all", "public")] / tot.loc[u, ("all", "total")]) \
            if tot.loc[u, ("all", "total")] > 0 else np.nan
        for st in STAGES:
            t = tot.loc[u, (st, "total")]
            s[f"public share of {st} ({u})"] = float(tot.loc[u, (st, "public")] / t) if t > 0 else np.nan
        s[f"private shortfall of flagged technologies ({u})"] = float(vod.loc[vod["flag"] & (vod["unit"] == u),
                                                                                "shortfall"].sum())
    out = pd.Series(s, name="pipeline", dtype=object)
    out.attrs["units"] = "counts, years, amounts in the unit named in the key, shares 0–1"
    return out
