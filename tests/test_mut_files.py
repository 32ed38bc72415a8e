"""Review files and the walk: answers set aside and brought back through a chain of
conditions, the answers hash reports cite, how review YAML is laid out, atomic writes, and
blank proposal fields in conditions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.conditions import Equals, parse_condition
from esj_review.core.files import atomic_write
from esj_review.core.review import dump_review, parse_review, tidy_hidden
from esj_review.core.rubric import Section
from tests.rubric_builder import YES, build, review, rubric_data

# --- answers set aside and restored -----------------------------------------------------------

CHAIN = build(
    rubric_data(
        YES,
        {
            "id": "how",
            "type": "select",
            "prompt": "How?",
            "when": {"equals": {"question": "yes", "value": True}},
            "choices": [{"id": "fast", "label": "Fast"}, {"id": "slow", "label": "Slow"}],
        },
        {
            "id": "why_fast",
            "type": "text",
            "prompt": "Why fast?",
            "when": {"equals": {"question": "how", "value": "fast"}},
        },
        {
            "id": "detail",
            "type": "text",
            "prompt": "Detail?",
            "when": {"answered": "why_fast"},
        },
    )
)


def test_a_chain_of_hidden_answers_is_set_aside_and_restored_in_full() -> None:
    answers = {"yes": True, "how": "fast", "why_fast": "Because", "detail": "More"}
    doc = review(answers, CHAIN)
    doc.answers["yes"] = False
    moved, restored = tidy_hidden(CHAIN, doc)
    assert (sorted(moved), restored) == (["detail", "how", "why_fast"], [])
    assert doc.answers == {"yes": False}
    assert doc.set_aside == {"how": "fast", "why_fast": "Because", "detail": "More"}

    doc.answers["yes"] = True
    moved, restored = tidy_hidden(CHAIN, doc)
    # each answer brought back shows the next question: three passes
    assert (moved, restored) == ([], ["how", "why_fast", "detail"])
    assert doc.answers == answers
    assert doc.set_aside == {}


# --- the answers hash -------------------------------------------------------------------------


def hashed(**answers: Any) -> str:
    data = {
        "format": "esj-review/1",
        "rubric": {"id": "king-county-esj", "version": "2.0.0"},
        "proposal": {"id": "P-1", "title": "A proposal"},
        "answers": answers,
        "meta": {"reviewer": "Someone"},
    }
    return parse_review(data, "x").answers_hash()


def test_the_answers_hash_is_stable_across_versions_of_the_tool() -> None:
    # Reports and scorecards print this hash; a review hashed today must hash the same later.
    assert hashed(amount=1200, when="2027-01-31", groups=["youth", "elders"]) == (
        "bfbcfb20b510a00463f297349db5d606c3998ae1549fd98e50b5b055c4b3f84c"
    )
    assert hashed(groups=["elders", "youth"], amount=1200, when="2027-01-31") != hashed(
        amount=1200, when="2027-01-31", groups=["youth", "elders"]
    )


# --- review YAML ------------------------------------------------------------------------------


def test_a_long_one_line_answer_is_folded_at_100_columns_and_reads_back() -> None:
    story = " ".join(["abcdef"] * 40)
    doc = review({"story": story})
    text = dump_review(doc)
    folded = [line for line in text.splitlines() if line.startswith("    abcdef")]
    assert [len(line) for line in folded] == [101, 87]
    assert yaml.safe_load(text)["answers"]["story"] == story


# --- atomic writes ----------------------------------------------------------------------------


def test_a_file_is_written_through_a_hidden_temporary_file_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        seen.append(sorted(os.listdir(tmp_path)))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "review.yaml"
    atomic_write(target, "answers: {}\n")
    [during] = seen
    assert len(during) == 1
    assert during[0].startswith(".review.yaml.") and during[0].endswith(".tmp")
    assert os.listdir(tmp_path) == ["review.yaml"]
    assert target.read_text(encoding="utf-8") == "answers: {}\n"


# --- conditions -------------------------------------------------------------------------------


def test_a_parsed_condition_validates_again_as_itself() -> None:
    cond = parse_condition({"equals": {"question": "yes", "value": True}})
    assert isinstance(cond, Equals)
    assert parse_condition(cond) == cond
    section = Section.model_validate({"id": "s", "title": "S", "when": cond, "questions": [YES]})
    assert section.when == cond


def test_a_blank_department_is_no_department() -> None:
    blank_only = {
        "id": "which_department",
        "type": "text",
        "prompt": "Which department?",
        "when": {"in": {"question": "proposal.department", "values": ["", " "]}},
    }
    rubric = build(rubric_data(YES, blank_only))
    for department in ("", " "):
        slots = review({}, rubric, department=department).slots(rubric)
        assert [s.path for s in slots if s.visible] == ["yes"]
    named = review({}, rubric, department="Parks").slots(rubric)
    assert [s.path for s in named if s.visible] == ["yes"]
