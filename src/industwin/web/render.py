"""Rendering for the web application's pages: labelled tables as HTML (labels escaped), a job's result blocks,
the inlined plotly.js swapped for the server's copy, the table's economies and sectors, and the refusal that
becomes an error page."""

from __future__ import annotations

import hashlib
import html as html_mod
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from industwin.application.catalog import Lens, lens
from industwin.errors import IndustwinError
from industwin.web.forms import controls
from industwin.web.store import Answer, Job, Store, StoredFile

log = logging.getLogger("industwin.web")
SAFE_NAME = re.compile(r"[^\w.-]+")
FILE_KEYS = ("path", "file")     # keys of a YAML file that name a file on the server: refused from uploads


class Refused(Exception):
    """A request refused with a message for the page (status 4xx)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def no_server_paths(path: Path, name: str) -> None:
    """A scenario or plan sent to the server may not name files on it (a table ``path``, an emissions ``file``):
    on the web, tables are named datasets and files are uploaded."""
    import yaml

    def walk(obj, where: str):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k in FILE_KEYS and v is not None:
                    raise Refused(400, f"{name}: '{where}{k}' names a file on the server; on the web, tables are "
                                        "the named datasets (table: {dataset: wiod2013, year: 2011}). Fix: remove "
                                        f"'{where}{k}'")
                walk(v, f"{where}{k}.")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{where[:-1]}[{i}].")
    try:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), "")
    except (yaml.YAMLError, UnicodeDecodeError):
        pass                                   # the reader has accepted it; nothing more to check


def economy_or_404(code: str) -> None:
    if code not in dict(regions()) or code == "RoW":
        raise Refused(404, f"no economy {code!r} in WIOD 2013. Fix: choose one on the datasets page")


def lens_or_404(name: str) -> Lens:
    try:
        return lens(name)
    except IndustwinError as e:
        raise Refused(404, str(e)) from None


def stored_files(store: Store, ln: Lens, org: str | None = None) -> dict[str, list[StoredFile]]:
    """The owner's stored files a lens's uploads can be chosen from."""
    return {f: store.files(kind, org) for f, kind in ln.uploads.items()}


def lens_form_of(store: Store, name: str, org: str | None = None) -> dict[str, Any]:
    ln = lens(name)
    return {"ln": ln, "controls": controls(ln), "stored": stored_files(store, ln, org)}


def summary(obj: Any) -> str:
    """A few words on an accepted file (rows, columns)."""
    if isinstance(obj, pd.DataFrame | pd.Series):
        return f"{len(obj):,} row{'s' if len(obj) != 1 else ''}"
    if isinstance(obj, list):
        return f"{len(obj):,} line{'s' if len(obj) != 1 else ''}"
    for attr in ("n", "name"):
        if hasattr(obj, attr):
            v = getattr(obj, attr)
            return f"{v:,} firms" if attr == "n" else str(v)
    return type(obj).__name__


def short(v: Any) -> str:
    """An input value in a few characters: a run of years as a range, a stored file by its name."""
    if isinstance(v, list) and len(v) > 2 and all(isinstance(x, int) for x in v) and v == list(range(v[0], v[-1] + 1)):
        return f"{v[0]}–{v[-1]}"
    if isinstance(v, list):
        return ",".join(map(str, v))
    if isinstance(v, str) and "/files/" in v:
        return v.rsplit("/", 1)[-1]
    return str(v)


def stress(text: str) -> str:
    """A result sentence as HTML: escaped, ``**x**`` in bold."""
    from markupsafe import Markup
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html_mod.escape(text)))


def html_table(df: pd.DataFrame, fmt: str, rows: int | None = None) -> str:
    """A labelled table as HTML: every index label repeated on its row, text left-aligned, numbers in the
    result's format (large ones with thousands separators rather than exponents)."""
    df = df if rows is None else df.head(rows)

    def f(v):
        if isinstance(v, float | int) and not isinstance(v, bool):
            try:
                if "g" in fmt and abs(v) >= 1e4 and abs(v) < 1e15:
                    return f"{v:,.0f}"
                return fmt.format(v)
            except (ValueError, TypeError):
                return str(v)
        return f'<span class="l">{html_mod.escape(str(v))}</span>'
    out = df.copy(deep=False)
    out.index, out.columns = escaped(out.index), escaped(out.columns)
    return out.to_html(formatters=[f] * out.shape[1], escape=False, border=0, classes="t", na_rep="–",
                       sparsify=False)


