"""What every question type shares: the question model's common fields, and the interface a
type implements (validate, parse typed text, score, describe, prompt, lint).

A type is one module with a model (its own fields, checked by the rubric schema) and a
`QuestionKind` that owns everything the engine does with that type's answers. Code outside
the type module asks the registry (`kind_of(question)`) instead of testing `question.type`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from esj_review.core.conditions import Condition
from esj_review.core.errors import Problem
from esj_review.core.i18n import ui


class Frozen(BaseModel):
    """Rubric models: frozen, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


IdField = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)


class Choice(Frozen):
    """One answer a choice question offers, with its points."""

    id: str = IdField
    label: str
    points: float = Field(default=0, ge=0)
    description: str = ""


class ScoreBase(Frozen):
    """Which component a question's points go to; each type adds its own scoring fields."""

    component: str


class QuestionBase(Frozen):
    """The fields every question has, whatever its type."""

    id: str = IdField
    type: str
    prompt: str
    label: str = ""  # a short name for tables and the statement ("Fiscal year")
    help: str = ""
    required: bool = False
    when: Condition | None = None
    example: str = ""
    score: ScoreBase | None = None
    carry_forward: bool = False
    """In a repeat: the interview offers the answer given for the previous item as the default
    (one mitigation typed once, then kept or refined). Never changes a score."""

    def children(self) -> list[QuestionBase]:
        """The questions asked inside this one (a repeat's); none for other types."""
        return []


class ChoiceSource(Protocol):
    """What a type needs from its rubric: the choices a question offers."""

    def choices_for(self, question: QuestionBase, enabled: frozenset[str] = ...) -> list[Choice]:
        """Choices of a choice question (taxonomy items resolved); [] for other types."""
        ...

    def every_item(self) -> frozenset[str]:
        """Every optional taxonomy item, as if a review had switched them all on."""
        ...


# --- prompts: pure data, drawn by the interview ---------------------------------------------

Widget = Literal["text", "select", "checkbox", "confirm"]


class _Skip:
    """The answer "skip for now": leaves the question unanswered (a gap if required)."""

    def __repr__(self) -> str:
        return "SKIP"


SKIP: Any = _Skip()


@dataclass(frozen=True)
class Option:
    """One entry of a select or checkbox."""

    label: str
    value: Any
    description: str = ""


@dataclass(frozen=True)
class PromptSpec:
    """Everything needed to ask one question, whatever draws it on the screen."""

    path: str
    widget: Widget
    message: str
    help: str = ""
    options: tuple[Option, ...] = ()
    default: Any = None  # a value of the answer's type, or None
    multiline: bool = False
    required: bool = False
    instruction: str = ""
    # Turns what was typed into an answer (text widgets), or says what is wrong with it.
    convert: Callable[[str], Any] = field(default=lambda raw: raw)
    check: Callable[[Any], str | None] = field(default=lambda value: None)

    def text_error(self, raw: str) -> str | None:
        """For a text widget: the message for what was typed, or None when it is fine."""
        if raw.strip() == "":
            return None  # empty means skip
        try:
            value = self.convert(raw)
        except ValueError as exc:
            return str(exc)
        return self.check(value)

    def text_default(self) -> str:
        """The default shown in a text widget."""
        if self.default is None:
            return ""
        if isinstance(self.default, float) and self.default.is_integer():
            return str(int(self.default))
        return str(self.default)


