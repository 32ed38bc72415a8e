"""Commitments with owners and dates: what a rubric declares, what `esj-review due` lists (as a
table, CSV and iCalendar), what the batch portfolio shows for the next quarter, and what the
rubric lint refuses."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from esj_review.batch.portfolio import portfolio, render_portfolio_html
from esj_review.cli import app
from esj_review.core.due import commitments, months_later
from esj_review.core.lint import lint_rubric
from esj_review.core.review import parse_review
from esj_review.core.rubric import Rubric
from tests.conftest import EXAMPLES, RUBRICS

# What the three reviews below commit to, open ones only: (proposal, kind, due).
A_OPEN = [
    ("A-1", "Mitigation", "2027-03-01"),
    ("A-1", "First results reported", "2027-12-15"),
    ("A-1", "Equity impacts reviewed again", "2028-03-31"),
]
B_OPEN = [("B-1", "First results reported", "2027-06-30")]  # its mitigation is done, review dropped
C_OPEN = [
    ("C-1", "Equity impacts reviewed again", "2027-06-29"),
    ("C-1", "First results reported", ""),  # no date
]
OPEN = A_OPEN + B_OPEN + C_OPEN
FORMULA_OWNER = "=1+2 Office of Equity"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="esj-review", env=env)
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def review_data(pid: str, **answers: Any) -> dict[str, Any]:
    """The transit example (King County 3.1.0) as proposal `pid`, answers changed as given
    (`None` removes one; `mitigation_*` keys change the one mitigation's)."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "reduced-fare-transit.yaml").read_text())
    data = copy.deepcopy(data)
    data["proposal"]["id"] = pid
    item = data["answers"]["determinant_impacts"]["county_practices"]
    for key, value in answers.items():
        where = item if key.startswith("mitigation_") else data["answers"]
        if value is None:
            where.pop(key, None)
        else:
            where[key] = value
    return data


def write_reviews(folder: Path) -> Path:
    """Three reviews in a folder, with open, done, dropped, undated and boundary dates."""
    folder.mkdir()
    a = review_data("A-1")
    b = review_data(
        "B-1",
        mitigation_by="2027-02-01",
        mitigation_progress="done",
        metrics_first_report="2027-06-30",
        metrics_owner="Parks Division, Data Team",
        review_date="2027-01-01",
        review_status="dropped",
    )
    c = review_data(
        "C-1",
        metrics_first_report=None,
        metrics_report_status=None,
        review_date="2027-06-29",
        responsible=FORMULA_OWNER,
    )
    c["answers"]["determinant_impacts"]["county_practices"] = {
        k: v
        for k, v in c["answers"]["determinant_impacts"]["county_practices"].items()
        if not k.startswith(("mitigation", "burden"))
    }
    c["answers"]["determinant_impacts"]["county_practices"]["direction"] = "benefit"  # no burden
    for name, data in (("a.yaml", a), ("b.yaml", b)):
        (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (folder / "c.json").write_text(json.dumps(c, default=str), encoding="utf-8")
    return folder


@pytest.fixture
def reviews(tmp_path: Path) -> Path:
    return write_reviews(tmp_path / "reviews")


@pytest.fixture(scope="module")
def reviews_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same three reviews, once for a module (hypothesis runs many examples on it)."""
    return write_reviews(tmp_path_factory.mktemp("once") / "reviews")


def due_rows(*args: str, env: dict[str, str] | None = None) -> list[dict[str, str]]:
    code, out, err = run("due", *args, "--format", "csv", env=env)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def listed(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return [(r["proposal_id"], r["kind"], r["due"]) for r in rows]


def soonest_first(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return sorted(items, key=lambda x: (x[2] == "", x[2], x[0]))


# --- what a review commits to ----------------------------------------------------------------


def test_the_transit_example_commits_its_mitigation_report_and_next_review(kc: Rubric) -> None:
    review = parse_review(review_data("A-1"), "a.yaml")
    found = commitments(kc, review)
    assert [(c.id, c.kind, c.item, c.due, c.status) for c in found] == [
        (
            "mitigation.county_practices",
            "Mitigation",
            "Equity in County practices",
            dt.date(2027, 3, 1),
            "in_progress",
        ),
        ("first_report", "First results reported", "", dt.date(2027, 12, 15), "open"),
        ("equity_review", "Equity impacts reviewed again", "", dt.date(2028, 3, 31), "open"),
    ]
    mitigation = found[0]
    assert mitigation.owner == "Enrollment Services Supervisor, Transit Department"
    assert mitigation.what.startswith("Two enrollment specialists")
    assert mitigation.status_label == "Under way"
    assert mitigation.paths["owner"] == "determinant_impacts.county_practices.mitigation_owner"


def test_no_mitigation_identified_is_no_commitment(kc: Rubric) -> None:
    data = review_data("A-1", mitigation_status="none")
    for key in ("mitigation_covers", "mitigation_by", "mitigation_owner", "mitigation_progress"):
        del data["answers"]["determinant_impacts"]["county_practices"][key]
    kinds = [c.kind for c in commitments(kc, parse_review(data, "a.yaml"))]
    assert "Mitigation" not in kinds


# --- esj-review due -------------------------------------------------------------------------


def test_due_lists_every_open_commitment_soonest_first_undated_last(reviews: Path) -> None:
    rows = due_rows(str(reviews))
    assert listed(rows) == soonest_first(OPEN)
    assert {r["status"] for r in rows} <= {"Not started", "Under way"}


def test_before_lists_exactly_the_open_ones_due_strictly_before_the_date(reviews: Path) -> None:
    # B's first report is due on the boundary date: not before it
    assert listed(due_rows(str(reviews), "--before", "2027-06-30")) == [
        ("A-1", "Mitigation", "2027-03-01"),
        ("C-1", "Equity impacts reviewed again", "2027-06-29"),
    ]
    assert listed(due_rows(str(reviews), "--before", "2027-07-01"))[-1] == (
        "B-1",
        "First results reported",
        "2027-06-30",
    )
    assert due_rows(str(reviews), "--before", "2027-03-01") == []


@settings(max_examples=15, deadline=None)
@given(day=st.dates(min_value=dt.date(2026, 12, 1), max_value=dt.date(2028, 6, 1)))
def test_before_is_the_full_list_filtered(reviews_folder: Path, day: dt.date) -> None:
    full = due_rows(str(reviews_folder))
    before = due_rows(str(reviews_folder), "--before", day.isoformat())
    assert before == [r for r in full if r["due"] and r["due"] < day.isoformat()]


def test_owner_matches_any_case_and_spacing_as_a_substring(reviews: Path) -> None:
    rows = due_rows(str(reviews), "--owner", "  enrollment   SERVICES ")
    assert listed(rows) == [("A-1", "Mitigation", "2027-03-01")]
    rows = due_rows(str(reviews), "--owner", "parks division")
    assert listed(rows) == B_OPEN
    assert due_rows(str(reviews), "--owner", "nobody at all") == []


def test_csv_round_trips_with_whole_text_and_cells_that_never_run(reviews: Path) -> None:
    rows = due_rows(str(reviews))
    mitigation = next(r for r in rows if r["kind"] == "Mitigation")
    review = yaml.safe_load((reviews / "a.yaml").read_text())
    whole = review["answers"]["determinant_impacts"]["county_practices"]["mitigation"]
    assert mitigation["commitment"] == whole  # not shortened
    assert mitigation["item"] == "Equity in County practices"
    assert mitigation["review"] == str(reviews / "a.yaml")
    formula = next(r for r in rows if r["proposal_id"] == "C-1" and r["due"])
    assert formula["owner"] == "'" + FORMULA_OWNER
    assert {r["overdue"] for r in rows} == {"no"}


def test_overdue_is_marked_against_today(reviews: Path) -> None:
    april = str(int(dt.datetime(2027, 4, 1, tzinfo=dt.UTC).timestamp()))
    rows = due_rows(str(reviews), env={"SOURCE_DATE_EPOCH": april})
    assert [r["due"] for r in rows if r["overdue"] == "yes"] == ["2027-03-01"]
    on_the_day = str(int(dt.datetime(2027, 3, 1, tzinfo=dt.UTC).timestamp()))
    rows = due_rows(str(reviews), env={"SOURCE_DATE_EPOCH": on_the_day})
    assert {r["overdue"] for r in rows} == {"no"}  # due today is not overdue yet
    code, out, _ = run("due", str(reviews), env={"SOURCE_DATE_EPOCH": april, "COLUMNS": "80"})
    assert code == 0 and "overdue" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "6 open commitments in 3 reviews" in out


def test_the_calendar_has_one_event_per_dated_open_commitment(reviews: Path) -> None:
    code, out, err = run("due", str(reviews), "--format", "ics")
    assert code == 0
    assert "1 open commitment with no due date left out of the calendar" in err
    calendar = icalendar.Calendar.from_ical(out)
    events = list(calendar.walk("VEVENT"))
    dated = [x for x in OPEN if x[2]]
    assert len(events) == len(dated)
    assert sorted(e.decoded("dtstart").isoformat() for e in events) == sorted(x[2] for x in dated)
    for event in events:
        assert isinstance(event.decoded("dtstart"), dt.date)  # all day, not a time
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(days=1)
        assert event.get("dtstamp") is not None
        assert str(event.get("summary")).startswith("Due: ")
        assert "Owner: " in str(event.get("description"))
    uids = [str(e.get("uid")) for e in events]
    assert len(set(uids)) == len(uids)
    again = icalendar.Calendar.from_ical(run("due", str(reviews), "-f", "ics")[1])
    assert [str(e.get("uid")) for e in again.walk("VEVENT")] == uids  # stable


def test_output_file_is_written_whole(reviews: Path, tmp_path: Path) -> None:
    target = tmp_path / "due.ics"
    code, out, err = run("due", str(reviews), "-f", "ics", "-o", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert len(list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))) == 5


def test_a_bad_date_is_a_usage_error_in_one_line(reviews: Path) -> None:
    code, out, err = run("due", str(reviews), "--before", "June 30")
    assert code == 2 and out == ""
    assert err == "error: --before: 'June 30' is not a date; write it as YYYY-MM-DD\n"


def test_an_unreadable_file_is_one_line_and_exit_1_while_the_others_list(
    reviews: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("answers: [unclosed\n")
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really\n")
    invalid = tmp_path / "invalid.yaml"
    data = review_data("X-1", engagement_level="bogus", report_back="bogus")
    invalid.write_text(yaml.safe_dump(data))
    args = [str(reviews), str(broken), str(fake), str(invalid), "-f", "csv"]
    code, out, err = run("due", *args)
    assert code == 1
    assert listed(list(csv.DictReader(io.StringIO(out)))) == soonest_first(OPEN)
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"error: {broken}: ")
    assert lines[1].startswith(f"error: {fake}: ")
    assert lines[2].startswith(f"error: {invalid}: ") and "(and 1 more problems)" in lines[2]
    assert "Traceback" not in err


def test_a_folder_passes_over_what_is_not_a_review_quietly(reviews: Path) -> None:
    (reviews / "summary.json").write_text(json.dumps({"rubric": {"id": "x"}, "proposals": []}))
    (reviews / "notes.yaml").write_text("- a list\n- not a review\n")
    (reviews / ".esj-batch").mkdir()
    (reviews / ".esj-batch" / "state.json").write_text("{broken")
    code, out, err = run("due", str(reviews), "-f", "csv")
    assert (code, err) == (0, "")
    assert len(list(csv.DictReader(io.StringIO(out)))) == len(OPEN)


def test_a_report_pdf_lists_the_review_it_carries(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    code, _, err = run("report", str(EXAMPLES / "reduced-fare-transit.yaml"), "-o", str(pdf))
    assert code == 0, err
    rows = due_rows(str(pdf))
    assert [(r["kind"], r["due"]) for r in rows] == [(k, d) for _, k, d in A_OPEN]
    assert {r["review"] for r in rows} == {str(pdf)}


# --- the portfolio: the next quarter -------------------------------------------------------


def test_months_later_keeps_the_day_or_the_months_last() -> None:
    assert months_later(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert months_later(dt.date(2027, 4, 1), 3) == dt.date(2027, 7, 1)
    assert months_later(dt.date(2027, 10, 15), 3) == dt.date(2028, 1, 15)


def test_the_portfolio_shows_what_is_due_next_quarter_and_overdue(
    reviews: Path, tmp_path: Path, kc: Rubric
) -> None:
    code, _, err = run("batch", str(reviews), "--out", str(tmp_path / "out"), "-f", "none")
    assert code == 0, err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    records = [
        {k: v for k, v in r.items() if k not in ("rank", "below_threshold")}
        for r in summary["proposals"]
    ]
    data = portfolio(kc, records, [], None, dt.date(2027, 1, 1), today=dt.date(2027, 4, 1))
    due = data["commitments"]
    assert (due["from"], due["through"]) == ("2027-04-01", "2027-07-01")
    assert [(c["id"], c["due"], c["overdue"]) for c in due["due"]] == [
        ("A-1", "2027-03-01", True),  # overdue, still open
        ("C-1", "2027-06-29", False),
        ("B-1", "2027-06-30", False),
    ]  # A's first report (December) is later: not listed
    on_the_day = portfolio(kc, records, [], None, dt.date(2027, 3, 1))  # today: the run date
    assert on_the_day["commitments"]["due"][0] == {
        **on_the_day["commitments"]["due"][0],
        "id": "A-1",
        "due": "2027-03-01",
        "overdue": False,
    }
    html = render_portfolio_html(data, kc)
    section = html[html.index('<section id="commitments">') :]
    section = section[: section.index("</section>")]
    assert "Commitments due 2027-04-01 to 2027-07-01" in section
    assert "overdue" in section and "Enrollment Services Supervisor" in section
    assert "2027-12-15" not in section and "2028-03-31" not in section
    assert "&#39;=1+2" not in section and FORMULA_OWNER in section  # shown as text


# --- the rubric lint --------------------------------------------------------------------------


def kc_with(commitments_data: list[dict[str, Any]]) -> list[str]:
    data = yaml.safe_load((RUBRICS / "king-county-esj.yaml").read_text())
    data["commitments"] = commitments_data
    rubric = Rubric.model_validate(data)
    return [f"{p.path}: {p.message}" for p in lint_rubric(rubric).errors]


def test_the_lint_catches_bad_references() -> None:
    found = kc_with(
        [
            {"id": "a", "label": "A", "what": "determinant_impacts.nope"},
            {"id": "b", "label": "B", "what": "metrics", "due": "metrics_owner"},
            {"id": "c", "label": "C", "what": "metrics", "status": "report_back"},
            {"id": "d", "label": "D", "what": "metrics", "status": "geography"},
            {
                "id": "e",
                "label": "E",
                "what": "determinant_impacts.mitigation",
                "owner": "other_repeat.owner",
            },
            {"id": "f", "label": "F", "what": "metrics", "when": {"answered": "nowhere"}},
        ]
    )
    assert "commitments.a.what: names unknown question 'determinant_impacts.nope'" in found
    assert "commitments.b.due: 'metrics_owner' is not a date question" in found
    assert any(p.startswith("commitments.c.status: 'report_back' must be a select") for p in found)
    assert any(p.startswith("commitments.d.status: 'geography' must be a select") for p in found)
    assert (
        "commitments.e: names questions of different repeats (determinant_impacts, other_repeat)"
        in found
    )
    assert any(p.startswith("commitments.f.when: names unknown question 'nowhere'") for p in found)
    assert kc_with([]) == []


def test_rubric_validate_reports_a_bad_reference(tmp_path: Path) -> None:
    data = yaml.safe_load((RUBRICS / "king-county-esj.yaml").read_text())
    data["commitments"][0]["due"] = "determinant_impacts.mitigation"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    code, _, err = run("rubric", "validate", str(path))
    assert code == 1
    assert "commitments.mitigation.due: 'determinant_impacts.mitigation' is not a date" in err