def escaped(ix: pd.Index) -> pd.Index:
    """Index labels (and names) as escaped text: cells are escaped by the formatter, labels here."""
    def e(v):
        return None if v is None else html_mod.escape(str(v))
    if isinstance(ix, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(e(v) for v in t) for t in ix], names=[e(n) for n in ix.names])
    return pd.Index([e(v) for v in ix], name=e(ix.name), dtype=object)


def blocks(job: Job, folder: Path) -> list[dict[str, Any]]:
    out = []
    for b in (job.result or {}).get("blocks", []):
        if "table" in b:
            df = pd.read_parquet(folder / "tables" / f"{b['table']}.parquet")
            out.append({"table": b["table"], "title": b["title"], "html": html_table(df, b["fmt"], b["rows"]),
                        "rows": len(df), "shown": min(len(df), b["rows"])})
        elif b["text"].startswith("— ") and b["text"].endswith(" —"):
            out.append({"heading": b["text"][2:-2]})
        else:
            out.append({"text": b["text"]})
    return out


def file_view(path: str) -> dict[str, str]:
    suffix = Path(path).suffix.lower()
    kind = {".html": "page", ".pdf": "pdf", ".parquet": "table", ".csv": "table"}.get(suffix, "file")
    return {"path": path, "kind": kind, "name": Path(path).name}


@lru_cache(maxsize=1)
def plotly_js() -> str:
    from industwin.viz.pages import plotly_js
    return plotly_js()


def local_plotly(text: str) -> str:
    """A self-contained page with its inlined plotly.js replaced by the server's copy (one download, cached)."""
    bundle = plotly_js()
    if bundle in text:
        text = text.replace(bundle, "", 1).replace(
            "<head>", '<head><script src="/static/plotly.min.js"></script>', 1)
    return text


@lru_cache(maxsize=1)
def wiod_labels() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """WIOD 2013's economies and sectors (code, name), read once from its latest table."""
    from industwin.data.registry import load
    from industwin.data.supplier_sites import COUNTRY_NAMES
    try:
        m = load("wiod2013")
    except IndustwinError:                    # no data folder: the pages still open, the jobs say why
        return [], []
    names = {**COUNTRY_NAMES, "RoW": "Rest of the world", "TWN": "Taiwan", "ROM": "Romania"}
    return ([(r, names.get(r, r)) for r in sorted(m.regions)],
            [(c, m.sector_label(c)) for c in m.sectors])


def regions() -> list[tuple[str, str]]:
    return wiod_labels()[0]


def sectors() -> list[tuple[str, str]]:
    return wiod_labels()[1]


@lru_cache(maxsize=1)
def datasets() -> list[str]:
    from industwin.data.registry import list_datasets
    return [d.name for d in list_datasets()]


def answers_file(home: Path, economy: str, answers: list[Answer]) -> Path:
    """The stored answers as the report's survey file (content-addressed, so identical answers → one job)."""
    df = pd.DataFrame([{"respondent": a.respondent, "group": a.group, "priority": a.priority, "score": a.score}
                       for a in answers])
    text = df.to_csv(index=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    p = home / "files" / f"consultation-{SAFE_NAME.sub('_', economy)}-{digest}.csv"
    if not p.exists():
        p.write_text(text, encoding="utf-8")
    return p


def agreement(answers: list[Answer]) -> str | None:
    """Agreement per priority and stakeholder group, as the report shows it."""
    if not answers:
        return None
    from industwin.application.strategy import consultation_agreement
    df = pd.DataFrame([{"respondent": a.respondent, "group": a.group, "priority": a.priority, "score": a.score}
                       for a in answers])
    agg = consultation_agreement(df)
    return html_table(agg, "{:,.2f}")
