"""The budget-equity rubric: it lints clean, its sheet columns are short, its template
round-trips through `batch`, its example scores complete, and a 30-request portfolio ranks
the way a budget officer would expect (unmitigated cuts to services for priority populations
at the bottom)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.checks import rubric_for
from esj_review.core.columns import FIXED_COLUMNS, question_columns, sheet_columns
from esj_review.core.lint import lint_rubric
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric, shipped_rubrics
from esj_review.core.scoring import score
from tests.conftest import EXAMPLES, RUBRICS

RUBRIC_ID = "budget-equity"
FOLDER = EXAMPLES / "budget-equity"
SHEET = FOLDER / "requests.csv"
EXAMPLE = FOLDER / "evening-clinic-hours.yaml"
MAX_COLUMN = 16  # a question id is a sheet column a budget analyst types and reads

# The ranking the portfolio must show (see examples/budget-equity/requests.csv).
TOP_THREE = ["BE-01", "BE-02", "BE-03"]  # large benefits to priority populations, well evidenced
BOTTOM_THREE = ["BE-28", "BE-23", "BE-22"]  # unmitigated cuts to their services, worst last


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC_ID)


@pytest.fixture(scope="module")
def sheet_rows() -> list[dict[str, str]]:
    with SHEET.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The batch run over the 30-request sheet, once for the module."""
    out = tmp_path_factory.mktemp("portfolio") / "out"
    code, output = run(
        "batch", str(SHEET), "--rubric", RUBRIC_ID, "--out", str(out), "-f", "json", "-j", "2"
    )
    assert code == 0, output
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == []
    data: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    data["html"] = (out / "portfolio.html").read_text(encoding="utf-8")
    return data


# --- the rubric ---------------------------------------------------------------------------------


def test_the_rubric_is_shipped_and_lints_clean(rubric: Rubric) -> None:
    assert shipped_rubrics()[RUBRIC_ID] == RUBRICS / f"{RUBRIC_ID}.yaml"
    assert rubric.scoring.model == "impact"
    assert lint_rubric(rubric).problems == []  # no errors and no warnings
    code, output = run("rubric", "validate", str(RUBRICS / f"{RUBRIC_ID}.yaml"))
    assert code == 0, output
    assert "ok (budget-equity" in output


def test_the_rubric_names_its_anchor_and_says_the_method_is_its_own(rubric: Rubric) -> None:
    assert [g.id for g in rubric.goal_areas] == ["plans_policies_budgets"]
    assert "this tool" in rubric.disclaimer or "esj-review tool's own" in rubric.disclaimer
    assert "points, weights, bands" in rubric.disclaimer
    sources = {s.id: s for s in rubric.sources}
    assert {"portland_beat", "san_antonio_bet", "san_diego_beat", "canada_gba_plus"} <= set(sources)
    assert sources["canada_gba_plus"].url is None
    assert sources["canada_gba_plus"].note.startswith("NOT VERIFIED")


def test_every_question_is_a_short_labelled_sheet_column_with_help(rubric: Rubric) -> None:
    columns = question_columns(rubric)
    assert columns, "the rubric asks nothing"
    for column, question in columns:
        assert column == question.id, f"{column}: a repeated question makes a long column"
        assert re.fullmatch(r"[a-z][a-z0-9_]*", column), column
        assert len(column) <= MAX_COLUMN, f"{column} is longer than {MAX_COLUMN} characters"
        assert question.label.strip(), f"{column} has no label"
        assert question.help.strip(), f"{column} has no help (why we ask)"
    assert len(columns) <= 45  # one row per request: a sheet a budget office can fill
    fixed = {c.name for c in FIXED_COLUMNS}
    assert [c for c in sheet_columns(rubric) if c not in fixed] == [c for c, _ in columns]


def test_the_mitigation_questions_are_asked_only_of_cuts(rubric: Rubric) -> None:
    reduction = next(s for s in rubric.sections if s.id == "reduction")
    assert reduction.when is not None
    assert reduction.when.model_dump(exclude_none=True) == {
        "equals": {"question": "request_type", "value": "cut"}
    }
    assert {q.id for q in reduction.questions} >= {"mitigation", "mit_status", "mit_reach"}


# --- the template round-trips -------------------------------------------------------------------

