"""`text`: a short answer or a narrative (multi-line); scored, if at all, for being answered."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from esj_review.core.errors import Problem
from esj_review.core.i18n import ui, ui_ngettext
from esj_review.core.placeholders import PLACEHOLDERS, is_placeholder
from esj_review.core.qtypes.base import (
    ChoiceSource,
    QuestionBase,
    QuestionKind,
    ScoreBase,
    answered_lint,
)


class TextScore(ScoreBase):
    """`answered_points` for an answer of at least `min_length` characters."""

    answered_points: float = Field(default=0, ge=0)
    min_length: int = Field(default=0, ge=0)


class TextQuestion(QuestionBase):
    """A text question; `multiline` asks for a narrative."""

    type: Literal["text"]
    multiline: bool = False
    max_length: int = Field(default=2_000_000, gt=0)
    score: TextScore | None = None


class TextKind(QuestionKind[TextQuestion]):
    """Free text."""

    name = "text"
    model = TextQuestion
    example = '""'

    def check(
        self, rubric: ChoiceSource, q: TextQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        if not isinstance(value, str):
            return ui("expected text (put it in quotes)")
        if len(value) > q.max_length:  # at least 2 characters: the plural in English
            too_long = ui_ngettext(
                "is %(length)d character; at most %(max)d allowed",
                "is %(length)d characters; at most %(max)d allowed",
                len(value),
            )
            return too_long % {"length": len(value), "max": q.max_length}
        return None

    def points(
        self, rubric: ChoiceSource, q: TextQuestion, value: Any, enabled: frozenset[str]
    ) -> tuple[float, str]:
        rule = q.score
        if rule is None:
            return 0.0, "not scored"
        if is_placeholder(value):
            return 0.0, "a placeholder, not an answer: no points"
        if len(str(value).strip()) < rule.min_length:
            return 0.0, f"answer shorter than {rule.min_length} characters: no points"
        suffix = f" of at least {rule.min_length} characters" if rule.min_length else ""
        return rule.answered_points, f"an answer{suffix} scores {rule.answered_points:g}"

    def max_points(self, rubric: ChoiceSource, q: TextQuestion, enabled: frozenset[str]) -> float:
        return q.score.answered_points if q.score else 0.0

    def rule_text(self, q: TextQuestion) -> str:
        if q.score is None:
            return "not scored"
        length = f" of at least {q.score.min_length} characters" if q.score.min_length else ""
        return f"{q.score.answered_points:g} for an answer{length}"

    def lint(self, q: TextQuestion, path: str) -> list[Problem]:
        return answered_lint(self.name, q, path)


__all__ = ["PLACEHOLDERS", "TextKind", "TextQuestion", "TextScore", "is_placeholder"]
