"""The `when` evaluator: structured data, never eval."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from esj_review.core.conditions import MISSING, Condition, describe, evaluate, parse_condition


def lookup_from(answers: dict[str, Any]) -> Any:
    return lambda q: answers.get(q, MISSING)


def cond(data: dict[str, Any]) -> Condition:
    return parse_condition(data)


def test_each_operator() -> None:
    answers = lookup_from({"a": "x", "m": ["p", "q"], "b": True, "n": 3, "blank": ""})
    assert evaluate(cond({"equals": {"question": "a", "value": "x"}}), answers)
    assert not evaluate(cond({"equals": {"question": "a", "value": "y"}}), answers)
    assert evaluate(cond({"in": {"question": "a", "values": ["y", "x"]}}), answers)
    assert evaluate(cond({"includes": {"question": "m", "value": "q"}}), answers)
    assert not evaluate(cond({"includes": {"question": "a", "value": "x"}}), answers)
    assert evaluate(cond({"answered": "m"}), answers)
    assert not evaluate(cond({"answered": "blank"}), answers)
    assert not evaluate(cond({"answered": "nothing"}), answers)
    assert evaluate(cond({"equals": {"question": "b", "value": True}}), answers)
    assert not evaluate(cond({"equals": {"question": "n", "value": True}}), answers)
    both = {"all": [{"answered": "a"}, {"not": {"answered": "nothing"}}]}
    assert evaluate(cond(both), answers)
    assert evaluate(cond({"any": [{"answered": "nothing"}, {"answered": "a"}]}), answers)


def test_unanswered_never_equals() -> None:
    assert not evaluate(cond({"equals": {"question": "a", "value": "x"}}), lookup_from({}))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"answered": "a", "equals": {"question": "a", "value": 1}},
        {"eval": "__import__('os')"},
        {"all": []},
    ],
)
def test_malformed_conditions_are_rejected(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        cond(data)


def test_describe_reads_as_english() -> None:
    text = describe(
        cond({"all": [{"in": {"question": "g", "values": ["a", "b"]}}, {"answered": "x"}]})
    )
    assert text == "`g` is one of 'a', 'b' and `x` is answered"


values = st.sampled_from(["x", "y", "z"])
leaf = st.one_of(
    st.builds(lambda v: {"equals": {"question": "q", "value": v}}, values),
    st.builds(lambda v: {"includes": {"question": "m", "value": v}}, values),
    st.just({"answered": "q"}),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda c: {"not": c}, inner),
        st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3)),
    ),
    max_leaves=8,
)
answer_sets = st.fixed_dictionaries({}, optional={"q": values, "m": st.lists(values, unique=True)})


@given(conditions, answer_sets)
def test_not_is_the_opposite(data: dict[str, Any], answers: dict[str, Any]) -> None:
    c = cond(data)
    assert evaluate(cond({"not": data}), lookup_from(answers)) is (
        not evaluate(c, lookup_from(answers))
    )


@given(st.lists(conditions, min_size=1, max_size=4), answer_sets)
def test_all_and_any_agree_with_python(
    items: list[dict[str, Any]], answers: dict[str, Any]
) -> None:
    results = [evaluate(cond(i), lookup_from(answers)) for i in items]
    assert evaluate(cond({"all": items}), lookup_from(answers)) is all(results)
    assert evaluate(cond({"any": items}), lookup_from(answers)) is any(results)
