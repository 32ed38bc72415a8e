"""Every rule `esj-review validate` applies to a review, at its boundaries.

Each test builds a small rubric as data and checks the messages a user sees (`path: message`),
so a rule that is dropped, loosened or tightened by one makes a test fail.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.checks import check_review, rubric_for
from esj_review.core.errors import InputFileError
from esj_review.core.files import parse_data
from esj_review.core.review import parse_review
from tests.rubric_builder import YES, build, problems, review, rubric_data

CHOICES: Any = [
    {"id": "a", "label": "Alpha", "points": 1},
    {"id": "b", "label": "Beta", "points": 2},
]


def one(question: dict[str, Any], *more: dict[str, Any], **fields: Any) -> Any:
    """A rubric holding `question` (and the scored bool the default component needs)."""
    return build(rubric_data(question, *more, YES, **fields))


# --- text ------------------------------------------------------------------------------------

TEXT: Any = {"id": "t", "type": "text", "prompt": "Text?", "max_length": 5}


def test_text_at_most_max_length_characters() -> None:
    rubric = one(TEXT)
    assert problems(rubric, {"t": "12345"}) == []
    assert problems(rubric, {"t": "123456"}) == ["answers.t: is 6 characters; at most 5 allowed"]


@pytest.mark.parametrize("value", [5, 1.5, True, ["x"], {"x": 1}])
def test_text_must_be_text(value: Any) -> None:
    assert problems(one(TEXT), {"t": value}) == ["answers.t: expected text (put it in quotes)"]


def test_a_null_or_empty_answer_is_not_an_error() -> None:
    rubric = one(TEXT)
    assert problems(rubric, {"t": None}) == []
    assert problems(rubric, {"t": ""}) == []


# --- select, scale, multiselect ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["select", "scale"])
def test_select_takes_one_listed_choice(kind: str) -> None:
    rubric = one({"id": "q", "type": kind, "prompt": "Q?", "choices": CHOICES})
    assert problems(rubric, {"q": "b"}) == []
    expected = "answers.q: 'c' is not a choice; expected one of: a, b"
    assert problems(rubric, {"q": "c"}) == [expected]
    assert problems(rubric, {"q": ["a"]}) == [
        "answers.q: ['a'] is not a choice; expected one of: a, b"
    ]
    assert problems(rubric, {"q": "Alpha"}) == [
        "answers.q: 'Alpha' is not a choice; expected one of: a, b"
    ]


MULTI: Any = {"id": "m", "type": "multiselect", "prompt": "M?", "choices": CHOICES}


@pytest.mark.parametrize("value", ["a", 1, ["a", 1], {"a": True}])
def test_multiselect_takes_a_list_of_ids(value: Any) -> None:
    assert problems(one(MULTI), {"m": value}) == [
        "answers.m: expected a list of choices from: a, b"
    ]


def test_multiselect_choices_must_be_listed_and_not_repeated() -> None:
    rubric = one(MULTI)
    assert problems(rubric, {"m": ["a", "b"]}) == []
    assert problems(rubric, {"m": ["a", "z", "y"]}) == [
        "answers.m: 'z' is not a choice; expected some of: a, b"
    ]
    assert problems(rubric, {"m": ["a", "a"]}) == ["answers.m: lists a choice twice"]
    assert problems(rubric, {"m": ["b", "a", "b"]}) == ["answers.m: lists a choice twice"]


def test_min_selected_counts_chosen_choices_but_allows_none() -> None:
    three = [*CHOICES, {"id": "c", "label": "Gamma"}]
    rubric = one({**MULTI, "choices": three, "min_selected": 2})
    assert problems(rubric, {"m": ["a"]}) == ["answers.m: choose at least 2"]
    assert problems(rubric, {"m": ["a", "b"]}) == []
    assert problems(rubric, {"m": ["a", "b", "c"]}) == []
    assert problems(rubric, {"m": []}) == []  # not answered yet: a gap, not an error


def test_taxonomy_choices_offer_optional_items_only_when_enabled() -> None:
    data = rubric_data(
        {"id": "d", "type": "multiselect", "prompt": "D?", "choices_from": "determinants"},
        YES,
        determinants=[
            {"id": "housing", "label": "Housing"},
            {"id": "digital", "label": "Digital equity", "optional": True},
        ],
    )
    rubric = build(data)
    assert problems(rubric, {"d": ["housing", "digital"]}) == [
        "answers.d: 'digital' is not a choice; expected some of: housing"
    ]
    assert problems(rubric, {"d": ["housing", "digital"]}, enable=["digital"]) == []


# --- number ------------------------------------------------------------------------------

NUMBER: Any = {"id": "n", "type": "number", "prompt": "N?", "min": 10, "max": 20.5}


def test_number_range_is_inclusive() -> None:
    rubric = one(NUMBER)
    for ok in (10, 10.0, 15, 20.5):
        assert problems(rubric, {"n": ok}) == [], ok
    assert problems(rubric, {"n": 9.999}) == ["answers.n: must be at least 10"]
    assert problems(rubric, {"n": 20.51}) == ["answers.n: must be at most 20.5"]


def test_number_without_bounds_takes_any_finite_number() -> None:
    rubric = one({"id": "n", "type": "number", "prompt": "N?"})
    assert problems(rubric, {"n": -1e12}) == []
    assert problems(rubric, {"n": 0}) == []
    assert problems(rubric, {"n": 1e12}) == []


@pytest.mark.parametrize("value", [True, False, "12", [12], None])
def test_number_must_be_a_number(value: Any) -> None:
    found = problems(one(NUMBER), {"n": value})
    assert found == ([] if value is None else ["answers.n: expected a number"])


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_number_must_be_finite(value: float) -> None:
    rubric = one({"id": "n", "type": "number", "prompt": "N?"})
    assert problems(rubric, {"n": value}) == ["answers.n: expected a finite number"]


def test_integer_numbers_take_whole_numbers_even_as_floats() -> None:
    rubric = one({**NUMBER, "integer": True})
    assert problems(rubric, {"n": 12}) == []
    assert problems(rubric, {"n": 12.0}) == []
    assert problems(rubric, {"n": 12.5}) == ["answers.n: expected a whole number"]
    assert problems(one(NUMBER), {"n": 12.5}) == []


# --- date and bool -------------------------------------------------------------------------

DATE: Any = {"id": "d", "type": "date", "prompt": "When?"}


@pytest.mark.parametrize("value", ["2027-1-05", "27-01-05", "2027/01/05", "2027-01-05x", 20270105])
def test_date_must_be_written_yyyy_mm_dd(value: Any) -> None:
    assert problems(one(DATE), {"d": value}) == ["answers.d: expected a date as YYYY-MM-DD"]


def test_date_must_exist() -> None:
    rubric = one(DATE)
    assert problems(rubric, {"d": "2028-02-29"}) == []
    assert problems(rubric, {"d": "2027-02-29"}) == ["answers.d: is not a real date (YYYY-MM-DD)"]
    assert problems(rubric, {"d": "2027-13-01"}) == ["answers.d: is not a real date (YYYY-MM-DD)"]


def test_dates_read_from_yaml_are_checked_as_text() -> None:
    rubric = one(DATE)
    text = (
        "format: esj-review/1\nrubric: {id: test-rubric, version: 1.0.0}\n"
        "proposal: {id: P-1, title: T}\nanswers:\n  d: 2027-02-31\n"
    )
    bad = parse_review(parse_data(text, "r.yaml"), "r.yaml")
    assert [p.render() for p in check_review(rubric, bad)] == [
        "answers.d: is not a real date (YYYY-MM-DD)"
    ]
    good = parse_review(parse_data(text.replace("02-31", "02-28"), "r.yaml"), "r.yaml")
    assert good.answers["d"] == "2027-02-28"
    assert check_review(rubric, good) == []


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "no"])
def test_bool_takes_true_or_false_only(value: Any) -> None:
    rubric = one({"id": "b", "type": "bool", "prompt": "B?"})
    assert problems(rubric, {"b": value}) == ["answers.b: expected yes or no (true or false)"]
    assert problems(rubric, {"b": False}) == []


# --- repeat --------------------------------------------------------------------------------

OVER: Any = {"id": "over", "type": "multiselect", "prompt": "Which?", "choices": CHOICES}
REPEAT: Any = {
    "id": "rep",
    "type": "repeat",
    "prompt": "For each",
    "over": "over",
    "questions": [{"id": "how", "type": "select", "prompt": "How?", "choices": CHOICES}],
}


def test_repeat_answers_are_a_mapping_of_chosen_items() -> None:
    rubric = one(OVER, REPEAT)
    assert problems(rubric, {"over": ["a"], "rep": {"a": {"how": "b"}}}) == []
    assert problems(rubric, {"over": ["a"], "rep": ["a"]}) == [
        "answers.rep: expected a mapping of item id to answers"
    ]
    assert problems(rubric, {"over": ["a"], "rep": {"z": {"how": "a"}}}) == [
        "answers.rep.z: is not a choice of 'over'",
        "answers.rep.z.how: warning: is answered but hidden "
        "('z' is not chosen in 'over'), so it does not score",
    ]
    assert problems(rubric, {"over": ["a"], "rep": {"a": "b"}}) == [
        "answers.rep.a: expected a mapping of question id to answer"
    ]
    assert problems(rubric, {"over": ["a"], "rep": {"a": {"how": "a", "why": "x"}}}) == [
        "answers.rep.a.why: unknown question id for this rubric"
    ]


def test_repeat_sub_answers_are_checked_by_their_own_rules() -> None:
    rubric = one(OVER, REPEAT)
    assert problems(rubric, {"over": ["a", "b"], "rep": {"b": {"how": "q"}}}) == [
        "answers.rep.b.how: 'q' is not a choice; expected one of: a, b"
    ]


def test_repeat_item_not_chosen_is_hidden() -> None:
    rubric = one(OVER, REPEAT)
    assert problems(rubric, {"over": ["a"], "rep": {"b": {"how": "a"}}}) == [
        "answers.rep.b.how: warning: is answered but hidden "
        "('b' is not chosen in 'over'), so it does not score"
    ]


# --- hidden answers ------------------------------------------------------------------------

GATE: Any = {"id": "g", "type": "select", "prompt": "G?", "choices": CHOICES}


def test_an_answer_to_a_hidden_question_is_a_warning() -> None:
    when = {"equals": {"question": "g", "value": "a"}}
    rubric = one(GATE, {**TEXT, "when": when})
    assert problems(rubric, {"g": "a", "t": "x"}) == []
    assert problems(rubric, {"g": "b", "t": "x"}) == [
        "answers.t: warning: is answered but hidden (shown only when `g` is 'a'), "
        "so it does not score"
    ]
    assert problems(rubric, {"g": "b", "t": " "}) == []  # blank: nothing is lost
    # an invalid hidden answer is reported as invalid, once
    assert problems(rubric, {"g": "b", "t": 7}) == ["answers.t: expected text (put it in quotes)"]


def test_a_hidden_section_names_its_condition() -> None:
    when = {"equals": {"question": "proposal.kind", "value": "budget"}}
    data = rubric_data(YES)
    data["sections"].append({"id": "s2", "title": "Budget", "when": when, "questions": [TEXT]})
    rubric = build(data)
    assert problems(rubric, {"t": "x"}, kind="budget") == []
    assert problems(rubric, {"t": "x"}, kind="program") == [
        "answers.t: warning: is answered but hidden "
        "(shown only when `proposal.kind` is 'budget'), so it does not score"
    ]


def test_errors_come_before_warnings() -> None:
    when = {"equals": {"question": "g", "value": "a"}}
    rubric = one(GATE, {**TEXT, "id": "h", "when": when}, {**TEXT, "when": when})
    found = problems(rubric, {"g": "b", "h": "x", "t": "x", "yes": "no"})
    assert [line.split(":")[0] for line in found] == ["answers.yes", "answers.h", "answers.t"]
    assert "warning" not in found[0] and "warning" in found[1] and "warning" in found[2]


# --- the review as a whole -----------------------------------------------------------------


def test_enable_names_only_optional_items() -> None:
    data = rubric_data(
        YES,
        goal_areas=[
            {"id": "health", "label": "Health"},
            {"id": "digital", "label": "Digital", "optional": True},
        ],
    )
    rubric = build(data)
    assert problems(rubric, {}, enable=["digital"]) == []
    assert problems(rubric, {}, enable=["health", "nope"]) == [
        "rubric.enable: 'health' is not an optional rubric item",
        "rubric.enable: 'nope' is not an optional rubric item",
    ]


def test_proposal_kind_must_be_listed() -> None:
    rubric = build(rubric_data())
    assert problems(rubric, {}, kind="budget") == []
    assert problems(rubric, {}) == []
    assert problems(rubric, {}, kind="plan") == [
        "proposal.kind: 'plan' is not one of: program, budget"
    ]


def test_unknown_answers_are_named_one_by_one() -> None:
    rubric = build(rubric_data())
    answers = {f"u{i}": 1 for i in range(5)}
    assert problems(rubric, answers) == [
        f"answers.u{i}: unknown question id for this rubric" for i in range(5)
    ]


def test_mostly_unknown_answers_suggest_another_rubric() -> None:
    known = [{"id": f"k{i}", "type": "text", "prompt": "K?"} for i in range(6)]
    rubric = one(*known)
    six = {f"u{i}": 1 for i in range(6)}
    assert problems(rubric, {**six, "yes": True, **{f"k{i}": "x" for i in range(4)}}) == [
        "answers: 6 of 11 answers are not questions of rubric test-rubric 1.0.0 "
        "(first: 'u0'); was this review written for another rubric?"
    ]
    # half unknown (6 of 12) or only 5 unknown: each is named
    half = {**six, "yes": True, **{f"k{i}": "x" for i in range(5)}}
    assert len(problems(rubric, half)) == 6
    five = {f"u{i}": 1 for i in range(5)}
    assert len(problems(rubric, five)) == 5


# --- which rubric a review names -------------------------------------------------------------


@pytest.fixture
def rubric_file(tmp_path: Path) -> Path:
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(rubric_data()))
    return path


def test_rubric_for_checks_id_and_version(rubric_file: Path) -> None:
    assert rubric_for(review(), "r.yaml", str(rubric_file)).id == "test-rubric"
    other = review().model_copy(update={"rubric": review().rubric.model_copy()})
    other.rubric.id = "other-rubric"
    with pytest.raises(InputFileError) as info:
        rubric_for(other, "r.yaml", str(rubric_file))
    assert (
        info.value.message
        == "r.yaml: rubric.id: written for rubric 'other-rubric', not 'test-rubric'"
    )
    old = review()
    old.rubric.version = "0.9.0"
    with pytest.raises(InputFileError) as info:
        rubric_for(old, "r.yaml", str(rubric_file))
    assert info.value.message == (
        "r.yaml: rubric.version: written for test-rubric version 0.9.0; "
        "this rubric file has version 1.0.0"
    )


def test_rubric_for_an_unknown_rubric_points_at_rubric_id() -> None:
    with pytest.raises(InputFileError) as info:
        rubric_for(review(), "r.yaml")
    assert info.value.problems[0].path == "rubric.id"
    assert "no rubric named 'test-rubric'" in info.value.message


def test_every_repeat_item_is_checked_after_a_bad_one() -> None:
    rubric = one(OVER, REPEAT)
    assert problems(rubric, {"over": ["a", "b"], "rep": {"a": "x", "b": {"zz": 1}}}) == [
        "answers.rep.a: expected a mapping of question id to answer",
        "answers.rep.b.zz: unknown question id for this rubric",
    ]
