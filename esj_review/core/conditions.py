"""`when` conditions: structured data, evaluated by a small pure evaluator (never eval)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

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


class AllOf(_Frozen):
    """Every condition holds."""

    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(_Frozen):
    """At least one condition holds."""

    any_: list[Condition] = Field(alias="any", min_length=1)


class Not(_Frozen):
    """The condition does not hold."""

    not_: Condition = Field(alias="not")


class Equals(_Frozen):
    """The answer equals a value."""

    equals: ValueTest


class In(_Frozen):
    """The answer is one of several values."""

    in_: MembershipTest = Field(alias="in")


class Includes(_Frozen):
    """A list answer (a multiselect's) contains a value."""

    includes: ValueTest


class Answered(_Frozen):
    """The question has an answer that counts."""

    answered: str


_OPERATORS: dict[str, type[_Frozen]] = {
    "all": AllOf,
    "any": AnyOf,
    "not": Not,
    "equals": Equals,
    "in": In,
    "includes": Includes,
    "answered": Answered,
}
_TAG_OF = {model: f"condition[{key}]" for key, model in _OPERATORS.items()}
EXACTLY_ONE = f"a condition needs exactly one of {', '.join(_OPERATORS)}"


def _operator(value: Any) -> str | None:
    """The union member for a condition: named by its one operator key."""
    if isinstance(value, dict):
        keys = list(value)
        return f"condition[{keys[0]}]" if len(keys) == 1 and keys[0] in _OPERATORS else None
    return _TAG_OF.get(type(value))


Condition: TypeAlias = Annotated[
    Annotated[AllOf, Tag("condition[all]")]
    | Annotated[AnyOf, Tag("condition[any]")]
    | Annotated[Not, Tag("condition[not]")]
    | Annotated[Equals, Tag("condition[equals]")]
    | Annotated[In, Tag("condition[in]")]
    | Annotated[Includes, Tag("condition[includes]")]
    | Annotated[Answered, Tag("condition[answered]")],
    Discriminator(_operator, custom_error_type="condition", custom_error_message=EXACTLY_ONE),
]
"""Exactly one of all, any, not, equals, in, includes, answered (the JSON Schema says so too)."""

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()

_ADAPTER: TypeAdapter[Condition] = TypeAdapter(Condition)


def parse_condition(data: Any) -> Condition:
    """Validate condition data (as written in a rubric)."""
    return _ADAPTER.validate_python(data)


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
    match cond:
        case None:
            return True
        case AllOf():
            return all(evaluate(c, lookup) for c in cond.all_)
        case AnyOf():
            return any(evaluate(c, lookup) for c in cond.any_)
        case Not():
            return not evaluate(cond.not_, lookup)
        case Equals():
            return _same(lookup(cond.equals.question), cond.equals.value)
        case In():
            value = lookup(cond.in_.question)
            return any(_same(value, v) for v in cond.in_.values)
        case Includes():
            value = lookup(cond.includes.question)
            return isinstance(value, list) and any(_same(v, cond.includes.value) for v in value)
        case Answered():
            return is_answered(lookup(cond.answered))
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover - the union forbids it


def _same(answer: Any, expected: Scalar) -> bool:
    # bool is an int in Python: keep True from equalling 1.
    if isinstance(answer, bool) or isinstance(expected, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer == expected
    return bool(answer == expected) if answer is not MISSING else False


def atoms(cond: Condition) -> Iterator[tuple[str, str, list[Scalar]]]:
    """Yield (operator, question id, values) for every leaf test in a condition."""
    match cond:
        case AllOf() | AnyOf():
            for child in cond.all_ if isinstance(cond, AllOf) else cond.any_:
                yield from atoms(child)
        case Not():
            yield from atoms(cond.not_)
        case Equals():
            yield "equals", cond.equals.question, [cond.equals.value]
        case In():
            yield "in", cond.in_.question, list(cond.in_.values)
        case Includes():
            yield "includes", cond.includes.question, [cond.includes.value]
        case Answered():
            yield "answered", cond.answered, []


def describe(cond: Condition) -> str:
    """Render a condition as plain English for the catalogue and the report."""
    match cond:
        case AllOf():
            return " and ".join(_paren(c) for c in cond.all_)
        case AnyOf():
            return " or ".join(_paren(c) for c in cond.any_)
        case Not():
            return f"not ({describe(cond.not_)})"
        case Equals():
            return f"`{cond.equals.question}` is {cond.equals.value!r}"
        case In():
            listed = ", ".join(repr(v) for v in cond.in_.values)
            return f"`{cond.in_.question}` is one of {listed}"
        case Includes():
            return f"`{cond.includes.question}` includes {cond.includes.value!r}"
        case Answered():
            return f"`{cond.answered}` is answered"
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover - the union forbids it


def _paren(cond: Condition) -> str:
    text = describe(cond)
    return f"({text})" if isinstance(cond, AllOf | AnyOf) else text
