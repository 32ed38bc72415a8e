"""`repeat`: its questions asked once for each choice made in an earlier multiselect (`over`),
so each determinant touched gets its own block. It scores through its own questions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from esj_review.core.i18n import ui
from esj_review.core.qtypes.base import ChoiceSource, QuestionBase, QuestionKind


class RepeatQuestion(QuestionBase):
    """Questions asked once per item chosen in `over`. `questions` holds any registered type
    (set when the rubric models are built; see `esj_review.core.rubric`)."""

    type: Literal["repeat"]
    over: str
    questions: list[QuestionBase] = Field(default_factory=list)
    score: None = None

    def children(self) -> list[QuestionBase]:
        return list(self.questions)


class RepeatKind(QuestionKind[RepeatQuestion]):
    """A block of questions per chosen item."""

    name = "repeat"
    model = RepeatQuestion

    def check(
        self, rubric: ChoiceSource, q: RepeatQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        return None if isinstance(value, dict) else ui("expected a mapping of item id to answers")

    def facts(self, q: RepeatQuestion) -> list[str]:
        return [f"Asked once for each choice made in `{q.over}`."]
