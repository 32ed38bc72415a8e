"""Batch mode: sheets and folders in; reports, summary, portfolio and errors out."""

from __future__ import annotations

import csv
import datetime as dt
import faulthandler
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from bench.make_sheet import rows as example_rows
from esj_review.batch.run import Outcome, Settings, run_batch
from esj_review.batch.sheets import cell_value
from esj_review.cli import app
from esj_review.core.columns import question_columns
from esj_review.core.rubric import Question
from esj_review.core.rubrics import load_rubric
from esj_review.core.templates import sheet_columns
from tests.conftest import EXAMPLES, RUBRICS

COLUMNS = sheet_columns(load_rubric("king-county-esj"))
DATE_COLUMNS = {c for c, q in question_columns(load_rubric("king-county-esj")) if q.type == "date"}
EXAMPLE_COUNT = len(list(EXAMPLES.glob("*.yaml")))  # example_rows(EXAMPLE_COUNT): each once


def write_csv(
    path: Path, rows: list[dict[str, Any]], *, bom: bool = False, blank: bool = False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        extra = [k for row in rows for k in row if k not in COLUMNS]
        fields = COLUMNS + list(dict.fromkeys(extra))
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\r\n")
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow(row)
            if blank and i == 0:
                handle.write("," * (len(fields) - 1) + "\r\n")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def errors(out: Path) -> list[dict[str, str]]:
    with (out / "errors.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def summary(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "summary.json").read_text())
    return data


def test_good_and_bad_rows(tmp_path: Path) -> None:
    good = example_rows(4)
    wrong_choice = dict(good[0], **{"proposal.id": "BAD-CHOICE", "geography": "everywhere"})
    missing_title = dict(good[0], **{"proposal.id": "NO-TITLE", "proposal.title": ""})
    bad_amount = dict(good[0], **{"proposal.id": "BAD-AMOUNT", "amount": "lots"})
    missing_answer = dict(good[0], **{"proposal.id": "GAP", "alternatives": ""})
    duplicate = dict(good[1])
    traversal = dict(good[0], **{"proposal.id": "../../etc/passwd"})
    rows = [*good, wrong_choice, missing_title, bad_amount, missing_answer, duplicate, traversal]
    for row in rows:
        row["colour"] = "blue"  # an unknown column
    sheet = write_csv(tmp_path / "sheet.csv", rows, bom=True, blank=True)
    out = tmp_path / "out"
    code, err = run("batch", str(sheet), "--out", str(out), "-f", "json", "-j", "1")
    assert code == 1
    found = errors(out)
    by_id = {(e["proposal_id"], e["field"]) for e in found if e["severity"] == "error"}
    assert ("BAD-CHOICE", "answers.geography") in by_id
    assert ("NO-TITLE", "proposal.title") in by_id
    assert ("BAD-AMOUNT", "column 'amount'") in by_id
    assert any(e["field"] == "column 'colour'" and "unknown column" in e["message"] for e in found)
    warnings = [e for e in found if e["severity"] == "warning"]
    assert any("duplicate id" in e["message"] for e in warnings)
    data = summary(out)
    ids = [p["id"] for p in data["proposals"]]
    assert "GAP" in ids and {"BAD-CHOICE", "NO-TITLE", "BAD-AMOUNT"}.isdisjoint(ids)
    assert any(g["id"] == "GAP" for g in data["with_gaps"])
    names = sorted(p.name for p in out.iterdir())
    assert "etc-passwd.json" in names  # the path trick became a plain name inside --out
    assert not (tmp_path / "etc").exists()
    assert ids.count(good[1]["proposal.id"]) == 1  # a duplicate id is one proposal
    assert not any(n.endswith("-2.json") for n in names)
    assert "4 inputs with errors" in err  # three rows, and the header's unknown column


def test_csv_and_xlsx_give_the_same_results(tmp_path: Path) -> None:
    rows = example_rows(EXAMPLE_COUNT)
    write_csv(tmp_path / "sheet.csv", rows)
    book = openpyxl.Workbook()
    sheet = book.active
    columns = COLUMNS
    sheet.append(columns)
    for row in rows:
        cells = [row.get(c) or None for c in columns]
        for i, column in enumerate(columns):  # real Excel dates and numbers
            if column in DATE_COLUMNS and cells[i]:
                cells[i] = dt.datetime.fromisoformat(str(cells[i]))
            if column == "amount" and cells[i]:
                cells[i] = float(str(cells[i]).replace("$", "").replace(",", ""))
        sheet.append(cells)
    book.save(tmp_path / "sheet.xlsx")
    for name in ("csv", "xlsx"):
        code, _ = run(
            "batch",
            str(tmp_path / f"sheet.{name}"),
            "--out",
            str(tmp_path / name),
            "-f",
            "json",
            "-j",
            "1",
        )
        assert code == 0
    a, b = summary(tmp_path / "csv"), summary(tmp_path / "xlsx")
    strip = [{k: v for k, v in p.items() if k != "source"} for p in a["proposals"]]
    assert strip == [{k: v for k, v in p.items() if k != "source"} for p in b["proposals"]]
    assert any(cells.get(c) for cells in rows for c in DATE_COLUMNS if "." in c)  # repeat dates
    assert a["proposals"][0]["id"] == "EX-TRANSIT-2027-01"
    assert a["proposals"][0]["score"] == 88.9


def test_a_folder_with_a_corrupt_file(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    (folder / "sub").mkdir(parents=True)
    for p in EXAMPLES.glob("*.yaml"):
        (folder / "sub" / p.name).write_text(p.read_text())
    (folder / "broken.yaml").write_text("format: esj-review/1\nproposal: [\n")
    (folder / "notes.txt").write_text("ignored")
    out = tmp_path / "out"
    code, _ = run("batch", str(folder), "--out", str(out), "-f", "json", "-j", "2")
    assert code == 1
    found = errors(out)
    assert [e["source"] for e in found] == [str(folder / "broken.yaml")]
    assert "malformed YAML" in found[0]["message"]
    assert EXAMPLE_COUNT == 5
    assert len(summary(out)["proposals"]) == EXAMPLE_COUNT


def test_fail_under(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", example_rows(EXAMPLE_COUNT))
    code, err = run(
        "batch", str(sheet), "--out", str(tmp_path / "a"), "-f", "none", "--fail-under", "50"
    )
    assert code == 1 and "4 below --fail-under 50" in err
    data = summary(tmp_path / "a")
    # 21.6, 49.3 (a hair under), 33.3, and the incomplete review; transit's 88.9 passes
    assert set(data["below_threshold"]) == {
        "EX-HEALTH-2027-07",
        "EX-SOLIDWASTE-2027-03",
        "EX-SOLIDWASTE-2027-11",
        "EX-LANG-2027-02",
    }
    transit = [p for p in example_rows(EXAMPLE_COUNT) if p["proposal.id"] == "EX-TRANSIT-2027-01"]
    only_good = write_csv(tmp_path / "good.csv", transit)
    code, _ = run(
        "batch", str(only_good), "--out", str(tmp_path / "b"), "-f", "none", "--fail-under", "50"
    )
    assert code == 0


def test_outputs_summary_and_portfolio(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", example_rows(EXAMPLE_COUNT))
    out = tmp_path / "out"
    code, _ = run("batch", str(sheet), "--out", str(out), "-f", "pdf,json", "-j", "2")
    assert code == 0
    for pid in ("EX-TRANSIT-2027-01", "EX-HEALTH-2027-07"):
        assert (out / f"{pid}.pdf").read_bytes().startswith(b"%PDF-")
        assert json.loads((out / f"{pid}.json").read_text())["scorecard"]["proposal"]["id"] == pid
    assert (out / "portfolio.pdf").exists() and (out / "portfolio.html").exists()
    with (out / "summary.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert table[0]["id"] == "EX-TRANSIT-2027-01" and table[0]["rank"] == "1"
    data = summary(out)
    assert {b["id"]: b["count"] for b in data["bands"]}["advances"] == 1
    assert data["burdened"][0]["count"] >= 1
    html = (out / "portfolio.html").read_text()
    assert "Determinants most often burdened" in html and "Dollars by department" in html


def test_rerun_skips_unchanged_and_force_redoes(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", example_rows(3))
    out = tmp_path / "out"
    run("batch", str(sheet), "--out", str(out), "-f", "json", "-j", "1")
    code, err = run("batch", str(sheet), "--out", str(out), "-f", "json", "-j", "1")
    assert code == 0 and "(3 unchanged, skipped)" in err
    rows = example_rows(3)
    rows[0]["engagement_level"] = "collaborate"
    write_csv(sheet, rows)
    code, err = run("batch", str(sheet), "--out", str(out), "-f", "json", "-j", "1")
    assert "(2 unchanged, skipped)" in err
    code, err = run("batch", str(sheet), "--out", str(out), "-f", "json", "--force")
    assert "(0 unchanged, skipped)" in err


def test_a_rerun_with_other_formats_or_a_changed_rubric_is_not_skipped(tmp_path: Path) -> None:
    """The re-run cache's key holds the output formats and the rubric's hash."""
    rubric = tmp_path / "rubric.yaml"
    shutil.copy(RUBRICS / "king-county-esj.yaml", rubric)
    sheet = write_csv(tmp_path / "s.csv", example_rows(2))
    out = tmp_path / "out"
    batch = ("batch", str(sheet), "--out", str(out), "--rubric", str(rubric), "-j", "1")
    assert "(0 unchanged, skipped)" in run(*batch, "-f", "json")[1]
    assert "(2 unchanged, skipped)" in run(*batch, "-f", "json")[1]
    code, err = run(*batch, "-f", "md")  # the JSON files are there, but md was not asked then
    assert code == 0 and "(0 unchanged, skipped)" in err
    assert len(list(out.glob("*.md"))) == 2
    assert "(2 unchanged, skipped)" in run(*batch, "-f", "md")[1]
    text = rubric.read_text()
    rubric.write_text(text.replace("\ntitle: ", "\ntitle: Revised ", 1))  # same id and version
    assert "(0 unchanged, skipped)" in run(*batch, "-f", "md")[1]
    assert "(2 unchanged, skipped)" in run(*batch, "-f", "md")[1]


def test_a_choice_given_by_its_label_is_read_as_its_id(tmp_path: Path) -> None:
    rubric = load_rubric("king-county-esj")
    level = rubric.question("engagement_level")
    populations = rubric.question("populations_affected")
    assert level is not None and populations is not None
    collaborate = next(c.label for c in rubric.choices_for(level) if c.id == "collaborate")
    label_of = {c.id: c.label for c in rubric.choices_for(populations)}
    row = next(r for r in example_rows(EXAMPLE_COUNT) if r["proposal.id"] == "EX-TRANSIT-2027-01")
    ids = row["populations_affected"].split("; ")
    assert row["engagement_level"] == "collaborate" and len(ids) > 1
    row["engagement_level"] = collaborate.upper()  # "COLLABORATE: COMMUNITIES SHARED ..."
    row["populations_affected"] = "; ".join(label_of[i] for i in ids)
    sheet = write_csv(tmp_path / "s.csv", [row])
    out = tmp_path / "out"
    code, err = run("batch", str(sheet), "--out", str(out), "-f", "json", "-j", "1")
    assert code == 0, err
    answers = json.loads((out / "EX-TRANSIT-2027-01.json").read_text())["review"]["answers"]
    assert answers["engagement_level"] == "collaborate"
    assert answers["populations_affected"] == ids
    assert summary(out)["proposals"][0]["score"] == 88.9  # as with the ids


def test_fail_under_is_inclusive(tmp_path: Path) -> None:
    """A score equal to --fail-under passes; a hair above it fails."""
    transit = [p for p in example_rows(EXAMPLE_COUNT) if p["proposal.id"] == "EX-TRANSIT-2027-01"]
    assert len(transit) == 1
    sheet = write_csv(tmp_path / "s.csv", transit)
    run("batch", str(sheet), "--out", str(tmp_path / "a"), "-f", "none")
    score = summary(tmp_path / "a")["proposals"][0]["score"]
    code, err = run(
        "batch", str(sheet), "--out", str(tmp_path / "b"), "-f", "none", "--fail-under", f"{score}"
    )
    assert code == 0 and "below --fail-under" not in err
    assert summary(tmp_path / "b")["below_threshold"] == []
    code, err = run(
        "batch",
        str(sheet),
        "--out",
        str(tmp_path / "c"),
        "-f",
        "none",
        "--fail-under",
        f"{score + 0.05}",
    )
    assert code == 1 and "1 below --fail-under" in err


class _CtrlCAfter:
    """Presses Ctrl-C (a real SIGINT to this process) when the n-th proposal is finished."""

    def __init__(self, n: int) -> None:
        self.n = n

    def start(self, total: int | None) -> None:
        pass

    def done(self, outcome: Outcome) -> None:
        self.n -= 1
        if self.n == 0:
            os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_keeps_what_is_finished_and_a_rerun_continues(tmp_path: Path, jobs: int) -> None:
    sheet = write_csv(tmp_path / "s.csv", example_rows(8))
    out = tmp_path / "out"
    out.mkdir()
    settings = Settings(out, ("json",), "archival", "king-county-esj", False, dt.date(2026, 11, 29))
    faulthandler.dump_traceback_later(120, exit=True)  # a hang fails the run, with a traceback
    try:
        first = run_batch([sheet], settings, jobs, _CtrlCAfter(3))
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert first.interrupted
    # the signal handler asked to stop: nothing new started, work in progress finished and kept
    assert 3 <= len(first.records) < 8 and (jobs > 1 or len(first.records) == 3)
    done = {p.stem for p in out.glob("*.json")}
    assert done == {r["name"] for r in first.records}
    assert not (out / "summary.json").exists()
    code, err = run("batch", str(sheet), "--out", str(out), "-f", "json", "-j", "1")
    assert code == 0 and f"({len(done)} unchanged, skipped)" in err
    assert len(summary(out)["proposals"]) == 8


_CTRL_C_AFTER = """
import os, signal, sys
from esj_review.cli import main, progress

AFTER = int(sys.argv[1])

class CtrlCAfter(progress.BatchProgress):
    def done(self, outcome):
        super().done(outcome)
        if self.n == AFTER:
            os.kill(os.getpid(), signal.SIGINT)  # as a terminal's Ctrl-C does

progress.BatchProgress = CtrlCAfter
sys.argv = ["esj-review", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_in_the_command_stops_with_130_and_a_rerun_continues(
    tmp_path: Path, jobs: str
) -> None:
    """The real path: `esj-review batch` gets SIGINT after 3 proposals; its StopFlag handler
    stops the loop, the command says what is kept, exits 130; the same command continues."""
    sheet = write_csv(tmp_path / "s.csv", example_rows(8))
    out = tmp_path / "out"
    args = ["batch", str(sheet), "--out", str(out), "-f", "json", "-j", jobs]
    try:
        child = subprocess.run(
            [sys.executable, "-c", _CTRL_C_AFTER, "3", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the batch did not stop after Ctrl-C")
    assert child.returncode == 130, child.stderr
    assert "Traceback" not in child.stderr
    finished = sorted(p.stem for p in out.glob("*.json"))
    kept = sorted(p.stem for p in (out / ".esj-batch").glob("*.json"))
    assert finished == kept and 3 <= len(finished) < 8 and (jobs == "2" or len(finished) == 3)
    assert (
        f"Interrupted: {len(finished)} proposals are finished and kept in {out}. "
        "Run the same command again to continue."
    ) in child.stderr
    assert not (out / "summary.json").exists()
    code, err = run(*args)
    assert code == 0 and f"8 proposals reviewed ({len(finished)} unchanged, skipped)" in err


def test_a_real_sigint_stops_cleanly(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "s.csv", example_rows(12))
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-m", "esj_review", "batch", str(sheet), "--out", str(out), "-j", "2"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert child.stderr is not None
    line = child.stderr.readline()  # the first finished proposal
    assert line.startswith("[1] "), line  # counted as they come: no counting pass first
    os.killpg(child.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: every process
    try:
        _, rest = child.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        pytest.fail("the batch did not stop after Ctrl-C")
    assert child.returncode == 130
    assert "Interrupted" in rest and "Traceback" not in rest
    finished = len(list(out.glob("*.pdf")))
    assert 1 <= finished < 12
    time.sleep(0.1)
    code, err = run("batch", str(sheet), "--out", str(out), "-j", "2", "-f", "pdf")
    assert code == 0 and f"({finished} unchanged, skipped)" in err


def test_cells_that_sheets_really_contain() -> None:
    kc = load_rubric("king-county-esj")
    amount, when = kc.question("amount"), kc.question("review_date")
    assert amount is not None and when is not None

    def cell(q: Question, value: object) -> object:
        return cell_value(kc, q, value, frozenset())

    assert cell(amount, "$1,200,000") == 1200000
    assert cell(amount, "(1,300,000)") == -1300000
    assert cell(amount, "-$2,500.50") == -2500.5
    assert cell(amount, 4200000.0) == 4200000
    with pytest.raises(ValueError, match="'two million' is not a number"):
        cell(amount, "two million")
    assert cell(when, dt.datetime(2027, 3, 1)) == "2027-03-01"
    assert cell(when, 46082) == "2026-03-01"  # an Excel serial number
    assert cell(when, "3/1/2027") == "2027-03-01"
    assert cell(when, "   ") is None


def test_xlsx_template_has_the_sheet_and_its_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    code, _ = run("template", "--format", "xlsx", "-o", str(path))
    assert code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Proposals", "Data dictionary"]
    header = [c.value for c in book["Proposals"][1]]
    assert header[:2] == ["proposal.id", "proposal.title"]
    rows = list(book["Data dictionary"].iter_rows(values_only=True))
    assert rows[0][0] == "column" and any(r[0] == "engagement_level" for r in rows)
