"""`multiselect`: any number of choices; scored with the sum of their points, capped."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from esj_review.core.errors import Problem
from esj_review.core.i18n import ui, ui_ngettext
from esj_review.core.qtypes.base import ChoiceSource, PromptSpec, QuestionKind, ScoreBase, brief
from esj_review.core.qtypes.select import (
    ChoiceQuestion,
    choice_ids,
    choice_options,
    lint_choices,
    read_choice,
)


def _at_least(count: int) -> str:
    """The message for fewer ticks than the question asks for."""
    return ui_ngettext("choose at least %(count)d", "choose at least %(count)d", count) % {
        "count": count
    }


class MultiScore(ScoreBase):
    """The sum of the chosen choices' points, at most `max`."""

    max: float | None = Field(default=None, gt=0)


class MultiselectQuestion(ChoiceQuestion):
    """Several choices; `min_selected` asks for at least that many once any is chosen."""

    type: Literal["multiselect"]
    min_selected: int = Field(default=0, ge=0)
    score: MultiScore | None = None
    narrow_to: str = ""
    """An earlier multiselect with the same choices: once it is answered, the interview offers
    only what was chosen there, ticked (populations chosen in Scope, per determinant)."""


class MultiselectKind(QuestionKind[MultiselectQuestion]):
    """Any number of choices from a list."""

    name = "multiselect"
    model = MultiselectQuestion
    widget = "checkbox"
    example = "[]"
    multi_valued = True

    def check(
        self, rubric: ChoiceSource, q: MultiselectQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        ids = choice_ids(rubric, q, enabled)
        shown = ", ".join(ids)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return ui("expected a list of choices from: %(choices)s") % {"choices": shown}
        bad = [v for v in value if v not in ids]
        if bad:
            wrong = ui("%(value)s is not a choice; expected some of: %(choices)s")
            return wrong % {"value": brief(bad[0]), "choices": shown}
        if len(set(value)) != len(value):
            return ui("lists a choice twice")
        if value and len(value) < q.min_selected:
            return _at_least(q.min_selected)
        return None

    def parse_text(
        self, rubric: ChoiceSource, q: MultiselectQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
        return [read_choice(rubric, q, part, enabled) for part in text.split(";") if part.strip()]

    def display(
        self, rubric: ChoiceSource, q: MultiselectQuestion, value: Any, enabled: frozenset[str]
    ) -> list[str]:
        labels = {c.id: c.label for c in rubric.choices_for(q, enabled)}
        return [labels.get(v, str(v)) for v in value]

    def points(
        self, rubric: ChoiceSource, q: MultiselectQuestion, value: Any, enabled: frozenset[str]
    ) -> tuple[float, str]:
        points = {c.id: c.points for c in rubric.choices_for(q, enabled)}
        parts = [f"{v} {points.get(v, 0):g}" for v in value]
        total = sum(points.get(v, 0.0) for v in value)
        text = f"sum of chosen choices ({', '.join(parts)}) = {total:g}"
        cap = q.score.max if q.score else None
        if cap is not None and total > cap:
            return cap, f"{text}, capped at {cap:g}"
        return total, text

    def max_points(
        self, rubric: ChoiceSource, q: MultiselectQuestion, enabled: frozenset[str]
    ) -> float:
        if q.score is None:
            return 0.0
        total = sum(c.points for c in rubric.choices_for(q, enabled))
        return min(total, q.score.max) if q.score.max is not None else total

    def rule_text(self, q: MultiselectQuestion) -> str:
        if q.score is None:
            return "not scored"
        cap = f", capped at {q.score.max:g}" if q.score.max is not None else ""
        return f"the sum of the chosen choices' points{cap}"

    def facts(self, q: MultiselectQuestion) -> list[str]:
        return [f"Choose at least {q.min_selected}."] if q.min_selected else []

    def hints(
        self, rubric: ChoiceSource, q: MultiselectQuestion, enabled: frozenset[str]
    ) -> list[str]:
        return [f"choices: {', '.join(choice_ids(rubric, q, enabled))}"]

    def sheet_note(self) -> str:
        return "separate with ;"

    def condition_values(self, rubric: ChoiceSource, q: MultiselectQuestion) -> set[Any] | None:
        return {c.id for c in rubric.choices_for(q, rubric.every_item())}

    def prompt_spec(
        self,
        rubric: ChoiceSource,
        q: MultiselectQuestion,
        default: Any,
        enabled: frozenset[str],
        common: dict[str, Any],
    ) -> PromptSpec:
        hint = ui("(Space to tick, Enter to finish)")
        if q.min_selected:
            hint = ui_ngettext(
                "(Space to tick, Enter to finish; choose at least %(count)d)",
                "(Space to tick, Enter to finish; choose at least %(count)d)",
                q.min_selected,
            ) % {"count": q.min_selected}
        stored_check = common.get("check", lambda value: None)

        def check(value: Any) -> str | None:
            # At the prompt, ticking nothing is not "none apply" when the question asks for
            # at least one: it would hide every question that depends on the choice.
            if not value and q.min_selected:
                return _at_least(q.min_selected)
            problem: str | None = stored_check(value)
            return problem

        return PromptSpec(
            widget="checkbox",
            options=tuple(choice_options(rubric, q, enabled)),
            default=list(default or []),
            instruction=hint,
            **{**common, "check": check},
        )

    def lint(self, q: MultiselectQuestion, path: str) -> list[Problem]:
        return lint_choices(self.name, q, path)
