"""Batch rules on a small rubric: sheet cells to answers, the threshold, and the re-run cache."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.batch.portfolio import below, ranked
from esj_review.batch.run import Settings, Silent, run_batch
from esj_review.batch.sheets import row_to_review
from esj_review.core.columns import header_problems
from esj_review.core.rubric import Rubric
from tests.conftest import EXAMPLES
from tests.rubric_builder import YES, build, rubric_data

CHOICES: Any = [{"id": "a", "label": "Alpha", "points": 1}, {"id": "b", "label": "Beta Two"}]
QUESTIONS: Any = [
    {"id": "g", "type": "select", "prompt": "G?", "choices": CHOICES},
    {"id": "m", "type": "multiselect", "prompt": "M?", "choices": CHOICES},
    {"id": "n", "type": "number", "prompt": "N?"},
    {"id": "d", "type": "date", "prompt": "D?"},
    {"id": "t", "type": "text", "prompt": "T?"},
    {
        "id": "rep",
        "type": "repeat",
        "prompt": "Each",
        "over": "m",
        "questions": [{"id": "how", "type": "select", "prompt": "How?", "choices": CHOICES}],
    },
    YES,
]


def row(**cells: Any) -> tuple[dict[str, Any], list[str]]:
    rubric = build(rubric_data(*QUESTIONS))
    data, problems = row_to_review(rubric, {"proposal.id": "P-1", "proposal.title": "T", **cells})
    return data["answers"], [f"{p.path}: {p.message}" for p in problems]


def test_choices_by_id_or_label_in_any_case() -> None:
    assert row(g="a")[0] == {"g": "a"}
    assert row(g=" beta two ")[0] == {"g": "b"}
    assert row(g="ALPHA")[0] == {"g": "a"}
    assert row(g="Gamma")[0] == {"g": "Gamma"}  # left for validation to name
    assert row(m="Alpha; b;; ")[0] == {"m": ["a", "b"]}


def test_cells_by_type() -> None:
    answers, problems = row(n="$1,200", d="3/1/2027", t="  text  ", yes="Y")
    assert answers == {"n": 1200, "d": "2027-03-01", "t": "text", "yes": True}
    assert problems == []
    assert row(yes="no", n=2.5)[0] == {"yes": False, "n": 2.5}
    assert row(n=3.0)[0] == {"n": 3}
    assert row(yes="maybe", n="lots") == (
        {},
        [
            "column 'n': 'lots' is not a number; write it like 4200000, 1,300,000 or (1,300,000)",
            "column 'yes': 'maybe' is not yes or no",
        ],
    )
    assert row(g="", t="   ", n=None)[0] == {}


def test_repeat_columns_and_proposal_fields() -> None:
    rubric = build(rubric_data(*QUESTIONS))
    cells = {
        "proposal.id": " P-2 ",
        "proposal.title": "T",
        "proposal.kind": "",
        "rubric.enable": "x; y ;",
        "m": "a",
        "rep.a.how": "Beta Two",
        "rep.a.other": "ignored",
        "rep.b": "ignored",
        "rep.b.how": "",
    }
    data, problems = row_to_review(rubric, cells)
    assert data["answers"] == {"m": ["a"], "rep": {"a": {"how": "b"}}}
    assert data["proposal"] == {"id": "P-2", "title": "T"}
    assert data["rubric"] == {"id": "test-rubric", "version": "1.0.0", "enable": ["x", "y"]}
    assert problems == []


def test_header_problems() -> None:
    rubric = build(rubric_data(*QUESTIONS))
    found = header_problems(rubric, ["proposal.title", "g", "rep.a.how", "rubric.enable", "zz", ""])
    assert [f"{p.path}: {p.message}" for p in found] == [
        "column 'zz': unknown column; it is ignored (see esj-review template)",
        "column 'proposal.id': missing; every row needs it",
    ]


def test_the_threshold_is_met_at_equality(kc: Rubric) -> None:
    """Bands (best first): advances 75+, promising 58-75, neutral 42-58, needs_work 30-42."""
    assert below(kc, {"score": 59.9, "band": "promising"}, 60) is True
    assert below(kc, {"score": 60.0, "band": "promising"}, 60) is False
    assert below(kc, {"score": None, "band": None}, 60) is True
    assert below(kc, {"score": None, "band": None}, None) is False
    assert below(kc, {"score": 0, "band": "risk"}, 0) is False


def test_the_threshold_reads_the_capped_band_first(kc: Rubric) -> None:
    """A proposal capped below the threshold's band fails whatever its score."""
    assert below(kc, {"score": 88.9, "band": "needs_work"}, 75) is True
    assert below(kc, {"score": 88.9, "band": "advances"}, 75) is False
    assert below(kc, {"score": 60.0, "band": "promising"}, 75) is True


def test_ranking_is_band_first_then_score_with_incomplete_last(kc: Rubric) -> None:
    records: list[dict[str, Any]] = [
        {"id": "c", "score": None, "band": None},
        {"id": "b", "score": 50, "band": "neutral"},
        {"id": "a", "score": 50, "band": "neutral"},
        {"id": "d", "score": 70, "band": "promising"},
        {"id": "e", "score": 0, "band": "risk"},
        {"id": "capped", "score": 95, "band": "needs_work"},  # a critical flag capped it
    ]
    assert [r["id"] for r in ranked(kc, records)] == ["d", "a", "b", "capped", "e", "c"]


