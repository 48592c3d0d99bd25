"""A stakeholder consultation on the framework's priorities, like the paper's survey of officials and its
expert focus groups: a questionnaire, responses by stakeholder group from CSV, and agreement per priority and
group, placed beside the quantitative diagnosis.

Scores are 1 (not important) … 5 (essential). Per priority and group: respondents, mean score, the share who
rate it 4 or 5 (``support``) and the standard deviation; a priority is *consensus* when support is at least 2/3
and the spread across respondents is at most 1, and *contested* when group means differ by 1.5 or more or the
spread exceeds 1.25.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from industwin.data.io import Issues, line_of, numbers, read_table, require_columns, texts
from industwin.errors import plain_list
from industwin.strategy.knowledge import Framework, load_framework

__all__ = ["GROUPS", "aggregate", "questionnaire", "read_responses"]

GROUPS = ("government", "industry", "research", "civil_society")
COLUMNS = ("respondent", "group", "priority", "score")


def questionnaire(framework: Framework | None = None, challenges=None) -> pd.DataFrame:
    """One question per priority of the framework (or of ``challenges``): how important it is for the
    strategy, on a 1–5 scale. Write it to CSV, collect one row per respondent and question."""
    fw = framework or load_framework()
    p = fw.priorities()
    if challenges is not None:
        p = p[p["challenge"].isin(list(challenges))]
    q = p[["challenge", "actor", "id", "title"]].rename(columns={"id": "priority"})
    q["question"] = [f"How important is '{t}' ({a} sector) for our industrial strategy? 1 = not important … "
                     "5 = essential" for t, a in zip(q["title"], q["actor"])]
    return q.reset_index(drop=True)


def read_responses(path_or_df, framework: Framework | None = None) -> pd.DataFrame:
    """Survey responses (CSV / Parquet / Excel or DataFrame: respondent, group, priority, score), every problem
    listed with its line: missing columns, blank cells, unknown stakeholder groups or priorities, scores outside
    1–5, a respondent who answers the same priority twice or sits in two groups (each person counts once)."""
    df = read_table(path_or_df, "survey file", text=("respondent", "group", "priority"))
    source = df.attrs.get("source", "survey")
    require_columns(df, COLUMNS, f"give columns {', '.join(COLUMNS)}")
    fw = framework or load_framework()
    known = set(fw.priorities()["id"])
    iss = Issues(source)
    who = texts(df, "respondent", iss, fix="give every answer its respondent's id")
    grp_raw = texts(df, "group", iss, fix="give every answer its respondent's stakeholder group")
    pri = texts(df, "priority", iss, fix="give every answer the priority id it scores")
    score = numbers(df, "score", iss, integer=True, fix="score each priority 1 (not important) … 5 (essential)")
    out_of_range = np.flatnonzero(np.isfinite(score) & ((score < 1) | (score > 5)))
    if len(out_of_range):
        iss.add("score", f"{len(out_of_range)} score(s) outside 1–5 ("
                + ", ".join(f"{line_of(df, k)}: {score[k]:g}" for k in out_of_range[:5]) + ")",
                "score each priority 1 (not important) … 5 (essential)")
    grp = grp_raw.str.lower().str.replace(" ", "_")
    bad = np.flatnonzero(grp.notna() & ~grp.isin(GROUPS))
    if len(bad):
        iss.add("group", f"{len(bad)} unknown stakeholder group(s) ("
                + ", ".join(f"{line_of(df, k)}: {grp_raw.iloc[k]!r}" for k in bad[:5]) + ")",
                f"use one of {', '.join(GROUPS)}")
    bad = np.flatnonzero(pri.notna() & ~pri.isin(known))
    if len(bad):
        iss.add("priority", f"{len(bad)} unknown priority id(s) ("
                + ", ".join(f"{line_of(df, k)}: {pri.iloc[k]!r}" for k in bad[:5]) + ")",
                "use the priority ids of the questionnaire (docs/strategy.md: "
                "industwin.strategy.consultation.questionnaire() lists them)")
    iss.raise_if_any()
    out = pd.DataFrame({"respondent": who.to_numpy(), "group": grp.to_numpy(), "priority": pri.to_numpy(),
                        "score": score.astype(int)})
    twice = out.duplicated(["respondent", "priority"], keep="first")
    if twice.any():
        k = np.flatnonzero(twice)
        iss.add("respondent/priority", f"{len(k)} answer(s) repeat a respondent's score of the same priority ("
                + ", ".join(f"{line_of(df, int(i))}: {out['respondent'].iloc[i]} on {out['priority'].iloc[i]}"
                            for i in k[:5]) + ")",
                "keep one answer per respondent and priority (each person counts once)")
    groups = out.groupby("respondent")["group"].nunique()
    split = groups[groups > 1]
    if len(split):
        iss.add("respondent/group", f"{len(split)} respondent(s) listed in more than one group, e.g. "
                f"{plain_list(split.index, 3)}", "give each respondent one stakeholder group")
    iss.raise_if_any()
    out.attrs["source"] = source
    return out


def aggregate(responses: pd.DataFrame, framework: Framework | None = None) -> pd.DataFrame:
    """Agreement per priority: respondents, mean, support (share scoring 4–5), spread, the mean of each
    stakeholder group, the gap between groups and a verdict (consensus / contested / mixed)."""
    fw = framework or load_framework()
    pri = fw.priorities().set_index("id")
    g = responses.groupby("priority")["score"]
    out = pd.DataFrame({"respondents": g.size(), "mean": g.mean(), "support": g.apply(lambda s: (s >= 4).mean()),
                        "spread": g.std(ddof=0)})
    by = responses.pivot_table(index="priority", columns="group", values="score", aggfunc="mean")
    for col in GROUPS:
        out[f"mean_{col}"] = by[col] if col in by.columns else float("nan")
    means = out[[f"mean_{c}" for c in GROUPS]]
    out["group_gap"] = means.max(axis=1) - means.min(axis=1)
    consensus = (out["support"] >= 2 / 3) & (out["spread"] <= 1.0)
    contested = (out["group_gap"] >= 1.5) | (out["spread"] > 1.25)
    out["verdict"] = ["contested" if c else ("consensus" if k else "mixed") for c, k in zip(contested, consensus)]
    out.insert(0, "title", pri.loc[out.index, "title"])
    out.insert(0, "challenge", pri.loc[out.index, "challenge"])
    return out.sort_values(["challenge", "mean"], ascending=[True, False])
