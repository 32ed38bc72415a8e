"""Every rule a rubric is loaded with: the schema's limits and each lint check, at its boundary.

Rubrics are written as data; the assertions are on the lines `esj-review rubric validate`
prints (`path: message`).
"""

from __future__ import annotations

from typing import Any

import pytest

from esj_review.core.lint import lint_rubric
from esj_review.core.rubric import Rubric
from tests.rubric_builder import YES, build, rubric_data, rubric_errors, rubric_problems

A_B: Any = [{"id": "a", "label": "A", "points": 1}, {"id": "b", "label": "B", "points": 2}]
SELECT: Any = {"id": "g", "type": "select", "prompt": "G?", "choices": A_B}
MULTI: Any = {"id": "m", "type": "multiselect", "prompt": "M?", "choices": A_B}
TEXT: Any = {"id": "t", "type": "text", "prompt": "T?"}
REPEAT: Any = {
    "id": "rep",
    "type": "repeat",
    "prompt": "For each",
    "over": "m",
    "questions": [{"id": "how", "type": "select", "prompt": "How?", "choices": A_B}],
}


def with_questions(*questions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return rubric_data(*questions, YES, **fields)


def schema_error(data: dict[str, Any]) -> str:
    """The one schema error loading `data` gives."""
    errors = rubric_errors(data)
    assert len(errors) == 1, errors
    return errors[0]


def test_the_minimal_rubric_is_clean() -> None:
    assert rubric_problems(rubric_data()) == []
    assert rubric_problems(with_questions(SELECT, MULTI, TEXT, REPEAT)) == []


# --- the schema ----------------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["a", "a1_b", "x" * 64])
def test_ids_accepted(ident: str) -> None:
    build(with_questions({**TEXT, "id": ident}))


@pytest.mark.parametrize("ident", ["A", "1a", "a-b", "_a", "x" * 65, ""])
def test_ids_refused(ident: str) -> None:
    error = schema_error(with_questions({**TEXT, "id": ident}))
    assert error.startswith("sections[s].questions[") and "].id: String should" in error


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("id", "my-rubric2", True),
        ("id", "My-rubric", False),
        ("id", "-rubric", False),
        ("version", "10.0.12", True),
        ("version", "1.0", False),
        ("version", "1.0.0-beta", False),
    ],
)
def test_rubric_id_and_version(field: str, value: str, ok: bool) -> None:
    data = rubric_data(**{field: value})
    if ok:
        build(data)
    else:
        assert schema_error(data).startswith(f"{field}: String should match pattern")


def test_unknown_fields_are_named() -> None:
    data = with_questions({**TEXT, "colour": "red"})
    assert schema_error(data).startswith("sections[s].questions[t].")
    assert schema_error(data).endswith("colour: unknown field for a text question")


def test_required_fields_are_named() -> None:
    data = rubric_data()
    del data["title"]
    assert schema_error(data) == "title: required field is missing"


@pytest.mark.parametrize("empty", ["sections", "proposal_kinds"])
def test_a_rubric_needs_sections_and_proposal_kinds(empty: str) -> None:
    assert schema_error(rubric_data(**{empty: []})).startswith(
        f"{empty}: List should have at least 1"
    )


def test_a_section_needs_questions() -> None:
    data = rubric_data()
    data["sections"].append({"id": "empty", "title": "Empty", "questions": []})
    assert schema_error(data).startswith("sections[empty].questions: List should have at least 1")


def test_scoring_needs_components_and_bands() -> None:
    for key in ("components", "bands"):
        data = rubric_data()
        data["scoring"][key] = []
        assert schema_error(data).startswith(f"scoring.{key}: List should have at least 1")


def test_choice_points_are_zero_or_more() -> None:
    build(with_questions({**SELECT, "choices": [{"id": "a", "label": "A", "points": 0}, *A_B[1:]]}))
    bad = with_questions({**SELECT, "choices": [{"id": "a", "label": "A", "points": -1}]})
    assert "greater than or equal to 0" in schema_error(bad)


def test_component_weight_is_positive() -> None:
    data = rubric_data()
    data["scoring"]["components"][0]["weight"] = 0
    assert schema_error(data).startswith(
        "scoring.components[c].weight: Input should be greater than 0"
    )
    data["scoring"]["components"][0]["weight"] = 0.01
    build(data)


