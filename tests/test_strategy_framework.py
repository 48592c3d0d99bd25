"""The framework knowledge base: schema, the paper's figures found in the paper, own words, queries."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import DATA
from industwin.errors import SelectionError, ValidationError
from industwin.strategy.knowledge import FILE, load_framework

SEED = (DATA.parent / "seed").glob("*.txt")
TEXT = "\n".join(p.read_text(encoding="utf-8") for p in SEED)


def _words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9’']+", s.lower())


def test_framework_validates_and_has_the_papers_structure():
    fw = load_framework()
    assert [c.number for c in fw.challenges] == [1, 2, 3, 4, 5]
    assert [k.number for k in fw.case_studies] == list(range(1, 14))
    # the paper's Table 1: how many priorities per challenge and actor
    counts = {(c.id, len(c.key_issues), len(c.public_priorities), len(c.private_priorities)) for c in fw.challenges}
    assert counts == {("sustainability", 3, 5, 4), ("resilience", 2, 6, 5), ("technology", 3, 6, 5),
                      ("workforce", 3, 5, 3), ("social_value", 3, 3, 3)}
    assert fw.evidence_base["survey_officials"]["value"] == 32 and fw.evidence_base["focus_group_experts"]["value"] == 26


def test_every_figure_is_stated_in_the_paper():
    fw = load_framework()
    figures = [f for k in fw.case_studies for f in k.figures] + [f for c in fw.challenges for f in c.facts]
    assert len(figures) >= 45
    for f in figures:
        assert f.seed in TEXT, f"{f.label}: {f.seed!r} not in the paper"
        # the value is the first number of the phrase, in digits or words
        m = re.search(r"\d[\d,]*(?:\.\d+)?", f.seed)
        words = {"twenty-eight": 28, "eighteen": 18, "eight": 8, "six": 6, "five": 5}
        num = next((v for w, v in words.items() if f.seed.lower().startswith(w) or f" {w}" in f.seed.lower()),
                   float(m.group().replace(",", "")) if m else None)
        assert num == f.value, f"{f.label}: {f.value} vs {f.seed!r}"
    named = {(k.id, f.label): f.value for k in fw.case_studies for f in k.figures}
    assert named[("hybrit", "green steel capacity")] == 1.3 and named[("hybrit", "CO2 avoided in the first ten years")] == 14
    assert named[("tmuk", "annual energy saved (paint-booth kaizen and heat recovery)")] == 18
    assert named[("tmuk", "annual emissions avoided (same measures)")] == 3300
    assert named[("mep", "total staff")] == 1400 and named[("mep", "states covered")] == 50
    assert named[("future_factories", "lower operating costs")] == 21


def test_descriptions_are_in_our_own_words():
    # no run of 8 words of any title or summary appears in the paper
    seed_words = _words(TEXT)
    grams = {" ".join(seed_words[i:i + 8]) for i in range(len(seed_words) - 7)}
    fw = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    texts = []
    for c in fw["challenges"]:
        texts.append(c["summary"])
        for key in ("key_issues", "public_priorities", "private_priorities", "debates"):
            texts += [i["summary"] for i in c[key]]
    texts += [k["summary"] for k in fw["case_studies"]]
    for t in texts:
        w = _words(t)
        copied = [" ".join(w[i:i + 8]) for i in range(len(w) - 7) if " ".join(w[i:i + 8]) in grams]
        assert not copied, f"copied from the paper: {copied[0]!r}"


def test_queries():
    fw = load_framework()
    p = fw.priorities("resilience", actor="public")
    assert "stockpiling" in set(p["id"]) and (p["actor"] == "public").all() and len(p) == 6
    fin = fw.priorities(instrument="finance", income="low")
    assert "affordability_developing" in set(fin["id"]) and "innovation_hubs" not in set(fin["id"])
    cases = fw.cases(challenge="workforce")
    assert list(cases["id"]) == ["tamil_nadu", "empresa_centro", "unist_ai"]
    assert set(fw.cases(income="lower-middle")["id"]) >= {"senai_sp", "tamil_nadu", "empresa_centro", "better_work"}
    assert "hybrit" in set(fw.cases(instrument="finance")["id"])
    with pytest.raises(SelectionError, match="unknown instrument"):
        fw.priorities(instrument="magic")
    with pytest.raises(SelectionError, match="unknown challenge"):
        fw.challenge("space")


def test_a_broken_knowledge_base_is_refused(tmp_path):
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    data["case_studies"][0]["instruments"] = ["bribery"]
    data["case_studies"][1]["challenge"] = "nowhere"
    bad = tmp_path / "fw.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="case_studies.0.instruments.0"):
        load_framework(bad)
    data["case_studies"][0]["instruments"] = ["finance"]
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown challenge"):
        load_framework(bad)
