"""From a rubric question to a prompt: pure data, no terminal.

`spec_for` says which widget asks a question, with what choices, default and validation; the
question's type builds it (`esj_review.core.qtypes`). The validation is `check_value`, the same
check and message `esj-review validate` uses, and typed numbers and dates are read by the same
parsers as sheet cells. Also pure: whether a widget's result means something, and the
section menu's labels.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from esj_review.core.answers import Slot
from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.base import SKIP, Option, PromptSpec
from esj_review.core.qtypes.number import parse_number
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Question, Rubric
from esj_review.core.scoring import Scorecard
from esj_review.core.text import plural


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


def means_something(widget: str, raw: Any, options: Sequence[Option]) -> bool:
    """Whether a widget's result is one it can mean (not a stray key's empty result)."""
    if widget == "select":
        return any(o.value == raw for o in options)
    if widget == "checkbox":
        return isinstance(raw, list)
    if widget == "confirm":
        return isinstance(raw, bool)
    return isinstance(raw, str)


def section_state(slots: list[Slot], passed: Collection[str] = frozenset()) -> str:
    """One section's state for the menu: done, not started, how many required answers are
    given, or how many optional questions are still to be seen (neither answered nor passed
    over). A section with nothing to ask is done."""
    shown = [s for s in slots if s.visible and not isinstance(s.question, RepeatQuestion)]
    required = [s for s in shown if s.question.required]
    missing = [s for s in required if not s.answered]
    unseen = [s for s in shown if not s.answered and s.path not in passed]
    if not unseen:
        return "done"
    if not any(s.answered or s.path in passed for s in shown):
        return "not started"
    if missing:
        return f"partly done ({len(required) - len(missing)} of {len(required)} required)"
    return f"required done · {len(unseen)} optional not asked"


def score_line(card: Scorecard) -> str:
    """One line for the menu: the live score, or how many required answers are missing."""
    if card.score is None:
        return f"Incomplete: {plural(len(card.gaps), 'required answer')} missing"
    assert card.band is not None
    return f"Score {card.score:g} / 100 · {card.band.label}"


__all__ = [
    "SKIP",
    "Option",
    "PromptSpec",
    "answer_from",
    "means_something",
    "parse_number",
    "plural",
    "score_line",
    "section_state",
    "spec_for",
]
