"""Conditions, the walk over a rubric, answers as a reader sees them, and review files:
parsing, saving and the answers kept aside when their question is hidden."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.answers import (
    answer_parts,
    impact_items,
    item_lookup,
    plain_answer,
    walk,
)
from esj_review.core.conditions import MISSING, describe, evaluate, is_answered, parse_condition
from esj_review.core.errors import InputFileError, ValidationFailed
from esj_review.core.review import (
    Reviewer,
    answer_at,
    aside_paths,
    dump_review,
    load_review,
    parse_review,
    save_review,
    set_value,
    tidy_hidden,
)
from esj_review.core.rubric import Rubric
from tests.rubric_builder import YES, build, review, rubric_data

CHOICES: Any = [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}]
GATE: Any = {"id": "g", "type": "select", "prompt": "G?", "choices": CHOICES}
MULTI: Any = {"id": "m", "type": "multiselect", "prompt": "M?", "choices": CHOICES}


def when_g(value: str) -> dict[str, Any]:
    return {"equals": {"question": "g", "value": value}}


# --- conditions -------------------------------------------------------------------------------


def holds(cond: dict[str, Any], **answers: Any) -> bool:
    return evaluate(parse_condition(cond), lambda q: answers.get(q, MISSING))


def test_true_is_not_1_and_1_is_not_true() -> None:
    assert not holds({"equals": {"question": "x", "value": 1}}, x=True)
    assert not holds({"equals": {"question": "x", "value": True}}, x=1)
    assert not holds({"equals": {"question": "x", "value": 0}}, x=False)
    assert holds({"equals": {"question": "x", "value": False}}, x=False)
    assert not holds({"equals": {"question": "x", "value": False}}, x=True)
    assert holds({"equals": {"question": "x", "value": 1}}, x=1.0)
    assert not holds({"in": {"question": "x", "values": [1, "a"]}}, x=True)
    assert holds({"in": {"question": "x", "values": [1, True]}}, x=True)
    assert not holds({"includes": {"question": "x", "value": 1}}, x=[True])
    assert holds({"includes": {"question": "x", "value": True}}, x=[False, True])


def test_a_missing_answer_matches_nothing() -> None:
    assert not holds({"equals": {"question": "x", "value": "a"}})
    assert not holds({"in": {"question": "x", "values": ["a", "b"]}})
    assert not holds({"includes": {"question": "x", "value": "a"}})
    assert holds({"not": {"equals": {"question": "x", "value": "a"}}})


def test_includes_needs_a_list_answer() -> None:
    assert holds({"includes": {"question": "x", "value": "a"}}, x=["b", "a"])
    assert not holds({"includes": {"question": "x", "value": "a"}}, x="a")
    assert not holds({"includes": {"question": "x", "value": "a"}}, x=["b"])
    assert not holds({"includes": {"question": "x", "value": "a"}}, x=[])


def test_in_and_equals() -> None:
    assert holds({"in": {"question": "x", "values": ["a", "b"]}}, x="b")
    assert not holds({"in": {"question": "x", "values": ["a", "b"]}}, x="c")
    assert holds({"equals": {"question": "x", "value": "a"}}, x="a")
    assert not holds({"equals": {"question": "x", "value": "a"}}, x="A")


def test_all_any_not() -> None:
    yes, no = {"answered": "x"}, {"answered": "y"}
    assert holds({"all": [yes, yes]}, x=1) and not holds({"all": [yes, no]}, x=1)
    assert holds({"any": [no, yes]}, x=1) and not holds({"any": [no, no]}, x=1)
    assert holds({"not": no}, x=1) and not holds({"not": yes}, x=1)


@pytest.mark.parametrize("value", [MISSING, None, "", "  \n", [], {}])
def test_blank_values_are_not_answers(value: Any) -> None:
    assert not is_answered(value)
    assert not holds({"answered": "x"}, x=value)


@pytest.mark.parametrize("value", [0, 0.0, False, "0", ["a"], {"k": 1}, " a "])
def test_falsy_values_can_be_answers(value: Any) -> None:
    assert is_answered(value)
    assert holds({"answered": "x"}, x=value)


def test_conditions_in_plain_english() -> None:
    cond = parse_condition(
        {
            "all": [
                {"any": [{"equals": {"question": "a", "value": "x"}}, {"answered": "b"}]},
                {"not": {"in": {"question": "c", "values": ["p", True]}}},
                {"includes": {"question": "d", "value": "q"}},
                {"all": [{"answered": "e"}, {"answered": "f"}]},
            ]
        }
    )
    assert describe(cond) == (
        "(`a` is 'x' or `b` is answered) and not (`c` is one of 'p', True) and "
        "`d` includes 'q' and (`e` is answered and `f` is answered)"
    )


# --- the walk -------------------------------------------------------------------------------


def test_the_walk_shows_what_conditions_allow_in_order() -> None:
    t = {"id": "t", "type": "text", "prompt": "T?", "when": when_g("a")}
    u = {"id": "u", "type": "text", "prompt": "U?", "when": {"answered": "t"}}
    rubric = build(rubric_data(GATE, t, u, YES))
    slots = walk(rubric, {"g": "a", "t": "x"})
    assert [(s.path, s.visible, s.value) for s in slots] == [
        ("g", True, "a"),
        ("t", True, "x"),
        ("u", True, MISSING),
        ("yes", True, MISSING),
    ]
    # t is hidden, so its answer cannot show u
    slots = walk(rubric, {"g": "b", "t": "x"})
    assert [(s.path, s.visible) for s in slots][:3] == [("g", True), ("t", False), ("u", False)]
    assert slots[1].answered and not slots[2].answered


def test_a_hidden_section_hides_its_questions() -> None:
    data = rubric_data(YES)
    data["sections"].append(
        {
            "id": "dept",
            "title": "Department",
            "when": {"equals": {"question": "proposal.department", "value": "Parks"}},
            "questions": [{"id": "t", "type": "text", "prompt": "T?"}],
        }
    )
    rubric = build(data)
    assert walk(rubric, {}, {"department": "Parks"})[1].visible
    assert not walk(rubric, {}, {"department": "Roads"})[1].visible
    assert not walk(rubric, {}, {"department": None})[1].visible
    assert not walk(rubric, {})[1].visible
    assert walk(rubric, {})[1].section.id == "dept"


def test_proposal_kind_drives_conditions() -> None:
    t = {"id": "t", "type": "text", "prompt": "T?", "when": {"answered": "proposal.kind"}}
    rubric = build(rubric_data(t, YES))
    assert walk(rubric, {}, {"kind": "budget"})[0].visible
    assert not walk(rubric, {}, {"kind": None})[0].visible


REP: Any = {
    "id": "rep",
    "type": "repeat",
    "prompt": "Each",
    "over": "m",
    "questions": [
        {"id": "dir", "type": "select", "prompt": "Dir?", "choices": CHOICES},
        {
            "id": "why",
            "type": "text",
            "prompt": "Why?",
            "when": {"equals": {"question": "dir", "value": "b"}},
        },
        {"id": "note", "type": "text", "prompt": "Note?", "when": when_g("a")},
    ],
}


def repeat_rubric() -> Rubric:
    return build(rubric_data(GATE, MULTI, REP, YES))


def test_a_repeat_gives_slots_per_chosen_item_in_the_order_chosen() -> None:
    rubric = repeat_rubric()
    answers = {
        "g": "a",
        "m": ["b", "a"],
        "rep": {"a": {"dir": "a", "why": "w"}, "b": {"dir": "b", "why": "v"}},
    }
    slots = [s for s in walk(rubric, answers) if s.parent is not None]
    assert [(s.path, s.visible, s.item) for s in slots] == [
        ("rep.b.dir", True, "b"),
        ("rep.b.why", True, "b"),
        ("rep.b.note", True, "b"),
        ("rep.a.dir", True, "a"),
        ("rep.a.why", False, "a"),  # `dir` of item a is not b
        ("rep.a.note", True, "a"),
    ]
    assert all(s.parent is not None and s.parent.id == "rep" for s in slots)
    assert slots[1].value == "v" and slots[4].value == "w"


def test_repeat_items_not_chosen_or_not_choices_are_hidden() -> None:
    rubric = repeat_rubric()
    answers = {"m": ["a", "zz", 3], "rep": {"b": {"dir": "a"}, "a": "not a mapping"}}
    slots = [s for s in walk(rubric, answers) if s.parent is not None]
    assert [(s.path, s.visible, s.value) for s in slots] == [
        ("rep.a.dir", True, MISSING),
        ("rep.a.why", False, MISSING),
        ("rep.a.note", False, MISSING),
        ("rep.b.dir", False, "a"),
        ("rep.b.why", False, MISSING),
        ("rep.b.note", False, MISSING),
    ]


def test_a_hidden_repeat_hides_every_item() -> None:
    rep = {**REP, "when": when_g("a")}
    rubric = build(rubric_data(GATE, MULTI, rep, YES))
    answers = {"g": "b", "m": ["a"], "rep": {"a": {"dir": "a"}}}
    slots = [s for s in walk(rubric, answers) if s.parent is not None]
    assert [s.path for s in slots] == ["rep.a.dir", "rep.a.why", "rep.a.note"]
    assert not any(s.visible for s in slots)
    assert [s.visible for s in walk(rubric, answers) if s.parent is None] == [
        True,
        True,
        False,
        True,
    ]


def test_optional_items_repeat_only_when_enabled() -> None:
    data = rubric_data(
        {"id": "m", "type": "multiselect", "prompt": "M?", "choices_from": "determinants"},
        {**REP, "questions": REP["questions"][:1]},
        YES,
        determinants=[{"id": "h", "label": "H"}, {"id": "d", "label": "D", "optional": True}],
    )
    rubric = build(data)
    answers = {"m": ["h", "d"], "rep": {"d": {"dir": "a"}}}
    off = [(s.path, s.visible) for s in walk(rubric, answers) if s.parent]
    assert off == [("rep.h.dir", True)]  # `d` is no choice: validation reports it
    on = [(s.path, s.visible) for s in walk(rubric, answers, enabled=frozenset({"d"})) if s.parent]
    assert on == [("rep.h.dir", True), ("rep.d.dir", True)]


def test_item_lookup_gives_the_shown_answers_of_one_item() -> None:
    rubric = repeat_rubric()
    answers = {
        "g": "b",
        "m": ["a", "b"],
        "rep": {"a": {"dir": "b", "why": "w", "note": "n"}, "b": {"dir": "a", "why": "x"}},
    }
    slots = walk(rubric, answers)
    assert item_lookup(slots, "rep", "a") == {"dir": "b", "why": "w"}
    assert item_lookup(slots, "rep", "b") == {"dir": "a"}
    assert item_lookup(slots, "other", "a") == {}


def test_impact_items_for_the_statement() -> None:
    data = rubric_data(
        GATE,
        MULTI,
        REP,
        YES,
        report={"impacts": {"repeat": "rep", "direction": "dir", "benefit_values": ["a"]}},
    )
    rubric = build(data)
    answers = {"g": "b", "m": ["b", "a"], "rep": {"a": {"dir": "a"}, "b": {"dir": "b"}}}
    rev = review(answers, rubric)
    items = impact_items(rubric, rev, rev.slots(rubric))
    assert [(i["id"], i["label"], i["direction"], i["benefit"], i["burden"]) for i in items] == [
        ("b", "Beta", "b", False, False),
        ("a", "Alpha", "a", True, False),
    ]
    assert items[0]["answers"] == {"dir": "b", "why": MISSING}
    assert list(items[1]["questions"]) == ["dir"]
    assert impact_items(build(rubric_data(GATE, MULTI, REP, YES)), rev, rev.slots(rubric)) == []


# --- answers as a reader sees them ----------------------------------------------------------


def parts(q: dict[str, Any], value: Any, *more: dict[str, Any]) -> list[str]:
    rubric = build(rubric_data(q, *more, *([] if q is YES else [YES])))
    question = rubric.question(q["id"])
    assert question is not None
    return answer_parts(rubric, question, value, frozenset())


def test_answer_parts() -> None:
    assert parts(GATE, "b") == ["Beta"]
    assert parts(GATE, "zz") == ["zz"]
    assert parts(MULTI, ["b", "a", "q"]) == ["Beta", "Alpha", "q"]
    assert parts(YES, True) == ["Yes"] and parts(YES, False) == ["No"]
    number = {"id": "n", "type": "number", "prompt": "N?"}
    assert parts(number, 1234567) == ["1,234,567"]
    assert parts(number, 1234567.0) == ["1,234,567"]
    assert parts(number, 1234.5) == ["1,234.5"]
    assert parts(number, 0) == ["0"]
    assert parts({**number, "integer": True}, 2027) == ["2027"]
    assert parts({**number, "integer": True}, 2027.0) == ["2027"]
    assert parts({"id": "t", "type": "text", "prompt": "T?"}, "Hello") == ["Hello"]
    blanks: list[Any] = [MISSING, None, "", []]
    for blank in blanks:
        assert parts(MULTI, blank) == []


def test_plain_answer() -> None:
    assert plain_answer(["a", "b"]) == "a, b"
    assert plain_answer(True) == "yes" and plain_answer(False) == "no"
    assert plain_answer(None) == ""
    assert plain_answer(2.5) == "2.5"
    assert plain_answer("x") == "x"
    assert plain_answer(0) == "0"


# --- review files -----------------------------------------------------------------------------


def doc(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "format": "esj-review/1",
        "rubric": {"id": "test-rubric", "version": "1.0.0"},
        "proposal": {"id": "P-1", "title": "T"},
        "answers": {},
    }
    base.update(fields)
    return base


def invalid(data: Any) -> list[str]:
    with pytest.raises((InputFileError, ValidationFailed)) as info:
        parse_review(data, "r.yaml")
    return str(info.value).splitlines()


def test_a_review_must_be_a_mapping_of_the_current_format() -> None:
    assert invalid(["x"]) == ["r.yaml: a review must be a mapping with format, rubric, proposal"]
    assert invalid(doc(format="esj-review/2")) == [
        "r.yaml: format: format 'esj-review/2' is not supported; this tool reads esj-review/1"
    ]
    no_format = doc()
    del no_format["format"]
    assert invalid(no_format) == [
        "r.yaml: format: format None is not supported; this tool reads esj-review/1"
    ]


def test_review_fields_are_checked() -> None:
    assert invalid(doc(proposal={"id": "", "title": "T"})) == [
        "r.yaml: proposal.id: String should have at least 1 character (got '')"
    ]
    assert invalid(doc(proposal={"id": "x" * 81, "title": "T"}))[0].startswith(
        "r.yaml: proposal.id: String should have at most 80 characters"
    )
    parse_review(doc(proposal={"id": "x" * 80, "title": "t" * 300}), "r.yaml")
    assert invalid(doc(proposal={"id": "P", "title": "t" * 301}))[0].startswith(
        "r.yaml: proposal.title: String should have at most 300"
    )
    assert invalid(doc(extra=1)) == ["r.yaml: extra: unknown field"]
    assert invalid(doc(proposal={"title": "T"})) == [
        "r.yaml: proposal.id: required field is missing"
    ]


def test_parsing_tidies_answers() -> None:
    data = doc(
        answers={
            "text": "line\n",
            "date": dt.date(2027, 1, 5),
            "when": dt.datetime(2027, 1, 5, 9, 30),
            "list": ["a ", dt.date(2027, 2, 1)],
            "nested": {"a": {"b": "x\n\n", 1: "y"}},
            "n": 3,
        },
        set_aside={"old": "kept\n"},
    )
    got = parse_review(data, "r.yaml")
    assert got.answers == {
        "text": "line",
        "date": "2027-01-05",
        "when": "2027-01-05T09:30:00",
        "list": ["a", "2027-02-01"],
        "nested": {"a": {"b": "x", "1": "y"}},
        "n": 3,
    }
    assert got.set_aside == {"old": "kept"}
    commented = parse_review(doc(answers=None, set_aside=None), "r.yaml")
    assert (commented.answers, commented.set_aside) == ({}, {})


def test_dump_is_stable_and_readable() -> None:
    rev = review({"story": "one\ntwo", "tabbed": "a\tb\nc", "n": 1})
    text = dump_review(rev)
    assert list(yaml.safe_load(text)) == ["format", "rubric", "proposal", "answers", "meta"]
    assert "story: |-\n    one\n    two\n" in text
    assert 'tabbed: "a\\tb\\nc"' in text
    assert "set_aside" not in text
    assert yaml.safe_load(text)["meta"] == {}
    rev.set_aside = {"old": 1}
    assert yaml.safe_load(dump_review(rev))["set_aside"] == {"old": 1}


def test_save_stamps_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "r.yaml"
    rev = review({"yes": True, "story": "é\nlines"})
    first = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)
    save_review(rev, path, now=first)
    later = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)
    save_review(rev, path, now=later)
    loaded = load_review(path)
    assert loaded.answers == rev.answers
    assert (loaded.meta.created, loaded.meta.updated) == (first, later)
    assert loaded.meta.tool_version
    assert "é" in path.read_text(encoding="utf-8")
    assert os.listdir(path.parent) == ["r.yaml"]  # no temporary file left
    fresh = review()
    save_review(fresh, tmp_path / "now.yaml")
    assert fresh.meta.created is not None and fresh.meta.created.microsecond == 0
    assert fresh.meta.created == fresh.meta.updated
    assert fresh.meta.created.utcoffset() == dt.timedelta(0)


def test_answers_hash_covers_what_the_score_depends_on() -> None:
    base = review({"yes": True})
    assert base.answers_hash() == review({"yes": True}).answers_hash()
    assert base.answers_hash() != review({"yes": False}).answers_hash()
    assert base.answers_hash() != review({"yes": True}, kind="budget").answers_hash()
    assert base.answers_hash() != review({"yes": True}, enable=["x"]).answers_hash()
    stamped = review({"yes": True})
    stamped.meta.reviewer = Reviewer(name="Someone")
    assert stamped.answers_hash() == base.answers_hash()


def test_set_value_and_answer_at() -> None:
    rev = review({"a": 1, "rep": {"x": {"p": 1, "q": 2}}})
    rev.set_aside = {"rep": {"x": {"p": "old"}}, "a": "old"}
    set_value(rev, "rep.y.p", "new")
    assert answer_at(rev, "rep.y.p") == "new"
    set_value(rev, "rep.x.p", None)
    assert rev.answers["rep"]["x"] == {"q": 2}
    assert rev.set_aside == {"a": "old"}  # the answer set replaces the one kept aside
    set_value(rev, "rep.x.q", None)
    assert rev.answers["rep"] == {"y": {"p": "new"}}
    set_value(rev, "rep.y.p", None)
    assert "rep" not in rev.answers
    set_value(rev, "a", 2)
    assert rev.answers == {"a": 2} and rev.set_aside == {}
    set_value(rev, "a.b", 3)  # a plain answer becomes a mapping when a path goes through it
    assert rev.answers == {"a": {"b": 3}}
    set_value(rev, "nope.x", None)
    set_value(rev, "a.b.c", None)
    assert rev.answers == {"a": {"b": 3}}
    assert answer_at(rev, "a.b") == 3
    assert answer_at(rev, "a.b.c") is MISSING
    assert answer_at(rev, "zz") is MISSING


def test_aside_paths_reach_repeat_answers() -> None:
    rev = review()
    rev.set_aside = {
        "t": "x",
        "m": ["a", "b"],
        "rep": {"a": {"dir": "b", "why": "w"}, "b": {"dir": "a"}},
        "odd": {},
    }
    assert aside_paths(rev) == ["t", "m", "rep.a.dir", "rep.a.why", "rep.b.dir", "odd"]


def test_tidy_hidden_sets_answers_aside_and_brings_them_back() -> None:
    t = {"id": "t", "type": "text", "prompt": "T?", "when": when_g("a")}
    u = {"id": "u", "type": "text", "prompt": "U?", "when": {"answered": "t"}}
    rubric = build(rubric_data(GATE, t, u, MULTI, REP, YES))
    answers = {
        "g": "a",
        "t": "x",
        "u": "y",
        "m": ["a", "b"],
        "rep": {"a": {"dir": "b", "why": "w"}, "b": {"dir": "a"}},
    }
    rev = review(answers, rubric)
    assert tidy_hidden(rubric, rev) == ([], [])
    rev.answers["g"] = "b"
    rev.answers["m"] = ["b"]
    moved, restored = tidy_hidden(rubric, rev)
    assert sorted(moved) == ["rep.a.dir", "rep.a.why", "t", "u"] and restored == []
    assert rev.answers == {"g": "b", "m": ["b"], "rep": {"b": {"dir": "a"}}}
    assert rev.set_aside == {"t": "x", "u": "y", "rep": {"a": {"dir": "b", "why": "w"}}}
    rev.answers["g"] = "a"
    rev.answers["m"] = ["a", "b"]
    moved, restored = tidy_hidden(rubric, rev)
    assert moved == [] and sorted(restored) == ["rep.a.dir", "rep.a.why", "t", "u"]
    assert rev.answers == answers and rev.set_aside == {}


# --- more boundaries ------------------------------------------------------------------------------


def test_answer_parts_label_optional_items_when_enabled() -> None:
    data = rubric_data(
        {"id": "d", "type": "multiselect", "prompt": "D?", "choices_from": "determinants"},
        YES,
        determinants=[
            {"id": "h", "label": "Housing"},
            {"id": "x", "label": "Digital", "optional": True},
        ],
    )
    rubric = build(data)
    q = rubric.question("d")
    assert q is not None
    assert answer_parts(rubric, q, ["h", "x"], frozenset({"x"})) == ["Housing", "Digital"]
    assert answer_parts(rubric, q, ["h", "x"], frozenset()) == ["Housing", "x"]


def test_impact_items_come_from_the_named_repeat_only() -> None:
    other = {**REP, "id": "other", "questions": [{**REP["questions"][0], "id": "dir"}]}
    dir_when = {**REP["questions"][0], "when": when_g("a")}
    plain = {"id": "plain", "type": "text", "prompt": "Plain?"}
    rep = {**REP, "questions": [dir_when, *REP["questions"][1:], plain]}
    data = rubric_data(
        GATE,
        MULTI,
        rep,
        other,
        YES,
        report={"impacts": {"repeat": "rep", "direction": "dir", "burden_values": ["b"]}},
    )
    rubric = build(data)
    answers = {
        "g": "b",
        "m": ["a"],
        "rep": {"a": {"dir": "b"}},
        "other": {"a": {"dir": "b"}},
    }
    rev = review(answers, rubric)
    items = impact_items(rubric, rev, rev.slots(rubric))
    assert [i["id"] for i in items] == ["a"]
    # the direction question is hidden: no direction, neither benefit nor burden
    assert items[0]["direction"] is MISSING
    assert (items[0]["benefit"], items[0]["burden"]) == (False, False)
    assert items[0]["answers"] == {"plain": MISSING}
    assert items[0]["questions"]["plain"].prompt == "Plain?"
    rev = review({**answers, "g": "a"}, rubric)
    items = impact_items(rubric, rev, rev.slots(rubric))
    assert (items[0]["direction"], items[0]["burden"]) == ("b", True)


def test_set_value_on_a_review_with_nothing_aside() -> None:
    rev = review()
    set_value(rev, "new", 1)
    set_value(rev, "gone", None)
    assert rev.answers == {"new": 1} and rev.set_aside == {}


def test_aside_paths_stop_at_a_repeat_answer() -> None:
    rev = review()
    rev.set_aside = {"rep": {"a": {"dir": {"odd": {"deeper": 1}}}}}
    assert aside_paths(rev) == ["rep.a.dir"]


def test_tidy_hidden_moves_a_hidden_repeat_item_by_item() -> None:
    rep = {**REP, "when": when_g("a")}
    rubric = build(rubric_data(GATE, MULTI, rep, YES))
    rev = review({"g": "b", "m": ["a"], "rep": {"a": {"dir": "a"}}}, rubric)
    assert tidy_hidden(rubric, rev) == (["rep.a.dir"], [])
    assert rev.set_aside == {"rep": {"a": {"dir": "a"}}} and "rep" not in rev.answers
    rev.answers["g"] = "a"
    assert tidy_hidden(rubric, rev) == ([], ["rep.a.dir"])
    assert rev.answers["rep"] == {"a": {"dir": "a"}}


def test_tidy_hidden_restores_answers_that_a_restored_answer_shows() -> None:
    t = {"id": "t", "type": "text", "prompt": "T?", "when": when_g("a")}
    rubric = build(rubric_data(GATE, t, YES))
    rev = review({}, rubric)
    rev.set_aside = {"g": "a", "t": "x"}
    assert tidy_hidden(rubric, rev) == ([], ["g", "t"])
    assert rev.answers == {"g": "a", "t": "x"} and rev.set_aside == {}


def test_dump_keeps_long_lines_and_block_text() -> None:
    long = " ".join(["word"] * 17)  # a line of 92 characters: not wrapped
    text = dump_review(review({"long": long, "x": "X\nY"}))
    assert f"  long: {long}\n" in text
    assert "  x: |-\n    X\n    Y\n" in text
    assert yaml.safe_load(text)["proposal"] == {
        "id": "P-1",
        "title": "A proposal",
        "kind": None,
        "department": None,
    }


def test_a_hidden_repeat_gives_slots_only_for_stored_items() -> None:
    rep = {**REP, "when": when_g("a")}
    rubric = build(rubric_data(GATE, MULTI, rep, YES))
    assert [s.path for s in walk(rubric, {"g": "b", "m": ["a"]}) if s.parent] == []


def test_impact_item_labels_of_optional_items() -> None:
    rep = {**REP, "over": "d", "questions": REP["questions"][:1]}
    data = rubric_data(
        GATE,
        {"id": "d", "type": "multiselect", "prompt": "D?", "choices_from": "determinants"},
        rep,
        YES,
        determinants=[
            {"id": "h", "label": "Housing"},
            {"id": "x", "label": "Digital", "optional": True},
        ],
        report={"impacts": {"repeat": "rep", "direction": "dir"}},
    )
    rubric = build(data)
    rev = review({"d": ["x"], "rep": {"x": {"dir": "a"}}}, rubric, enable=["x"])
    assert [i["label"] for i in impact_items(rubric, rev, rev.slots(rubric))] == ["Digital"]


def test_answers_hash_ignores_the_order_of_answers() -> None:
    one = review({"a": 1, "b": {"x": 1, "y": 2}})
    two = review({"b": {"y": 2, "x": 1}, "a": 1})
    assert one.answers_hash() == two.answers_hash()
