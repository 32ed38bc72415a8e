"""Hostile values inside a review file: each one is a problem at its field, never a crash.

Huge numbers, NaN, values nested hundreds of levels deep, keys that are numbers or hold
terminal escapes, a mapping where a word belongs: `validate` names the field and what was
expected, and whatever `validate` accepts, `score` and `report` handle. A hidden or invalid
answer never changes the score.
"""

from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.checks import check_input, check_review
from esj_review.core.errors import EsjError, InputFileError, ValidationFailed
from esj_review.core.files import parse_data
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.number import MAX_MAGNITUDE
from esj_review.core.review import parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.core.templates import sheet_columns
from esj_review.report.render import render_report
from tests.conftest import EXAMPLES
from tests.rubric_builder import build, review, rubric_data, rubric_problems
from tests.strategies import reviews

runner = CliRunner()
TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
BOUND = "must be between -1,000,000,000,000,000 and 1,000,000,000,000,000"


def transit() -> dict[str, Any]:
    data: dict[str, Any] = parse_data(TRANSIT.read_text(), TRANSIT)
    return data


def errors_of(data: Any) -> list[str]:
    """What `validate` says about review data: every error as `path: message`."""
    try:
        checked = check_input(copy.deepcopy(data), "r.yaml")
    except (InputFileError, ValidationFailed) as exc:
        return [p.render() for p in exc.problems]
    return [p.render() for p in checked.errors]


def with_answers(**answers: Any) -> dict[str, Any]:
    data = transit()
    data["answers"].update(answers)
    return data


def renders(data: dict[str, Any]) -> None:
    """The review is valid, and scores and renders (JSON and HTML)."""
    checked = check_input(copy.deepcopy(data), "r.yaml")
    assert checked.errors == []
    score(checked.rubric, checked.review)
    assert json.loads(render_report(checked.rubric, checked.review, "json"))["scorecard"]
    assert b"</html>" in render_report(checked.rubric, checked.review, "html")


def cli(tmp_path: Path, text: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, [args[0], str(path), *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, (result.stdout + result.stderr).replace(str(path), "r.yaml")


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("amount", 10**400, BOUND),
        ("amount", -(10**400), BOUND),
        ("amount", 10**15 + 1, BOUND),
        ("amount", 1e300, BOUND),
        ("amount", math.nan, "expected a finite number"),
        ("amount", -math.inf, "expected a finite number"),
        ("amount", True, "expected a number"),
        ("amount", {"a": 1}, "expected a number"),
        ("fiscal_year", 10**400, "must be at most 2100"),
        ("fiscal_year", -(10**400), "must be at least 2000"),
        ("fiscal_year", math.inf, "expected a finite number"),
        ("fiscal_year", False, "expected a number"),
    ],
)
def test_numbers_beyond_their_bounds_are_problems_at_their_field(
    qid: str, value: Any, message: str
) -> None:
    assert errors_of(with_answers(**{qid: value})) == [f"answers.{qid}: {message}"]


def test_numbers_up_to_the_bound_score_and_render() -> None:
    assert MAX_MAGNITUDE == 10**15
    for amount in (10**15, -(10**15), 999_999_999_999_999.5):
        renders(with_answers(amount=amount))


@pytest.mark.parametrize("command", [["validate"], ["score"], ["report", "-f", "json"]])
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("amount: 1" + "0" * 400, f"answers.amount: {BOUND}"),
        ("amount: .nan", "answers.amount: expected a finite number"),
        ("amount: -.inf", "answers.amount: expected a finite number"),
        ("fiscal_year: 2" + "0" * 400, "answers.fiscal_year: must be at most 2100"),
        ("decision_date: 2027-02-31", "answers.decision_date: is not a real date (YYYY-MM-DD)"),
        ("decision_date: 99999-01-01", "answers.decision_date: expected a date as YYYY-MM-DD"),
    ],
)
def test_commands_name_a_hostile_number_or_date(
    tmp_path: Path, command: list[str], line: str, message: str
) -> None:
    text = TRANSIT.read_text()
    key = line.split(":")[0]
    kept = [ln for ln in text.splitlines() if not ln.startswith(f"  {key}:")]
    at = kept.index("answers:") + 1
    code, said = cli(tmp_path, "\n".join([*kept[:at], f"  {line}", *kept[at:]]) + "\n", *command)
    assert code == 1
    assert f"r.yaml: {message}" in said
    assert not (tmp_path / "r.json").exists()