FILLED_ADD = {
    "proposal.id": "RT-ADD",
    "proposal.title": "Round trip: an add",
    "proposal.department": "Library",
    "dept_goals": "Yes, with measures and targets",  # a choice given by its label
    "summary": "Adds homework help.",
    "request_type": "add",
    "amount": "$250K",
    "duration": "ongoing",
    "fiscal_year": "FY2027",
    "benefit_size": "moderate",
    "benefit_reach": "priority",
    "pops_benefit": "low_income; limited_english",
    "benefits": "Students without help at home get tutoring.",
    "burden_size": "none",
    "data_disagg": "race; income",
    "disparities": "Homework completion by school and language, 2024.",
    "geography": "high_need",
    "service_gap": "narrows",
    "language_access": "full",
    "accessibility": "checked",
    "engagement": "involve",
    "engaged_who": "Parent groups chose the sites.",
    "engaged_when": "early",
    "staff_effect": "none",
    "measures": "Completion rates by school and language.",
    "results_by_pop": "yes",
    "analysis_when": "before",
}
FILLED_CUT = dict(
    FILLED_ADD,
    **{
        "proposal.id": "RT-CUT",
        "proposal.title": "Round trip: a cut",
        "request_type": "cut",
        "amount": "(120,000)",
        "benefit_size": "none",
        "benefit_reach": "",
        "pops_benefit": "",
        "benefits": "",
        "burden_size": "moderate",
        "burden_bearers": "priority",
        "pops_burdened": "low_income",
        "burdens": "Fewer tutoring hours in two branches.",
        "cut_options": "Trimming every branch was compared.",
        "mitigation": "Volunteers cover the lost hours.",
        "mit_status": "full",
        "mit_reach": "most",
        "mit_by": "9/1/2027",
    },
)


def _scored(out: Path) -> dict[str, dict[str, Any]]:
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == []
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {p["id"]: p for p in data["proposals"]}


def test_the_csv_template_filled_in_is_read_by_batch_without_errors(tmp_path: Path) -> None:
    template = tmp_path / "sheet.csv"
    code, output = run("template", "--rubric", RUBRIC_ID, "--format", "csv", "-o", str(template))
    assert code == 0, output
    assert (tmp_path / "sheet-dictionary.csv").exists()
    with template.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == sheet_columns(load_rubric(RUBRIC_ID))
    with template.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writerow(FILLED_ADD)
        writer.writerow(FILLED_CUT)
    out = tmp_path / "out"
    code, output = run(
        "batch", str(template), "--rubric", RUBRIC_ID, "--out", str(out), "-f", "json"
    )
    assert code == 0, output
    found = _scored(out)
    assert set(found) == {"RT-ADD", "RT-CUT"}
    assert all(p["complete"] and p["gaps"] == [] for p in found.values())
    assert found["RT-CUT"]["amount"] == -120000
    assert found["RT-ADD"]["band"] == "likely"  # 2 x 1 x 1.1 = 2.2: 50 + 110 / 5.2
    assert found["RT-ADD"]["score"] == pytest.approx(71.2)


def test_the_xlsx_template_filled_in_is_read_by_batch_without_errors(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    code, output = run("template", "--rubric", RUBRIC_ID, "--format", "xlsx", "-o", str(path))
    assert code == 0, output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Proposals", "Data dictionary"]
    sheet = book["Proposals"]
    header = [c.value for c in sheet[1]]
    assert header == sheet_columns(load_rubric(RUBRIC_ID))
    for filled in (FILLED_ADD, FILLED_CUT):
        sheet.append([filled.get(str(name), "") or None for name in header])
    book.save(path)
    out = tmp_path / "out"
    code, output = run("batch", str(path), "--rubric", RUBRIC_ID, "--out", str(out), "-f", "json")
    assert code == 0, output
    assert set(_scored(out)) == {"RT-ADD", "RT-CUT"}


# --- the example ---------------------------------------------------------------------------------


def test_the_example_review_scores_complete(rubric: Rubric) -> None:
    review = load_review(EXAMPLE)
    assert rubric_for(review, EXAMPLE).content_hash == rubric.content_hash
    assert rubric.report.example == "budget-equity/evening-clinic-hours.yaml"
    card = score(rubric, review)
    assert card.complete and card.completeness == 100.0 and card.gaps == []
    assert card.score == 75.0  # 3 x 1 x 1.25 - 1 x 0.75 = 3: 50 + 150 / 6
    assert card.band is not None and card.band.id == "advances"
    assert card.confidence is not None and card.confidence.id == "high"
    assert card.flags == []


# --- the portfolio -------------------------------------------------------------------------------


def flag_ids(proposal: dict[str, Any]) -> set[str]:
    return {str(flag["id"]) for flag in proposal["flags"]}


def _unmitigated(row: dict[str, str]) -> bool:
    return row["mit_status"] in ("none", "planned") or row["mit_reach"] == "some"


def test_the_sheet_is_the_template_with_thirty_varied_requests(
    rubric: Rubric, sheet_rows: list[dict[str, str]]
) -> None:
    with SHEET.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == sheet_columns(rubric)
    assert len(sheet_rows) == 30
    kinds = [r["request_type"] for r in sheet_rows]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "add": 10,
        "mandate": 4,
        "capital": 5,
        "cut": 11,
    }
    priority_cuts = [
        r for r in sheet_rows if r["request_type"] == "cut" and r["burden_bearers"] == "priority"
    ]
    assert any(_unmitigated(r) for r in priority_cuts)
    assert any(not _unmitigated(r) for r in priority_cuts)
    assert {r["engagement"] for r in sheet_rows} >= {"none", "consult", "collaborate"}


