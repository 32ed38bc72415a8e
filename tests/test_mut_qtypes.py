"""Each question type as a person meets it: the prompt (widget, hint, default, what typed text
becomes, the message for what cannot be read), a sheet cell, the answer as shown, and its points.

The rubric offers a taxonomy with an optional item (`elders`), so every path that must pass the
review's enabled items along is tested with that item switched on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from esj_review.batch.sheets import cell_value, dictionary_rows
from esj_review.core import qtypes
from esj_review.core.answers import answer_parts
from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.qtypes.base import SKIP, Option
from esj_review.core.rubric import Question, Rubric
from esj_review.core.scoring import score
from esj_review.interview.prompts import answer_from, spec_for
from esj_review.report.catalogue import render_catalogue
from tests.rubric_builder import YES, build, problems, review, rubric_data, rubric_errors

ELDERS = frozenset({"elders"})
NUMBER_HELP = "is not a number; write it like 4200000, 1,300,000 or (1,300,000)"

QUESTIONS: list[dict[str, Any]] = [
    YES,
    {"id": "who", "type": "select", "prompt": "Who most?", "choices_from": "populations"},
    {
        "id": "groups",
        "type": "multiselect",
        "prompt": "Which groups?",
        "choices_from": "populations",
        "min_selected": 2,
        "score": {"component": "c"},
    },
    {
        "id": "level",
        "type": "select",
        "prompt": "Level?",
        "required": True,
        "choices": [
            {"id": "low", "label": "Low", "description": "Little", "points": 1},
            {"id": "high", "label": "High", "description": "A lot", "points": 3},
        ],
        "score": {"component": "c"},
    },
    {
        "id": "tags",
        "type": "multiselect",
        "prompt": "Tags?",
        "choices": [
            {"id": "a", "label": "Alpha", "points": 1},
            {"id": "b", "label": "Beta", "points": 2},
        ],
        "score": {"component": "c", "max": 10},
    },
    {"id": "amount", "type": "number", "prompt": "Amount?"},
    {
        "id": "year",
        "type": "number",
        "prompt": "Year?",
        "integer": True,
        "min": 2000,
        "max": 2100,
    },
    {"id": "floor", "type": "number", "prompt": "At least?", "min": 0},
    {"id": "share", "type": "number", "prompt": "Share?", "max": 100.5},
    {"id": "count", "type": "number", "prompt": "Count?", "integer": True},
    {"id": "due", "type": "date", "prompt": "Due?"},
    {"id": "story", "type": "text", "prompt": "Story?", "multiline": True},
    {"id": "name", "type": "text", "prompt": "Name?"},
    {"id": "funded", "type": "bool", "prompt": "Funded?"},
]
POPULATIONS: list[dict[str, Any]] = [
    {"id": "youth", "label": "Youth", "description": "Under 25"},
    {"id": "elders", "label": "Elders", "description": "65 and over", "optional": True},
]
RUBRIC = build(rubric_data(*QUESTIONS, populations=POPULATIONS))


def question(qid: str, rubric: Rubric = RUBRIC) -> Question:
    found = rubric.question(qid)
    assert found is not None
    return found


def spec(qid: str, current: Any = MISSING, enabled: frozenset[str] = frozenset()) -> Any:
    return spec_for(RUBRIC, question(qid), qid, current, enabled)


def cell(qid: str, value: Any, enabled: frozenset[str] = frozenset()) -> Any:
    return cell_value(RUBRIC, question(qid), value, enabled)


# --- the registry -----------------------------------------------------------------------------


def test_unregistering_a_type_that_was_never_registered_is_harmless() -> None:
    before = dict(qtypes.KINDS)
    qtypes.unregister("no-such-type")
    assert before == qtypes.KINDS


def test_on_change_callbacks_run_when_the_types_change() -> None:
    calls: list[str] = []

    def callback() -> None:
        calls.append("changed")

    qtypes.on_change(callback)
    try:
        qtypes.register(qtypes.KINDS["text"])
        assert calls == ["changed"]
        qtypes.unregister("no-such-type")
        assert calls == ["changed", "changed"]
    finally:
        qtypes._on_change.remove(callback)
    # the rebuilt rubric models still tell questions apart by their type
    known = ", ".join(qtypes.KINDS)
    assert rubric_errors(rubric_data({"id": "q", "type": "essay", "prompt": "Q?"})) == [
        f"sections[s].questions[q].type: 'essay' is not a known type; expected one of: {known}"
    ]


# --- select and scale -------------------------------------------------------------------------


def test_a_select_offers_its_choices_with_descriptions_then_skip() -> None:
    optional = spec("level", "high")
    assert optional.widget == "select" and optional.default == "high"
    assert optional.options == (
        Option("Low", "low", "Little"),
        Option("High", "high", "A lot"),
        Option("Skip for now (leaves a gap)", SKIP),
    )
    assert spec("who").options[-1] == Option("Skip for now", SKIP)
    assert (
        repr(spec("who").options[-1]) == "Option(label='Skip for now', value=SKIP, description='')"
    )
    assert spec("who").message == "Who most? (optional)"


def test_an_enabled_optional_item_is_offered_accepted_read_and_shown() -> None:
    who = spec("who", enabled=ELDERS)
    assert [(o.label, o.value, o.description) for o in who.options[:-1]] == [
        ("Youth", "youth", "Under 25"),
        ("Elders", "elders", "65 and over"),
    ]
    assert [o.value for o in spec("who").options] == ["youth", SKIP]
    assert who.check("elders") is None
    assert spec("who").check("elders") == "'elders' is not a choice; expected one of: youth"
    assert cell("who", "Elders", ELDERS) == "elders"
    assert cell("who", " elders ", ELDERS) == "elders"
    assert cell("who", "Elders") == "Elders"  # not offered: left as typed, for the check to name
    assert answer_parts(RUBRIC, question("who"), "elders", ELDERS) == ["Elders"]
    assert answer_parts(RUBRIC, question("who"), "elders", frozenset()) == ["elders"]
    assert cell("groups", "Youth; Elders", ELDERS) == ["youth", "elders"]
    assert cell("groups", "youth;;", ELDERS) == ["youth"]
    assert problems(RUBRIC, {"level": "low", "who": "elders"}, ["elders"]) == []


def test_conditions_may_name_any_optional_item() -> None:
    data = rubric_data(
        *QUESTIONS,
        {
            "id": "why_elders",
            "type": "text",
            "prompt": "Why?",
            "when": {"equals": {"question": "who", "value": "elders"}},
        },
        populations=POPULATIONS,
    )
    rubric = build(data)  # the linter accepts `elders` as a value of `who`
    assert rubric.question("why_elders") is not None


def test_a_scored_select_over_an_empty_taxonomy_can_give_no_points() -> None:
    empty = {
        "id": "strategy",
        "type": "select",
        "prompt": "Strategy?",
        "choices_from": "strategies",
        "score": {"component": "c"},
    }
    rubric = build(rubric_data(YES, empty))
    result = score(rubric, review({"yes": True}, rubric))
    assert result.score == 100.0
    assert [(e.question, e.max) for e in result.ledger] == [("yes", 1.0), ("strategy", 0.0)]


def test_a_multiselect_scores_the_sum_of_its_choices_under_its_cap() -> None:
    result = score(RUBRIC, review({"yes": True, "level": "high", "tags": ["a", "b"]}, RUBRIC))
    tags = next(e for e in result.ledger if e.question == "tags")
    assert (tags.points, tags.max, tags.rule) == (3, 3, "sum of chosen choices (a 1, b 2) = 3 of 3")


def test_a_multiselect_is_ticked_with_space_and_may_ask_for_a_minimum() -> None:
    groups = spec("groups", ["youth"], ELDERS)
    assert groups.widget == "checkbox"
    assert groups.instruction == "(Space to tick, Enter to finish; choose at least 2)"
    assert groups.default == ["youth"]
    assert [o.value for o in groups.options] == ["youth", "elders"]
    assert groups.options[1].description == "65 and over"
    tags = spec("tags")
    assert tags.instruction == "(Space to tick, Enter to finish)"
    assert tags.default == []
    assert [(o.label, o.value) for o in tags.options] == [("Alpha", "a"), ("Beta", "b")]


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "instruction"),
    [
        ("amount", "(a number; empty to skip)"),
        ("year", "(a year like 2027 or FY2027, 2000..2100; empty to skip)"),
        ("floor", "(a number, 0..; empty to skip)"),
        ("share", "(a number, ..100.5; empty to skip)"),
        ("count", "(a number, whole; empty to skip)"),
    ],
)
def test_a_number_prompt_says_what_it_takes(qid: str, instruction: str) -> None:
    found = spec(qid)
    assert (found.widget, found.instruction, found.multiline) == ("text", instruction, False)


def test_a_number_prompt_shows_its_default_without_a_trailing_zero() -> None:
    assert spec("amount", 5.0).default == 5.0
    assert spec("amount", 5.0).text_default() == "5"
    assert spec("amount", 2.5).text_default() == "2.5"
    assert spec("amount", 7).text_default() == "7"
    assert spec("amount").text_default() == ""
    assert spec("name", "Ada").text_default() == "Ada"


def test_typed_numbers_are_read_as_people_write_them() -> None:
    amount = spec("amount")
    assert repr(answer_from(amount, "5")) == "5"  # a whole number stays whole
    assert repr(answer_from(amount, "2.5")) == "2.5"
    assert answer_from(amount, "1 300 000") == 1300000
    assert answer_from(amount, "$ 4,200") == 4200
    assert repr(answer_from(amount, "100,000,000,000,000,000")) == "100000000000000000"
    assert amount.text_error("1234567890123456789") == "is too large (more than 18 digits)"
    long = "a" * 45
    assert amount.text_error(long) == f"'{'a' * 40}' {NUMBER_HELP}"
    assert amount.text_error("  (5  ") == f"'(5' {NUMBER_HELP}"
    assert spec("count").text_error("2.5") == "expected a whole number"
    assert spec("year").text_error("2030") is None


def test_number_cells_keep_whole_numbers_whole_and_read_text_like_the_prompt() -> None:
    assert repr(cell("amount", 3.0)) == "3"
    assert repr(cell("amount", 2.5)) == "2.5"
    assert repr(cell("amount", 1e20)) == "100000000000000000000"
    assert cell("amount", float("inf")) == float("inf")
    assert cell("amount", "(1,300,000)") == -1300000
    with pytest.raises(ValueError, match="expected a whole number"):
        cell("count", "2.5")
    assert cell("count", 2.5) == 2.5  # a number cell is kept; the check names it
    with pytest.raises(ValueError) as info:
        cell("amount", True)
    assert str(info.value) == f"'True' {NUMBER_HELP}"
    assert check_value(RUBRIC, question("count"), 2.5, frozenset()) == "expected a whole number"


# --- dates ------------------------------------------------------------------------------------


def test_a_date_prompt_reads_us_dates_and_drops_a_time() -> None:
    due = spec("due", "2027-01-31")
    assert (due.widget, due.instruction, due.default, due.multiline) == (
        "text",
        "(like 2027-06-30 or 6/30/2027; empty to skip)",
        "2027-01-31",
        False,
    )
    assert answer_from(due, "3/7/2027") == "2027-03-07"
    assert answer_from(due, "2027-01-31T10:00") == "2027-01-31"
    assert answer_from(due, "2027-01-31 10:00") == "2027-01-31"
    assert due.text_error("next Tuesday afternoon") == (
        "'next Tuesday afternoon' is not a date; write it like 2027-06-30, 6/30/2027 or "
        "June 30, 2027"
    )
    assert due.text_error("2/30/2027") == "'2/30/2027' is not a date: February 2027 has 28 days"


def test_date_cells_take_dates_and_excel_serial_numbers() -> None:
    assert cell("due", dt.datetime(2027, 1, 31, 15, 30)) == "2027-01-31"
    assert cell("due", dt.date(2027, 2, 1)) == "2027-02-01"
    assert cell("due", 45000) == "2023-03-15"
    assert cell("due", 45000.75) == "2023-03-15"
    assert cell("due", " 45000 ") == "2023-03-15"
    with pytest.raises(ValueError, match="'450001' is not a date; write it like"):
        cell("due", "450001")  # six digits: not a serial number
    assert cell("due", "2027-01-31 10:00:00") == "2027-01-31"
    with pytest.raises(ValueError, match="'True' is not a date; write it like"):
        cell("due", True)  # not a serial number
    assert check_value(RUBRIC, question("due"), "True", frozenset()) == (
        "expected a date as YYYY-MM-DD"
    )


# --- text and bool ----------------------------------------------------------------------------


def test_text_prompts_are_multiline_only_for_narratives() -> None:
    story = spec("story", "Once")
    assert (story.widget, story.multiline, story.instruction) == ("text", True, "(empty to skip)")
    assert story.default == "Once"
    name = spec("name")
    assert name.multiline is False
    assert answer_from(name, "  Ada  ") == "Ada"


def test_text_cells_show_dates_as_dates_and_times_in_full() -> None:
    assert cell("name", dt.datetime(2027, 1, 31)) == "2027-01-31"
    assert cell("name", dt.datetime(2027, 1, 31, 10, 30)) == "2027-01-31T10:30:00"
    assert cell("name", dt.date(2027, 1, 31)) == "2027-01-31"
    assert cell("name", 12.0) == "12"
    assert cell("name", "  padded  ") == "padded"


def test_a_bool_prompt_is_a_yes_no_list_with_the_current_answer() -> None:
    funded = spec("funded", True)
    assert (funded.widget, funded.default) == ("select", True)
    assert spec("funded", False).default is False
    assert spec("funded").default is None


# --- how each type is described: `esj-review rubric doc` and the sheet's data dictionary ----------


def described(rubric: Rubric) -> dict[str, str]:
    """Each question's sentence in the rubric document (what it takes, how it scores)."""
    lines = render_catalogue(rubric).splitlines()
    found = {}
    for n, line in enumerate(lines):
        if line.startswith("#### `"):
            found[line.split("`")[1]] = lines[n + 4]
    return found


