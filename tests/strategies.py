"""Hypothesis strategies that write random but valid reviews for any rubric."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from esj_review.core.qtypes.multiselect import MultiselectQuestion
from esj_review.core.qtypes.number import NumberQuestion
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review, parse_review
from esj_review.core.rubric import Question, Rubric

TEXTS = st.sampled_from(["", "short", "A considered answer that is long enough to earn points."])


def value_for(rubric: Rubric, q: Question, enabled: frozenset[str]) -> st.SearchStrategy[Any]:
    """Any valid answer to one (non-repeat) question."""
    if q.type == "text":
        return TEXTS
    if q.type in {"select", "scale"}:
        return st.sampled_from([c.id for c in rubric.choices_for(q, enabled)])
    if isinstance(q, MultiselectQuestion):
        ids = [c.id for c in rubric.choices_for(q, enabled)]
        return st.lists(st.sampled_from(ids), unique=True, min_size=max(1, q.min_selected))
    if isinstance(q, NumberQuestion):
        low = q.min if q.min is not None else -1e7
        high = q.max if q.max is not None else 1e7
        return st.integers(int(low), int(high))
    if q.type == "date":
        return st.dates().map(lambda d: d.isoformat())
    if q.type == "bool":
        return st.booleans()
    raise AssertionError(q.type)


@st.composite
def reviews(draw: st.DrawFn, rubric: Rubric, *, complete_text: bool = False) -> Review:
    """A review answering every question (hidden ones too) with random valid values."""
    enabled = frozenset(
        draw(st.sets(st.sampled_from([i.id for i in rubric.optional_items()] or [""])))
    )
    enabled -= {""}
    answers: dict[str, Any] = {}
    for _, q in rubric.iter_questions():
        if not isinstance(q, RepeatQuestion):
            answers[q.id] = draw(value_for(rubric, q, enabled))
            if complete_text and q.type == "text":
                answers[q.id] = "A considered answer that is long enough to earn points."
            continue
        items = {}
        for key in answers.get(q.over, []):
            items[key] = {s.id: draw(value_for(rubric, s, enabled)) for s in q.questions}
            if complete_text:
                for s in q.questions:
                    if s.type == "text":
                        items[key][s.id] = "A considered answer that is long enough to earn points."
        answers[q.id] = items
    data = {
        "format": "esj-review/1",
        "rubric": {"id": rubric.id, "version": rubric.version, "enable": sorted(enabled)},
        "proposal": {"id": "P-1", "title": "Random proposal", "kind": rubric.proposal_kinds[0].id},
        "answers": answers,
    }
    return parse_review(data, "generated.yaml")
