"""Loading rubrics by id or path, the rubric's lookups, and the blank templates built from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.errors import InputFileError, RubricNotFound, ValidationFailed
from esj_review.core.rubrics import (
    data_dir,
    load_rubric,
    load_rubric_file,
    parse_rubric,
    shipped_rubrics,
)
from esj_review.core.templates import csv_template, sheet_columns, yaml_template
from tests.rubric_builder import YES, build, rubric_data

CHOICES: Any = [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}]


def full_rubric() -> Any:
    return build(
        rubric_data(
            {
                "id": "g",
                "type": "select",
                "prompt": "Which?",
                "required": True,
                "choices_from": "determinants",
            },
            {
                "id": "n",
                "type": "number",
                "prompt": "How many?",
                "min": 1,
                "max": 9.5,
                "integer": True,
                "when": {"equals": {"question": "g", "value": "h"}},
            },
            {"id": "low", "type": "number", "prompt": "At least?", "min": 0},
            {"id": "high", "type": "number", "prompt": "At most?", "max": 5},
            {"id": "free", "type": "number", "prompt": "Any?"},
            {"id": "m", "type": "multiselect", "prompt": "Pick", "choices_from": "determinants"},
            {
                "id": "rep",
                "type": "repeat",
                "prompt": "For each pick",
                "over": "m",
                "questions": [
                    {"id": "how", "type": "scale", "prompt": "How much?", "choices": CHOICES},
                    {"id": "day", "type": "date", "prompt": "When?"},
                ],
            },
            YES,
            determinants=[
                {"id": "h", "label": "Housing"},
                {"id": "d", "label": "Digital", "optional": True, "description": "Internet"},
                {"id": "e", "label": "Energy", "optional": True},
            ],
        )
    )


def test_the_yaml_template_describes_every_question() -> None:
    text = yaml_template(full_rubric())
    assert text.splitlines() == [
        "# A blank review for: Test rubric (rubric test-rubric 1.0.0).",
        "# Uncomment an answer and fill it in; `esj-review validate FILE` checks it,",
        "# `esj-review score FILE` scores it. Lines starting with # are ignored.",
        "format: esj-review/1",
        "rubric:",
        "  id: test-rubric",
        "  version: 1.0.0",
        "  enable: []  # optional items you may switch on: d, e",
        "proposal:",
        "  id: CHANGE-ME-001  # short id used in file names and page headers",
        '  title: "Title of the proposal"',
        "  kind:  # one of: program, budget",
        "  department:",
        "answers:",
        "",
        "  # ---- Section ----",
        "  # Which?",
        "  #   select, required",
        "  #   choices: h, d, e",
        "  # g:",
        "  # How many?",
        "  #   number, optional",
        "  #   shown when `g` is 'h'",
        "  #   range: 1..9.5, whole number",
        "  # n: 0",
        "  # At least?",
        "  #   number, optional",
        "  #   range: 0..",
        "  # low: 0",
        "  # At most?",
        "  #   number, optional",
        "  #   range: ..5",
        "  # high: 0",
        "  # Any?",
        "  #   number, optional",
        "  # free: 0",
        "  # Pick",
        "  #   multiselect, optional",
        "  #   choices: h, d, e",
        "  # m: []",
        "  # For each pick",
        "  #   repeat, optional",
        "  # rep:  # one entry per choice made in m",
        "  #   <choice id>:",
        "  #     # How much?",
        "  #     #   scale, optional",
        "  #     #   choices: a, b",
        "  #     how: ",
        "  #     # When?",
        "  #     #   date, optional",
        "  #     day: 2027-01-31",
        "  # Yes?",
        "  #   bool, optional",
        "  # yes: true",
    ]
    # uncommenting nothing gives a review that parses
    data = yaml.safe_load(text)
    assert data["answers"] is None and data["rubric"]["enable"] == []


def test_the_template_of_a_rubric_without_optional_items() -> None:
    text = yaml_template(build(rubric_data()))
    assert "enable" not in text
    assert "  # yes: true" in text.splitlines()


def test_sheet_columns_flatten_repeats_over_every_item() -> None:
    rubric = full_rubric()
    assert sheet_columns(rubric) == [
        "proposal.id",
        "proposal.title",
        "proposal.kind",
        "proposal.department",
        "rubric.enable",  # the rubric has an optional item ("e")
        "meta.reviewer.name",
        "meta.reviewer.role",
        "meta.reviewer.contact",
        "g",
        "n",
        "low",
        "high",
        "free",
        "m",
        "rep.h.how",
        "rep.h.day",
        "rep.d.how",
        "rep.d.day",
        "rep.e.how",
        "rep.e.day",
        "yes",
    ]
    assert csv_template(rubric) == ",".join(sheet_columns(rubric)) + "\n"


# --- loading ------------------------------------------------------------------------------------


def test_load_by_path_and_by_shipped_id(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(rubric_data()))
    assert load_rubric(path).id == "test-rubric"
    assert load_rubric(str(path)).id == "test-rubric"
    assert load_rubric_file(path).title == "Test rubric"
    shipped = sorted(shipped_rubrics())
    assert "king-county-esj" in shipped
    kc = load_rubric("king-county-esj")
    assert load_rubric(f"king-county-esj@{kc.version}") is kc


def test_unknown_rubrics_and_versions(tmp_path: Path) -> None:
    with pytest.raises(RubricNotFound) as info:
        load_rubric("king-county-esj@0.0.1")
    kc = load_rubric("king-county-esj")
    assert info.value.message == (
        "rubric king-county-esj version 0.0.1 is not available; "
        f"this tool has versions 1.0.0, 2.0.0, 3.0.0, {kc.version}"
    )
    with pytest.raises(RubricNotFound) as info:
        load_rubric("nope")
    assert info.value.message.startswith("no rubric named 'nope' (shipped rubrics: ")
    assert "king-county-esj" in info.value.message
    assert info.value.message.endswith("; or give a file path)")
    with pytest.raises(RubricNotFound):
        load_rubric(tmp_path)  # a folder is not a rubric file


def test_a_rubric_must_be_a_mapping() -> None:
    with pytest.raises(InputFileError) as info:
        parse_rubric(["x"], "r.yaml")
    assert info.value.message == "r.yaml: a rubric must be a mapping of fields"


def test_schema_and_lint_errors_are_reported_together() -> None:
    data = rubric_data({**YES, "score": {"component": "nope", "yes_points": 1}}, YES)
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(data, "r.yaml")
    assert str(info.value).splitlines() == [
        "r.yaml: questions: duplicate id 'yes'",
        "r.yaml: questions.yes.score.component: unknown component 'nope'",
    ]


# --- the rubric's lookups -----------------------------------------------------------------------


def test_lookups() -> None:
    rubric = full_rubric()
    assert rubric.question("n") is not None and rubric.question("how") is None
    assert rubric.question("zz") is None
    m = rubric.question("m")
    rep = rubric.question("rep")
    assert m is not None and rep is not None
    assert [c.id for c in rubric.choices_for(m)] == ["h"]
    assert [c.id for c in rubric.choices_for(m, frozenset({"d"}))] == ["h", "d"]
    assert [c.label for c in rubric.choices_for(m, frozenset({"d"}))] == ["Housing", "Digital"]
    assert rubric.choices_for(m) is rubric.choices_for(m)  # computed once
    assert rubric.item_label(rep, "h", frozenset()) == "Housing"
    assert rubric.item_label(rep, "d", frozenset()) == "d"
    assert rubric.item_label(rep, "d", frozenset({"d"})) == "Digital"
    assert [i.id for i in rubric.optional_items()] == ["d", "e"]
    assert [c.description for c in rubric.choices_for(m, frozenset({"d"}))] == ["", "Internet"]
    assert rubric.band("poor").label == "Poor"
    assert [s.id for s, q in rubric.iter_questions()][:1] == ["s"]
    assert [q.id for _, q in rubric.iter_questions()][-1] == "yes"


def test_the_content_hash_follows_content_not_layout() -> None:
    data = rubric_data()
    one = build(data).content_hash
    assert len(one) == 64
    assert build(yaml.safe_load(yaml.safe_dump(data, default_flow_style=True))).content_hash == one
    explicit = rubric_data()
    explicit["sections"][0]["questions"][0]["required"] = False  # a default, spelt out
    assert build(explicit).content_hash == one
    changed = rubric_data(title="Another title")
    assert build(changed).content_hash != one


def test_a_bad_rubric_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(rubric_data(title=None)))
    with pytest.raises(ValidationFailed) as info:
        load_rubric_file(path)
    assert str(info.value).startswith(f"{path}: title: ")


def test_data_folders_are_found() -> None:
    assert (data_dir("rubrics") / "king-county-esj.yaml").is_file()
    assert (data_dir("examples") / "reduced-fare-transit.yaml").is_file()


def test_the_impact_method_is_linted() -> None:
    """Names in the scoring block must exist: questions, choices, bands."""
    import yaml

    from esj_review.core.errors import ValidationFailed
    from esj_review.core.rubrics import parse_rubric
    from tests.conftest import RUBRICS

    data = yaml.safe_load((RUBRICS / "king-county-esj.yaml").read_text())
    data["scoring"]["impact"]["burdens"][0]["size"]["values"]["huge"] = 4
    data["scoring"]["impact"]["benefits"][0]["weight"]["question"] = "nope"
    data["scoring"]["impact"]["burdens"][0]["mitigation"][0]["values"]["full"] = 1.5
    data["scoring"]["confidence"][2]["cap"] = "zz"
    data["scoring"]["adjustments"][0]["value"] = "maybe"
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(data, "x.yaml")
    assert str(info.value).splitlines() == [
        "x.yaml: scoring.confidence.low.cap: unknown band 'zz'",
        "x.yaml: scoring.adjustments.engagement_without_a_role.value: "
        "'maybe' is not a choice of 'engagement_level'",
        "x.yaml: scoring.impact.benefits.benefit.weight.question: names unknown question 'nope'",
        "x.yaml: scoring.impact.burdens.burden.size.values.huge: is not a choice of 'burden_size'",
        "x.yaml: scoring.impact.burdens.burden.mitigation[0]: a mitigation share is from 0 to 1",
    ]
