"""Figures of jobs through the production network (plotly)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

__all__ = ["jobs_figures"]


def jobs_figures(by_final_demand: pd.DataFrame, exposure: pd.DataFrame, names: dict, unit: str) -> list[go.Figure]:
    """Jobs supported by each final demand, and where the jobs exposed to a transition sit."""
    f1 = go.Figure(go.Bar(x=by_final_demand.index.astype(str), y=by_final_demand.iloc[:, 0]))
    f1.update_layout(title=f"Jobs supported by each final demand [{unit}]", height=380)
    top = exposure.head(15).iloc[::-1]
    lab = [f"{s} {names.get(s, '')[:35]}" for s in top.index.get_level_values(-1)]
    f2 = go.Figure([go.Bar(y=lab, x=top["direct"], orientation="h", name="in carbon-intensive sectors"),
                    go.Bar(y=lab, x=top["supply_chain"], orientation="h", name="in their supply chains")])
    f2.update_layout(barmode="stack", title=f"Where the jobs exposed to a transition sit [{unit}]", height=520)
    return [f1, f2]
