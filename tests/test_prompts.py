"""Layer 1: the pure mapping from a rubric question to a prompt."""

from __future__ import annotations

import pytest

from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.rubric import Question, Rubric
from esj_review.interview.prompts import SKIP, answer_from, parse_number, spec_for


def q(rubric: Rubric, qid: str) -> Question:
    found = rubric.question(qid)
    if found is None:
        rep = rubric.question("determinant_impacts")
        assert rep is not None
        found = next(s for s in rep.children() if s.id == qid)
    return found


def test_select_offers_choices_and_skip(kc: Rubric) -> None:
    spec = spec_for(kc, q(kc, "engagement_level"), "engagement_level", "consult", frozenset())
    assert spec.widget == "select"
    assert [o.value for o in spec.options][:6] == [
        "none",
        "inform",
        "consult",
        "involve",
        "collaborate",
        "defer",
    ]
    assert len(spec.options) == 7
    assert spec.options[-1].value is SKIP and "leaves a gap" in spec.options[-1].label
    assert spec.default == "consult"
    assert spec.help.startswith("The levels follow")
    assert answer_from(spec, SKIP) is None


def test_multiselect_is_a_checkbox_with_current_answers_ticked(kc: Rubric) -> None:
    question = q(kc, "determinants_touched")
    spec = spec_for(kc, question, "determinants_touched", ["housing"], frozenset())
    assert spec.widget == "checkbox" and spec.default == ["housing"]
    assert len(spec.options) == 14
    enabled = spec_for(kc, question, "determinants_touched", MISSING, frozenset({"digital_equity"}))
    assert len(enabled.options) == 15
    assert answer_from(spec, []) is None


def test_bool_is_yes_no_or_skip_with_nothing_preselected(kc: Rubric) -> None:
    spec = spec_for(
        kc, q(kc, "community_compensated"), "community_compensated", MISSING, frozenset()
    )
    # a list, not y/n: Enter on an unanswered question skips instead of recording "no"
    assert spec.widget == "select" and spec.default is None
    assert [o.value for o in spec.options] == [True, False, SKIP]
    assert answer_from(spec, True) is True and answer_from(spec, False) is False
    assert answer_from(spec, SKIP) is None


def test_narratives_are_multiline_text(kc: Rubric) -> None:
    spec = spec_for(kc, q(kc, "summary"), "summary", "Old text", frozenset())
    assert spec.widget == "text" and spec.multiline and spec.text_default() == "Old text"
    assert answer_from(spec, "  New text \n") == "New text"
    assert answer_from(spec, "   ") is None


def test_numbers_are_checked_with_the_validators_message(kc: Rubric) -> None:
    question = q(kc, "fiscal_year")
    spec = spec_for(kc, question, "fiscal_year", MISSING, frozenset())
    assert spec.widget == "text" and "2000..2100" in spec.instruction
    assert spec.text_error("1999") == check_value(kc, question, 1999, frozenset())
    assert spec.text_error("1999") == "must be at least 2000"
    expected = "is not a number; write it like 4200000, 1,300,000 or (1,300,000)"
    assert spec.text_error("next year") == f"'next year' {expected}"
    assert spec.text_error("-$-5") == f"'-$-5' {expected}"
    assert spec.text_error("(1,300,000)") == "must be at least 2000"  # accounting negative
    assert spec.text_error("2027.5") == "expected a whole number"
    assert spec.text_error("2027") is None and spec.text_error("") is None
    assert answer_from(spec, "2027") == 2027


@pytest.mark.parametrize(
    ("raw", "value"), [("4,200,000", 4200000), ("$1.5", 1.5), ("-1300000", -1300000)]
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_dates_are_checked(kc: Rubric) -> None:
    spec = spec_for(kc, q(kc, "review_date"), "review_date", MISSING, frozenset())
    assert spec.text_error("2028-02-31") == "'2028-02-31' is not a date: February 2028 has 29 days"
    assert spec.text_error("31/03/2028") == (
        "'31/03/2028' is not a date: there is no month 31 (numbers are month/day/year)"
    )
    assert answer_from(spec, "2028-03-31") == "2028-03-31"


def test_optional_questions_say_so(kc: Rubric) -> None:
    spec = spec_for(kc, q(kc, "amount"), "amount", MISSING, frozenset())
    assert spec.message.endswith("(optional)")
    sub = spec_for(
        kc, q(kc, "direction"), "determinant_impacts.housing.direction", MISSING, frozenset()
    )
    assert sub.path == "determinant_impacts.housing.direction" and sub.required
