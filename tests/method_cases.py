"""Helpers for tests/test_scoring_method.py: the shipped rubrics, reviews as plain data, the
impact answers in the order the rubric lists them, and the best-process version of a review.

Tests look rubrics up in `RUBRICS` when they run (not when they are collected), so a scratch
run can swap in a deliberately broken rubric and check that the tests catch it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import yaml
from hypothesis import strategies as st

from esj_review.core.placeholders import is_placeholder
from esj_review.core.qtypes.boolean import BoolQuestion
from esj_review.core.qtypes.multiselect import MultiselectQuestion
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.text import TextQuestion
from esj_review.core.review import Review, parse_review
from esj_review.core.rubric import Question, Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scorecard import BandRef, Scorecard
from esj_review.core.scoring import score
from tests.conftest import EXAMPLES
from tests.strategies import reviews

Data = dict[str, Any]

RUBRICS: dict[str, Rubric] = {
    "king-county": load_rubric("king-county-esj"),
    "gare": load_rubric("gare-racial-equity"),
}
BOTH = list(RUBRICS)

REAL = "A considered answer that is long enough to earn points."
DATE = "2027-06-30"
ABSENT = object()  # a knob value meaning "no answer"

# --- reviews as data ------------------------------------------------------------------------


def data_of(review: Review) -> Data:
    """A review as the plain data of a review file."""
    data: Data = review.model_dump(mode="json")
    return data


def build(data: Data) -> Review:
    """The review a file holding `data` would load as (a deep copy: `data` stays as it is)."""
    return parse_review(copy.deepcopy(data), "test.yaml")


def card_of(rubric: Rubric, data: Data) -> Scorecard:
    return score(rubric, build(data))


def example(name: str) -> Data:
    """A bundled example review, as data."""
    data: Data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return build(data).model_dump(mode="json")


def items(data: Data, repeat: str = "determinant_impacts") -> dict[str, Data]:
    """The repeat's items (created empty when missing)."""
    found: dict[str, Data] = data["answers"].setdefault(repeat, {})
    return found


def set_answer(data: Data, path: tuple[str, ...], value: Any) -> None:
    """Set (or, with ABSENT, remove) the answer at `path` under `answers`."""
    node: Data = data["answers"]
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if value is ABSENT:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value


# --- bands ----------------------------------------------------------------------------------


def order(rubric: Rubric) -> list[str]:
    """Band ids from best to worst, read from the rubric's thresholds."""
    return [b.id for b in sorted(rubric.scoring.bands, key=lambda b: -b.min)]


def rank(rubric: Rubric, band: BandRef | str | None) -> int:
    """0 for the best band; larger is worse."""
    assert band is not None
    return order(rubric).index(band if isinstance(band, str) else band.id)


def band_for(rubric: Rubric, value: float) -> str:
    """The band a score falls in by the rubric's thresholds alone (100 is in the top band)."""
    for band in rubric.scoring.bands:
        if band.min <= value < band.max or value == band.max == 100:
            return band.id
    raise AssertionError(f"no band holds {value}")


def rule_caps(rubric: Rubric) -> dict[str, str | None]:
    """Each flag rule's cap, by flag id, as the rubric states it."""
    return {rule.id: rule.cap for rule in rubric.scoring.flags}


def low_cap(rubric: Rubric, confidence: str) -> str | None:
    level = next(c for c in rubric.scoring.confidence if c.id == confidence)
    return level.cap


# --- which answers are impact answers -------------------------------------------------------


