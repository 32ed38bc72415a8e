"""Layer 3: the real questionary widgets, driven in-process through prompt_toolkit's pipe input."""

from __future__ import annotations

from typing import Any

from esj_review.core.conditions import MISSING
from esj_review.core.rubric import Rubric
from esj_review.interview.prompts import SKIP, Option, answer_from, spec_for
from esj_review.interview.terminal import QuestionaryPrompter

DOWN = "\x1b[B"
ENTER = "\r"
ESC_ENTER = "\x1b\r"


def ask(rubric: Rubric, qid: str, current: Any = MISSING) -> Any:
    question = rubric.question(qid)
    assert question is not None
    spec = spec_for(rubric, question, qid, current, frozenset())
    return answer_from(spec, QuestionaryPrompter().ask(spec))


def test_select_with_arrow_keys(keys: Any, kc: Rubric) -> None:
    keys(DOWN * 4 + ENTER)  # from "Skip for now", round to the first choice, then three more
    assert ask(kc, "engagement_level") == "involve"


def test_select_starts_on_the_current_answer(keys: Any, kc: Rubric) -> None:
    keys(DOWN + ENTER)
    assert ask(kc, "engagement_level", "collaborate") == "defer"


def test_select_can_skip(keys: Any, kc: Rubric) -> None:
    keys(ENTER)  # an unanswered list starts on "Skip for now": Enter records nothing
    assert ask(kc, "engagement_level") is None


def test_checkbox_with_space(keys: Any, kc: Rubric) -> None:
    keys(" " + DOWN + DOWN + " " + ENTER)
    assert ask(kc, "populations_affected") == ["bipoc", "immigrants_refugees"]


def test_checkbox_keeps_current_ticks(keys: Any, kc: Rubric) -> None:
    keys(DOWN + " " + ENTER)
    assert ask(kc, "populations_affected", ["bipoc"]) == ["bipoc", "low_income"]


def test_multiline_text_finishes_with_esc_enter(keys: Any, kc: Rubric) -> None:
    keys("First line" + ENTER + "second line" + ESC_ENTER)
    assert ask(kc, "summary") == "First line\nsecond line"


def test_number_is_validated_at_the_prompt(keys: Any, kc: Rubric) -> None:
    keys("1999" + ENTER + "\x7f" * 4 + "2027" + ENTER)  # refused, erased, typed again
    assert ask(kc, "fiscal_year") == 2027


def test_date_and_confirm(keys: Any, kc: Rubric) -> None:
    keys("2028-02-31" + ENTER + "\x7f\x7f" + "29" + ENTER)
    assert ask(kc, "review_date") == "2028-02-29"


def test_yes_no_is_a_list_that_starts_on_skip(keys: Any, kc: Rubric) -> None:
    keys(DOWN + ENTER)
    assert ask(kc, "community_compensated") is True


def test_yes_no_enter_on_an_answered_one_keeps_it(keys: Any, kc: Rubric) -> None:
    keys(ENTER)
    assert ask(kc, "community_compensated", False) is False


def test_menu(keys: Any) -> None:
    keys(DOWN + ENTER)
    options = [Option("One", 1), Option("Two", 2), Option("Three", SKIP)]
    assert QuestionaryPrompter().choose("Pick", options, 1) == 2
