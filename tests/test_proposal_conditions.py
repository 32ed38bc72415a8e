"""Conditions on the proposal (`proposal.kind`, `proposal.department`) read the same values
whether they decide what is shown or which flags are raised."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from esj_review.core.review import parse_review
from esj_review.core.rubrics import parse_rubric
from esj_review.core.scoring import score

CONDITIONS = [
    {"answered": "proposal.department"},
    {"in": {"question": "proposal.department", "values": ["", " ", "Parks"]}},
    {"not": {"equals": {"question": "proposal.kind", "value": "program"}}},
    {
        "any": [
            {"answered": "proposal.kind"},
            {"equals": {"question": "proposal.department", "value": ""}},
        ]
    },
]


def rubric_with(when: dict[str, Any]) -> Any:
    return parse_rubric(
        {
            "id": "toy",
            "version": "1.0.0",
            "title": "Toy",
            "proposal_kinds": [
                {"id": "program", "label": "Program"},
                {"id": "plan", "label": "Plan"},
            ],
            "sections": [
                {
                    "id": "main",
                    "title": "Main",
                    "questions": [
                        {
                            "id": "ok",
                            "type": "bool",
                            "prompt": "OK?",
                            "score": {"component": "c", "yes_points": 1},
                        },
                        {"id": "conditional", "type": "text", "prompt": "Why?", "when": when},
                    ],
                }
            ],
            "scoring": {
                "components": [{"id": "c", "label": "C", "weight": 1}],
                "bands": [{"id": "all", "label": "All", "min": 0, "max": 100}],
                "flags": [{"id": "same", "severity": "info", "message": "m", "when": when}],
            },
        },
        "toy.yaml",
    )


@settings(max_examples=60, deadline=None)
@given(
    when=st.sampled_from(CONDITIONS),
    department=st.sampled_from([None, "", " ", "Parks", "Transit"]),
    kind=st.sampled_from([None, "program", "plan"]),
)
def test_a_flag_and_a_question_with_the_same_condition_agree(
    when: dict[str, Any], department: str | None, kind: str | None
) -> None:
    rubric = rubric_with(when)
    proposal: dict[str, Any] = {"id": "P-1", "title": "T", "department": department, "kind": kind}
    review = parse_review(
        {
            "format": "esj-review/1",
            "rubric": {"id": "toy", "version": "1.0.0"},
            "proposal": proposal,
            "answers": {"ok": True},
        },
        "r.yaml",
    )
    shown = next(s for s in review.slots(rubric) if s.path == "conditional").visible
    raised = [f.id for f in score(rubric, review).flags] == ["same"]
    assert shown == raised