@pytest.mark.parametrize(("low", "high"), [(-1, 50), (0, 101)])
def test_band_limits_are_within_0_and_100(low: float, high: float) -> None:
    data = rubric_data()
    data["scoring"]["bands"][1]["min"] = low
    data["scoring"]["bands"][0]["max"] = high
    assert "scoring.bands[" in schema_error(data)


def test_multiselect_cap_is_positive() -> None:
    scored = {**MULTI, "score": {"component": "c", "max": 0}}
    assert "greater than 0" in schema_error(with_questions(scored))
    build(with_questions({**MULTI, "score": {"component": "c", "max": 0.5}}))


def test_text_limits() -> None:
    assert "greater than 0" in schema_error(with_questions({**TEXT, "max_length": 0}))
    build(with_questions({**TEXT, "max_length": 1}))
    scored = {**TEXT, "score": {"component": "c", "answered_points": 1, "min_length": -1}}
    assert "greater than or equal to 0" in schema_error(with_questions(scored))


def test_min_selected_is_zero_or_more() -> None:
    assert "greater than or equal to 0" in schema_error(
        with_questions({**MULTI, "min_selected": -1})
    )
    build(with_questions({**MULTI, "min_selected": 0}))


def test_flag_severity_is_one_of_three() -> None:
    flag = {"id": "f", "severity": "fatal", "message": "M", "when": {"answered": "yes"}}
    data = rubric_data(scoring={**rubric_data()["scoring"], "flags": [flag]})
    assert schema_error(data).startswith("scoring.flags[f].severity: Input should be")


@pytest.mark.parametrize(
    "when",
    [
        {},
        {"answered": "g", "equals": {"question": "g", "value": "a"}},
        {"all": []},
        {"any": []},
        {"in": {"question": "g", "values": []}},
    ],
)
def test_a_condition_is_exactly_one_test(when: dict[str, Any]) -> None:
    assert "sections[s].questions[t].when" in schema_error(
        with_questions(SELECT, {**TEXT, "when": when})
    )


# --- ids -----------------------------------------------------------------------------------


def test_duplicate_ids_are_reported_per_list() -> None:
    data = with_questions(
        {**SELECT, "choices": [*A_B, {"id": "a", "label": "again"}]},
        TEXT,
        TEXT,
        sources=[{"id": "s1", "title": "One"}, {"id": "s1", "title": "Two"}],
        proposal_kinds=[{"id": "p", "label": "P"}, {"id": "p", "label": "P2"}],
        populations=[{"id": "x", "label": "X"}, {"id": "x", "label": "X2"}],
    )
    data["sections"].append({"id": "s", "title": "Again", "questions": [{**TEXT, "id": "t2"}]})
    data["scoring"]["components"].append({"id": "c", "label": "Again", "weight": 1})
    data["scoring"]["bands"].append({"id": "good", "label": "Again", "min": 50, "max": 100})
    data["scoring"]["flags"] = [
        {"id": "f", "severity": "info", "message": "M", "when": {"answered": "t2"}},
        {"id": "f", "severity": "info", "message": "M", "when": {"answered": "t2"}},
    ]
    found = rubric_problems(data)
    for expected in [
        "sections: duplicate id 's'",
        "questions: duplicate id 't'",
        "sources: duplicate id 's1'",
        "proposal_kinds: duplicate id 'p'",
        "scoring.components: duplicate id 'c'",
        "scoring.bands: duplicate id 'good'",
        "scoring.flags: duplicate id 'f'",
        "populations: duplicate id 'x'",
        "questions.g.choices: duplicate id 'a'",
    ]:
        assert expected in found


def test_duplicate_ids_inside_a_repeat() -> None:
    sub = REPEAT["questions"][0]
    rep = {
        **REPEAT,
        "questions": [
            {**sub, "choices": [*A_B, {"id": "b", "label": "again"}]},
            {**TEXT, "id": "x"},
            {**TEXT, "id": "x"},
            {**TEXT, "id": "g"},
        ],
    }
    assert rubric_errors(with_questions(SELECT, MULTI, rep)) == [
        "questions.rep.g: reuses a top-level question id",
        "questions.rep.questions: duplicate id 'x'",
        "questions.rep.how.choices: duplicate id 'b'",
    ]