def brief(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its repr (control characters escaped), at most about
    `limit` characters; a nested or long list or mapping by its kind, a huge number by its
    size. Never recursive, so a value nested a thousand deep is quoted as quickly as `1`."""
    if isinstance(value, dict | list | tuple):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        inner = list(value.values()) if isinstance(value, dict) else list(value)
        if len(inner) > 8 or any(isinstance(v, dict | list | tuple) for v in inner):
            return kind
        if isinstance(value, dict):
            pairs = (f"{brief(k, 20)}: {brief(v, 20)}" for k, v in value.items())
            return "{" + ", ".join(pairs) + "}"
        return "[" + ", ".join(brief(v, 20) for v in inner) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return "a number too large to show"
    if isinstance(value, str) and len(value) > limit:
        text = repr(value[:limit])
        return f"{text[:-1]}…{text[-1]}"
    return repr(value)[: limit * 4]


def refusal(raw: str, message: str, **values: Any) -> ValueError:
    """A refusal of typed text: `message` (a `ui` text naming the text as `%(text)s`, quoted
    and cut to 40 characters) with its other `values`."""
    return ValueError(message % {"text": repr(raw.strip()[:40]), **values})


def cell_text(cell: Any) -> str:
    """A spreadsheet cell as text: whole floats without `.0`, dates as ISO, trimmed."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


# --- the interface ------------------------------------------------------------------------

Q = TypeVar("Q", bound=QuestionBase)


class QuestionKind(Generic[Q]):
    """Everything the engine does with one question type. Subclass, set `name` and `model`,
    override what differs, and register an instance (`esj_review.core.qtypes.register`)."""

    name: ClassVar[str]
    model: ClassVar[type[QuestionBase]]
    widget: ClassVar[Widget] = "text"
    example: ClassVar[str] = ""  # a sample answer for the blank YAML review
    multi_valued: ClassVar[bool] = False  # answers are lists (conditions may use `includes`)

    def instruction(self) -> str:
        """The hint a text prompt shows, in the interview's language (`ui`, translated when
        shown, not when the class is defined)."""
        return ui("(empty to skip)")

    # -- answers --
    def check(self, rubric: ChoiceSource, q: Q, value: Any, enabled: frozenset[str]) -> str | None:
        """Why `value` is not a valid stored answer to `q`, or None."""
        raise NotImplementedError

    def parse_text(self, rubric: ChoiceSource, q: Q, text: str, enabled: frozenset[str]) -> Any:
        """What a person typed (at a prompt or in a sheet cell) as an answer; ValueError with
        the message to show when it cannot be read. Blank text never reaches this."""
        return text.strip()

    def from_cell(self, rubric: ChoiceSource, q: Q, cell: Any, enabled: frozenset[str]) -> Any:
        """A spreadsheet cell (text, number or date, as the reader gives it) as an answer."""
        return self.parse_text(rubric, q, cell_text(cell), enabled)

    def display(self, rubric: ChoiceSource, q: Q, value: Any, enabled: frozenset[str]) -> list[str]:
        """An answered value as a reader sees it, one string per part."""
        return [str(value)]

    # -- points --
    def points(
        self, rubric: ChoiceSource, q: Q, value: Any, enabled: frozenset[str]
    ) -> tuple[float, str]:
        """Points for an answered value, and the rule that gave them in words. By default,
        `answered_points` (if the type's score rule has them) for any answer."""
        pts = answered_points(q)
        return pts, f"an answer scores {pts:g}"

    def max_points(self, rubric: ChoiceSource, q: Q, enabled: frozenset[str]) -> float:
        """The most points the question can give."""
        return answered_points(q)

    def rule_text(self, q: Q) -> str:
        """How the question scores, in words, for the method page (without the component)."""
        return f"{answered_points(q):g} for an answer" if q.score else "not scored"

    # -- describing the question --
    def facts(self, q: Q) -> list[str]:
        """Sentences about what a valid answer is ("Must be at least 2000.")."""
        return []

    def hints(self, rubric: ChoiceSource, q: Q, enabled: frozenset[str]) -> list[str]:
        """Short notes for the blank review's comments ("choices: a, b")."""
        return []

    def sheet_note(self) -> str:
        """How to fill the type's cell in a batch sheet, when not obvious."""
        return ""

    def condition_values(self, rubric: ChoiceSource, q: Q) -> set[Any] | None:
        """Every value a condition may test the answer against; None when open-ended."""
        return None

    # -- asking --
    def prompt_spec(
        self,
        rubric: ChoiceSource,
        q: Q,
        default: Any,
        enabled: frozenset[str],
        common: dict[str, Any],
    ) -> PromptSpec:
        """The widget that asks the question; `common` holds path, message, help, check."""
        return PromptSpec(
            widget="text",
            default=default,
            multiline=bool(getattr(q, "multiline", False)),
            instruction=self.instruction(),
            convert=lambda raw: self.parse_text(rubric, q, raw, enabled),
            **common,
        )

    # -- the rubric --
    def lint(self, q: Q, path: str) -> list[Problem]:
        """Problems of the question's definition beyond its schema."""
        return []


class AnsweredScore(ScoreBase):
    """Points for giving an answer at all (number, date)."""

    answered_points: float = Field(default=0, ge=0)


def answered_points(q: QuestionBase) -> float:
    """The `answered_points` of a question scored for being answered."""
    return getattr(q.score, "answered_points", 0.0) if q.score is not None else 0.0


def answered_lint(kind: str, q: QuestionBase, path: str) -> list[Problem]:
    """A type scored for being answered needs `answered_points`."""
    if q.score is not None and not answered_points(q):
        return [Problem(f"{path}.score", f"a {kind} question scores with `answered_points`")]
    return []