def test_number_cells_are_read_without_arithmetic_on_huge_values(kc: Rubric) -> None:
    amount = kc.question("amount")
    assert amount is not None
    kind = kind_of(amount)
    for cell in (10**400, 1e300, math.inf, math.nan):
        value = kind.from_cell(kc, amount, cell, frozenset())
        message = kind.check(kc, amount, value, frozenset())
        assert message in {BOUND, "expected a finite number"}, (cell, message)
    assert kind.from_cell(kc, amount, 12.0, frozenset()) == 12
    typed = kind.parse_text(kc, amount, "99,999,999,999,999,999", frozenset())
    assert kind.check(kc, amount, typed, frozenset()) == BOUND


def test_number_bounds_in_a_rubric_must_be_finite_and_within_the_answer_bound() -> None:
    number = {"id": "n", "type": "number", "prompt": "N?"}
    assert rubric_problems(rubric_data(YES, {**number, "min": math.nan, "max": 1e20})) == [
        "questions.n.min: must be a finite number",
        "questions.n.max: warning: is beyond any answer: answers are at most "
        "1,000,000,000,000,000 either way",
    ]
    assert rubric_problems(rubric_data(YES, {**number, "max": math.inf})) == [
        "questions.n.max: must be a finite number"
    ]


@pytest.mark.parametrize("serial", [1e12, -5, 0, 2958466, math.nan, math.inf, -math.inf, 10**400])
def test_date_cells_with_impossible_excel_serial_numbers_are_refused(
    kc: Rubric, serial: float
) -> None:
    when = kc.question("decision_date")
    assert when is not None
    with pytest.raises(ValueError) as info:
        kind_of(when).from_cell(kc, when, serial, frozenset())
    assert str(info.value) == (
        "is not a date: a spreadsheet date number runs from 1 (1900-01-01) to 2958465 (9999-12-31)"
    )


def test_date_cells_at_the_ends_of_excel_serial_numbers_are_read(kc: Rubric) -> None:
    when = kc.question("decision_date")
    assert when is not None
    read = kind_of(when).from_cell
    assert read(kc, when, 2958465, frozenset()) == "9999-12-31"
    assert read(kc, when, 1, frozenset()) == "1899-12-31"  # Excel's 1900 leap-year bug


def test_a_batch_sheet_with_hostile_number_cells_goes_on(tmp_path: Path) -> None:
    from bench.make_sheet import rows as example_rows

    good = next(r for r in example_rows(10) if r["proposal.id"] == "EX-TRANSIT-2027-01")
    columns = ["rubric.enable", *sheet_columns(load_rubric("king-county-esj"))]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    hostile = {"DATE-HUGE": 1e12, "DATE-NEG": -5, "DATE-PAST": 2958466}
    for pid, serial in hostile.items():
        sheet.append([pid if c == "proposal.id" else good.get(c) for c in columns])
        sheet.cell(sheet.max_row, columns.index("decision_date") + 1, serial)
    sheet.append(["AMOUNT-HUGE" if c == "proposal.id" else good.get(c) for c in columns])
    sheet.cell(sheet.max_row, columns.index("amount") + 1, 1e300)
    book.save(tmp_path / "sheet.xlsx")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["batch", str(tmp_path / "sheet.xlsx"), "--out", str(out), "-f", "json", "-j", "1"]
    )
    assert result.exit_code == 1, result.stderr
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        found = {(e["proposal_id"], e["field"]): e["message"] for e in csv.DictReader(handle)}
    for pid in hostile:
        assert found[(pid, "column 'decision_date'")].startswith("is not a date")
    assert found[("AMOUNT-HUGE", "answers.amount")] == BOUND
    assert not any("internal error" in message for message in found.values())


