"""The impact method end to end on a small rubric: every benefit and burden line, the totals,
the 0-100 mapping, confidence and its cap, and adjustments, with the numbers worked by hand.

    benefit = size x reach x benefit factors
    burden  = size x weight x (1 - share mitigated)
    score   = 50 + 50 x net / (|net| + scale)      (scale 2 here)
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from esj_review.core.rubric import Rubric
from esj_review.core.scoring import Scorecard, score
from tests.rubric_builder import build, review, rubric_data


def select(qid: str, *ids: str, **fields: Any) -> dict[str, Any]:
    choices = [{"id": i, "label": i.replace("_", " ").title()} for i in ids]
    return {"id": qid, "type": "select", "prompt": f"{qid}?", "choices": choices, **fields}


QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "touched",
        "type": "multiselect",
        "prompt": "Which determinants?",
        "choices": [
            {"id": "housing", "label": "Housing"},
            {"id": "jobs", "label": "Jobs"},
            {"id": "parks", "label": "Parks"},
        ],
    },
    {
        "id": "impacts",
        "type": "repeat",
        "prompt": "Impacts",
        "over": "touched",
        "questions": [
            select("direction", "benefit", "burden", "mixed", "none"),
            select("size", "small", "large"),
            select("reach", "priority", "broad"),
            select("mit", "none", "partial", "full"),
            {"id": "mit_by", "type": "text", "prompt": "Mitigated by when?"},
        ],
    },
    select("funding", "funded", "partial", "unfunded"),
    {"id": "lasting", "type": "bool", "prompt": "Lasting change?"},
    {
        "id": "engaged",
        "type": "select",
        "prompt": "Engaged?",
        "choices": [
            {"id": "nobody", "label": "Nobody"},
            {"id": "some", "label": "Some", "points": 1},
            {"id": "full", "label": "Full", "points": 2},
        ],
        "score": {"component": "c"},
    },
]

GAIN: dict[str, Any] = {
    "id": "gain",
    "label": "gain",
    "when": {"in": {"question": "direction", "values": ["benefit", "mixed"]}},
    "size": {"question": "size", "values": {"small": 1, "large": 3}},
    "weight": {"question": "reach", "values": {"priority": 1, "broad": 0.5}},
}
HARM: dict[str, Any] = {
    "id": "harm",
    "label": "harm",
    "when": {"in": {"question": "direction", "values": ["burden", "mixed"]}},
    "size": {"question": "size", "values": {"small": 1, "large": 3}},
    "mitigation": [
        {"question": "mit", "values": {"none": 0, "partial": 0.5, "full": 0.9}},
        {"question": "mit_by", "answered": 1, "otherwise": 0.8},
    ],
}
SCORING: dict[str, Any] = {
    "model": "impact",
    "components": [{"id": "c", "label": "Process", "weight": 1}],
    "bands": [
        {"id": "good", "label": "Good", "min": 60, "max": 100},
        {"id": "fair", "label": "Fair", "min": 40, "max": 60},
        {"id": "poor", "label": "Poor", "min": 0, "max": 40},
    ],
    "confidence": [
        {"id": "high", "label": "High", "min": 50},
        {"id": "low", "label": "Low", "min": 0, "cap": "fair"},
    ],
    "impact": {
        "repeat": "impacts",
        "scale": 2,
        "benefits": [GAIN],
        "burdens": [HARM],
        "benefit_factors": [
            {
                "question": "funding",
                "values": {"funded": 1, "partial": 0.5, "unfunded": 0.2},
                "otherwise": 0.25,
            }
        ],
    },
}


def impact_rubric(**changes: Any) -> Rubric:
    """The test rubric, with fields of `scoring` (or of `scoring.impact`) replaced."""
    scoring = copy.deepcopy(SCORING)
    for key, value in changes.items():
        if key in scoring["impact"] or key in ("repeat", "scale"):
            scoring["impact"][key] = value
        else:
            scoring[key] = value
    return build(rubric_data(*QUESTIONS, scoring=scoring))


RUBRIC = impact_rubric()


def card(answers: dict[str, Any], rubric: Rubric = RUBRIC) -> Scorecard:
    base: dict[str, Any] = {"engaged": "full", "funding": "funded"}
    return score(rubric, review({**base, **answers}, rubric))


def lines(result: Scorecard) -> list[tuple[str, str, float, float, str]]:
    """The impact lines of the ledger as (label, side, value, contribution, rule)."""
    return [
        (e.question, e.answer, e.points, e.contribution, e.rule)
        for e in result.ledger
        if e.component == "impact"
    ]


def test_a_benefit_and_a_mitigated_burden_score_with_every_step_shown() -> None:
    result = card(
        {
            "touched": ["housing", "jobs"],
            "impacts": {
                "housing": {"direction": "benefit", "size": "large", "reach": "priority"},
                "jobs": {
                    "direction": "burden",
                    "size": "small",
                    "mit": "partial",
                    "mit_by": "2027",
                },
            },
        }
    )
    # benefit 3 x 1 x 1 = 3; burden 1 x 1 x (1 - 0.5 x 1) = 0.5; net 2.5; 50 + 50 x 2.5 / 4.5
    assert result.score == 77.8
    assert result.model == "impact"
    assert result.impact is not None
    assert result.impact.model_dump() == {"benefit": 3.0, "burden": 0.5, "net": 2.5, "scale": 2.0}
    assert lines(result) == [
        (
            "Housing: gain",
            "benefit",
            3.0,
            33.3333,
            "size large 3 x priority share 1 (priority) x funding funded x1 = +3",
        ),
        (
            "Jobs: harm",
            "burden",
            -0.5,
            -5.5556,
            "size small 1 x priority share 1 mit partial 0.5 mit_by answered 1 "
            "so x (1 - 0.5 mitigated) = -0.5",
        ),
    ]
    impact_entries = [e for e in result.ledger if e.component == "impact"]
    assert [e.max for e in impact_entries] == [3.0, 0.5]
    assert {e.section for e in impact_entries} == {"s"}
    assert {e.measure for e in impact_entries} == {"score"}
    # the contributions add up to the score less 50
    assert round(50 + sum(e.contribution for e in impact_entries), 1) == result.score
    assert result.band is not None and result.band.id == "good"
    assert result.confidence is not None
    assert result.confidence.model_dump() == {"id": "high", "label": "High", "percent": 100.0}
    process = next(e for e in result.ledger if e.component == "c")
    assert (process.measure, process.contribution) == ("confidence", 100.0)


def test_no_impact_scores_50_and_no_lines() -> None:
    result = card({"touched": ["housing"], "impacts": {"housing": {"direction": "none"}}})
    assert result.score == 50.0
    assert result.impact is not None
    assert result.impact.model_dump() == {"benefit": 0.0, "burden": 0.0, "net": 0.0, "scale": 2.0}
    assert lines(result) == []
    assert result.band is not None and result.band.id == "fair"


def test_an_unmitigated_burden_pulls_the_score_below_50() -> None:
    result = card(
        {"touched": ["parks"], "impacts": {"parks": {"direction": "burden", "size": "large"}}}
    )
    # no mitigation answered: 0 x 0.8 removed, so the whole burden 3 counts; 50 - 50 x 3 / 5
    assert result.score == 20.0
    assert lines(result) == [
        (
            "Parks: harm",
            "burden",
            -3.0,
            -30.0,
            "size large 3 x priority share 1 mit no answer 0 mit_by no answer 0.8 "
            "so x (1 - 0 mitigated) = -3",
        )
    ]
    assert result.impact is not None
    assert (result.impact.benefit, result.impact.burden, result.impact.net) == (0.0, 3.0, -3.0)
    assert result.band is not None and result.band.id == "poor"


def test_a_full_mitigation_with_a_date_leaves_a_tenth_of_the_burden() -> None:
    result = card(
        {
            "touched": ["jobs"],
            "impacts": {
                "jobs": {"direction": "burden", "size": "large", "mit": "full", "mit_by": "soon"}
            },
        }
    )
    # 3 x 1 x (1 - 0.9 x 1) = 0.3; 50 - 50 x 0.3 / 2.3 = 43.478...
    assert result.score == 43.5
    assert lines(result)[0][2] == pytest.approx(-0.3)
    assert lines(result)[0][4].endswith("so x (1 - 0.9 mitigated) = -0.3")


def test_a_broadly_shared_benefit_partly_funded_counts_for_a_quarter() -> None:
    result = card(
        {
            "funding": "partial",
            "touched": ["housing"],
            "impacts": {"housing": {"direction": "benefit", "size": "small", "reach": "broad"}},
        }
    )
    # 1 x 0.5 x 0.5 = 0.25; 50 + 50 x 0.25 / 2.25 = 55.555...
    assert result.score == 55.6
    assert lines(result) == [
        (
            "Housing: gain",
            "benefit",
            0.25,
            5.5556,
            "size small 1 x priority share 0.5 (broad) x funding partial x0.5 = +0.25",
        )
    ]


def test_an_unanswered_factor_counts_as_its_otherwise_value() -> None:
    result = card(
        {
            "funding": None,
            "touched": ["housing"],
            "impacts": {"housing": {"direction": "benefit", "size": "large", "reach": "priority"}},
        }
    )
    # 3 x 1 x 0.25 = 0.75; 50 + 50 x 0.75 / 2.75 = 63.636...
    assert result.score == 63.6
    assert lines(result)[0][4] == (
        "size large 3 x priority share 1 (priority) x funding no answer x0.25 = +0.75"
    )


def test_a_mixed_impact_is_both_a_benefit_and_a_burden() -> None:
    result = card(
        {
            "touched": ["housing"],
            "impacts": {
                "housing": {
                    "direction": "mixed",
                    "size": "small",
                    "reach": "priority",
                    "mit": "none",
                }
            },
        }
    )
    # +1 and -(1 x (1 - 0 x 0.8)) = -1: net 0
    assert [(line[0], line[1], line[2]) for line in lines(result)] == [
        ("Housing: gain", "benefit", 1.0),
        ("Housing: harm", "burden", -1.0),
    ]
    assert result.score == 50.0
    assert result.impact is not None
    assert (result.impact.benefit, result.impact.burden) == (1.0, 1.0)


def test_an_item_not_chosen_is_not_measured() -> None:
    result = card(
        {
            "touched": ["housing"],
            "impacts": {
                "housing": {"direction": "none"},
                "jobs": {"direction": "burden", "size": "large"},
            },
        }
    )
    assert lines(result) == []
    assert result.score == 50.0
    assert result.hidden_answers == ["impacts.jobs.direction", "impacts.jobs.size"]


def test_the_impact_repeat_names_the_section_of_impact_lines() -> None:
    data = rubric_data(*QUESTIONS[2:], scoring=SCORING)
    data["sections"][0]["id"] = "first"
    data["sections"].append({"id": "impact_section", "title": "Impact", "questions": QUESTIONS[:2]})
    rubric = build(data)
    result = card(
        {"touched": ["housing"], "impacts": {"housing": {"direction": "benefit", "size": "small"}}},
        rubric,
    )
    entry = next(e for e in result.ledger if e.component == "impact")
    assert entry.section == "impact_section"
    # no reach answered: the weight map's `otherwise` (0)
    assert entry.rule == "size small 1 x priority share 0 (no answer) x funding funded x1 = +0"


def test_an_effect_once_per_review_with_fixed_size_and_no_mitigation() -> None:
    once_gain = {
        "id": "lasting_gain",
        "label": "Lasting change",
        "when": {"equals": {"question": "lasting", "value": True}},
        "size": 2,
        "weight": 0.5,
        "per_item": False,
    }
    once_harm = {
        "id": "cut",
        "label": "Service cut",
        "when": {"equals": {"question": "funding", "value": "unfunded"}},
        "size": 1.5,
        "per_item": False,
    }
    rubric = impact_rubric(benefits=[GAIN, once_gain], burdens=[HARM, once_harm])
    result = card({"lasting": True, "funding": "unfunded", "touched": ["housing"]}, rubric)
    # benefit 2 x 0.5 x 0.2 = 0.2; burden 1.5 x 1 x (1 - 0) = 1.5; net -1.3
    assert lines(result) == [
        (
            "Lasting change",
            "benefit",
            0.2,
            3.0303,
            "size fixed 2 x priority share 0.5 x funding unfunded x0.2 = +0.2",
        ),
        ("Service cut", "burden", -1.5, -22.7273, "size fixed 1.5 x priority share 1 = -1.5"),
    ]
    assert result.score == round(50 + 50 * -1.3 / 3.3, 1) == 30.3
    # per_item effects are not tested without an item
    assert not any("gain" in line[0] or "harm" in line[0] for line in lines(result))
    assert card({"lasting": False, "touched": []}, rubric).score == 50.0


def test_without_a_repeat_every_effect_is_tested_once_on_the_top_answers() -> None:
    top_gain = {
        "id": "lasting_gain",
        "label": "Lasting change",
        "when": {"equals": {"question": "lasting", "value": True}},
        "size": 1,
    }
    top_harm = {
        "id": "cut",
        "label": "Service cut",
        "when": {"equals": {"question": "funding", "value": "unfunded"}},
        "size": 1,
        "weight": {"question": "lasting", "values": {"yes": 2, "no": 0.5}},
    }
    rubric = impact_rubric(repeat=None, benefits=[top_gain], burdens=[top_harm])
    result = card({"lasting": True, "funding": "unfunded"}, rubric)
    assert [(line[0], line[2], line[4]) for line in lines(result)] == [
        ("Lasting change", 0.2, "size fixed 1 x priority share 1 x funding unfunded x0.2 = +0.2"),
        ("Service cut", -2.0, "size fixed 1 x priority share 2 (yes) = -2"),
    ]
    entry = next(e for e in result.ledger if e.component == "impact")
    assert entry.section == ""
    no = card({"lasting": False, "funding": "unfunded"}, rubric)
    assert [(line[2], line[4]) for line in lines(no)] == [
        (-0.5, "size fixed 1 x priority share 0.5 (no) = -0.5")
    ]


def test_a_map_uses_answered_for_an_answer_it_does_not_list_and_shows_the_answer() -> None:
    factors = [
        {"question": "funding", "values": {"funded": 1}, "answered": 0.7, "otherwise": 0.1},
        {"question": "lasting", "values": {"yes": 1.5}, "otherwise": 1},
    ]
    rubric = impact_rubric(benefit_factors=factors)
    housing = {"housing": {"direction": "benefit", "size": "small", "reach": "priority"}}
    result = card(
        {"funding": "partial", "lasting": False, "touched": ["housing"], "impacts": housing}, rubric
    )
    # funding partial is answered but not listed: 0.7; lasting False is not listed: otherwise 1
    assert lines(result)[0][4] == (
        "size small 1 x priority share 1 (priority) x funding answered x0.7 x lasting False x1"
        " = +0.7"
    )
    yes = card(
        {"funding": "funded", "lasting": True, "touched": ["housing"], "impacts": housing}, rubric
    )
    assert lines(yes)[0][2] == 1.5
    assert lines(yes)[0][4].endswith("x funding funded x1 x lasting yes x1.5 = +1.5")


def test_low_confidence_caps_the_band_and_confidence_follows_the_process_points() -> None:
    answers: dict[str, Any] = {
        "touched": ["housing"],
        "impacts": {"housing": {"direction": "benefit", "size": "large", "reach": "priority"}},
    }
    high = card({**answers, "engaged": "some"})  # 1 of 2 points: 50%, exactly the "high" min
    assert high.confidence is not None
    assert (high.confidence.id, high.confidence.percent) == ("high", 50.0)
    assert high.band is not None and high.band.id == "good"
    low = card({**answers, "engaged": "nobody"})
    assert low.score == high.score == 80.0
    assert low.confidence is not None
    assert low.confidence.model_dump() == {"id": "low", "label": "Low", "percent": 0.0}
    assert low.uncapped_band is not None and low.uncapped_band.id == "good"
    assert low.band is not None and (low.band.id, low.band.label) == ("fair", "Fair")


def test_with_no_process_question_shown_confidence_is_the_lowest_level() -> None:
    data = rubric_data(*QUESTIONS, scoring=SCORING)
    engaged = data["sections"][0]["questions"][-1]
    engaged["when"] = {"equals": {"question": "lasting", "value": True}}
    rubric = build(data)
    result = card({"lasting": False, "touched": []}, rubric)
    assert result.confidence is not None
    assert (result.confidence.id, result.confidence.percent) == ("low", 0.0)
    assert result.band is not None and result.band.id == "fair"


def test_confidence_levels_may_be_listed_in_any_order() -> None:
    levels = [
        {"id": "low", "label": "Low", "min": 0, "cap": "fair"},
        {"id": "high", "label": "High", "min": 50},
    ]
    rubric = impact_rubric(confidence=levels)
    result = card({"engaged": "full", "touched": []}, rubric)
    assert result.confidence is not None and result.confidence.id == "high"


def test_a_confidence_level_above_every_review_gives_none_below_it() -> None:
    levels = [{"id": "high", "label": "High", "min": 50}, {"id": "low", "label": "Low", "min": 0}]
    rubric = impact_rubric(confidence=levels)
    assert card({"engaged": "nobody", "touched": []}, rubric).confidence is not None


def test_an_incomplete_impact_review_has_no_score_confidence_or_totals() -> None:
    data = rubric_data(*QUESTIONS, scoring=SCORING)
    data["sections"][0]["questions"][2]["required"] = True  # funding
    rubric = build(data)
    result = card({"funding": None, "touched": ["housing"]}, rubric)
    assert (result.score, result.band, result.confidence, result.impact) == (None,) * 4
    assert result.ledger == [] and result.components == []
    assert [g.question for g in result.gaps] == ["funding"]


# --- adjustments ----------------------------------------------------------------------------

ADJUST = {
    "id": "engagement_unfunded",
    "question": "engaged",
    "value": "some",
    "message": "Full engagement is claimed but nothing funds it; scored as Some.",
    "when": {
        "all": [
            {"equals": {"question": "engaged", "value": "full"}},
            {"equals": {"question": "funding", "value": "unfunded"}},
        ]
    },
}


def test_an_adjustment_scores_the_answer_as_its_value_and_raises_a_flag() -> None:
    rubric = impact_rubric(adjustments=[ADJUST])
    result = card({"engaged": "full", "funding": "unfunded", "touched": []}, rubric)
    process = next(e for e in result.ledger if e.component == "c")
    assert (process.answer, process.points, process.rule) == (
        "some",
        1.0,
        "choice 'some' scores 1 of 2",
    )
    assert result.confidence is not None and result.confidence.percent == 50.0
    assert [(f.id, f.severity, f.message, f.cap) for f in result.flags] == [
        (
            "engagement_unfunded",
            "warning",
            "Full engagement is claimed but nothing funds it; scored as Some.",
            None,
        )
    ]
    # the review itself keeps what was written
    untouched = card({"engaged": "full", "funding": "funded", "touched": []}, rubric)
    assert untouched.flags == []
    assert next(e for e in untouched.ledger if e.component == "c").points == 2.0


def test_an_adjustment_changes_only_its_own_question() -> None:
    rubric = impact_rubric(adjustments=[{**ADJUST, "severity": "critical"}])
    result = card(
        {
            "engaged": "full",
            "funding": "unfunded",
            "touched": ["housing"],
            "impacts": {"housing": {"direction": "benefit", "size": "small", "reach": "priority"}},
        },
        rubric,
    )
    assert [f.severity for f in result.flags] == ["critical"]
    # the funding factor still reads the written answer
    assert lines(result)[0][4].endswith("x funding unfunded x0.2 = +0.2")
    assert [e.answer for e in result.ledger if e.component == "c"] == ["some"]


def test_an_item_not_chosen_is_not_measured_even_when_nothing_is_answered_in_it() -> None:
    touched = {
        "id": "touched_any",
        "label": "touched",
        "when": {"not": {"equals": {"question": "direction", "value": "none"}}},
        "size": 1,
    }
    rubric = impact_rubric(benefits=[GAIN, touched])
    result = card(
        {
            "touched": ["housing"],
            "impacts": {"housing": {"direction": "none"}, "jobs": {"size": "large"}},
        },
        rubric,
    )
    assert lines(result) == []
    chosen = card(
        {"touched": ["housing", "parks"], "impacts": {"housing": {"direction": "none"}}}, rubric
    )
    # parks is chosen but not described: its `not none` effect holds
    assert [line[0] for line in lines(chosen)] == ["Parks: touched"]


def test_an_items_effect_may_read_answers_outside_the_repeat() -> None:
    lasting_gain = {
        **GAIN,
        "id": "lasting_gain",
        "label": "lasting gain",
        "when": {
            "all": [
                {"equals": {"question": "direction", "value": "benefit"}},
                {"equals": {"question": "lasting", "value": True}},
            ]
        },
        "weight": {"question": "lasting", "values": {"yes": 2, "no": 0}},
    }
    rubric = impact_rubric(benefits=[lasting_gain])
    housing = {"housing": {"direction": "benefit", "size": "small"}}
    result = card({"lasting": True, "touched": ["housing"], "impacts": housing}, rubric)
    assert lines(result) == [
        (
            "Housing: lasting gain",
            "benefit",
            2.0,
            25.0,
            "size small 1 x priority share 2 (yes) x funding funded x1 = +2",
        )
    ]
    assert lines(card({"lasting": False, "touched": ["housing"], "impacts": housing}, rubric)) == []


def test_totals_and_lines_are_rounded_to_four_places_and_confidence_to_one() -> None:
    scoring = copy.deepcopy(SCORING)
    scoring["impact"]["benefit_factors"] = [{"question": "funding", "values": {"funded": 0.123456}}]
    scoring["impact"]["burdens"][0]["mitigation"][0]["values"]["partial"] = 0.654321
    data = rubric_data(*QUESTIONS, scoring=scoring)
    engaged = data["sections"][0]["questions"][-1]
    engaged["choices"][2]["points"] = 3  # full 3 points: "some" is 1 of 3
    rubric = build(data)
    impacts = {
        "housing": {"direction": "benefit", "size": "small", "reach": "priority"},
        "jobs": {"direction": "burden", "size": "small", "mit": "partial", "mit_by": "May"},
    }
    result = card({"engaged": "some", "touched": ["housing", "jobs"], "impacts": impacts}, rubric)
    # benefit 0.123456; burden 1 - 0.654321 = 0.345679; net -0.222223
    assert result.impact is not None
    assert result.impact.model_dump() == {
        "benefit": 0.1235,
        "burden": 0.3457,
        "net": -0.2222,
        "scale": 2.0,
    }
    entries = [(e.points, e.max) for e in result.ledger if e.component == "impact"]
    assert entries == [(0.1235, 0.1235), (-0.3457, 0.3457)]
    assert result.confidence is not None and result.confidence.percent == 33.3


def test_a_weighted_rubric_ignores_an_impact_block_and_scores_its_components() -> None:
    rubric = impact_rubric(model="weighted", confidence=[])
    result = card(
        {
            "engaged": "some",
            "touched": ["housing"],
            "impacts": {"housing": {"direction": "benefit", "size": "large", "reach": "priority"}},
        },
        rubric,
    )
    assert (result.model, result.score, result.impact, result.confidence) == (
        "weighted",
        50.0,
        None,
        None,
    )
    assert [(e.component, e.measure) for e in result.ledger] == [("c", "score")]