def _questions_named(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "question" and isinstance(value, str):
                yield value
            else:
                yield from _questions_named(value)
    elif isinstance(node, list):
        for value in node:
            yield from _questions_named(value)


def impact_questions(rubric: Rubric) -> set[str]:
    """Top-level questions the impact arithmetic reads (and the repeat with its list)."""
    model = rubric.scoring.impact
    assert model is not None
    named = set(_questions_named(model.model_dump(by_alias=True)))
    if model.repeat is not None:
        rep = rubric.question(model.repeat)
        assert isinstance(rep, RepeatQuestion)
        named |= {rep.id, rep.over}
    return {q.id for _, q in rubric.iter_questions() if q.id in named}


def process_questions(rubric: Rubric) -> list[Question]:
    """Every top-level question that is not an impact answer."""
    impact = impact_questions(rubric)
    return [q for _, q in rubric.iter_questions() if q.id not in impact]


def sub_question(rubric: Rubric, qid: str) -> Question:
    """A question of the impact repeat (KC), or a top-level question."""
    model = rubric.scoring.impact
    if model is not None and model.repeat is not None:
        rep = rubric.question(model.repeat)
        assert isinstance(rep, RepeatQuestion)
        for sub in rep.questions:
            if sub.id == qid:
                return sub
    found = rubric.question(qid)
    assert found is not None, qid
    return found


# --- the best process answers ---------------------------------------------------------------


def best_answer(rubric: Rubric, q: Question, enabled: frozenset[str]) -> Any:
    """The answer worth the most points."""
    if q.type == "text":
        return REAL
    if q.type == "date":
        return DATE
    if isinstance(q, BoolQuestion):
        return q.score is None or q.score.yes_points >= q.score.no_points
    choices = rubric.choices_for(q, enabled)
    if isinstance(q, MultiselectQuestion):
        return [c.id for c in choices]
    return max(choices, key=lambda c: c.points).id


def best_process(rubric: Rubric, data: Data) -> Data:
    """`data` with every answer other than the impact answers at its best."""
    out = copy.deepcopy(data)
    enabled = frozenset(out["rubric"].get("enable", []))
    for q in process_questions(rubric):
        if q.score is not None or q.type == "text":
            out["answers"][q.id] = best_answer(rubric, q, enabled)
    return out


# Process answers that earn few points (low confidence) yet raise no flag that caps the band.
WEAK_PROCESS: dict[str, Data] = {
    "king-county-esj": {
        "engagement_level": "consult",
        "engagement_timing": "late",
        "language_access": "partial",
        "community_compensated": False,
        "community_role": "none",
        "data_kinds": ["population"],
        "data_disaggregated": ["race"],
        "community_data": False,
        "metrics_disaggregated": False,
        "report_back": "none",
    },
    "gare-racial-equity": {
        "outcome_clarity": "none",
        "race_data": "partly",
        "engagement_level": "consult",
        "reporting": "never",
    },
}
WEAK_PROCESS_UNANSWERED = {
    "king-county-esj": ["metrics_first_report"],
    "gare-racial-equity": ["review_date"],
}

# --- impact answers, worse to better --------------------------------------------------------

ASC, DESC, BOOL = "asc", "desc", "bool"  # the rubric lists the choices worse-to-better, or not

# How each impact answer orders, for the proposal's equity effect. Read with the rubric's own
# choice lists by `worse_to_better`; `test_impact_choice_orders_are_the_rubrics` pins them.
ITEM_ORDERS: dict[str, dict[str, str]] = {
    "king-county-esj": {
        "benefit_size": ASC,  # small, moderate, large
        "benefit_reach": DESC,  # priority, broad, better_off
        "burden_size": DESC,  # small, moderate, large: a larger burden is worse
        "burden_bearers": ASC,  # priority, broad, better_off
        "mitigation_status": ASC,  # none, planned, partial, full
        "mitigation_covers": DESC,  # all, most, some
    },
    "gare-racial-equity": {},
}
TOP_ORDERS: dict[str, dict[str, str]] = {
    "king-county-esj": {
        "funding_status": DESC,  # funded, partial, unfunded
        "root_cause_level": DESC,  # upstream, midstream, downstream
        "institutional_change": BOOL,
    },
    "gare-racial-equity": {
        "equity_effect": DESC,  # reduces, no_change, increases
        "burden_on_poc": ASC,  # significant, minor, none
        "mitigation_status": DESC,  # funded, planned, none
        "funded": DESC,  # fully, partly, unfunded
    },
}
# KC direction is a partial order: a burden is worst, a benefit best; "mixed" and "no change"
# are not comparable (mixed adds a benefit and a burden).
DIRECTION_STEPS = [
    ("burden", "no_change"),
    ("burden", "mixed"),
    ("burden", "benefit"),
    ("no_change", "benefit"),
    ("mixed", "benefit"),
]


def worse_to_better(rubric: Rubric, qid: str, how: str) -> list[Any]:
    if how == BOOL:
        return [False, True]
    ids = [c.id for c in rubric.choices_for(sub_question(rubric, qid))]
    return ids if how == ASC else ids[::-1]


def better_pairs(rubric: Rubric, data: Data, path: tuple[str, ...]) -> list[tuple[Any, Any]]:
    """Every (worse, better) pair of answers for the impact answer at `path`."""
    qid = path[-1]
    if qid == "direction":
        return list(DIRECTION_STEPS)
    if qid == "mitigation_by":
        return [(ABSENT, DATE)]
    if qid == "effect_size":  # GARE: larger is better for a reduction, worse for an increase
        effect = data["answers"].get("equity_effect")
        how = ASC if effect == "reduces" else DESC
        ranked = worse_to_better(rubric, qid, how)
    else:
        orders = ITEM_ORDERS[rubric.id] if len(path) > 1 else TOP_ORDERS[rubric.id]
        ranked = worse_to_better(rubric, qid, orders[qid])
    return [(a, b) for i, a in enumerate(ranked) for b in ranked[i + 1 :]]


def impact_knobs(rubric: Rubric, review: Review) -> list[tuple[str, ...]]:
    """Paths of the impact answers shown in `review`."""
    per_item = {*ITEM_ORDERS[rubric.id], "direction", "mitigation_by"}
    knobs: list[tuple[str, ...]] = []
    for slot in review.slots(rubric):
        if not slot.visible:
            continue
        if slot.parent is None and (
            slot.path in TOP_ORDERS[rubric.id] or slot.path == "effect_size"
        ):
            knobs.append((slot.path,))
        elif slot.parent is not None and slot.item is not None and slot.question.id in per_item:
            knobs.append((slot.parent.id, slot.item, slot.question.id))
    return knobs


# --- texts ----------------------------------------------------------------------------------


def text_paths(rubric: Rubric, data: Data) -> list[tuple[str, ...]]:
    """Every text answer in `data`, shown or hidden, top-level or in a repeat item."""
    found: list[tuple[str, ...]] = []
    answers = data["answers"]
    for _, q in rubric.iter_questions():
        if isinstance(q, TextQuestion) and q.id in answers:
            found.append((q.id,))
        if isinstance(q, RepeatQuestion):
            for item, sub in (answers.get(q.id) or {}).items():
                found += [
                    (q.id, item, s.id) for s in q.questions if s.type == "text" and s.id in sub
                ]
    return found


def get_answer(data: Data, path: tuple[str, ...]) -> Any:
    node: Any = data["answers"]
    for key in path:
        node = node[key]
    return node


REAL_TEXTS = st.text(
    st.characters(categories=["L", "N", "P", "Zs"], codec="utf-8"), min_size=1, max_size=40
).filter(lambda t: t.strip() != "" and not is_placeholder(t))

CHINESE = "我们使用了人口普查数据、项目记录和社区调查，并与受影响的社区一起审查了结果。"
ENGLISH = (
    "We used census data, program records and a community survey, and reviewed the results "
    "with the affected communities."
)


@st.composite
def text_reviews(draw: st.DrawFn, rubric: Rubric) -> Data:
    """A complete review whose every text answer is a different real (non-placeholder) text."""
    data = data_of(draw(reviews(rubric, complete_text=True)))
    for path in text_paths(rubric, data):
        set_answer(data, path, draw(REAL_TEXTS))
    return data