# --- repeats and keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    [1, [1, 2], "a long string" * 100, None, {"x": 1}, {"direction": "benefit"}],
)
def test_an_unknown_repeat_item_is_one_problem_whatever_it_holds(item: Any) -> None:
    data = transit()
    data["answers"]["determinant_impacts"]["nope"] = item
    assert errors_of(data) == [
        "answers.determinant_impacts.nope: is not a choice of 'determinants_touched'"
    ]


@pytest.mark.parametrize("value", [[1], "x", 5, True])
def test_a_repeat_answer_that_is_not_a_mapping_is_a_problem(value: Any) -> None:
    assert errors_of(with_answers(determinant_impacts=value)) == [
        "answers.determinant_impacts: expected a mapping of item id to answers"
    ]


def test_choices_of_any_length_are_quoted_short() -> None:
    found = errors_of(with_answers(geography="g" * 10_000, data_kinds=["d" * 10_000]))
    assert [line.split(";")[0] for line in found] == [
        f"answers.geography: '{'g' * 60}…' is not a choice",
        f"answers.data_kinds: '{'d' * 60}…' is not a choice",
    ]
    assert all(len(line) < 300 for line in found)
    [line] = errors_of(with_answers(geography=["countywide"]))
    assert line.startswith("answers.geography: ['countywide'] is not a choice; expected one of: ")


def test_a_repeat_item_that_is_not_a_mapping_is_a_problem() -> None:
    data = transit()
    data["answers"]["determinant_impacts"]["transportation"] = ["benefit"]
    assert errors_of(data) == [
        "answers.determinant_impacts.transportation: expected a mapping of question id to answer"
    ]


def test_keys_yaml_reads_as_numbers_or_booleans_are_named_as_written() -> None:
    text = TRANSIT.read_text().replace(
        "  determinant_impacts:\n", "  determinant_impacts:\n    2: x\n    true: [y]\n", 1
    )
    assert errors_of(parse_data(text, "r.yaml")) == [
        "answers.determinant_impacts.2: is not a choice of 'determinants_touched'",
        "answers.determinant_impacts.True: is not a choice of 'determinants_touched'",
    ]


def test_long_keys_and_control_characters_are_shown_short_and_harmless() -> None:
    data = with_answers(**{"\x1b[2J\x07bell": 1, "k" * 10_000: 2})
    data["answers"]["determinant_impacts"]["\x1b]0;title\x07"] = {"direction": "benefit"}
    found = errors_of(data)
    assert found[0] == "answers.[U+001B][2J[U+0007]bell: unknown question id for this rubric"
    assert found[1].startswith("answers.kkkk") and len(found[1]) < 120
    assert found[1].endswith("…: unknown question id for this rubric")
    assert found[2] == (
        "answers.determinant_impacts.[U+001B]]0;title[U+0007]: "
        "is not a choice of 'determinants_touched'"
    )
    assert not any("\x1b" in line or "\x07" in line for line in found)
    warnings = [p.render() for p in check_input(data, "r.yaml").warnings]
    assert warnings == [
        "answers.determinant_impacts.[U+001B]]0;title[U+0007].direction: warning: is answered "
        "but hidden ('\\x1b]0;title\\x07' is not chosen in 'determinants_touched'), "
        "so it does not score"
    ]


def test_an_empty_repeat_is_unanswered_and_renders() -> None:
    data = with_answers(determinant_impacts=None, determinants_touched=[])
    renders(data)


# --- a hidden or invalid answer never changes the score -------------------------------------