@pytest.mark.parametrize("ident", ["yes", "no", "y", "n", "on", "off", "true", "false"])
def test_choice_ids_yaml_reads_as_booleans(ident: str) -> None:
    data = with_questions({**SELECT, "choices": [{"id": ident, "label": "X", "points": 1}]})
    assert rubric_errors(data) == [
        f"questions.g.choices.{ident}: YAML reads this id as true/false; rename it"
    ]


def test_choice_ids_like_booleans_in_a_repeat() -> None:
    rep = {
        **REPEAT,
        "questions": [{**REPEAT["questions"][0], "choices": [{"id": "no", "label": "N"}]}],
    }
    assert rubric_errors(with_questions(MULTI, rep)) == [
        "questions.rep.how.choices.no: YAML reads this id as true/false; rename it"
    ]


# --- sources -------------------------------------------------------------------------------


def test_sources_must_be_listed() -> None:
    data = with_questions(
        {**SELECT, "choices_source": "nope"},
        {**MULTI, "choices_source": "s1"},
        {**REPEAT, "questions": [{**REPEAT["questions"][0], "choices_source": "gone"}]},
        sources=[{"id": "s1", "title": "One"}],
        determinants=[{"id": "housing", "label": "Housing", "source": "s1"}],
        strategies=[{"id": "st", "label": "St", "source": "s2"}],
    )
    assert rubric_errors(data) == [
        "strategies.st.source: unknown source 's2'",
        "questions.g.choices_source: unknown source",
        "questions.how.choices_source: unknown source",
    ]


# --- questions -----------------------------------------------------------------------------


def test_choice_questions_need_choices_or_a_taxonomy() -> None:
    neither = {"id": "g", "type": "scale", "prompt": "G?"}
    assert rubric_errors(with_questions(neither)) == [
        "questions.g: a scale question needs `choices` or `choices_from`, not both"
    ]
    both = {**MULTI, "choices_from": "populations"}
    assert rubric_errors(with_questions(both)) == [
        "questions.m: a multiselect question needs `choices` or `choices_from`, not both"
    ]
    build(
        with_questions(
            {"id": "p", "type": "multiselect", "prompt": "P?", "choices_from": "populations"}
        )
    )


@pytest.mark.parametrize("kind", ["text", "number", "date", "bool"])
def test_other_questions_take_no_choices(kind: str) -> None:
    errors = rubric_errors(
        with_questions({"id": "x", "type": kind, "prompt": "X?", "choices": A_B})
    )
    assert errors and all("x" in line for line in errors)


def test_number_min_not_above_max() -> None:
    number = {"id": "n", "type": "number", "prompt": "N?", "min": 5, "max": 4.5}
    assert rubric_errors(with_questions(number)) == ["questions.n: min is larger than max"]
    build(with_questions({**number, "max": 5}))
    build(with_questions({**number, "max": None}))


def test_repeat_over_must_be_an_earlier_multiselect() -> None:
    assert rubric_errors(with_questions(REPEAT, MULTI)) == [
        "questions.rep.over: must name an earlier multiselect question"
    ]
    assert rubric_errors(with_questions(SELECT, {**REPEAT, "over": "g"})) == [
        "questions.rep.over: 'g' is not a multiselect"
    ]


def test_repeat_needs_questions_and_no_repeat_inside() -> None:
    assert "questions.rep.questions: a repeat needs questions" in rubric_problems(
        with_questions(MULTI, {**REPEAT, "questions": []})
    )
    inner = {**REPEAT, "id": "inner", "over": "m"}
    assert rubric_errors(with_questions(MULTI, {**REPEAT, "questions": [inner]})) == [
        "questions.rep.inner: a repeat cannot hold another repeat"
    ]


def test_carry_forward_only_inside_a_repeat() -> None:
    carried = {**REPEAT, "questions": [{**REPEAT["questions"][0], "carry_forward": True}]}
    assert rubric_problems(with_questions(MULTI, carried)) == []
    assert rubric_errors(with_questions({**TEXT, "carry_forward": True})) == [
        "questions.t.carry_forward: only a repeated question carries"
    ]


