"""The question-type registry: a new type is one module and one `register` call.

A toy `percent` type (typed as `45%`, scored in proportion to the percentage) goes through
every place a type is used: the rubric schema, validation, scoring and the ledger, the prompt
spec, a sheet cell, the blank review and the rubric catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import jsonschema
import pytest
from pydantic import Field

from esj_review.batch.sheets import row_to_review
from esj_review.core import qtypes
from esj_review.core.checks import check_review
from esj_review.core.errors import Problem, ValidationFailed
from esj_review.core.qtypes.base import ChoiceSource, QuestionBase, QuestionKind, ScoreBase
from esj_review.core.review import parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric, parse_rubric, shipped_rubrics
from esj_review.core.scoring import score
from esj_review.core.templates import yaml_template
from esj_review.interview.prompts import answer_from, spec_for
from esj_review.report.catalogue import render_catalogue


class PercentScore(ScoreBase):
    """`points` in proportion to the percentage."""

    points: float = Field(gt=0)


class PercentQuestion(QuestionBase):
    """A percentage from 0 to 100."""

    type: Literal["percent"]
    score: PercentScore | None = None


class PercentKind(QuestionKind[PercentQuestion]):
    """A percentage, typed as `45%` or `45`."""

    name = "percent"
    model = PercentQuestion
    example = "50"

    def check(
        self, rubric: ChoiceSource, q: PercentQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a percentage"
        return None if 0 <= value <= 100 else "must be between 0 and 100"

    def parse_text(
        self, rubric: ChoiceSource, q: PercentQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
        try:
            return float(text.strip().removesuffix("%"))
        except ValueError:
            raise ValueError("expected a percentage, like 45%") from None

    def points(
        self, rubric: ChoiceSource, q: PercentQuestion, value: Any, enabled: frozenset[str]
    ) -> tuple[float, str]:
        top = self.max_points(rubric, q, enabled)
        return top * value / 100, f"{value:g}% of {top:g}"

    def max_points(
        self, rubric: ChoiceSource, q: PercentQuestion, enabled: frozenset[str]
    ) -> float:
        return q.score.points if q.score else 0.0

    def rule_text(self, q: PercentQuestion) -> str:
        return f"{self.max_points(_NO_CHOICES, q, frozenset()):g} x the percentage"

    def facts(self, q: PercentQuestion) -> list[str]:
        return ["A percentage from 0 to 100."]

    def lint(self, q: PercentQuestion, path: str) -> list[Problem]:
        return [] if q.score is None or q.score.points <= 100 else [Problem(path, "too many")]


class _NoChoices:
    def choices_for(
        self, question: QuestionBase, enabled: frozenset[str] = frozenset()
    ) -> list[Any]:
        return []

    def every_item(self) -> frozenset[str]:
        return frozenset()


_NO_CHOICES = _NoChoices()


def toy_rubric_data(qtype: str = "percent") -> dict[str, Any]:
    return {
        "id": "toy",
        "version": "1.0.0",
        "title": "Toy rubric",
        "proposal_kinds": [{"id": "program", "label": "Program"}],
        "sections": [
            {
                "id": "main",
                "title": "Main",
                "questions": [
                    {
                        "id": "coverage",
                        "type": qtype,
                        "prompt": "What share of eligible residents will it reach?",
                        "required": True,
                        "score": {"component": "reach", "points": 10},
                    }
                ],
            }
        ],
        "scoring": {
            "components": [{"id": "reach", "label": "Reach", "weight": 1}],
            "bands": [
                {"id": "high", "label": "High", "min": 50, "max": 100},
                {"id": "low", "label": "Low", "min": 0, "max": 50},
            ],
        },
    }


def review_data(answer: Any) -> dict[str, Any]:
    return {
        "format": "esj-review/1",
        "rubric": {"id": "toy", "version": "1.0.0"},
        "proposal": {"id": "T-1", "title": "Toy"},
        "answers": {"coverage": answer},
    }


@pytest.fixture
def percent() -> Iterator[None]:
    qtypes.register(PercentKind())
    yield
    qtypes.unregister("percent")


def test_an_unregistered_type_is_a_load_error_not_a_fallback() -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(toy_rubric_data(), "toy.yaml")
    assert "toy.yaml: sections[main].questions[coverage].type: 'percent' is not a known type" in (
        str(info.value)
    )


@pytest.mark.usefixtures("percent")
def test_a_registered_type_runs_through_the_whole_engine() -> None:
    rubric = parse_rubric(toy_rubric_data(), "toy.yaml")
    question = rubric.question("coverage")
    assert isinstance(question, PercentQuestion)

    # validation, with the type's own message
    bad = parse_review(review_data(150), "r.yaml")
    assert check_review(rubric, bad) == [Problem("answers.coverage", "must be between 0 and 100")]

    # scoring and the ledger, with the type's own rule
    card = score(rubric, parse_review(review_data(45), "r.yaml"))
    assert card.score == 45.0 and card.band is not None and card.band.id == "low"
    assert [(e.points, e.max, e.rule) for e in card.ledger] == [(4.5, 10.0, "45% of 10 of 10")]

    # the prompt: typed text read by the type, checked with the validator's message
    spec = spec_for(rubric, question, "coverage", 45, frozenset())
    assert spec.widget == "text" and spec.text_default() == "45"
    assert spec.text_error("lots") == "expected a percentage, like 45%"
    assert spec.text_error("120%") == "must be between 0 and 100"
    assert answer_from(spec, "80%") == 80.0

    # a sheet cell, read by the same parser
    data, problems = row_to_review(
        rubric, {"proposal.id": "T-2", "proposal.title": "Toy", "coverage": "60%"}
    )
    assert problems == [] and data["answers"] == {"coverage": 60.0}
    _, problems = row_to_review(rubric, {"proposal.id": "T-3", "coverage": "most"})
    assert problems == [Problem("column 'coverage'", "expected a percentage, like 45%")]

    # the blank review and the catalogue describe it
    assert "  # coverage: 50" in yaml_template(rubric).splitlines()
    catalogue = render_catalogue(rubric)
    assert "A percentage from 0 to 100. Scores into `reach`: 10 x the percentage." in catalogue

    # the type's fields are in the exported schema, and only on it
    schema = Rubric.model_json_schema(by_alias=True)
    assert "PercentQuestion" in schema["$defs"]
    jsonschema.validate(toy_rubric_data(), schema)


@pytest.mark.usefixtures("percent")
def test_the_type_lints_its_own_definition() -> None:
    data = toy_rubric_data()
    data["sections"][0]["questions"][0]["score"]["points"] = 500
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(data, "toy.yaml")
    assert "toy.yaml: questions.coverage: too many" in str(info.value)


def test_unregistering_removes_the_type_again() -> None:
    qtypes.register(PercentKind())
    qtypes.unregister("percent")
    with pytest.raises(ValidationFailed):
        parse_rubric(toy_rubric_data(), "toy.yaml")


@pytest.mark.parametrize("ref", sorted(shipped_rubrics()))
def test_shipped_rubrics_satisfy_the_exported_schema(ref: str) -> None:
    data = load_rubric(ref).model_dump(mode="json", by_alias=True, exclude_defaults=True)
    jsonschema.validate(data, Rubric.model_json_schema(by_alias=True))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda q: q.update(choices=[{"id": "a", "label": "A"}]), "choices on a number"),
        (lambda q: q.update(type="dropdown"), "an unknown type"),
        (
            lambda q: q.update(when={"equals": {"question": "x", "value": 1}, "answered": "x"}),
            "two operators in one condition",
        ),
        (lambda q: q.update(when={}), "a condition with no operator"),
    ],
)
def test_the_exported_schema_refuses_what_the_loader_refuses(change: Any, why: str) -> None:
    data = toy_rubric_data("number")
    data["sections"][0]["questions"][0]["score"] = {"component": "reach", "answered_points": 1}
    change(data["sections"][0]["questions"][0])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, Rubric.model_json_schema(by_alias=True))
    with pytest.raises(ValidationFailed):
        parse_rubric(data, "toy.yaml")