PICK: Any = {
    "id": "pick",
    "type": "multiselect",
    "prompt": "Which areas?",
    "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
}
REPEAT: Any = {
    "id": "rep",
    "type": "repeat",
    "over": "pick",
    "prompt": "For each area",
    "questions": [
        {
            "id": "level",
            "type": "select",
            "prompt": "How much?",
            "choices": [
                {"id": "low", "label": "Low", "points": 1},
                {"id": "high", "label": "High", "points": 3},
            ],
            "score": {"component": "c"},
        },
        {
            "id": "note",
            "type": "text",
            "prompt": "Why?",
            "when": {"equals": {"question": "level", "value": "high"}},
        },
    ],
}
BONUS: Any = {
    "id": "bonus",
    "type": "bool",
    "prompt": "Is there more?",
    "when": {"answered": "rep"},
    "score": {"component": "c", "yes_points": 5},
}
YES: Any = {
    "id": "yes",
    "type": "bool",
    "prompt": "Yes?",
    "score": {"component": "c", "yes_points": 1},
}
FLAGGED: Any = {
    "id": "has_areas",
    "severity": "warning",
    "message": "Areas are described.",
    "when": {"answered": "rep"},
    "cap": "poor",
}
ANSWERED_REPEAT = build(
    rubric_data(
        YES,
        PICK,
        REPEAT,
        BONUS,
        scoring={**rubric_data()["scoring"], "flags": [FLAGGED]},
    )
)


def outcome(rubric: Rubric, data: dict[str, Any]) -> tuple[Any, ...] | None:
    """Score, band and ledger of valid review data; None when it has errors."""
    rev = parse_review(copy.deepcopy(data), "r.yaml")
    if any(p.severity == "error" for p in check_review(rubric, rev)):
        return None
    card = score(rubric, rev)
    return card.score, card.band, card.uncapped_band, card.ledger, card.flags


def test_an_answered_condition_on_a_repeat_sees_only_shown_items() -> None:
    base = review({"yes": False, "pick": [], "bonus": True}, ANSWERED_REPEAT)
    stray = review({**base.answers, "rep": {"b": {"level": "high"}}}, ANSWERED_REPEAT)
    assert [p.render() for p in check_review(ANSWERED_REPEAT, stray)] == [
        "answers.rep.b.level: warning: is answered but hidden ('b' is not chosen in 'pick'), "
        "so it does not score",
        "answers.bonus: warning: is answered but hidden (shown only when `rep` is answered), "
        "so it does not score",
    ]
    assert outcome(ANSWERED_REPEAT, stray.model_dump()) == outcome(
        ANSWERED_REPEAT, base.model_dump()
    )
    card = score(ANSWERED_REPEAT, stray)
    assert (card.score, card.flags) == (0.0, [])  # no bonus, no flag from a hidden item
    hidden_note = review(
        {"yes": False, "pick": ["a"], "rep": {"a": {"note": "kept"}}, "bonus": True},
        ANSWERED_REPEAT,
    )
    assert score(ANSWERED_REPEAT, hidden_note).hidden_answers == ["rep.a.note", "bonus"]
    shown = review({**hidden_note.answers, "rep": {"a": {"level": "low"}}}, ANSWERED_REPEAT)
    card = score(ANSWERED_REPEAT, shown)  # a shown item does switch the bonus on
    assert (card.score, card.hidden_answers) == (66.7, [])  # 0 + 1 + 5 of 1 + 3 + 5
    assert [f.id for f in card.flags] == ["has_areas"] and card.band is not None
    assert card.band.id == "poor"