# --- re-runs -----------------------------------------------------------------------------------


@pytest.fixture
def batch(tmp_path: Path) -> Any:
    sheet = tmp_path / "s.csv"
    sheet.write_text("proposal.id,proposal.title,yes\nP-1,T,yes\nP-2,U,no\n")
    out = tmp_path / "out"
    out.mkdir()

    def go(
        formats: tuple[str, ...], rubric: dict[str, Any] | None = None, force: bool = False
    ) -> int:
        path = tmp_path / f"rubric-{len(list(tmp_path.glob('rubric-*')))}.yaml"
        path.write_text(yaml.safe_dump(rubric or rubric_data()))
        settings = Settings(out, formats, "archival", str(path), force, dt.date(2027, 1, 1))
        result = run_batch([sheet], settings, 1, Silent())
        assert result.problems == [] and len(result.records) == 2
        return result.reused

    return go, out


def test_a_rerun_reuses_only_what_nothing_changed(batch: Any) -> None:
    go, out = batch
    assert go(("json",)) == 0
    assert go(("json",)) == 2
    assert go(("json",), force=True) == 0
    # another format: rendered again, both files written
    assert go(("json", "md")) == 0
    assert (out / "P-1.md").exists() and (out / "P-1.json").exists()
    # the same rubric in another file is the same rubric
    assert go(("json", "md")) == 2
    # a changed rubric scores again
    data = rubric_data()
    data["sections"][0]["questions"][0]["score"]["no_points"] = 1
    assert go(("json", "md"), data) == 0
    assert json.loads((out / "P-2.json").read_text())["scorecard"]["score"] == 100.0
    # a deleted output is written again
    (out / "P-1.md").unlink()
    assert go(("json", "md"), data) == 1


def test_a_batch_reports_every_input_it_cannot_use(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    example = (EXAMPLES / "reduced-fare-transit.yaml").read_text()
    (inputs / "a.yaml").write_text(example)
    (inputs / "b.yaml").write_text(example)
    (inputs / "broken.yaml").write_text("a: [")
    (tmp_path / "notes.txt").write_text("x")  # named, not found in a folder
    (inputs / "s.csv").write_text(
        "proposal.id,proposal.title,engagement_level,zz\nS-1,T,bogus,1\n,U,,\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    settings = Settings(out, (), "archival", "king-county-esj", False, dt.date(2027, 1, 1))
    result = run_batch(
        [inputs, tmp_path / "gone.csv", tmp_path / "notes.txt"], settings, 1, Silent()
    )
    found = [
        (Path(p["source"]).name, p["proposal_id"], p["field"], p["message"], p["severity"])
        for p in result.problems
    ]
    pid = "EX-TRANSIT-2027-01"
    assert found == [
        (
            "b.yaml",
            pid,
            "proposal.id",
            f"duplicate id: already read from {inputs / 'a.yaml'}, the one used; this one is "
            "left out",
            "warning",
        ),
        (
            "broken.yaml",
            "",
            "",
            "malformed YAML at line 1, column 5: "
            "expected the node content, but found '<stream end>'",
            "error",
        ),
        (
            "s.csv row 1",
            "",
            "column 'zz'",
            "unknown column; it is ignored (see esj-review template)",
            "error",
        ),
        (
            "s.csv row 2",
            "S-1",
            "answers.engagement_level",
            "'bogus' is not a choice; expected one of: "
            "none, inform, consult, involve, collaborate, defer",
            "error",
        ),
        ("s.csv row 3", "", "proposal.id", "required field is missing", "error"),
        ("gone.csv", "", "", "file not found", "error"),
        (
            "notes.txt",
            "",
            "",
            "not a review file (.yaml, .yml, .json) or a sheet (.csv, .xlsx)",
            "error",
        ),
    ]
    assert [(r["name"], Path(r["source"]).name) for r in result.records] == [(pid, "a.yaml")]
    record = result.records[0]
    assert {k: v for k, v in record.items() if k not in {"source", "title"}} == {
        "name": pid,
        "id": pid,
        "department": "Transit Department (example)",
        "kind": "program",
        "amount": 4200000,
        "score": 88.9,
        "band": "advances",
        "band_label": "Advances equity",
        "complete": True,
        "completeness": 100.0,
        "gaps": [],
        "flags": [],
        "burdened": ["Equity in County practices"],
        "outputs": [],
        "rubric": "king-county-esj 3.1.0",
        "commitments": [  # the open ones, for the portfolio
            {
                "kind": "Mitigation (Equity in County practices)",
                "what": record["commitments"][0]["what"],
                "owner": "Enrollment Services Supervisor, Transit Department",
                "due": "2027-03-01",
                "status": "Under way",
            },
            {
                "kind": "First results reported",
                "what": record["commitments"][1]["what"],
                "owner": "Transit Department, Fare Programs manager",
                "due": "2027-12-15",
                "status": "Not started",
            },
            {
                "kind": "Equity impacts reviewed again",
                "what": "",
                "owner": "Reduced Fare Program Manager, Transit Department",
                "due": "2028-03-31",
                "status": "Not started",
            },
        ],
    }
    assert not list(out.iterdir())  # scoring only: no files, no re-run state
