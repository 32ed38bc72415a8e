"""What a rubric author or reviewer reads when something is wrong: schema messages (unknown
question types, fields a type does not have, missing types, bad conditions), the impact
method's lint, and where `check_input` says a problem is."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core import qtypes
from esj_review.core.checks import check_input, load_checked
from esj_review.core.errors import InputFileError, ValidationFailed
from esj_review.core.review import dump_review, parse_review
from tests.rubric_builder import build, rubric_data, rubric_errors, rubric_problems
from tests.test_mut_impact import QUESTIONS, SCORING

# --- schema messages ------------------------------------------------------------------------


def test_a_question_without_a_type_is_missing_its_type() -> None:
    assert rubric_errors(rubric_data({"id": "q", "prompt": "Q?"})) == [
        "sections[s].questions[q].type: required field is missing"
    ]


def test_a_repeated_question_without_a_type_is_named_by_its_path() -> None:
    data = rubric_data(
        {
            "id": "pick",
            "type": "multiselect",
            "prompt": "P?",
            "choices": [{"id": "a", "label": "A"}],
        },
        {
            "id": "rep",
            "type": "repeat",
            "prompt": "R",
            "over": "pick",
            "questions": [{"id": "sub", "prompt": "S?"}],
        },
    )
    assert rubric_errors(data) == [
        "sections[s].questions[rep].questions[sub].type: required field is missing"
    ]


def test_an_unknown_type_lists_the_registered_types() -> None:
    known = ", ".join(qtypes.KINDS)
    assert "text" in known and "'" not in known
    assert rubric_errors(rubric_data({"id": "q", "type": "essay", "prompt": "Q?"})) == [
        f"sections[s].questions[q].type: 'essay' is not a known type; expected one of: {known}"
    ]


def test_a_field_another_type_has_is_unknown_for_this_type() -> None:
    assert rubric_errors(rubric_data({"id": "q", "type": "text", "prompt": "Q?", "min": 1})) == [
        "sections[s].questions[q].min: unknown field for a text question"
    ]
    data = rubric_data()
    data["sections"][0]["colour"] = "red"
    assert rubric_errors(data) == ["sections[s].colour: unknown field"]


def test_a_condition_with_two_operators_says_so_without_echoing_it() -> None:
    when = {"equals": {"question": "yes", "value": True}, "answered": "yes"}
    data = rubric_data(
        {"id": "yes", "type": "bool", "prompt": "Y?", "score": {"component": "c", "yes_points": 1}},
        {"id": "q", "type": "text", "prompt": "Q?", "when": when},
    )
    assert rubric_errors(data) == [
        "sections[s].questions[q].when: a condition needs exactly one of "
        "all, any, not, equals, in, includes, answered"
    ]


def test_a_wrong_value_is_echoed_and_cut_at_60_characters() -> None:
    data = rubric_data()
    data["scoring"]["components"][0]["weight"] = "heavy"
    data["scoring"]["components"][0]["label"] = ["x" * 100]
    assert rubric_errors(data) == [
        f"scoring.components[c].label: Input should be a valid string (got ['{'x' * 58}...)",
        "scoring.components[c].weight: Input should be a valid number, unable to parse string "
        "as a number (got 'heavy')",
    ]


# --- the impact method's lint ---------------------------------------------------------------


def impact_data(**scoring: Any) -> dict[str, Any]:
    data = rubric_data(*QUESTIONS, scoring=copy.deepcopy(SCORING))
    for key, value in scoring.items():
        if value is None:
            data["scoring"].pop(key, None)
        else:
            data["scoring"][key] = value
    return data


def test_the_impact_model_needs_its_block_and_a_confidence_level_from_0() -> None:
    assert rubric_errors(
        impact_data(impact=None, confidence=[{"id": "all", "label": "All", "min": 0}])
    ) == ["scoring.impact: the impact model needs an `impact` block"]
    assert rubric_errors(impact_data(confidence=[{"id": "high", "label": "High", "min": 50}])) == [
        "scoring.confidence: needs a level from 0, so every review has one"
    ]
    assert rubric_errors(impact_data(confidence=None)) == [
        "scoring.confidence: needs a level from 0, so every review has one"
    ]
    only_zero = build(impact_data(confidence=[{"id": "all", "label": "All", "min": 0}]))
    assert [c.id for c in only_zero.scoring.confidence] == ["all"]
    # the weighted model needs neither
    assert build(rubric_data()).scoring.confidence == []


def test_an_adjustment_must_name_a_real_question_and_a_sound_condition() -> None:
    adjustment = {
        "id": "adj",
        "question": "ghost",
        "value": "some",
        "message": "M",
        "when": {"equals": {"question": "phantom", "value": "x"}},
    }
    assert rubric_errors(impact_data(adjustments=[adjustment])) == [
        "scoring.adjustments.adj.question: names unknown question 'ghost'",
        "scoring.adjustments.adj.when: names unknown question 'phantom' (or one that is asked "
        "later)",
    ]


def test_the_impact_repeat_must_be_a_repeat() -> None:
    scoring = copy.deepcopy(SCORING)
    scoring["impact"]["repeat"] = "funding"
    assert rubric_errors(impact_data(impact=scoring["impact"]))[0] == (
        "scoring.impact.repeat: 'funding' is not a repeat question"
    )


def test_an_effect_tested_once_per_review_cannot_name_an_items_question() -> None:
    scoring = copy.deepcopy(SCORING)
    scoring["impact"]["benefits"][0]["per_item"] = False
    assert rubric_errors(impact_data(impact=scoring["impact"])) == [
        "scoring.impact.benefits.gain.size.question: names unknown question 'size'",
        "scoring.impact.benefits.gain.weight.question: names unknown question 'reach'",
        "scoring.impact.benefits.gain.when: names unknown question 'direction' (or one that is "
        "asked later)",
    ]


def test_every_value_map_of_the_method_is_checked_where_it_is() -> None:
    scoring = copy.deepcopy(SCORING)
    impact = scoring["impact"]
    impact["burdens"][0]["when"] = {"equals": {"question": "nowhere", "value": "x"}}
    impact["burdens"][0]["mitigation"][1]["question"] = "nope"
    impact["benefit_factors"][0]["question"] = "unknown_factor"
    assert rubric_errors(impact_data(impact=impact)) == [
        "scoring.impact.burdens.harm.mitigation[1].question: names unknown question 'nope'",
        "scoring.impact.burdens.harm.when: names unknown question 'nowhere' (or one that is "
        "asked later)",
        "scoring.impact.benefit_factors[0].question: names unknown question 'unknown_factor'",
    ]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"values": {"small": -1, "large": 3}}, "size"),
        ({"otherwise": -0.5}, "size"),
        ({"answered": -2}, "weight"),
    ],
)
def test_value_maps_cannot_hold_negative_numbers(change: dict[str, Any], where: str) -> None:
    scoring = copy.deepcopy(SCORING)
    scoring["impact"]["benefits"][0][where].update(change)
    assert rubric_errors(impact_data(impact=scoring["impact"])) == [
        f"scoring.impact.benefits.gain.{where}: values cannot be negative"
    ]


def test_a_sound_impact_rubric_has_no_problems() -> None:
    assert rubric_problems(impact_data()) == []


# --- where check_input says a problem is -------------------------------------------------------


def review_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "esj-review/1",
        "rubric": {"id": "king-county-esj", "version": "1.0.0"},
        "proposal": {"id": "P-1", "title": "A proposal"},
        "answers": {"engagement_level": "consult"},
    }
    data.update(changes)
    return data


def test_a_review_file_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(dump_review(parse_review(review_data(), "x")), encoding="utf-8")
    checked = check_input(path)
    assert checked.source == str(path)
    assert checked.review.answers == {"engagement_level": "consult"}
    assert checked.rubric.version == "1.0.0"
    assert check_input(path, "named.yaml").source == "named.yaml"


def test_review_data_is_named_by_the_source_given_or_not_at_all() -> None:
    assert check_input(review_data()).source == ""
    assert check_input(review_data(), "row 3").source == "row 3"
    with pytest.raises(ValidationFailed) as info:
        check_input(review_data(proposal={"id": "P-1"}), "row 3")
    assert str(info.value) == "row 3: proposal.title: required field is missing"


def test_yaml_written_for_a_review_reads_back() -> None:
    text = dump_review(parse_review(review_data(), "x"))
    assert yaml.safe_load(text)["answers"] == {"engagement_level": "consult"}


def test_load_checked_returns_a_valid_review_with_its_warnings_or_raises_every_error() -> None:
    hidden = {"engagement_level": "consult", "geography_detail": "Kent"}
    review, rubric, warnings = load_checked(review_data(answers=hidden), "p.yaml")
    assert (review.proposal.id, rubric.version) == ("P-1", "1.0.0")
    assert [w.render() for w in warnings] == [
        "answers.geography_detail: warning: is answered but hidden (shown only when "
        "`geography` is one of 'council_districts', 'unincorporated', 'specific_places'), so it "
        "does not score"
    ]
    with pytest.raises(ValidationFailed) as info:
        load_checked(review_data(answers={"engagement_level": 3, "ghost": 1}), "p.yaml")
    assert [p.path for p in info.value.problems] == ["answers.ghost", "answers.engagement_level"]
    assert str(info.value).startswith("p.yaml: answers.ghost: unknown question id for this rubric")
    _, override, _ = load_checked(review_data(), "p.yaml", "king-county-esj@1.0.0")
    assert override.version == "1.0.0"
    with pytest.raises(InputFileError) as mismatch:
        load_checked(review_data(), "p.yaml", "king-county-esj")
    assert mismatch.value.problems[0].path == "rubric.version"