STRAYS = st.sampled_from(
    [
        ("answers", "zz_unknown", "x"),
        ("item", "zz_item", {"level": "high"}),
        ("item", "c", {"level": "high", "note": "n"}),
        ("item", "b", {"level": "high"}),
        ("item", "a", None),
        ("item", "a", {}),
        ("sub", "zz_sub", "x"),
        ("sub", "note", "hidden?"),
        ("set_aside", "bonus", True),
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), stray=STRAYS)
def test_an_unknown_or_hidden_answer_never_changes_the_score(data: Any, stray: Any) -> None:
    rubric = ANSWERED_REPEAT
    rev = data.draw(reviews(rubric))
    doc = rev.model_dump(mode="json")
    if data.draw(st.booleans()):  # no area chosen: only a stray item could answer `rep`
        doc["answers"].update(pick=[], rep={})
    before = outcome(rubric, doc)
    assert before is not None
    where, key, value = stray
    answers = doc["answers"]
    if where == "answers":
        answers[key] = value
    elif where == "set_aside":
        doc["set_aside"][key] = value
    elif where == "item":
        if key in answers.get("pick", []) and key in answers.get("rep", {}):
            return  # a shown item: not a stray one
        answers.setdefault("rep", {})[key] = value
    else:
        items = answers.get("rep") or {"a": {}}
        item = next(iter(items))
        items[item] = {**(items[item] or {}), key: value}
        answers["rep"] = items
        if key == "note" and items[item].get("level") == "high" and item in answers["pick"]:
            return  # a shown answer
    after = outcome(rubric, doc)
    assert after is None or after == before


# --- deep nesting and fields of the wrong kind ------------------------------------------------


def nested(depth: int, leaf: Any = "x") -> Any:
    value = leaf
    for i in range(depth):
        value = {"a": value} if i % 2 else [value]
    return value


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("set_aside.summary", "nested too deeply: at most 3 levels of lists and mappings"),
        ("answers.summary", "nested too deeply: at most 3 levels of lists and mappings"),
    ],
)
def test_values_nested_hundreds_deep_are_refused_before_anything_else(
    where: str, message: str
) -> None:
    data = transit()
    section, key = where.split(".")
    data.setdefault(section, {})[key] = nested(300)
    assert errors_of(data) == [f"{where}: {message}"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": {"b": "x"}}, "set_aside.summary: expected an answer (text, a number, yes or"),
        ([["x"]], "set_aside.summary: expected an answer (text, a number, yes or no, or a list)"),
        ({"parks": ["x"]}, "set_aside.summary: expected an answer"),
        (math.nan, "set_aside.summary: expected a finite number"),
        (10**400, f"set_aside.summary: {BOUND}"),
        ([math.inf], "set_aside.summary: expected a finite number"),
    ],
)
def test_answers_set_aside_must_look_like_answers(value: Any, message: str) -> None:
    data = transit()
    data["set_aside"] = {"summary": value}
    found = errors_of(data)
    assert len(found) == 1 and found[0].startswith(message), found


def test_answers_set_aside_as_the_interview_keeps_them_are_valid() -> None:
    data = transit()
    data["set_aside"] = {
        "summary": "old",
        "amount": -12.5,
        "populations_affected": ["bipoc"],
        "determinant_impacts": {"parks": {"direction": "benefit", "populations": ["bipoc"]}},
    }
    renders(data)


def test_a_deep_file_fails_validate_and_report_alike(tmp_path: Path) -> None:
    text = TRANSIT.read_text() + "set_aside:\n  summary: " + "[" * 300 + "x" + "]" * 300 + "\n"
    said = []
    for command in (["validate"], ["report", "-f", "html"], ["score"]):
        code, out = cli(tmp_path, text, *command)
        assert code == 1, out
        said.append(out)
    assert all("r.yaml: set_aside.summary: nested too deeply" in s for s in said)
    assert not (tmp_path / "r.html").exists()


