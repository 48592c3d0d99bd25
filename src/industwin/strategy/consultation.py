"""A stakeholder consultation on the framework's priorities, like the paper's survey of officials and its
expert focus groups: a questionnaire, responses by stakeholder group from CSV, and agreement per priority and
group, placed beside the quantitative diagnosis.

Scores are 1 (not important) … 5 (essential). Per priority and group: respondents, mean score, the share who
rate it 4 or 5 (``support``) and the standard deviation; a priority is *consensus* when support is at least 2/3
and the spread across respondents is at most 1, and *contested* when group means differ by 1.5 or more or the
spread exceeds 1.25.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from industwin.errors import DataError, ValidationError, ValidationIssue
from industwin.strategy.knowledge import Framework, load_framework

__all__ = ["GROUPS", "questionnaire", "read_responses", "aggregate"]

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


def read_responses(path_or_df, framework: Framework | None = None, source: str = "responses") -> pd.DataFrame:
    """Survey responses (CSV or DataFrame: respondent, group, priority, score), every problem listed with
    its row: missing columns, unknown stakeholder groups or priorities, scores outside 1–5."""
    if isinstance(path_or_df, pd.DataFrame):
        df = path_or_df.copy()
    else:
        p = Path(path_or_df)
        if not p.exists():
            raise DataError(f"{p}: file not found")
        df, source = pd.read_csv(p), str(p)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValidationError([ValidationIssue(source, c, "column missing", f"give columns {list(COLUMNS)}")
                               for c in missing])
    fw = framework or load_framework()
    known = set(fw.priorities()["id"])
    issues = []
    score = pd.to_numeric(df["score"], errors="coerce")
    bad = score.isna() | (score < 1) | (score > 5) | (score != score.round())
    for i in df.index[bad][:20]:
        issues.append(ValidationIssue(source, f"row {i + 2}: score", f"{df.loc[i, 'score']!r} is not a whole "
                                      "number from 1 to 5", "score each priority 1 (not important) … 5 (essential)"))
    grp = df["group"].astype(str).str.strip().str.lower().str.replace(" ", "_")
    for i in df.index[~grp.isin(GROUPS)][:20]:
        issues.append(ValidationIssue(source, f"row {i + 2}: group", f"unknown stakeholder group "
                                      f"{df.loc[i, 'group']!r}", f"use one of {list(GROUPS)}"))
    for i in df.index[~df["priority"].isin(known)][:20]:
        issues.append(ValidationIssue(source, f"row {i + 2}: priority", f"unknown priority {df.loc[i, 'priority']!r}",
                                      "use the ids of industwin.strategy.consultation.questionnaire()"))
    if issues:
        raise ValidationError(issues)
    out = df.assign(group=grp, score=score.astype(int))
    return out[list(COLUMNS)]


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
