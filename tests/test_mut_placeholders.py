"""Placeholder answers ("TBD", "n/a", "to be determined"): worth nothing, and named in one flag."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from esj_review.core.rubric import Rubric
from esj_review.core.scoring import PLACEHOLDER_FLAG, Scorecard, score
from tests.rubric_builder import YES, build, review, rubric_data
from tests.test_mut_impact import ADJUST, QUESTIONS, SCORING, lines
from tests.test_mut_impact import card as impact_card


def text(qid: str, **fields: Any) -> dict[str, Any]:
    return {"id": qid, "type": "text", "prompt": f"{qid}?", **fields}


NARRATIVE = build(
    rubric_data(text("why", score={"component": "c", "answered_points": 2, "min_length": 1}))
)


def card(rubric: Rubric, answers: dict[str, Any]) -> Scorecard:
    return score(rubric, review(answers, rubric))


@pytest.mark.parametrize(
    "answer",
    [
        "TBD",
        "tbd.",
        " To be determined! ",
        " tbd. ",
        "TBD .",
        "(pending)",
        "[TBA]",
        "n/a;",
        "Unknown,",
        "Later:",
        "N/A",
        "Pendiente",
        "?",
        "???",
        "x",
        "X X",
        "--",
        "-_-",
        "**",
        "x-_.?* -",
        "...",
        " ... ",
        "NA.",
        "to be confirmed",
    ],
)
def test_a_placeholder_scores_nothing_and_is_flagged(answer: str) -> None:
    result = card(NARRATIVE, {"why": answer})
    why = next(e for e in result.ledger if e.question == "why")
    assert (why.points, why.rule) == (0, "a placeholder, not an answer: no points of 2")
    assert [(f.id, f.severity, f.message, f.cap) for f in result.flags] == [
        (
            PLACEHOLDER_FLAG,
            "warning",
            "Answered with a placeholder, not an answer: why.",
            None,
        )
    ]


@pytest.mark.parametrize(
    "answer",
    ["TBD by the council in March", "None of the above apply", "xyz", "n", "Same day service", "0"],
)
def test_a_real_answer_that_mentions_a_placeholder_word_is_an_answer(answer: str) -> None:
    result = card(NARRATIVE, {"why": answer})
    why = next(e for e in result.ledger if e.question == "why")
    assert why.points == 2
    assert result.flags == []


def test_the_flag_names_up_to_six_questions_then_counts_the_rest() -> None:
    ids = [f"t{n}" for n in range(1, 9)]
    rubric = build(rubric_data(YES, *(text(i) for i in ids)))
    eight = card(rubric, {"yes": True, **dict.fromkeys(ids, "TBD")})
    assert [f.message for f in eight.flags] == [
        "Answered with a placeholder, not an answer: t1, t2, t3, t4, t5, t6 and 2 more."
    ]
    seven = card(rubric, {"yes": True, **dict.fromkeys(ids[:7], "n/a")})
    assert [f.message for f in seven.flags] == [
        "Answered with a placeholder, not an answer: t1, t2, t3, t4, t5, t6 and 1 more."
    ]
    six = card(rubric, {"yes": True, **dict.fromkeys(ids[:6], "n/a")})
    assert [f.message for f in six.flags] == [
        "Answered with a placeholder, not an answer: t1, t2, t3, t4, t5, t6."
    ]
    two = card(rubric, {"yes": True, "t2": "tbd", "t5": "A real answer", "t7": "?"})
    assert [f.message for f in two.flags] == ["Answered with a placeholder, not an answer: t2, t7."]
    assert card(rubric, {"yes": True, "t1": "Yes, funded"}).flags == []


def test_only_shown_text_answers_are_flagged() -> None:
    choice = {
        "id": "kind",
        "type": "select",
        "prompt": "Kind?",
        "choices": [{"id": "tbd", "label": "To be decided"}, {"id": "set", "label": "Set"}],
    }
    hidden = text("detail", when={"equals": {"question": "yes", "value": True}})
    rubric = build(rubric_data(YES, choice, hidden, text("note")))
    result = card(rubric, {"yes": False, "kind": "tbd", "detail": "TBD", "note": "n/a"})
    assert [f.message for f in result.flags] == [
        "Answered with a placeholder, not an answer: note."
    ]


def test_an_empty_answer_is_a_gap_not_a_placeholder() -> None:
    data = rubric_data(text("why", required=True, score={"component": "c", "answered_points": 2}))
    rubric = build(data)
    for blank in ("", "   "):
        result = card(rubric, {"why": blank})
        assert [g.question for g in result.gaps] == ["why"]
        assert result.flags == []


# --- a placeholder fills its gap but stands for nothing ---------------------------------------


def test_a_placeholder_fills_its_gap_and_shows_in_the_ledger_as_typed() -> None:
    rubric = build(
        rubric_data(
            YES,
            text("plan", required=True, score={"component": "c", "answered_points": 1}),
        )
    )
    result = card(rubric, {"yes": True, "plan": "TBD"})
    assert (result.complete, result.gaps, result.score) == (True, [], 50.0)
    plan = next(e for e in result.ledger if e.question == "plan")
    assert (plan.answer, plan.points, plan.max) == ("TBD", 0, 1)
    assert [f.id for f in result.flags] == [PLACEHOLDER_FLAG]


def test_a_placeholder_does_not_answer_a_flags_condition() -> None:
    flag = {
        "id": "no_plan",
        "severity": "warning",
        "message": "No plan.",
        "when": {"not": {"answered": "plan"}},
        "cap": "poor",
    }
    data = rubric_data(YES, text("plan"))
    data["scoring"]["flags"] = [flag]
    rubric = build(data)
    placeholder = card(rubric, {"yes": True, "plan": "n/a"})
    assert [f.id for f in placeholder.flags] == ["no_plan", PLACEHOLDER_FLAG]
    assert placeholder.band is not None and placeholder.band.id == "poor"
    assert placeholder.uncapped_band is not None and placeholder.uncapped_band.id == "good"
    real = card(rubric, {"yes": True, "plan": "Hire two outreach workers"})
    assert real.flags == [] and real.band is not None and real.band.id == "good"


def test_a_placeholder_does_not_answer_an_impact_map_or_an_adjustment() -> None:
    scoring = copy.deepcopy(SCORING)
    scoring["adjustments"] = [
        {
            **ADJUST,
            "when": {
                "all": [
                    {"equals": {"question": "engaged", "value": "full"}},
                    {"not": {"answered": "why"}},
                ]
            },
        }
    ]
    rubric = build(rubric_data(*QUESTIONS, text("why"), scoring=scoring))
    jobs = {"direction": "burden", "size": "small", "mit": "full", "mit_by": "TBD"}
    result = impact_card({"why": "tbd", "touched": ["jobs"], "impacts": {"jobs": jobs}}, rubric)
    # mit_by "TBD" is no date: 0.8 of the 0.9 mitigation
    assert lines(result)[0][4] == (
        "size small 1 x priority share 1 mit full 0.9 mit_by no answer 0.8 "
        "so x (1 - 0.72 mitigated) = -0.28"
    )
    assert [f.id for f in result.flags] == ["engagement_unfunded", PLACEHOLDER_FLAG]
    assert result.flags[-1].message == (
        "Answered with a placeholder, not an answer: impacts.jobs.mit_by, why."
    )
    dated = {**jobs, "mit_by": "May"}
    real = impact_card({"why": "Because", "touched": ["jobs"], "impacts": {"jobs": dated}}, rubric)
    assert real.flags == []
    assert lines(real)[0][2] == pytest.approx(-0.1)


def test_the_longest_placeholder_is_one_with_eight_characters_of_punctuation_around_it() -> None:
    padded = "  To be determined later!!!!!!"  # (a review drops trailing spaces)
    assert len(padded) == len("to be determined later") + 8
    result = card(NARRATIVE, {"why": padded})
    assert [f.message for f in result.flags] == ["Answered with a placeholder, not an answer: why."]