def test_a_json_file_nested_near_the_parser_limit_is_refused(tmp_path: Path) -> None:
    data = json.loads(json.dumps(transit(), default=str))
    path = tmp_path / "r.json"
    for depth in (600, 900, 990, 5000):
        text = json.dumps(data)[:-1] + ', "set_aside": {"s": ' + "[" * depth + "]" * depth + "}}"
        path.write_text(text)
        with pytest.raises((InputFileError, ValidationFailed)) as info:
            check_input(path)
        assert isinstance(info.value, InputFileError | ValidationFailed)
        assert [p.message for p in info.value.problems] in (
            ["nested too deeply: at most 3 levels of lists and mappings"],
            ["nested too deeply to be a review or rubric"],  # the parser's own limit
        )
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == 1 and "nested too deeply" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"format": {"a": 1}}, "format: format must be the text esj-review/1, not a mapping"),
        ({"format": ["esj-review/1"]}, "format: format must be the text esj-review/1, not a list"),
        ({"format": 1}, "format: format must be the text esj-review/1, not a number"),
        (
            {"format": "x" * 10_000},
            f"format: format '{'x' * 60}…' is not supported; this tool reads esj-review/1",
        ),
        (
            {"rubric": {"id": [1, 2], "version": "2.0.0"}},
            "rubric.id: Input should be a valid string (got [1, 2])",
        ),
        (
            {"rubric": "king-county-esj"},
            "rubric: Input should be a valid dictionary or instance of RubricRef "
            "(got 'king-county-esj')",
        ),
        (
            {"rubric": {"id": "k" * 10_000, "version": "2.0.0"}},
            "rubric.id: String should have at most 100 characters",
        ),
        (
            {"proposal": []},
            "proposal: Input should be a valid dictionary or instance of Proposal (got [])",
        ),
        ({"answers": "x"}, "answers: Input should be a valid dictionary (got 'x')"),
        ({"answers": [1]}, "answers: Input should be a valid dictionary (got [1])"),
        ({"set_aside": "x"}, "set_aside: Input should be a valid dictionary (got 'x')"),
        ({"meta": {"created": 10**400}}, "meta.created: "),
    ],
)
def test_review_fields_of_the_wrong_kind_are_clean_problems(
    change: dict[str, Any], expected: str
) -> None:
    data = transit()
    data.update(change)
    found = errors_of(data)
    assert found and found[0].startswith(expected), found
    assert all(len(line) < 300 for line in found)


def test_a_proposal_id_of_ten_thousand_characters_is_a_short_problem() -> None:
    data = transit()
    data["proposal"]["id"] = "P" * 10_000
    found = errors_of(data)
    assert len(found) == 1 and found[0].startswith("proposal.id: String should have at most 80")
    assert len(found[0]) < 200


