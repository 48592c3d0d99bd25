"""The consultation: questionnaire from the framework, responses validated, agreement computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from industwin.errors import ValidationError
from industwin.strategy.consultation import aggregate, questionnaire, read_responses


def test_questionnaire_covers_the_priorities():
    q = questionnaire()
    assert len(q) == 45 and q["priority"].is_unique          # 25 public + 20 private priorities
    assert len(questionnaire(challenges=["resilience"])) == 11


def test_agreement_by_hand(tmp_path):
    rows = []
    # stockpiling: government 5, 5; industry 4, 5 → consensus
    for r, g, s in [("g1", "government", 5), ("g2", "government", 5), ("i1", "industry", 4), ("i2", "industry", 5)]:
        rows.append({"respondent": r, "group": g, "priority": "stockpiling", "score": s})
    # data sharing regulation: government 5, 5 vs industry 1, 2 → contested
    for r, g, s in [("g1", "government", 5), ("g2", "government", 5), ("i1", "industry", 1), ("i2", "industry", 2)]:
        rows.append({"respondent": r, "group": g, "priority": "transparency_rules", "score": s})
    f = tmp_path / "responses.csv"
    pd.DataFrame(rows).to_csv(f, index=False)
    agg = aggregate(read_responses(f))
    s, t = agg.loc["stockpiling"], agg.loc["transparency_rules"]
    assert s["mean"] == pytest.approx(4.75) and s["support"] == 1.0 and s["verdict"] == "consensus"
    assert s["spread"] == pytest.approx(pd.Series([5, 5, 4, 5]).std(ddof=0))
    assert t["mean_government"] == 5 and t["mean_industry"] == 1.5 and t["group_gap"] == 3.5
    assert t["support"] == 0.5 and t["verdict"] == "contested"


def test_bad_survey_files(tmp_path):
    f = tmp_path / "r.csv"
    pd.DataFrame({"respondent": ["a"], "group": ["government"], "priority": ["stockpiling"]}).to_csv(f, index=False)
    with pytest.raises(ValidationError, match="'score': column missing"):
        read_responses(f)
    pd.DataFrame({"respondent": ["a", "b", "c"], "group": ["government", "aliens", "industry"],
                  "priority": ["stockpiling", "stockpiling", "teleportation"], "score": [6, 3, 2.5]}).to_csv(f, index=False)
    with pytest.raises(ValidationError) as e:
        read_responses(f)
    msg = str(e.value)
    assert "score(s) outside 1–5 (line 2: 6)" in msg and "not whole numbers (line 4: 2.5)" in msg
    assert "unknown stakeholder group(s) (line 3: 'aliens')" in msg and "(line 4: 'teleportation')" in msg
    # one person answering twice counts once: refused, with the line, rather than counted as two respondents
    pd.DataFrame({"respondent": ["a", "b", "a"], "group": ["government", "industry", "government"],
                  "priority": ["stockpiling"] * 3, "score": [5, 3, 1]}).to_csv(f, index=False)
    with pytest.raises(ValidationError, match=r"1 answer\(s\) repeat a respondent's score of the same priority "
                                              r"\(line 4: a on stockpiling\)"):
        read_responses(f)
    pd.DataFrame({"respondent": ["a", "a"], "group": ["government", "industry"],
                  "priority": ["stockpiling", "data_standards"], "score": [5, 3]}).to_csv(f, index=False)
    with pytest.raises(ValidationError, match=r"listed in more than one group, e.g. 'a'"):
        read_responses(f)
