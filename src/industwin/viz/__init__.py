"""Plotly figure builders shared by the CLI pages, reports and the web application.

Every figure uses the ``industwin`` template: a colour-blind-safe colour cycle (Okabe & Ito 2008, extended by
three of Tol's muted colours for charts with many series)."""

import plotly.graph_objects as go
import plotly.io as pio

COLORWAY = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999", "#882255",
            "#44AA99"]
pio.templates["industwin"] = go.layout.Template(layout={"colorway": COLORWAY})
pio.templates.default = "plotly+industwin"
