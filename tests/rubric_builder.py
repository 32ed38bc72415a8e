"""Small rubrics and reviews built as data, for tests of the engine's public behaviour.

The rubrics are written as the YAML a rubric author writes (as dicts), loaded through
`parse_rubric`, so the tests hold whatever the models look like inside.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from esj_review.core.checks import check_review
from esj_review.core.errors import ValidationFailed, problems_from_pydantic
from esj_review.core.lint import lint_rubric
from esj_review.core.review import Review, parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import parse_rubric

SOURCE = "r.yaml"

# A question that scores, so that the default component has something to score.
YES: Any = {
    "id": "yes",
    "type": "bool",
    "prompt": "Yes?",
    "score": {"component": "c", "yes_points": 1},
}


def rubric_data(*questions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A minimal valid rubric: one section holding `questions` (default: one scored bool).

    One component `c`, two bands (`good` 50-100, `poor` 0-50), one proposal kind `program`;
    any top-level field can be given or replaced as a keyword.
    """
    data: dict[str, Any] = {
        "id": "test-rubric",
        "version": "1.0.0",
        "title": "Test rubric",
        "proposal_kinds": [
            {"id": "program", "label": "Program"},
            {"id": "budget", "label": "Budget item"},
        ],
        "sections": [{"id": "s", "title": "Section", "questions": list(questions or [YES])}],
        "scoring": {
            "components": [{"id": "c", "label": "Component", "weight": 1}],
            "bands": [
                {"id": "good", "label": "Good", "min": 50, "max": 100},
                {"id": "poor", "label": "Poor", "min": 0, "max": 50},
            ],
        },
    }
    data.update(copy.deepcopy(fields))
    return copy.deepcopy(data)


def build(data: dict[str, Any]) -> Rubric:
    """Load rubric data as `esj-review` does (schema, then lint); fails the test if invalid."""
    return parse_rubric(data, SOURCE)


def rubric_errors(data: dict[str, Any]) -> list[str]:
    """The error lines loading the data prints (schema or lint), as the user sees them."""
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(data, SOURCE)
    return [line.removeprefix(f"{SOURCE}: ") for line in str(info.value).splitlines()]


def rubric_problems(data: dict[str, Any]) -> list[str]:
    """Every problem, warnings included, as `path: message` (schema errors, else lint)."""
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        return [p.render() for p in problems_from_pydantic(exc, data=data)]
    return [p.render() for p in lint_rubric(rubric).problems]


def review(
    answers: dict[str, Any] | None = None,
    rubric: Rubric | None = None,
    enable: list[str] | None = None,
    **proposal: Any,
) -> Review:
    """A review of a proposal `P-1` for the rubric (default: the test rubric) with answers."""
    ref: dict[str, Any] = {
        "id": rubric.id if rubric else "test-rubric",
        "version": rubric.version if rubric else "1.0.0",
    }
    if enable is not None:
        ref["enable"] = enable
    data = {
        "format": "esj-review/1",
        "rubric": ref,
        "proposal": {"id": "P-1", "title": "A proposal", **proposal},
        "answers": copy.deepcopy(answers or {}),
    }
    return parse_review(data, SOURCE)


def problems(
    rubric: Rubric, answers: dict[str, Any], enable: list[str] | None = None, **proposal: Any
) -> list[str]:
    """What `esj-review validate` reports for these answers, as `path: message` lines."""
    found = check_review(rubric, review(answers, rubric, enable, **proposal))
    return [p.render() for p in found]
