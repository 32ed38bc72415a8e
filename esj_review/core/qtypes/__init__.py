"""The question-type registry: one module per type, one line here per type.

Everything the engine does with an answer (check it, read it from typed text or a sheet cell,
score it, show it, describe it, prompt for it, lint its definition) is asked of the type's
`QuestionKind`, found by `kind_of(question)`. A rubric naming a type that is not registered
fails to load: there is no fallback. To add a type, write a module like `number.py` and
register its kind (see the README's "Extending" section).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from esj_review.core.qtypes.base import QuestionBase, QuestionKind
from esj_review.core.qtypes.boolean import BoolKind
from esj_review.core.qtypes.date import DateKind
from esj_review.core.qtypes.multiselect import MultiselectKind
from esj_review.core.qtypes.number import NumberKind
from esj_review.core.qtypes.repeat import RepeatKind
from esj_review.core.qtypes.scale import ScaleKind
from esj_review.core.qtypes.select import SelectKind
from esj_review.core.qtypes.text import TextKind

KINDS: dict[str, QuestionKind[Any]] = {}
_on_change: list[Callable[[], None]] = []


def register(kind: QuestionKind[Any]) -> None:
    """Add (or replace) a question type; rubric models are rebuilt to accept it."""
    KINDS[kind.name] = kind
    for rebuild in _on_change:
        rebuild()


def unregister(name: str) -> None:
    """Remove a question type (tests register toy types and take them away again)."""
    KINDS.pop(name, None)
    for rebuild in _on_change:
        rebuild()


def on_change(callback: Callable[[], None]) -> None:
    """Call `callback` whenever the set of types changes (the rubric models rebuild)."""
    _on_change.append(callback)


def kind_of(question: QuestionBase) -> QuestionKind[Any]:
    """The kind that handles this question's type."""
    return KINDS[question.type]


def models() -> tuple[type[QuestionBase], ...]:
    """The question model of every registered type."""
    return tuple(kind.model for kind in KINDS.values())


for _kind in (
    TextKind(),
    SelectKind(),
    MultiselectKind(),
    ScaleKind(),
    NumberKind(),
    DateKind(),
    BoolKind(),
    RepeatKind(),
):
    KINDS[_kind.name] = _kind

__all__ = ["KINDS", "QuestionBase", "QuestionKind", "kind_of", "models", "on_change", "register"]
