"""`when` conditions: structured data, evaluated by a small pure evaluator (never eval)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = str | int | float | bool
MISSING: Any = object()  # a question with no answer (or a hidden one)
Lookup = Callable[[str], Any]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ValueTest(_Frozen):
    """`question` has (equals) or contains (includes) `value`."""

    question: str
    value: Scalar


class MembershipTest(_Frozen):
    """The answer to `question` is one of `values`."""

    question: str
    values: list[Scalar] = Field(min_length=1)


class Condition(_Frozen):
    """Exactly one of: all, any, not, equals, in, includes, answered."""

    all_: list[Condition] | None = Field(default=None, alias="all", min_length=1)
    any_: list[Condition] | None = Field(default=None, alias="any", min_length=1)
    not_: Condition | None = Field(default=None, alias="not")
    equals: ValueTest | None = None
    in_: MembershipTest | None = Field(default=None, alias="in")
    includes: ValueTest | None = None
    answered: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [name for name in _KEYS if getattr(self, _KEYS[name]) is not None]
        if len(given) != 1:
            keys = ", ".join(_KEYS)
            raise ValueError(f"a condition needs exactly one of {keys}; got {given or 'none'}")
        return self


_KEYS = {
    "all": "all_",
    "any": "any_",
    "not": "not_",
    "equals": "equals",
    "in": "in_",
    "includes": "includes",
    "answered": "answered",
}


def is_answered(value: Any) -> bool:
    """True when a value counts as an answer: not missing, not blank, not an empty list."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | dict):
        return len(value) > 0
    return True


def evaluate(cond: Condition | None, lookup: Lookup) -> bool:
    """Evaluate a condition against answers reached through `lookup` (MISSING if none)."""
    if cond is None:
        return True
    if cond.all_ is not None:
        return all(evaluate(c, lookup) for c in cond.all_)
    if cond.any_ is not None:
        return any(evaluate(c, lookup) for c in cond.any_)
    if cond.not_ is not None:
        return not evaluate(cond.not_, lookup)
    if cond.equals is not None:
        return _same(lookup(cond.equals.question), cond.equals.value)
    if cond.in_ is not None:
        value = lookup(cond.in_.question)
        return any(_same(value, v) for v in cond.in_.values)
    if cond.includes is not None:
        value = lookup(cond.includes.question)
        return isinstance(value, list) and any(_same(v, cond.includes.value) for v in value)
    assert cond.answered is not None
    return is_answered(lookup(cond.answered))


def _same(answer: Any, expected: Scalar) -> bool:
    # bool is an int in Python: keep True from equalling 1.
    if isinstance(answer, bool) or isinstance(expected, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    return bool(answer == expected) if answer is not MISSING else False


def atoms(cond: Condition) -> Iterator[tuple[str, str, list[Scalar]]]:
    """Yield (operator, question id, values) for every leaf test in a condition."""
    for child in (cond.all_ or []) + (cond.any_ or []) + ([cond.not_] if cond.not_ else []):
        yield from atoms(child)
    if cond.equals is not None:
        yield "equals", cond.equals.question, [cond.equals.value]
    if cond.in_ is not None:
        yield "in", cond.in_.question, list(cond.in_.values)
    if cond.includes is not None:
        yield "includes", cond.includes.question, [cond.includes.value]
    if cond.answered is not None:
        yield "answered", cond.answered, []


def describe(cond: Condition) -> str:
    """Render a condition as plain English for the catalogue and the report."""
    if cond.all_ is not None:
        return " and ".join(_paren(c) for c in cond.all_)
    if cond.any_ is not None:
        return " or ".join(_paren(c) for c in cond.any_)
    if cond.not_ is not None:
        return f"not ({describe(cond.not_)})"
    if cond.equals is not None:
        return f"`{cond.equals.question}` is {cond.equals.value!r}"
    if cond.in_ is not None:
        listed = ", ".join(repr(v) for v in cond.in_.values)
        return f"`{cond.in_.question}` is one of {listed}"
    if cond.includes is not None:
        return f"`{cond.includes.question}` includes {cond.includes.value!r}"
    return f"`{cond.answered}` is answered"


def _paren(cond: Condition) -> str:
    text = describe(cond)
    return f"({text})" if cond.all_ is not None or cond.any_ is not None else text