def test_narrow_to_names_an_earlier_multiselect_with_the_same_choices() -> None:
    narrow = {**MULTI, "id": "n", "narrow_to": "m"}
    assert rubric_problems(with_questions(MULTI, narrow)) == []
    inside = {**REPEAT, "questions": [{**narrow, "id": "who"}]}
    assert rubric_problems(with_questions(MULTI, inside)) == []
    assert rubric_errors(with_questions(narrow, MULTI)) == [
        "questions.n.narrow_to: must name an earlier multiselect question"
    ]
    assert rubric_errors(with_questions(SELECT, {**narrow, "narrow_to": "g"})) == [
        "questions.n.narrow_to: must name an earlier multiselect question"
    ]
    other = [{"id": "a", "label": "A"}, {"id": "c", "label": "C"}]
    assert rubric_errors(with_questions(MULTI, {**narrow, "choices": other})) == [
        "questions.n.narrow_to: 'm' does not offer the same choices"
    ]


def test_only_a_repeat_has_over_and_questions() -> None:
    for extra in ({"over": "m"}, {"questions": [TEXT]}):
        errors = rubric_errors(with_questions(MULTI, {**TEXT, "id": "x", **extra}))
        assert errors and all("x" in line for line in errors)


def test_scores_go_to_known_components() -> None:
    scored = {**SELECT, "score": {"component": "nope"}}
    assert rubric_errors(with_questions(scored)) == [
        "questions.g.score.component: unknown component 'nope'"
    ]


def test_a_repeat_does_not_score_itself() -> None:
    """The schema refuses a score on a repeat: it scores through its own questions."""
    errors = rubric_errors(with_questions(MULTI, {**REPEAT, "score": {"component": "c"}}))
    assert len(errors) == 1 and errors[0].startswith("sections[s].questions[rep].score: ")


@pytest.mark.parametrize("kind", ["text", "number", "date"])
def test_answered_questions_score_with_answered_points(kind: str) -> None:
    q = {"id": "x", "type": kind, "prompt": "X?", "score": {"component": "c"}}
    assert rubric_errors(with_questions(q)) == [
        f"questions.x.score: a {kind} question scores with `answered_points`"
    ]
    build(with_questions({**q, "score": {"component": "c", "answered_points": 0.5}}))


def test_bool_questions_score_with_yes_or_no_points() -> None:
    q = {"id": "b", "type": "bool", "prompt": "B?", "score": {"component": "c"}}
    assert rubric_errors(with_questions(q)) == [
        "questions.b.score: a bool question scores with `yes_points`/`no_points`"
    ]
    build(with_questions({**q, "score": {"component": "c", "no_points": 1}}))
    build(with_questions({**q, "score": {"component": "c", "yes_points": 1}}))


def test_a_scored_choice_question_without_points_is_a_warning() -> None:
    pointless = [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]
    data = with_questions({**SELECT, "choices": pointless, "score": {"component": "c"}})
    assert rubric_problems(data) == ["questions.g.score: warning: no choice carries points"]
    assert [p.severity for p in lint_rubric(Rubric.model_validate(data)).problems] == ["warning"]
    build(data)  # a warning does not stop the rubric loading
    rep = {
        **REPEAT,
        "questions": [
            {**REPEAT["questions"][0], "choices": pointless, "score": {"component": "c"}}
        ],
    }
    assert rubric_problems(with_questions(MULTI, rep)) == [
        "questions.rep.how.score: warning: no choice carries points"
    ]
    sub = {**REPEAT["questions"][0], "score": {"component": "nope"}}
    assert rubric_errors(with_questions(MULTI, {**REPEAT, "questions": [sub]})) == [
        "questions.rep.how.score.component: unknown component 'nope'"
    ]


def test_every_component_needs_a_scored_question() -> None:
    data = rubric_data()
    data["scoring"]["components"].append({"id": "empty", "label": "Empty", "weight": 1})
    assert rubric_errors(data) == [
        "scoring.components.empty: no question scores into this component"
    ]
    # a component scored only inside a repeat is fine
    sub = {**REPEAT["questions"][0], "score": {"component": "empty"}}
    build(
        {
            **data,
            "sections": [
                {"id": "s", "title": "S", "questions": [YES, MULTI, {**REPEAT, "questions": [sub]}]}
            ],
        }
    )


# --- conditions ----------------------------------------------------------------------------


def when(cond: dict[str, Any], *before: dict[str, Any]) -> list[str]:
    return rubric_problems(rubric_data(YES, *before, {**TEXT, "when": cond}))


