"""The rubric engine and the shipped rubrics."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.errors import ValidationFailed
from esj_review.core.lint import lint_rubric
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric, parse_rubric, shipped_rubrics
from tests.conftest import RUBRICS

KC_DATA: dict[str, Any] = yaml.safe_load((RUBRICS / "king-county-esj.yaml").read_text())


def kc_data() -> dict[str, Any]:
    return copy.deepcopy(KC_DATA)


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    for section in data["sections"]:
        for q in section["questions"]:
            if q["id"] == qid:
                return q  # type: ignore[no-any-return]
            for sub in q.get("questions", []):
                if sub["id"] == qid:
                    return sub  # type: ignore[no-any-return]
    raise KeyError(qid)


def lint_messages(data: dict[str, Any]) -> list[str]:
    """Every error the loader reports, rendered as the user sees it."""
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(data, "custom.yaml")
    return str(info.value).splitlines()


@pytest.mark.parametrize("ref", sorted(shipped_rubrics()))
def test_shipped_rubrics_lint_clean(ref: str) -> None:
    rubric = load_rubric(ref)
    report = lint_rubric(rubric)
    assert report.problems == []
    assert all(m.fixed or m.per_item for m in report.component_max.values())


def test_king_county_taxonomies_match_the_framework(kc: Rubric) -> None:
    core = [d for d in kc.determinants if not d.optional]
    assert len(core) == 14
    assert core[0].label == "Access to safe and efficient transportation"
    assert core[-1].label == "Community and public safety"
    optional = [d for d in kc.determinants if d.optional]
    assert [d.id for d in optional] == ["digital_equity"]
    assert len(kc.goal_areas) == 6
    assert len(kc.strategies) == 4
    assert len(kc.policy_areas) == 8
    assert {p.id for p in kc.populations} >= {"bipoc", "low_income", "limited_english"}
    assert all(item.source for item in kc.determinants + kc.goal_areas + kc.policy_areas)


def test_unverified_phase_wording_is_marked(kc: Rubric) -> None:
    phases = [s for s in kc.sections if s.phase]
    assert [s.id for s in phases] == ["scope", "assess", "analysis", "implement", "learn"]
    assert all(s.verified is False for s in phases)


def test_digital_equity_is_off_unless_enabled(kc: Rubric) -> None:
    touched = kc.question("determinants_touched")
    assert touched is not None
    assert "digital_equity" not in [c.id for c in kc.choices_for(touched)]
    assert "digital_equity" in [
        c.id for c in kc.choices_for(touched, frozenset({"digital_equity"}))
    ]


def test_content_hash_ignores_formatting(tmp_path: Path, kc: Rubric) -> None:
    reformatted = tmp_path / "kc.json"
    import json

    reformatted.write_text(json.dumps(KC_DATA, indent=4))
    assert load_rubric(reformatted).content_hash == kc.content_hash
    changed = kc_data()
    changed["scoring"]["components"][0]["weight"] = 36
    assert parse_rubric(changed, "x.yaml").content_hash != kc.content_hash


def test_when_naming_an_unknown_question_is_reported() -> None:
    data = kc_data()
    question(data, "geography_detail")["when"] = {"equals": {"question": "geografy", "value": "x"}}
    assert lint_messages(data) == [
        "custom.yaml: questions.geography_detail.when: "
        "names unknown question 'geografy' (or one that is asked later)"
    ]


def test_when_naming_a_later_question_is_reported() -> None:
    data = kc_data()
    question(data, "summary")["when"] = {"answered": "review_date"}
    assert "names unknown question 'review_date'" in lint_messages(data)[0]


def test_when_naming_an_unknown_choice_is_reported() -> None:
    data = kc_data()
    question(data, "geography_detail")["when"] = {"equals": {"question": "geography", "value": "x"}}
    messages = lint_messages(data)
    assert any("'geography' has no choice 'x'" in m for m in messages)


def test_question_that_can_never_be_shown_is_reported() -> None:
    data = kc_data()
    question(data, "geography_detail")["when"] = {
        "all": [
            {"equals": {"question": "geography", "value": "countywide"}},
            {"equals": {"question": "geography", "value": "unincorporated"}},
        ]
    }
    assert any("can never be shown" in m for m in lint_messages(data))


def test_duplicate_ids_are_reported() -> None:
    data = kc_data()
    data["sections"][0]["questions"].append(copy.deepcopy(question(data, "summary")))
    data["determinants"].append(copy.deepcopy(data["determinants"][0]))
    messages = lint_messages(data)
    assert "custom.yaml: questions: duplicate id 'summary'" in messages
    assert "custom.yaml: determinants: duplicate id 'transportation'" in messages


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([(75, 100), (50, 70), (0, 50)], "scores from 70 to 75 fall in no band"),
        ([(75, 100), (40, 80), (0, 40)], "overlap"),
        ([(75, 100), (10, 75)], "scores from 0 to 10 fall in no band"),
        ([(75, 95), (0, 75)], "scores from 95 to 100 fall in no band"),
    ],
)
def test_band_gaps_and_overlaps_are_reported(bands: list[tuple[int, int]], expected: str) -> None:
    data = kc_data()
    data["scoring"]["bands"] = [
        {"id": f"b{i}", "label": f"B{i}", "min": low, "max": high}
        for i, (low, high) in enumerate(bands)
    ]
    data["scoring"]["flags"] = []
    assert any(expected in m for m in lint_messages(data))


def test_schema_errors_name_the_field_by_id() -> None:
    data = kc_data()
    question(data, "geography")["type"] = "dropdown"
    question(data, "summary")["colour"] = "red"
    messages = lint_messages(data)
    assert any(
        m.startswith("custom.yaml: sections[scope].questions[geography].type: ") for m in messages
    )
    where = "custom.yaml: sections[proposal].questions[summary].colour"
    assert f"{where}: unknown field for a text question" in messages


def test_component_without_questions_is_reported() -> None:
    data = kc_data()
    data["scoring"]["components"].append({"id": "extra", "label": "Extra", "weight": 5})
    assert "custom.yaml: scoring.components.extra: no question scores into this component" in (
        lint_messages(data)
    )


def test_choice_ids_yaml_reads_as_booleans_are_reported() -> None:
    data = kc_data()
    question(data, "geography")["choices"][0]["id"] = "no"
    assert any("YAML reads this id as true/false" in m for m in lint_messages(data))


def test_rubric_models_are_frozen(kc: Rubric) -> None:
    with pytest.raises(ValueError):
        kc.sections[0].title = "changed"  # type: ignore[misc]