HOSTILE_FILES: dict[str, tuple[dict[str, Any], str]] = {
    "format": ({"format": {"a": 1}}, "format: format must be the text esj-review/1"),
    "rubric": ({"rubric": "king-county-esj"}, "rubric: Input should be a valid dictionary"),
    "proposal": ({"proposal": []}, "proposal: Input should be a valid dictionary"),
    "answers": ({"answers": "x"}, "answers: Input should be a valid dictionary"),
    "item": (
        {"answers": {**transit()["answers"], "determinant_impacts": {"nope": 1}}},
        "answers.determinant_impacts.nope: is not a choice of 'determinants_touched'",
    ),
    "amount": (
        {"answers": {**transit()["answers"], "amount": 10**400}},
        f"answers.amount: {BOUND}",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_every_command_names_the_field_of_a_hostile_file(tmp_path: Path, name: str) -> None:
    change, message = HOSTILE_FILES[name]
    text = yaml.safe_dump({**transit(), **change}, sort_keys=False)
    for command in (["validate"], ["score"], ["report", "-f", "html"]):
        code, said = cli(tmp_path, text, *command)
        assert code == 1 and f"r.yaml: {message}" in said, (command, said)
        assert "Traceback" not in said


def test_a_batch_of_hostile_files_reports_each_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "good.yaml").write_text(TRANSIT.read_text())
    for name, (change, _) in HOSTILE_FILES.items():
        data = {**transit(), **change}
        data["proposal"] = {"id": f"HOSTILE-{name}", "title": "T"} if name != "proposal" else []
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    deep = TRANSIT.read_text() + "set_aside:\n  summary: " + "[" * 300 + "x" + "]" * 300 + "\n"
    (folder / "deep.yaml").write_text(deep.replace("EX-TRANSIT-2027-01", "DEEP"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "--out", str(out), "-f", "json", "-j", "1"])
    assert result.exit_code == 1, result.stderr
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        found = list(csv.DictReader(handle))
    said = {Path(e["source"]).stem: f"{e['field']}: {e['message']}" for e in found}
    for name, (_, message) in HOSTILE_FILES.items():
        assert said[name].startswith(message), (name, said[name])
    assert said["deep"].startswith("set_aside.summary: nested too deeply")
    assert not any("internal error" in e["message"] for e in found)
    assert (out / "EX-TRANSIT-2027-01.json").exists()


def test_kind_and_department_of_any_length_give_short_messages() -> None:
    data = transit()
    data["proposal"]["kind"] = "\x1bk" * 5000
    found = errors_of(data)
    assert len(found) == 1 and found[0].startswith("proposal.kind: '\\x1bk") and len(found[0]) < 300


def test_control_characters_in_the_title_are_shown_never_acted_on(tmp_path: Path) -> None:
    data = transit()
    data["proposal"]["title"] = "Fares\x00 for\x1b[2J all\u202e"
    renders(data)
    checked = check_input(data, "r.yaml")
    html = render_report(checked.rubric, checked.review, "html").decode()
    assert "Fares[U+0000] for[U+001B][2J all[U+202E]" in html
    pdf = render_report(checked.rubric, checked.review, "pdf")
    assert pdf.startswith(b"%PDF")


# --- whatever validate accepts, score and report handle ---------------------------------------

SPECIALS = st.sampled_from(
    [10**400, -(10**400), 10**15 + 1, 1e308, math.nan, math.inf, -math.inf, True, False, None]
)
HOSTILE = st.one_of(
    SPECIALS,
    SPECIALS,  # twice as likely as the others
    st.integers(),
    st.floats(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["\x00", "\x1b[2J", "2027-02-31", "99999-01-01", "k" * 5000, "", " "]),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=8,
    ),
    st.integers(20, 400).map(nested),
)


def paths_in(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in review data a value can be put (existing keys and list positions)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths_in(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += paths_in(value, (*prefix, i))
    return found


def put(data: dict[str, Any], path: tuple[Any, ...], key: Any, value: Any) -> None:
    node: Any = data
    for part in path:
        node = node[part]
    if isinstance(node, dict):
        node[key] = value
    elif isinstance(node, list):
        node.append(value)


BASE = {**transit(), "set_aside": {}}
PLACES = paths_in(BASE)
ANSWER_PLACES = [p for p in PLACES if p[:1] in {("answers",), ("set_aside",)} and len(p) <= 3]
KEYS = st.one_of(
    st.sampled_from(["new", 1, True, None, "amount", "set_aside", "format", "parks", "meta"]),
    st.text(max_size=8),
)
MUTATION = st.tuples(
    st.one_of(st.sampled_from(ANSWER_PLACES), st.sampled_from(PLACES)),
    KEYS,
    HOSTILE,
    st.booleans(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
@example(mutations=[(("answers", "amount"), None, 10**400, True)])  # the failures once seen
@example(mutations=[(("answers", "determinant_impacts"), "nope", 1, False)])
@example(mutations=[(("set_aside",), "summary", nested(300), False)])
@example(mutations=[((), "format", {"a": 1}, False)])
def test_whatever_validate_accepts_scores_and_renders(
    mutations: list[tuple[tuple[Any, ...], Any, Any, bool]],
) -> None:
    data = copy.deepcopy(BASE)
    for place, key, value, replace in mutations:
        try:
            if replace and place:
                put(data, place[:-1], place[-1], value)
            else:
                put(data, place, key, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced what this one reaches into
    try:
        checked = check_input(data, "r.yaml")
    except EsjError as exc:
        assert exc.message
        return
    if checked.errors:
        return
    score(checked.rubric, checked.review)
    json.loads(render_report(checked.rubric, checked.review, "json"))
