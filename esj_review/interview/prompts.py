"""From a rubric question to a prompt: pure data, no terminal.

`spec_for` says which widget asks a question, with what choices, default and validation. The
validation is `review.check_value`, the same check and message `esj-review validate` uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.rubric import Question, Rubric

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


_NUMBER = re.compile(r"^-?\$?-?[\d,]*\.?\d+$")


def parse_number(raw: str, integer: bool = False) -> int | float:
    """`4,200,000`, `$1.5`, `-1300000` -> a number; ValueError with a message otherwise."""
    text = raw.strip().replace(" ", "")
    if not _NUMBER.match(text):
        raise ValueError("expected a number, like 4200000 or 1,300,000")
    text = text.replace("$", "").replace(",", "")
    value = float(text)
    if integer or value.is_integer():
        if not value.is_integer():
            raise ValueError("expected a whole number")
        return int(value)
    return value


def spec_for(
    rubric: Rubric, q: Question, path: str, current: Any, enabled: frozenset[str]
) -> PromptSpec:
    """The prompt for question `q` at `path`, with `current` (or MISSING) as its default."""
    default = None if current is MISSING else current
    required = "" if q.required else " (optional)"

    def check(value: Any) -> str | None:
        return check_value(rubric, q, value, enabled)

    common: dict[str, Any] = {
        "path": path,
        "message": q.prompt + required,
        "help": q.help,
        "required": q.required,
        "check": check,
    }
    if q.type in {"select", "scale"}:
        options = [Option(c.label, c.id, c.description) for c in rubric.choices_for(q, enabled)]
        options.append(Option("Skip for now" + (" (leaves a gap)" if q.required else ""), SKIP))
        return PromptSpec(widget="select", options=tuple(options), default=default, **common)
    if q.type == "multiselect":
        options = [Option(c.label, c.id, c.description) for c in rubric.choices_for(q, enabled)]
        hint = "Space to tick, Enter to finish"
        if q.min_selected:
            hint += f"; choose at least {q.min_selected}"
        return PromptSpec(
            widget="checkbox",
            options=tuple(options),
            default=list(default or []),
            instruction=f"({hint})",
            **common,
        )
    if q.type == "bool":
        return PromptSpec(widget="confirm", default=default, **common)
    if q.type == "number":
        hint = "a number" + (", whole" if q.integer else "")
        if q.min is not None or q.max is not None:
            low = f"{q.min:g}" if q.min is not None else ""
            high = f"{q.max:g}" if q.max is not None else ""
            hint += f", {low}..{high}"
        return PromptSpec(
            widget="text",
            default=default,
            instruction=f"({hint}; empty to skip)",
            convert=lambda raw: parse_number(raw, q.integer),
            **common,
        )
    if q.type == "date":
        return PromptSpec(
            widget="text",
            default=default,
            instruction="(YYYY-MM-DD; empty to skip)",
            convert=lambda raw: raw.strip(),
            **common,
        )
    instruction = "(empty to skip)"
    return PromptSpec(
        widget="text",
        default=default,
        multiline=q.multiline,
        instruction=instruction,
        convert=lambda raw: raw.strip(),
        **common,
    )


def answer_from(spec: PromptSpec, raw: Any) -> Any:
    """Turn a widget's raw result into the stored answer; None means "no answer"."""
    if raw is SKIP or raw is None:
        return None
    if spec.widget == "text":
        text = str(raw)
        return None if text.strip() == "" else spec.convert(text)
    if spec.widget == "checkbox":
        return list(raw) or None
    return raw
