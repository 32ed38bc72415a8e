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

from esj_review.core import i18n
from esj_review.core.answers import Slot
from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.base import SKIP, Option, PromptSpec
from esj_review.core.qtypes.number import parse_number
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Question, Rubric
from esj_review.core.scoring import Scorecard


def spec_for(
    rubric: Rubric, q: Question, path: str, current: Any, enabled: frozenset[str]
) -> PromptSpec:
    """The prompt for question `q` at `path`, with `current` (or MISSING) as its default."""
    default = None if current is MISSING else current

    def check(value: Any) -> str | None:
        return check_value(rubric, q, value, enabled)

    common: dict[str, Any] = {
        "path": path,
        "message": q.prompt if q.required else _("%(prompt)s (optional)") % {"prompt": q.prompt},
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


def _progress(slots: list[Slot], passed: Collection[str]) -> tuple[int, int, int, bool]:
    """A section's required questions, how many of them are answered, how many shown
    questions are still to be seen, and whether any was answered or passed over."""
    shown = [s for s in slots if s.visible and not isinstance(s.question, RepeatQuestion)]
    required = [s for s in shown if s.question.required]
    given = [s for s in required if s.answered]
    unseen = [s for s in shown if not s.answered and s.path not in passed]
    started = any(s.answered or s.path in passed for s in shown)
    return len(required), len(given), len(unseen), started


def section_done(slots: list[Slot], passed: Collection[str] = frozenset()) -> bool:
    """Whether a section has nothing left to see: every shown question answered or passed
    over (the menu's "done", whatever language the menu is in)."""
    return _progress(slots, passed)[2] == 0


def section_state(slots: list[Slot], passed: Collection[str] = frozenset()) -> str:
    """One section's state for the menu: done, not started, how many required answers are
    given, or how many optional questions are still to be seen (neither answered nor passed
    over). A section with nothing to ask is done. Words to show, in the current language;
    `section_done` is the test."""
    required, given, unseen, started = _progress(slots, passed)
    if not unseen:
        return _("done")
    if not started:
        return _("not started")
    if given < required:
        text = _("partly done (%(given)d of %(required)d required)")
        return text % {"given": given, "required": required}
    text = ngettext(
        "required done · %(num)d optional not asked",
        "required done · %(num)d optional not asked",
        unseen,
    )
    return text % {"num": unseen}


def score_line(card: Scorecard) -> str:
    """One line for the menu: the live score, or how many required answers are missing."""
    if card.score is None:
        n = len(card.gaps)
        text = ngettext(
            "Incomplete: %(num)d required answer missing",
            "Incomplete: %(num)d required answers missing",
            n,
        )
        return text % {"num": n}
    assert card.band is not None
    text = _("Score %(score)s / 100 · %(band)s")
    return text % {"score": i18n.number(card.score), "band": card.band.label}


__all__ = [
    "SKIP",
    "Option",
    "PromptSpec",
    "answer_from",
    "means_something",
    "parse_number",
    "score_line",
    "section_done",
    "section_state",
    "spec_for",
]