def test_conditions_name_earlier_questions_only() -> None:
    assert when({"answered": "g"}) == [
        "questions.t.when: names unknown question 'g' (or one that is asked later)"
    ]
    later = with_questions({**TEXT, "when": {"answered": "g"}}, SELECT)
    assert rubric_problems(later) == [
        "questions.t.when: names unknown question 'g' (or one that is asked later)"
    ]
    assert when({"answered": "g"}, SELECT) == []
    assert when({"equals": {"question": "proposal.department", "value": "Parks"}}) == []


def test_condition_values_must_be_choices() -> None:
    assert when({"equals": {"question": "g", "value": "z"}}, SELECT) == [
        "questions.t.when: 'g' has no choice 'z'"
    ]
    assert when({"in": {"question": "g", "values": ["a", "y"]}}, SELECT) == [
        "questions.t.when: 'g' has no choice 'y'"
    ]
    assert when({"equals": {"question": "proposal.kind", "value": "capital"}}) == [
        "questions.t.when: 'proposal.kind' has no choice 'capital'"
    ]
    assert when({"equals": {"question": "proposal.kind", "value": "budget"}}) == []
    assert when({"equals": {"question": "yes", "value": "yes"}}) == [
        "questions.t.when: 'yes' has no choice 'yes'"
    ]
    assert when({"equals": {"question": "yes", "value": False}}) == []


def test_includes_needs_a_multiselect() -> None:
    assert when({"includes": {"question": "g", "value": "a"}}, SELECT) == [
        "questions.t.when: `includes` needs a multiselect; 'g' is not one"
    ]
    assert when({"includes": {"question": "proposal.kind", "value": "budget"}}) == [
        "questions.t.when: `includes` needs a multiselect; 'proposal.kind' is not one"
    ]
    assert when({"includes": {"question": "m", "value": "b"}}, MULTI) == []
    assert when({"includes": {"question": "m", "value": "q"}}, MULTI) == [
        "questions.t.when: 'm' has no choice 'q'"
    ]


def test_optional_taxonomy_items_may_be_named_in_conditions() -> None:
    tax = {"id": "d", "type": "multiselect", "prompt": "D?", "choices_from": "determinants"}
    data = with_questions(
        tax,
        {**TEXT, "when": {"includes": {"question": "d", "value": "digital"}}},
        determinants=[
            {"id": "housing", "label": "H"},
            {"id": "digital", "label": "D", "optional": True},
        ],
    )
    assert rubric_problems(data) == []


@pytest.mark.parametrize(
    "cond",
    [
        {
            "all": [
                {"equals": {"question": "g", "value": "a"}},
                {"equals": {"question": "g", "value": "b"}},
            ]
        },
        {"all": [{"answered": "g"}, {"not": {"answered": "g"}}]},
        {"equals": {"question": "yes", "value": 1}},
        {"all": [{"includes": {"question": "m", "value": "a"}}, {"not": {"answered": "m"}}]},
    ],
)
def test_conditions_that_can_never_hold(cond: dict[str, Any]) -> None:
    assert when(cond, SELECT, MULTI) == [
        "questions.t: can never be shown: no combination of answers satisfies its conditions"
    ]


@pytest.mark.parametrize(
    "cond",
    [
        {
            "all": [
                {"includes": {"question": "m", "value": "a"}},
                {"includes": {"question": "m", "value": "b"}},
            ]
        },
        {
            "all": [
                {"includes": {"question": "m", "value": "a"}},
                {"not": {"includes": {"question": "m", "value": "b"}}},
            ]
        },
        {"all": [{"answered": "m"}, {"not": {"includes": {"question": "m", "value": "a"}}}]},
        {"all": [{"answered": "t0"}, {"not": {"equals": {"question": "t0", "value": "x"}}}]},
        {"all": [{"answered": "n"}, {"not": {"in": {"question": "n", "values": [1, 2]}}}]},
        {"all": [{"not": {"equals": {"question": "g", "value": "a"}}}, {"answered": "g"}]},
        {"not": {"answered": "m"}},
        {"equals": {"question": "yes", "value": True}},
    ],
)
def test_conditions_that_can_hold(cond: dict[str, Any]) -> None:
    before: list[dict[str, Any]] = [
        SELECT,
        MULTI,
        {**TEXT, "id": "t0"},
        {"id": "n", "type": "number", "prompt": "N?"},
    ]
    assert when(cond, *before) == []


