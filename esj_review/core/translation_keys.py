"""The texts of a rubric that a translation carries, each under a key built from ids
(`questions.direction.choices.burden.label`), found by walking the rubric's models: a field
added to a model is either a text (and so a key) or named below as a reference.

A key depends only on ids and field names, never on positions, so it stays the same across
versions wherever the ids do; a question keeps its key when it moves to another section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

# Fields whose value a reader sees: translated.
TEXT_FIELDS = frozenset(
    {
        "title", "description", "publisher", "disclaimer", "score_note", "note", "label",
        "prompt", "help", "example", "phase", "message", "method",
    }
)  # fmt: skip

# Fields that name something (an id, a question, a type, a file, an address): never
# translated. A string field in neither set is caught by the tests.
REFERENCE_FIELDS = frozenset(
    {
        "id", "type", "version", "url", "source", "quoted_from", "choices_from",
        "choices_source", "narrow_to", "over", "component", "for_each", "cap", "question",
        "value", "model", "severity", "repeat", "what", "owner", "due", "status",
    }
)  # fmt: skip

# Parts of a rubric that hold references only (conditions, the report's question names,
# migrations' renames): not walked.
SKIPPED_FIELDS = frozenset({"when", "report", "migrations"})

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def placeholders(text: str) -> list[str]:
    """The `{name}` placeholders of a text, sorted (a flag message's `{item}`, say)."""
    return sorted(PLACEHOLDER.findall(text))


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _child_prefix(model: BaseModel, prefix: str, name: str) -> str:
    # A section's questions are keyed from the top (`questions.ID`), not under the section.
    if name == "questions" and not hasattr(model, "prompt"):
        return "questions"
    return _key(prefix, name)


def translatable(rubric: BaseModel) -> dict[str, str]:
    """Every text of the rubric a translation carries: key -> English text, in file order."""
    found: dict[str, str] = {}

    def note(key: str, english: str) -> str:
        found[key] = english
        return english  # nothing changes, so `rebuild` copies nothing

    rebuild(rubric, "", note)
    return found


def rebuild(model: Any, prefix: str, text_for: Callable[[str, str], str]) -> Any:
    """A copy of `model` with each text replaced by `text_for(key, english)`; a part where
    nothing changes is the same object."""
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        if name in SKIPPED_FIELDS:
            continue
        value = getattr(model, name)
        if isinstance(value, str):
            if name in TEXT_FIELDS and value:
                new = text_for(_key(prefix, name), value)
                if new != value:
                    update[name] = new
        elif isinstance(value, BaseModel):
            new_model = rebuild(value, _key(prefix, name), text_for)
            if new_model is not value:
                update[name] = new_model
        elif isinstance(value, list):
            inner = _child_prefix(model, prefix, name)
            items = [
                rebuild(item, _key(inner, str(getattr(item, "id", index))), text_for)
                if isinstance(item, BaseModel)
                else item
                for index, item in enumerate(value)
            ]
            if any(new is not old for new, old in zip(items, value, strict=True)):
                update[name] = items
    return model.model_copy(update=update) if update else model