def test_the_portfolio_ranks_as_a_budget_officer_would(
    portfolio: dict[str, Any], sheet_rows: list[dict[str, str]]
) -> None:
    ranked = portfolio["proposals"]
    assert [p["rank"] for p in ranked] == list(range(1, 31))
    ids = [p["id"] for p in ranked]
    assert sorted(ids) == sorted(r["proposal.id"] for r in sheet_rows)
    assert all(p["complete"] for p in ranked)
    assert ids[:3] == TOP_THREE
    assert ids[-3:] == BOTTOM_THREE
    by_id = {p["id"]: p for p in ranked}
    assert [by_id[i]["band"] for i in TOP_THREE] == ["advances"] * 3
    assert [by_id[i]["band"] for i in BOTTOM_THREE] == ["harm"] * 3

    rank = {p["id"]: p["rank"] for p in ranked}
    rows = {r["proposal.id"]: r for r in sheet_rows}
    unmitigated_cuts = [
        pid
        for pid, r in rows.items()
        if r["request_type"] == "cut" and r["burden_bearers"] == "priority" and _unmitigated(r)
    ]
    priority_adds = [
        pid
        for pid, r in rows.items()
        if r["request_type"] == "add" and r["benefit_reach"] == "priority"
    ]
    assert len(unmitigated_cuts) == 6 and len(priority_adds) == 7
    worst_add = max(rank[a] for a in priority_adds)
    best_cut = min(rank[c] for c in unmitigated_cuts)
    assert worst_add < best_cut, (worst_add, best_cut)

    # Every moderate or large one is held in the lowest band by its flag, whatever its score.
    for pid in unmitigated_cuts:
        if rows[pid]["burden_size"] in ("moderate", "large"):
            assert by_id[pid]["band"] == "harm", pid
            assert "unmitigated_priority_cut" in flag_ids(by_id[pid]), pid
    assert by_id["BE-24"]["score"] == 30.0  # the arithmetic alone gives the band above
    assert by_id["BE-25"]["score"] > 30  # strong data and engagement do not lift it out

    # A cut to the same kind of service, fully mitigated, is not in the bottom bands.
    assert by_id["BE-26"]["band"] == "neutral"
    assert rank["BE-26"] < best_cut


def test_the_portfolio_caps_what_the_arithmetic_alone_would_rate_higher(
    portfolio: dict[str, Any],
) -> None:
    by_id = {p["id"]: p for p in portfolio["proposals"]}
    # The same impact as the top request, with no data or engagement: low confidence holds it.
    assert by_id["BE-04"]["score"] == by_id["BE-01"]["score"]
    assert by_id["BE-04"]["band"] == "likely"
    assert {"no_engagement", "english_only", "analysis_after"} <= flag_ids(by_id["BE-04"])
    # A new facility that widens a service gap is not rated as advancing equity.
    assert by_id["BE-09"]["band"] == "neutral" and "widens_gap" in flag_ids(by_id["BE-09"])
    assert portfolio["rubric"]["id"] == RUBRIC_ID
    # requests are not itemised by determinant: the portfolio has no such table
    assert "Determinants most often burdened" not in portfolio["html"]
    assert "BE-22" in portfolio["html"]