def test_reachability_combines_section_and_question_conditions() -> None:
    data = with_questions(SELECT)
    data["sections"].append(
        {
            "id": "s2",
            "title": "Only for a",
            "when": {"equals": {"question": "g", "value": "a"}},
            "questions": [{**TEXT, "when": {"equals": {"question": "g", "value": "b"}}}],
        }
    )
    assert rubric_problems(data) == [
        "questions.t: can never be shown: no combination of answers satisfies its conditions"
    ]
    data["sections"][1]["when"] = {"answered": "nope"}
    data["sections"][1]["questions"] = [TEXT]
    assert rubric_problems(data) == [
        "sections.s2.when: names unknown question 'nope' (or one that is asked later)"
    ]


def test_conditions_inside_a_repeat() -> None:
    def sub_when(cond: dict[str, Any], parent: dict[str, Any] | None = None) -> list[str]:
        subs = [REPEAT["questions"][0], {**TEXT, "when": cond}]
        rep = {**REPEAT, **(parent or {}), "questions": subs}
        return rubric_problems(with_questions(SELECT, MULTI, rep))

    assert sub_when({"equals": {"question": "how", "value": "a"}}) == []
    assert sub_when({"equals": {"question": "g", "value": "b"}}) == []
    assert sub_when({"equals": {"question": "how", "value": "c"}}) == [
        "questions.rep.t.when: 'how' has no choice 'c'"
    ]
    assert sub_when(
        {"equals": {"question": "g", "value": "b"}},
        {"when": {"equals": {"question": "g", "value": "a"}}},
    ) == [
        "questions.rep.t.when: can never be shown: "
        "no combination of answers satisfies its conditions"
    ]
    later = {**REPEAT, "questions": [{**TEXT, "when": {"answered": "how"}}, REPEAT["questions"][0]]}
    assert rubric_problems(with_questions(MULTI, later)) == [
        "questions.rep.t.when: names unknown question 'how' (or one that is asked later)"
    ]


# --- flags ---------------------------------------------------------------------------------


def flag_problems(*flags: dict[str, Any]) -> list[str]:
    data = with_questions(SELECT, MULTI, REPEAT)
    data["scoring"]["flags"] = list(flags)
    return rubric_problems(data)


def flag(**fields: Any) -> dict[str, Any]:
    return {"id": "f", "severity": "warning", "message": "M", "when": {"answered": "g"}, **fields}


def test_flags_are_checked() -> None:
    assert flag_problems(flag(), flag(id="f2", cap="poor")) == []
    assert flag_problems(flag(cap="bad")) == ["scoring.flags.f.cap: unknown band 'bad'"]
    assert flag_problems(flag(when={"answered": "t"})) == [
        "scoring.flags.f.when: names unknown question 't' (or one that is asked later)"
    ]
    never = {"all": [{"answered": "g"}, {"not": {"answered": "g"}}]}
    assert flag_problems(flag(when=never)) == [
        "scoring.flags.f: can never be raised: no combination of answers satisfies its conditions"
    ]


def test_flags_for_each_item_of_a_repeat() -> None:
    per_item = {"equals": {"question": "how", "value": "a"}}
    assert flag_problems(flag(for_each="rep", when=per_item)) == []
    assert flag_problems(flag(when=per_item)) == [
        "scoring.flags.f.when: names unknown question 'how' (or one that is asked later)"
    ]
    assert flag_problems(flag(for_each="m")) == [
        "scoring.flags.f.for_each: 'm' is not a repeat question"
    ]
    assert flag_problems(flag(for_each="nope")) == [
        "scoring.flags.f.for_each: 'nope' is not a repeat question"
    ]


# --- report fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["summary", "results", "populations", "benefits", "burdens", "mitigation", "amount"]
)
def test_report_fields_name_questions(field: str) -> None:
    base = with_questions(SELECT, MULTI, REPEAT)
    assert rubric_problems({**base, "report": {field: "g"}}) == []
    assert rubric_problems({**base, "report": {field: "nope"}}) == [
        "report: names unknown question 'nope'"
    ]