def test_the_rubric_document_says_what_each_type_takes_and_how_it_scores() -> None:
    scored = build(
        rubric_data(
            {
                "id": "b",
                "type": "bool",
                "prompt": "B?",
                "score": {"component": "c", "yes_points": 1, "no_points": 0.5},
            },
            {
                "id": "n",
                "type": "number",
                "prompt": "N?",
                "score": {"component": "c", "answered_points": 1.5},
            },
            {
                "id": "d",
                "type": "date",
                "prompt": "D?",
                "score": {"component": "c", "answered_points": 1},
            },
            {
                "id": "t",
                "type": "text",
                "prompt": "T?",
                "score": {"component": "c", "answered_points": 2, "min_length": 20},
            },
            {
                "id": "t2",
                "type": "text",
                "prompt": "T2?",
                "score": {"component": "c", "answered_points": 2},
            },
            {
                "id": "m",
                "type": "multiselect",
                "prompt": "M?",
                "choices": [{"id": "a", "label": "A", "points": 1}],
                "score": {"component": "c"},
            },
        )
    )
    assert described(scored) == {
        "b": "Scores into `c`: yes 1, no 0.5.",
        "n": "Scores into `c`: 1.5 for an answer.",
        "d": "Scores into `c`: 1 for an answer.",
        "t": "Scores into `c`: 2 for an answer of at least 20 characters.",
        "t2": "Scores into `c`: 2 for an answer.",
        "m": "Scores into `c`: the sum of the chosen choices' points.",
    }
    described_here = described(RUBRIC)
    assert {
        qid: described_here[qid]
        for qid in ("groups", "level", "tags", "year", "floor", "share", "count", "amount", "who")
    } == {
        "groups": "Choose at least 2. Scores into `c`: the sum of the chosen choices' points. "
        "Choices: the `populations` taxonomy.",
        "level": "Scores into `c`: the chosen choice's points.",
        "tags": "Scores into `c`: the sum of the chosen choices' points, capped at 10.",
        "year": "Must be at least 2000, at most 2100, a whole number. Not scored.",
        "floor": "Must be at least 0. Not scored.",
        "share": "Must be at most 100.5. Not scored.",
        "count": "Must be a whole number. Not scored.",
        "amount": "Not scored.",
        "who": "Not scored. Choices: the `populations` taxonomy.",
    }


def test_the_data_dictionary_lists_kinds_optional_items_and_how_to_fill_multiselects() -> None:
    two = build(rubric_data(populations=[{**POPULATIONS[1], "id": "kids"}, POPULATIONS[1]]))
    assert {row[0]: row for row in dictionary_rows(two)}["rubric.enable"][4] == "kids; elders"
    rows = {row[0]: row for row in dictionary_rows(RUBRIC)}
    assert rows["proposal.kind"][4] == "program = Program; budget = Budget item"
    assert rows["rubric.enable"][4] == "elders"
    assert rows["groups"][2] == "multiselect (separate with ;)"
    assert rows["tags"][2:5] == ["multiselect (separate with ;)", "no", "a = Alpha; b = Beta"]
    assert [rows[q][2] for q in ("who", "amount", "due", "name", "funded")] == [
        "select",
        "number",
        "date",
        "text",
        "bool",
    ]
