"""What the run writes for the paper: the TRIPOD+AI and PROBAST+AI checklists and the methods paragraph."""

from __future__ import annotations

import re

import pandas as pd

from runrisk.report import paper
from runrisk.stats.describe import table1


def test_tripod_ai_lists_all_27_items_and_probast_ai_its_four_domains():
    numbers = {int(re.match(r"\d+", item.item).group()) for item in paper.TRIPOD_AI}
    assert numbers == set(range(1, 28))
    assert len({item.item for item in paper.TRIPOD_AI}) == len(paper.TRIPOD_AI)  # no part twice
    assert {item.section for item in paper.PROBAST_AI} == {
        "Participants and data sources",
        "Predictors",
        "Outcome",
        "Analysis",
    }
    for item in paper.TRIPOD_AI + paper.PROBAST_AI:
        assert item.answered_by in (paper.RUN, paper.PARTLY, paper.HUMAN)
        assert item.where or item.answered_by == paper.HUMAN, item  # what the run answers, it says where


def frame() -> pd.DataFrame:
    rows = [("case", 30.0, "F", True), ("case", 40.0, "M", False), ("control", 50.0, "F", True)] * 4
    data = pd.DataFrame(rows, columns=["status", "age", "sex", "runner"])
    return data.assign(female=(data["sex"] == "F").astype(float))


def facts() -> dict:
    flow = pd.DataFrame(
        {
            "box": ["enrolled", "excluded: too few worn weeks", "analysed: case (x)", "analysed: strict control"],
            "n": [15, 3, 8, 4],
        }
    )
    validation = pd.DataFrame(
        {
            "metric": ["c_statistic", "calibration_slope"],
            "apparent": [0.71, 1.0],
            "corrected": [0.66, 0.81],
            "status": "fitted",
        }
    )
    size = pd.DataFrame({"verdict": ["n = 12 (8 events) falls short of the minimum of 507"]})
    settings = {
        "study": "a study",
        "synthetic": False,
        "config_sha256": "ab" * 32,
        "primary_limb": "R",
        "min_valid_stances": 3,
        "window": "pre_onset",
        "min_worn_weeks": 4,
        "follow_up_weeks": 52,
        "grace_weeks": 4,
        "case_icd10": ["M76.6"],
        "terms": ["Age (per 10 years)", "Female sex"],
        "method": "firth",
        "bootstrap": 200,
        "calibration_groups": 10,
        "sensitivity": {
            "lenient_controls": True,
            "whole_follow_up_exposure": False,
            "runners_only": True,
            "multiple_imputation": {"enabled": False},
            "tendon": {"enabled": False},
        },
    }
    revision = {"commit": "0123456789abcdef" * 2 + "01234567", "dirty": True}
    return paper.run_facts(settings, flow, table1(frame()), size, validation, revision)


def test_the_methods_paragraph_states_the_runs_own_numbers_and_choices():
    text = paper.render_methods(facts())
    assert "Of 15 enrolled participants, 12 were analysed: 8 cases and 4 strict controls" in text
    assert "3 (too few worn weeks)" in text
    assert "mean age of 40.0 years" in text and "67 % were women" in text  # the analysed rows, from Table 1
    assert "ICD-10 M76.6) within 52 weeks" in text and "at least 4 worn weeks" in text
    assert "falls short of the minimum of 507" in text
    assert "C-statistic 0.71 (optimism-corrected 0.66), calibration slope 0.81" in text
    assert "with lenient controls, on runners only." in text and "imputation" not in text
    assert "commit 0123456789ab with local changes" in text and "synthetic" not in text
    assert re.search(r"scipy \d+\.\d+", text)
    page = paper.methods_html(text)
    assert page.count("<p>") == 5 and "<strong>" not in page  # paragraphs, Markdown left as written


def test_checklists_point_at_the_runs_answers():
    tripod = paper.checklist(paper.TRIPOD_AI, facts()).set_index("item")
    assert "falls short of the minimum of 507" in tripod.at["10", "where"]
    assert "commit 0123456789ab" in tripod.at["18f", "where"]
    assert "the study's own raw files" in tripod.at["5a", "where"]
    assert tripod.at["20a", "where"].endswith("12 of 15 enrolled analysed (8 cases)")
    assert list(tripod.columns) == ["section", "topic", "asks", "answered_by", "where"]