def test_report_lists_name_questions() -> None:
    base = with_questions(SELECT, MULTI, REPEAT)
    report = {"facts": ["g", "x1"], "alignment": ["m", "x2"]}
    assert rubric_problems({**base, "report": report}) == [
        "report: names unknown question 'x1'",
        "report: names unknown question 'x2'",
    ]


def test_report_impacts_name_a_repeat_and_its_questions() -> None:
    base = with_questions(SELECT, MULTI, REPEAT)
    ok = {"impacts": {"repeat": "rep", "direction": "how", "benefit_size": "how"}}
    assert rubric_problems({**base, "report": ok}) == []
    assert rubric_problems(
        {**base, "report": {"impacts": {"repeat": "m", "direction": "how"}}}
    ) == ["report.impacts.repeat: 'm' is not a repeat question"]
    bad = {"impacts": {"repeat": "rep", "direction": "how", "evidence": "g", "mitigation": "zz"}}
    assert rubric_problems({**base, "report": bad}) == [
        "report.impacts.evidence: 'g' is not a question of 'rep'",
        "report.impacts.mitigation: 'zz' is not a question of 'rep'",
    ]


# --- bands ---------------------------------------------------------------------------------


def bands(*spec: tuple[str, float, float]) -> list[str]:
    data = rubric_data()
    data["scoring"]["bands"] = [
        {"id": i, "label": i.title(), "min": lo, "max": hi} for i, lo, hi in spec
    ]
    return rubric_problems(data)


def test_bands_cover_0_to_100_without_gaps_or_overlaps() -> None:
    assert bands(("top", 70, 100), ("mid", 40, 70), ("low", 0, 40)) == []
    assert bands(("all", 0, 100)) == []
    assert bands(("top", 50, 100), ("low", 10, 50)) == [
        "scoring.bands: scores from 0 to 10 fall in no band"
    ]
    assert bands(("top", 50, 99.5), ("low", 0, 50)) == [
        "scoring.bands: scores from 99.5 to 100 fall in no band"
    ]
    assert bands(("top", 50, 100), ("low", 0, 40)) == [
        "scoring.bands: scores from 40 to 50 fall in no band"
    ]
    assert bands(("top", 50, 100), ("low", 0, 60)) == [
        "scoring.bands: bands 'low' and 'top' overlap"
    ]


def test_a_band_is_not_empty() -> None:
    assert "scoring.bands.odd: min must be below max" in bands(
        ("top", 50, 100), ("odd", 50, 50), ("low", 0, 50)
    )
    assert "scoring.bands.inv: min must be below max" in bands(
        ("top", 50, 100), ("inv", 50, 40), ("low", 0, 50)
    )


def test_bands_are_listed_best_first() -> None:
    assert bands(("low", 0, 50), ("top", 50, 100)) == [
        "scoring.bands: warning: list bands from best to worst"
    ]
    data = rubric_data()
    data["scoring"]["bands"].reverse()
    assert [p.severity for p in lint_rubric(Rubric.model_validate(data)).problems] == ["warning"]


# --- each component's maximum -------------------------------------------------------------------


def test_component_maximum_counts_fixed_questions_and_per_item_questions() -> None:
    multi = {**MULTI, "choices": [*A_B, {"id": "c3", "label": "C", "points": 4}]}
    data = with_questions(
        {**SELECT, "score": {"component": "c"}},
        {**multi, "score": {"component": "c", "max": 5}},
        {**REPEAT, "questions": [{**REPEAT["questions"][0], "score": {"component": "c"}}]},
    )
    report = lint_rubric(Rubric.model_validate(data))
    assert report.problems == []
    # select: best choice 2; multiselect 1+2+4 capped at 5; bool yes 1; per item: 2
    assert report.component_max["c"].fixed == 8
    assert report.component_max["c"].per_item == {"rep": 2}
    assert report.component_max["c"].describe() == "8 + 2 per rep item"


def test_component_maximum_described_alone() -> None:
    only_items = with_questions(
        MULTI, {**REPEAT, "questions": [{**REPEAT["questions"][0], "score": {"component": "r"}}]}
    )
    only_items["scoring"]["components"].append({"id": "r", "label": "R", "weight": 1})
    report = lint_rubric(Rubric.model_validate(only_items))
    assert report.component_max["r"].describe() == "2 per rep item"
    assert report.component_max["c"].describe() == "1"


