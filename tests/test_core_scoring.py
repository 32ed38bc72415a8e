"""Scoring arithmetic on small rubrics: points per question type, caps, components, bands,
completeness, flags and the ledger, with the numbers worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from esj_review.core.rubric import Rubric
from esj_review.core.scoring import Scorecard, score
from tests.rubric_builder import YES, build, review, rubric_data

Q: Any = dict  # question data


def card(rubric: Rubric, answers: dict[str, Any], **proposal: Any) -> Scorecard:
    return score(rubric, review(answers, rubric, **proposal))


def entry(result: Scorecard, question: str) -> tuple[float, float, str]:
    found = next(e for e in result.ledger if e.question == question)
    return found.points, found.max, found.rule


def points_question(*points: float, kind: str = "select") -> dict[str, Any]:
    """A select whose choice `pN` is worth N points."""
    choices = [{"id": f"p{i}", "label": f"P{i}", "points": p} for i, p in enumerate(points)]
    return {
        "id": "q",
        "type": kind,
        "prompt": "Q?",
        "choices": choices,
        "score": {"component": "c"},
    }


# --- points per question ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["select", "scale"])
def test_a_choice_scores_its_points_out_of_the_best_choice(kind: str) -> None:
    rubric = build(rubric_data(points_question(0, 1.5, 3, kind=kind)))
    assert entry(card(rubric, {"q": "p1"}), "q") == (1.5, 3, "choice 'p1' scores 1.5 of 3")
    assert entry(card(rubric, {"q": "p0"}), "q") == (0, 3, "choice 'p0' scores 0 of 3")
    assert card(rubric, {"q": "p1"}).score == 50.0


MULTI: Any = {
    "id": "m",
    "type": "multiselect",
    "prompt": "M?",
    "choices": [
        {"id": "a", "label": "A", "points": 1},
        {"id": "b", "label": "B", "points": 2},
        {"id": "z", "label": "Z", "points": 4},
    ],
    "score": {"component": "c", "max": 5},
}


def test_a_multiselect_sums_its_choices_up_to_its_cap() -> None:
    rubric = build(rubric_data(MULTI))
    assert entry(card(rubric, {"m": ["a", "b"]}), "m") == (
        3,
        5,
        "sum of chosen choices (a 1, b 2) = 3 of 5",
    )
    assert entry(card(rubric, {"m": ["a", "z"]}), "m") == (
        5,
        5,
        "sum of chosen choices (a 1, z 4) = 5 of 5",
    )
    assert entry(card(rubric, {"m": ["b", "z", "a"]}), "m") == (
        5,
        5,
        "sum of chosen choices (b 2, z 4, a 1) = 7, capped at 5 of 5",
    )
    assert card(rubric, {"m": ["a", "b", "z"]}).score == 100.0
    assert card(rubric, {"m": ["a", "b"]}).score == 60.0


def test_an_uncapped_multiselect_can_reach_the_sum_of_its_choices() -> None:
    uncapped = {**MULTI, "score": {"component": "c"}}
    rubric = build(rubric_data(uncapped))
    assert entry(card(rubric, {"m": ["b", "z"]}), "m") == (
        6,
        7,
        "sum of chosen choices (b 2, z 4) = 6 of 7",
    )
    # a cap above the sum changes nothing
    rubric = build(rubric_data({**MULTI, "score": {"component": "c", "max": 10}}))
    assert entry(card(rubric, {"m": ["a", "b", "z"]}), "m")[:2] == (7, 7)


def test_bool_scores_yes_or_no_points() -> None:
    q = {"id": "b", "type": "bool", "prompt": "B?"}
    rubric = build(
        rubric_data({**q, "score": {"component": "c", "yes_points": 2, "no_points": 0.5}})
    )
    assert entry(card(rubric, {"b": True}), "b") == (2, 2, "yes scores 2 of 2")
    assert entry(card(rubric, {"b": False}), "b") == (0.5, 2, "no scores 0.5 of 2")
    assert card(rubric, {"b": False}).score == 25.0
    rubric = build(rubric_data({**q, "score": {"component": "c", "no_points": 3}}))
    assert entry(card(rubric, {"b": False}), "b") == (3, 3, "no scores 3 of 3")
    assert entry(card(rubric, {"b": True}), "b") == (0, 3, "yes scores 0 of 3")


TEXT: Any = {
    "id": "t",
    "type": "text",
    "prompt": "T?",
    "score": {"component": "c", "answered_points": 2, "min_length": 5},
}


def test_text_scores_from_min_length_characters_not_counting_spaces_around() -> None:
    rubric = build(rubric_data(TEXT))
    assert entry(card(rubric, {"t": "12345"}), "t") == (
        2,
        2,
        "an answer of at least 5 characters scores 2 of 2",
    )
    assert entry(card(rubric, {"t": "  1234  "}), "t") == (
        0,
        2,
        "answer shorter than 5 characters: no points of 2",
    )
    no_minimum = build(rubric_data({**TEXT, "score": {"component": "c", "answered_points": 2}}))
    assert entry(card(no_minimum, {"t": "k"}), "t") == (2, 2, "an answer scores 2 of 2")
    placeholder = "a placeholder, not an answer: no points of 2"
    assert entry(card(no_minimum, {"t": "TBD."}), "t") == (0, 2, placeholder)


@pytest.mark.parametrize(("kind", "value"), [("number", 0), ("date", "2027-01-31")])
def test_number_and_date_score_for_any_answer(kind: str, value: Any) -> None:
    q = {"id": "x", "type": kind, "prompt": "X?", "score": {"component": "c", "answered_points": 1}}
    rubric = build(rubric_data(q))
    assert entry(card(rubric, {"x": value}), "x") == (1, 1, "an answer scores 1 of 1")
    assert card(rubric, {"x": value}).score == 100.0


@pytest.mark.parametrize("blank", [None, "", []])
def test_an_empty_answer_scores_nothing(blank: Any) -> None:
    multi = build(rubric_data(MULTI, TEXT))
    answers = {"m": blank, "t": blank} if blank is not None else {}
    result = card(multi, answers)
    assert entry(result, "m") == (0, 5, "not answered: no points of 5")
    assert entry(result, "t") == (0, 2, "not answered: no points of 2")
    assert all(e.answer in (None, "", []) for e in result.ledger)


# --- components --------------------------------------------------------------------------------


def two_components(*extra: dict[str, Any]) -> Rubric:
    data = rubric_data(YES, points_question(1, 2), *extra)
    data["sections"][0]["questions"][1]["score"]["component"] = "d"
    data["scoring"]["components"].append({"id": "d", "label": "D", "weight": 3})
    return build(data)


def test_the_score_is_the_weighted_average_of_components() -> None:
    rubric = two_components()
    result = card(rubric, {"yes": True, "q": "p0"})
    # c: 1 of 1 (weight 1); d: 1 of 2 (weight 3): 100 * (1/4 * 1 + 3/4 * 1/2) = 62.5
    assert result.score == 62.5
    comps = {c.id: c for c in result.components}
    assert (comps["c"].points, comps["c"].max, comps["c"].percent) == (1, 1, 100.0)
    assert (comps["d"].points, comps["d"].max, comps["d"].percent) == (1, 2, 50.0)
    assert (comps["c"].contribution, comps["d"].contribution) == (25.0, 37.5)
    assert [e.contribution for e in result.ledger] == [25.0, 37.5]
    assert comps["c"].applicable and comps["d"].applicable
    assert (comps["c"].label, comps["d"].weight) == ("Component", 3)


def test_the_score_rounds_to_one_decimal() -> None:
    rubric = build(rubric_data(points_question(1, 2, 3)))
    result = card(rubric, {"q": "p0"})
    assert result.score == 33.3
    assert result.components[0].percent == 33.3
    assert result.components[0].contribution == 33.33
    assert result.ledger[0].contribution == 33.3333


def test_a_component_with_nothing_shown_does_not_apply() -> None:
    data = rubric_data(
        YES,
        {**points_question(1, 2), "when": {"equals": {"question": "yes", "value": True}}},
    )
    data["sections"][0]["questions"][1]["score"]["component"] = "d"
    data["scoring"]["components"].append({"id": "d", "label": "D", "weight": 3})
    rubric = build(data)
    result = card(rubric, {"yes": False})
    comps = {c.id: c for c in result.components}
    assert comps["d"].applicable is False
    assert (comps["d"].percent, comps["d"].contribution, comps["d"].max) == (None, 0.0, 0)
    # c alone carries the whole weight: no points of 1 is 0, not 0 of a larger total
    assert result.score == 0.0
    assert [e.question for e in result.ledger] == ["yes"]
    result = card(rubric, {"yes": True, "q": "p1"})
    assert result.score == 100.0


def test_no_applicable_component_means_no_score() -> None:
    hidden = {**YES, "when": {"equals": {"question": "proposal.kind", "value": "budget"}}}
    rubric = build(rubric_data(hidden))
    result = card(rubric, {}, kind="program")
    assert result.complete is True
    assert result.score is None and result.band is None
    assert card(rubric, {"yes": True}, kind="budget").score == 100.0


# --- completeness -----------------------------------------------------------------------------


def test_an_incomplete_review_gets_gaps_and_no_score() -> None:
    req = [{"id": f"r{i}", "type": "text", "prompt": f"R{i}?", "required": True} for i in range(3)]
    rubric = build(rubric_data(YES, *req))
    result = card(rubric, {"yes": True, "r0": "x", "r1": "  "})
    assert (result.complete, result.score, result.band, result.uncapped_band) == (
        False,
        None,
        None,
        None,
    )
    assert result.completeness == 33.3
    assert [(g.question, g.section, g.prompt) for g in result.gaps] == [
        ("r1", "s", "R1?"),
        ("r2", "s", "R2?"),
    ]
    # no contributions either: only the gaps
    assert (result.components, result.ledger) == ([], [])
    done = card(rubric, {"yes": True, "r0": "x", "r1": "y", "r2": "z"})
    assert (done.complete, done.completeness, done.score, done.gaps) == (True, 100.0, 100.0, [])


def test_completeness_without_required_questions_is_100() -> None:
    result = card(build(rubric_data()), {})
    assert (result.complete, result.completeness, result.score) == (True, 100.0, 0.0)


def test_hidden_required_questions_are_not_gaps() -> None:
    req = {
        "id": "r",
        "type": "text",
        "prompt": "R?",
        "required": True,
        "when": {"equals": {"question": "yes", "value": True}},
    }
    rubric = build(rubric_data(YES, req))
    assert card(rubric, {"yes": False}).complete is True
    assert [g.question for g in card(rubric, {"yes": True}).gaps] == ["r"]


def test_required_repeat_items_are_gaps_but_not_the_repeat() -> None:
    multi = {"id": "m", "type": "multiselect", "prompt": "M?", "choices": MULTI["choices"]}
    rep = {
        "id": "rep",
        "type": "repeat",
        "prompt": "Each",
        "over": "m",
        "required": True,
        "questions": [{"id": "why", "type": "text", "prompt": "Why?", "required": True}],
    }
    rubric = build(rubric_data(YES, multi, rep))
    assert card(rubric, {"m": []}).complete is True
    result = card(rubric, {"m": ["a", "b"], "rep": {"a": {"why": "x"}}})
    assert [g.question for g in result.gaps] == ["rep.b.why"]
    assert result.completeness == 50.0


# --- bands and caps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "band"),
    [(0, "poor"), (49.9, "poor"), (50, "good"), (99.9, "good"), (100, "good")],
)
def test_a_band_includes_its_minimum_and_the_top_band_includes_100(
    points: float, band: str
) -> None:
    rubric = build(rubric_data(points_question(points, 100)))
    result = card(rubric, {"q": "p0"})
    assert result.score == points
    assert result.band is not None and result.uncapped_band is not None
    assert (result.band.id, result.uncapped_band.id) == (band, band)
    assert result.band.label == band.title()


def three_bands(*flags: dict[str, Any]) -> Rubric:
    data = rubric_data(points_question(0, 50, 100))
    data["scoring"]["bands"] = [
        {"id": "top", "label": "Top", "min": 70, "max": 100},
        {"id": "mid", "label": "Mid", "min": 30, "max": 70},
        {"id": "low", "label": "Low", "min": 0, "max": 30},
    ]
    data["scoring"]["flags"] = list(flags)
    return build(data)


def flag(**fields: Any) -> dict[str, Any]:
    return {"id": "f", "severity": "critical", "message": "Flagged.", **fields}


def test_a_flag_caps_the_band_but_never_raises_it() -> None:
    rubric = three_bands(
        flag(when={"equals": {"question": "proposal.kind", "value": "budget"}}, cap="mid")
    )
    top = card(rubric, {"q": "p2"}, kind="budget")
    assert top.band is not None and top.uncapped_band is not None
    assert (top.uncapped_band.id, top.band.id, top.band.label) == ("top", "mid", "Mid")
    assert top.score == 100.0  # the number stands; the band is capped
    assert [(f.id, f.severity, f.message, f.cap) for f in top.flags] == [
        ("f", "critical", "Flagged.", "mid")
    ]
    low = card(rubric, {"q": "p0"}, kind="budget")
    assert low.band is not None and low.band.id == "low"
    free = card(rubric, {"q": "p2"}, kind="program")
    assert free.band is not None and (free.band.id, free.flags) == ("top", [])


def test_the_worst_cap_wins_and_a_flag_without_cap_only_informs() -> None:
    when = {"answered": "q"}
    rubric = three_bands(
        flag(when=when, cap="mid"),
        flag(id="g", when=when, cap="low"),
        flag(id="h", when=when, severity="info"),
    )
    result = card(rubric, {"q": "p2"})
    assert result.band is not None and result.band.id == "low"
    assert [f.id for f in result.flags] == ["f", "g", "h"]
    info = three_bands(flag(when=when, severity="info"))
    assert card(info, {"q": "p2"}).band == card(info, {"q": "p2"}).uncapped_band


def test_flags_see_the_department_and_no_hidden_answer() -> None:
    dept = {"answered": "proposal.department"}
    rubric = three_bands(flag(when=dept, cap="low"))
    assert card(rubric, {"q": "p2"}).flags == []
    assert [f.id for f in card(rubric, {"q": "p2"}, department="Parks").flags] == ["f"]
    hidden_q = {
        "id": "h",
        "type": "bool",
        "prompt": "H?",
        "when": {"equals": {"question": "proposal.kind", "value": "budget"}},
    }
    data = rubric_data(points_question(0, 100), hidden_q)
    data["scoring"]["flags"] = [flag(when={"equals": {"question": "h", "value": True}})]
    rubric = build(data)
    assert card(rubric, {"q": "p1", "h": True}, kind="program").flags == []
    assert len(card(rubric, {"q": "p1", "h": True}, kind="budget").flags) == 1


def per_item_rubric() -> Rubric:
    multi = {"id": "m", "type": "multiselect", "prompt": "M?", "choices": MULTI["choices"]}
    rep = {
        "id": "rep",
        "type": "repeat",
        "prompt": "Each",
        "over": "m",
        "questions": [
            {
                "id": "dir",
                "type": "select",
                "prompt": "Direction?",
                "choices": [{"id": "up", "label": "Up"}, {"id": "down", "label": "Down"}],
            }
        ],
    }
    data = rubric_data(YES, multi, rep)
    data["scoring"]["flags"] = [
        flag(
            id="down",
            for_each="rep",
            message="{item}: goes down.",
            when={"all": [{"equals": {"question": "dir", "value": "down"}}, {"answered": "yes"}]},
        )
    ]
    return build(data)


def test_a_flag_for_each_item_names_the_item() -> None:
    rubric = per_item_rubric()
    answers = {
        "yes": True,
        "m": ["a", "b", "z"],
        "rep": {"a": {"dir": "down"}, "b": {"dir": "up"}, "z": {"dir": "down"}},
    }
    result = card(rubric, answers)
    assert [(f.id, f.item, f.message) for f in result.flags] == [
        ("down", "a", "A: goes down."),
        ("down", "z", "Z: goes down."),
    ]
    # the condition's other part looks at the top-level answers
    assert card(rubric, {**answers, "yes": None}).flags == []
    # an item no longer chosen raises nothing
    assert [f.item for f in card(rubric, {**answers, "m": ["b", "z"]}).flags] == ["z"]


# --- the ledger and the stamps -------------------------------------------------------------------


def test_the_ledger_adds_up_and_names_section_and_hidden_answers() -> None:
    rubric = two_components(
        {
            "id": "h",
            "type": "text",
            "prompt": "H?",
            "when": {"equals": {"question": "yes", "value": True}},
        }
    )
    result = card(rubric, {"yes": False, "q": "p1", "h": "kept"})
    assert result.score == 75.0
    assert round(sum(e.contribution for e in result.ledger), 1) == result.score
    assert [(e.component, e.question, e.section, e.answer) for e in result.ledger] == [
        ("c", "yes", "s", False),
        ("d", "q", "s", "p1"),
    ]
    assert result.hidden_answers == ["h"]


def test_the_scorecard_names_rubric_proposal_and_answers() -> None:
    rubric = build(rubric_data())
    result = card(rubric, {"yes": True})
    assert (result.rubric.id, result.rubric.version, result.rubric.hash) == (
        "test-rubric",
        "1.0.0",
        rubric.content_hash,
    )
    assert (result.proposal.id, result.proposal.title) == ("P-1", "A proposal")
    assert result.answers_hash == review({"yes": True}, rubric).answers_hash()
    assert result.answers_hash != card(rubric, {"yes": False}).answers_hash


# --- more boundaries ------------------------------------------------------------------------------


def test_a_component_whose_shown_questions_carry_no_points_does_not_apply() -> None:
    hidden = {**YES, "when": {"equals": {"question": "proposal.kind", "value": "budget"}}}
    pointless = {**points_question(0, 0), "score": {"component": "c"}}
    rubric = build(rubric_data(hidden, pointless))
    result = card(rubric, {"q": "p0"}, kind="program")
    assert result.score is None and result.complete
    assert [(e.question, e.points, e.max, e.contribution) for e in result.ledger] == [
        ("q", 0, 0, 0.0)
    ]
    assert result.components[0].applicable is False


def test_answers_that_are_not_choices_score_nothing() -> None:
    rubric = build(rubric_data(points_question(1, 2), MULTI))
    result = card(rubric, {"q": "zz", "m": ["a", "zz"]})
    assert entry(result, "q") == (0, 2, "choice 'zz' scores 0 of 2")
    assert entry(result, "m") == (1, 5, "sum of chosen choices (a 1, zz 0) = 1 of 5")


def test_taxonomy_questions_score_with_optional_items_enabled() -> None:
    tax = {
        "id": "d",
        "type": "multiselect",
        "prompt": "D?",
        "choices_from": "determinants",
        "score": {"component": "c"},
    }
    sel = {**tax, "id": "e", "type": "select"}
    data = rubric_data(
        YES,
        tax,
        sel,
        determinants=[{"id": "h", "label": "H"}, {"id": "x", "label": "X", "optional": True}],
    )
    rubric = build(data)
    result = score(rubric, review({"yes": True, "d": ["h", "x"], "e": "x"}, rubric, enable=["x"]))
    assert result.score == 100.0
    assert [(e.question, e.points, e.max) for e in result.ledger] == [
        ("yes", 1, 1),
        ("d", 0, 0),
        ("e", 0, 0),
    ]


def test_a_score_on_the_edge_of_two_bands_takes_the_higher_whatever_the_order() -> None:
    data = rubric_data(points_question(50, 100))
    data["scoring"]["bands"].reverse()  # worst first: a warning, still valid
    rubric = build(data)
    result = card(rubric, {"q": "p0"})
    assert result.score == 50.0 and result.band is not None and result.band.id == "good"
