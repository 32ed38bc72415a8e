"""`bool`: yes or no; scored with `yes_points` or `no_points`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from esj_review.core.errors import Problem
from esj_review.core.i18n import ui
from esj_review.core.qtypes.base import (
    SKIP,
    ChoiceSource,
    Option,
    PromptSpec,
    QuestionBase,
    QuestionKind,
    ScoreBase,
)

_TRUE = {"yes", "y", "true", "t", "1", "x"}
_FALSE = {"no", "n", "false", "f", "0"}


class BoolScore(ScoreBase):
    """Points for yes and for no."""

    yes_points: float = Field(default=0, ge=0)
    no_points: float = Field(default=0, ge=0)


class BoolQuestion(QuestionBase):
    """A yes/no question."""

    type: Literal["bool"]
    score: BoolScore | None = None


class BoolKind(QuestionKind[BoolQuestion]):
    """Yes or no."""

    name = "bool"
    model = BoolQuestion
    widget = "select"
    example = "true"

    def check(
        self, rubric: ChoiceSource, q: BoolQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        return None if isinstance(value, bool) else ui("expected yes or no (true or false)")

    def parse_text(
        self, rubric: ChoiceSource, q: BoolQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(ui("%(text)s is not yes or no") % {"text": repr(text.strip())})

    def display(
        self, rubric: ChoiceSource, q: BoolQuestion, value: Any, enabled: frozenset[str]
    ) -> list[str]:
        return ["Yes" if value else "No"]

    def points(
        self, rubric: ChoiceSource, q: BoolQuestion, value: Any, enabled: frozenset[str]
    ) -> tuple[float, str]:
        if q.score is None:
            return 0.0, "not scored"
        pts = q.score.yes_points if value is True else q.score.no_points
        return pts, f"{'yes' if value is True else 'no'} scores {pts:g}"

    def max_points(self, rubric: ChoiceSource, q: BoolQuestion, enabled: frozenset[str]) -> float:
        return max(q.score.yes_points, q.score.no_points) if q.score else 0.0

    def rule_text(self, q: BoolQuestion) -> str:
        if q.score is None:
            return "not scored"
        return f"yes {q.score.yes_points:g}, no {q.score.no_points:g}"

    def condition_values(self, rubric: ChoiceSource, q: BoolQuestion) -> set[Any] | None:
        return {True, False}

    def prompt_spec(
        self,
        rubric: ChoiceSource,
        q: BoolQuestion,
        default: Any,
        enabled: frozenset[str],
        common: dict[str, Any],
    ) -> PromptSpec:
        # A list, not y/n: Enter on a question not yet answered skips it rather than
        # recording the "no" nobody chose.
        skip = ui("Skip for now (leaves a gap)") if q.required else ui("Skip for now")
        options = (Option(ui("Yes"), True), Option(ui("No"), False), Option(skip, SKIP))
        return PromptSpec(widget="select", options=options, default=default, **common)

    def lint(self, q: BoolQuestion, path: str) -> list[Problem]:
        if q.score is not None and not (q.score.yes_points or q.score.no_points):
            return [
                Problem(f"{path}.score", "a bool question scores with `yes_points`/`no_points`")
            ]
        return []
