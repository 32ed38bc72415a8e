"""`select`: one choice from a list (its own `choices`, or a taxonomy via `choices_from`)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from esj_review.core.errors import Problem
from esj_review.core.i18n import ui
from esj_review.core.qtypes.base import (
    SKIP,
    Choice,
    ChoiceSource,
    Option,
    PromptSpec,
    QuestionBase,
    QuestionKind,
    brief,
)

TaxonomyName = Literal["determinants", "goal_areas", "strategies", "policy_areas", "populations"]
TAXONOMIES: tuple[TaxonomyName, ...] = (
    "determinants",
    "goal_areas",
    "strategies",
    "policy_areas",
    "populations",
)
_YAML_BOOLEANS = {"y", "n", "yes", "no", "on", "off", "true", "false"}


class ChoiceQuestion(QuestionBase):
    """What every choice question has: its choices, or the taxonomy they come from."""

    choices: list[Choice] = Field(default_factory=list)
    choices_from: TaxonomyName | None = None
    choices_source: str | None = None


class SelectQuestion(ChoiceQuestion):
    """One choice; scored with the chosen choice's points."""

    type: Literal["select"]


def choice_ids(rubric: ChoiceSource, q: QuestionBase, enabled: frozenset[str]) -> list[str]:
    """The ids a choice question accepts."""
    return [c.id for c in rubric.choices_for(q, enabled)]


def read_choice(rubric: ChoiceSource, q: QuestionBase, text: str, enabled: frozenset[str]) -> str:
    """A choice typed as its id or its label (any case) -> its id; other text unchanged."""
    text = text.strip()
    choices = rubric.choices_for(q, enabled)
    if any(c.id == text for c in choices):
        return text
    return next((c.id for c in choices if c.label.casefold() == text.casefold()), text)


def choice_options(rubric: ChoiceSource, q: QuestionBase, enabled: frozenset[str]) -> list[Option]:
    """The choices as prompt options."""
    return [Option(c.label, c.id, c.description) for c in rubric.choices_for(q, enabled)]


def lint_choices(kind: str, q: ChoiceQuestion, path: str) -> list[Problem]:
    """Choices or a taxonomy (not both), ids YAML reads as they are, points when scored."""
    out = [
        Problem(f"{path}.choices.{c.id}", "YAML reads this id as true/false; rename it")
        for c in q.choices
        if c.id in _YAML_BOOLEANS
    ]
    if bool(q.choices) == bool(q.choices_from):
        out.append(Problem(path, f"a {kind} question needs `choices` or `choices_from`, not both"))
    if q.score is not None and not any(c.points for c in q.choices):
        out.append(Problem(f"{path}.score", "no choice carries points", "warning"))
    return out


class SelectKind(QuestionKind[ChoiceQuestion]):
    """One choice from a list."""

    name = "select"
    model: ClassVar[type[ChoiceQuestion]] = SelectQuestion
    widget = "select"

    def check(
        self, rubric: ChoiceSource, q: ChoiceQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        ids = choice_ids(rubric, q, enabled)
        if value not in ids:
            wrong = ui("%(value)s is not a choice; expected one of: %(choices)s")
            return wrong % {"value": brief(value), "choices": ", ".join(ids)}
        return None

    def parse_text(
        self, rubric: ChoiceSource, q: ChoiceQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
        return read_choice(rubric, q, text, enabled)

    def display(
        self, rubric: ChoiceSource, q: ChoiceQuestion, value: Any, enabled: frozenset[str]
    ) -> list[str]:
        labels = {c.id: c.label for c in rubric.choices_for(q, enabled)}
        return [labels.get(str(value), str(value))]

    def points(
        self, rubric: ChoiceSource, q: ChoiceQuestion, value: Any, enabled: frozenset[str]
    ) -> tuple[float, str]:
        choice = next((c for c in rubric.choices_for(q, enabled) if c.id == value), None)
        pts = choice.points if choice else 0.0
        return pts, f"choice {value!r} scores {pts:g}"

    def max_points(self, rubric: ChoiceSource, q: ChoiceQuestion, enabled: frozenset[str]) -> float:
        if q.score is None:
            return 0.0
        return max((c.points for c in rubric.choices_for(q, enabled)), default=0.0)

    def rule_text(self, q: ChoiceQuestion) -> str:
        return "the chosen choice's points" if q.score else "not scored"

    def hints(self, rubric: ChoiceSource, q: ChoiceQuestion, enabled: frozenset[str]) -> list[str]:
        return [f"choices: {', '.join(choice_ids(rubric, q, enabled))}"]

    def condition_values(self, rubric: ChoiceSource, q: ChoiceQuestion) -> set[Any] | None:
        return {c.id for c in rubric.choices_for(q, rubric.every_item())}

    def prompt_spec(
        self,
        rubric: ChoiceSource,
        q: ChoiceQuestion,
        default: Any,
        enabled: frozenset[str],
        common: dict[str, Any],
    ) -> PromptSpec:
        options = choice_options(rubric, q, enabled)
        skip = ui("Skip for now (leaves a gap)") if q.required else ui("Skip for now")
        options.append(Option(skip, SKIP))
        return PromptSpec(widget="select", options=tuple(options), default=default, **common)

    def lint(self, q: ChoiceQuestion, path: str) -> list[Problem]:
        return lint_choices(self.name, q, path)
