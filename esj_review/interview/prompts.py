"""From a rubric question to a prompt: pure data, no terminal.

`spec_for` says which widget asks a question, with what choices, default and validation; the
question's type builds it (`esj_review.core.qtypes`). The validation is `check_value`, the same
check and message `esj-review validate` uses, and typed numbers and dates are read by the same
parsers as sheet cells.
"""

from __future__ import annotations

from typing import Any

from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.base import SKIP, Option, PromptSpec
from esj_review.core.qtypes.number import parse_number
from esj_review.core.rubric import Question, Rubric


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
    return kind_of(q).prompt_spec(rubric, q, default, enabled, common)


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


__all__ = ["SKIP", "Option", "PromptSpec", "answer_from", "parse_number", "spec_for"]