# --- more boundaries ------------------------------------------------------------------------------


def test_every_test_inside_not_is_checked() -> None:
    assert when({"not": {"equals": {"question": "g", "value": "z"}}}, SELECT) == [
        "questions.t.when: 'g' has no choice 'z'"
    ]
    assert when({"not": {"answered": "zz"}}) == [
        "questions.t.when: names unknown question 'zz' (or one that is asked later)"
    ]


def test_every_test_of_a_condition_is_checked_after_an_unknown_one() -> None:
    cond = {"all": [{"answered": "zz"}, {"not": {"answered": "zz"}}, when_g_is("z")]}
    assert when(cond, SELECT) == [
        "questions.t.when: names unknown question 'zz' (or one that is asked later)",
        "questions.t.when: names unknown question 'zz' (or one that is asked later)",
        "questions.t.when: 'g' has no choice 'z'",
    ]  # and no "can never be shown" on top of it


def when_g_is(value: str) -> dict[str, Any]:
    return {"equals": {"question": "g", "value": value}}


def test_reachability_tries_every_proposal_kind() -> None:
    every = {
        "all": [
            {"answered": "proposal.kind"},
            {"not": {"in": {"question": "proposal.kind", "values": ["program", "budget"]}}},
        ]
    }
    assert when(every) == [
        "questions.t: can never be shown: no combination of answers satisfies its conditions"
    ]
    one = {
        "all": [
            {"answered": "proposal.kind"},
            {"not": {"equals": {"question": "proposal.kind", "value": "program"}}},
        ]
    }
    assert when(one) == []


def selects(*sizes: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"s{i}",
            "type": "select",
            "prompt": "S?",
            "choices": [{"id": f"c{j}", "label": f"C{j}"} for j in range(n)],
        }
        for i, n in enumerate(sizes)
    ]


def never(*qids: str) -> dict[str, Any]:
    """Unsatisfiable, and naming each of `qids`."""
    tests: list[dict[str, Any]] = [{"answered": q} for q in qids]
    return {"all": [*tests, {"not": {"answered": qids[0]}}]}


def test_reachability_is_checked_up_to_20000_combinations() -> None:
    # 20 x 10 x 10 x 10 combinations of answers (each question may also be unanswered)
    assert when(never("s0", "s1", "s2", "s3"), *selects(19, 9, 9, 9)) == [
        "questions.t: can never be shown: no combination of answers satisfies its conditions"
    ]
    # 10 ** 5: too many to try, so not reported
    assert when(never("s0", "s1", "s2", "s3", "s4"), *selects(9, 9, 9, 9, 9)) == []


def test_maxima_with_optional_taxonomy_items_and_several_items_questions() -> None:
    tax = {
        "id": "d",
        "type": "multiselect",
        "prompt": "D?",
        "choices_from": "determinants",
        "score": {"component": "c", "max": 3},
    }
    subs = [
        {**REPEAT["questions"][0], "score": {"component": "c"}},
        {
            "id": "also",
            "type": "bool",
            "prompt": "Also?",
            "score": {"component": "c", "no_points": 3},
        },
        {
            "id": "pops",
            "type": "multiselect",
            "prompt": "P?",
            "choices_from": "determinants",
            "score": {"component": "c"},
        },
    ]
    data = with_questions(
        tax,
        MULTI,
        {**REPEAT, "questions": subs},
        determinants=[{"id": "h", "label": "H"}, {"id": "x", "label": "X", "optional": True}],
    )
    report = lint_rubric(Rubric.model_validate(data))
    assert report.component_max["c"].fixed == 1  # taxonomy choices carry no points
    assert report.component_max["c"].per_item == {"rep": 5}


def test_three_bands_with_a_gap_at_the_top() -> None:
    assert bands(("top", 60, 90), ("mid", 30, 60), ("low", 0, 30)) == [
        "scoring.bands: scores from 90 to 100 fall in no band"
    ]


def test_an_unknown_name_stops_the_reachability_check() -> None:
    assert when({"all": [{"answered": "zz"}, {"not": {"answered": "zz"}}]}) == [
        "questions.t.when: names unknown question 'zz' (or one that is asked later)",
        "questions.t.when: names unknown question 'zz' (or one that is asked later)",
    ]
