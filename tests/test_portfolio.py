"""The portfolio: figures that do not depend on the order proposals finished in, one
proposal however many inputs carry its id, flags shown by what they say, and a page of
warnings."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pdfplumber
import tinyhtml5
import yaml
from typer.testing import CliRunner

from esj_review.batch.flag_notes import flag_notes
from esj_review.batch.portfolio import (
    WARNINGS_SHOWN,
    portfolio,
    render_portfolio_html,
    write_summary,
)
from esj_review.cli import app
from esj_review.core.rubric import Rubric
from tests.conftest import EXAMPLES

DATE = dt.date(2027, 1, 1)
NS = "{http://www.w3.org/1999/xhtml}"


def record(pid: str, flags: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "source": f"{pid}.yaml",
        "name": pid,
        "id": pid,
        "title": pid,
        "department": "Parks",
        "kind": "program",
        "amount": 1000,
        "score": 60.0,
        "band": "promising",
        "band_label": "Promising",
        "complete": True,
        "completeness": 100.0,
        "gaps": [],
        "flags": [{"id": m, "severity": s, "message": m} for s, m in flags],
        "burdened": [],
        "outputs": [],
        "rubric": "king-county-esj 1.0.0",
    }


def test_flags_tied_on_count_come_out_in_one_order(kc: Rubric) -> None:
    flags = [("warning", f"Flag {c}") for c in "ABCDEFGH"] + [("critical", "Flag Z")]
    records = [record(f"P-{i}", flags) for i in range(3)]
    seen = set()
    for seed in range(5):
        shuffled = [
            dict(r, flags=random.Random(seed).sample(r["flags"], len(r["flags"]))) for r in records
        ]
        data = portfolio(kc, shuffled, [], None, dt.date(2027, 1, 1))
        seen.add(tuple((f["severity"], f["message"]) for f in data["flags"]))
    (order,) = seen
    assert order[0] == ("critical", "Flag Z")


# --- one proposal, however many inputs carry it ------------------------------------------


def sheet_with(path: Path, pid: str) -> tuple[Path, float]:
    """A sheet of one row (the first of the example sheet) with the id `pid`, and its amount."""
    with (EXAMPLES / "budget-sheet.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        row = dict(next(reader), **{"proposal.id": pid})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerow(row)
    return path, float(row["amount"].replace("$", "").replace(",", ""))


def review_file(path: Path, pid: str) -> tuple[Path, float]:
    """The transit example as a review file with the id `pid`, and its amount."""
    data = yaml.safe_load((EXAMPLES / "reduced-fare-transit.yaml").read_text(encoding="utf-8"))
    data["proposal"]["id"] = pid
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path, float(data["answers"]["amount"])


def run_batch_cli(out: Path, *inputs: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["batch", *map(str, inputs), "--out", str(out), "-f", "none", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return summary


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_folder_with_a_review_file_and_a_sheet_row_of_one_id_counts_it_once(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # the same id, typed composed in the sheet and decomposed in the file
    sheet, sheet_amount = sheet_with(folder / "budget.csv", "\u00c5-HEALTH-1")
    p, p_amount = review_file(folder / "p.yaml", "A\u030a-HEALTH-1")
    assert sheet_amount != p_amount
    data = run_batch_cli(tmp_path / "out", folder)

    # the folder is read in name order: the sheet row comes first and is the one used
    (only,) = data["proposals"]
    assert only["rank"] == 1 and only["source"] == f"{sheet} row 2"
    assert sum(b["dollars"] for b in data["bands"]) == sheet_amount  # not sheet + file
    assert sum(b["count"] for b in data["bands"]) == 1
    assert [d["dollars"] for d in data["departments"]] == [sheet_amount]
    (summary_row,) = csv_rows(tmp_path / "out" / "summary.csv")
    assert summary_row["rank"] == "1"

    (warning,) = csv_rows(tmp_path / "out" / "errors.csv")
    assert warning["severity"] == "warning" and warning["field"] == "proposal.id"
    assert warning["source"] == str(p)  # the one left out ...
    assert f"{sheet} row 2" in warning["message"]  # ... names the one used
    assert "left out" in warning["message"] and "written as" not in warning["message"]
    assert data["warnings"] == 1 and data["warnings_shown"][0]["source"] == str(p)


def test_the_first_input_named_wins_and_nothing_is_written_for_the_other(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sheet, _ = sheet_with(folder / "budget.csv", "P-1")
    p, p_amount = review_file(folder / "p.yaml", "P-1")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["batch", str(p), str(sheet), "--out", str(out), "-f", "json", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (only,) = data["proposals"]
    assert only["source"] == str(p) and only["outputs"] == ["P-1.json"]
    assert sum(b["dollars"] for b in data["bands"]) == p_amount
    assert sorted(f.name for f in out.glob("*.json")) == ["P-1.json", "summary.json"]
    (warning,) = csv_rows(out / "errors.csv")
    assert warning["source"] == f"{sheet} row 2" and str(p) in warning["message"]


def test_a_duplicate_row_in_one_sheet_is_left_out_too(tmp_path: Path) -> None:
    sheet, amount = sheet_with(tmp_path / "budget.csv", "P-1")
    with sheet.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    sheet.write_text("\n".join([*lines, lines[1], lines[1]]) + "\n", encoding="utf-8")
    data = run_batch_cli(tmp_path / "out", sheet)
    assert (
        len(data["proposals"]) == 1
        and data["bands"][-1]["count"] + sum(b["count"] for b in data["bands"][:-1]) == 1
    )
    assert sum(b["dollars"] for b in data["bands"]) == amount
    warnings = csv_rows(tmp_path / "out" / "errors.csv")
    assert [w["source"] for w in warnings] == [f"{sheet} row 3", f"{sheet} row 4"]
    assert all(f"{sheet} row 2" in w["message"] for w in warnings)


# --- the ranked table: flags by what they say, not their ids ------------------------------


PER_ITEM = (
    "{item}: a moderate or large burden falls on priority populations (alone or with "
    "everyone) and its mitigation is not funded."
)


def flagged() -> dict[str, Any]:
    flags: list[dict[str, str | None]] = [
        {
            "id": "unmitigated_burden",
            "severity": "critical",
            "message": PER_ITEM.replace("{item}", label),
            "item": item,
        }
        for item, label in (("housing", "Affordable housing"), ("transportation", "Transit"))
    ]
    flags.append(
        {
            "id": "english_only",
            "severity": "warning",
            "message": "Outreach was in English only, so residents could not take part.",
            "item": None,
        }
    )
    return dict(record("P-FLAGGED", []), flags=flags)


def test_flag_notes_are_short_labels_one_per_flag() -> None:
    assert flag_notes(flagged()["flags"]) == [
        {
            "severity": "critical",
            "text": "A moderate or large burden falls on priority populations "
            "(Affordable housing, Transit)",
        },
        {"severity": "warning", "text": "Outreach was in English only"},
    ]


def test_a_flag_raised_for_many_items_names_the_first_few() -> None:
    flags = [
        {"id": "f", "severity": "info", "message": f"Item {n}: a burden.", "item": f"i{n}"}
        for n in range(5)
    ]
    assert flag_notes(flags) == [
        {"severity": "info", "text": "A burden (Item 0, Item 1, Item 2 and 2 more)"}
    ]


def ranked_cells(html: str) -> list[str]:
    """The text of each Flags cell of the ranked table."""
    root = tinyhtml5.parse(html)
    table = root.find(f".//{NS}table[@class='ranked']")
    assert table is not None
    return [" ".join("".join(tr[-1].itertext()).split()) for tr in table.iter(f"{NS}tr")][1:]


def test_the_ranked_table_shows_flags_as_labels_not_ids(kc: Rubric) -> None:
    data = portfolio(kc, [flagged(), record("P-CLEAN", [])], [], None, DATE)
    cells = ranked_cells(render_portfolio_html(data, kc))
    assert cells[0] == "" or cells[1] == ""  # the clean one
    shown = "".join(cells)
    assert "Critical: A moderate or large burden falls on priority populations" in shown
    assert "(Affordable housing, Transit)" in shown
    assert "Warning: Outreach was in English only" in shown
    assert "unmitigated_burden" not in shown and "english_only" not in shown


# --- the warnings page ---------------------------------------------------------------------


def warning_rows(n: int) -> list[dict[str, str]]:
    return [
        {
            "source": f"in/p{i}.yaml",
            "proposal_id": f"P-{i}",
            "field": "proposal.id",
            "message": f"warning number {i}",
            "severity": "warning",
        }
        for i in range(n)
    ]


def warnings_section(html: str) -> Element:
    root: Element = tinyhtml5.parse(html)
    section = root.find(f".//{NS}section[@id='warnings']")
    assert section is not None
    return section


def test_every_warning_is_listed_on_a_page_of_its_own(kc: Rubric) -> None:
    error = {"source": "bad.yaml", "proposal_id": "", "field": "", "message": "x"}
    problems = [*warning_rows(3), dict(error, severity="error")]
    html = render_portfolio_html(portfolio(kc, [record("P-1", [])], problems, None, DATE), kc)
    section = warnings_section(html)
    heading = section.find(f"{NS}h2")
    assert heading is not None and heading.text == "Warnings"
    body = section.find(f".//{NS}tbody")
    assert body is not None
    listed = [[" ".join("".join(td.itertext()).split()) for td in tr] for tr in body]
    assert listed == [
        [f"in/p{i}.yaml", f"P-{i}", "proposal.id", f"warning number {i}"] for i in range(3)
    ]
    text = "".join(section.itertext())
    assert "more in errors.csv" not in text and "bad.yaml" not in text  # errors are not warnings


def test_the_warnings_page_is_bounded_and_says_how_many_more(kc: Rubric) -> None:
    many = WARNINGS_SHOWN + 7
    data = portfolio(kc, [record("P-1", [])], warning_rows(many), None, DATE)
    assert data["warnings"] == many and len(data["warnings_shown"]) == WARNINGS_SHOWN
    section = warnings_section(render_portfolio_html(data, kc))
    body = section.find(f".//{NS}tbody")
    assert body is not None and len(list(body)) == WARNINGS_SHOWN
    text = " ".join("".join(section.itertext()).split())
    assert "… and 7 more in errors.csv." in text
    assert f"The first {WARNINGS_SHOWN} of {many} are listed" in text


def test_no_warnings_says_so(kc: Rubric) -> None:
    section = warnings_section(render_portfolio_html(portfolio(kc, [], [], None, DATE), kc))
    assert "".join(section.itertext()).strip().endswith("No warnings.")


def test_the_portfolio_page_is_a_page_and_says_attached_only_in_the_pdf(kc: Rubric) -> None:
    data = portfolio(kc, [record("P-1", [])], [], None, DATE)
    page = tinyhtml5.parse(render_portfolio_html(data, kc))
    viewport = page.find(f".//{NS}meta[@name='viewport']")
    assert viewport is not None and "width=device-width" in (viewport.get("content") or "")
    main = page.find(f".//{NS}main")
    assert main is not None and main.find(f".//{NS}table[@class='ranked']") is not None
    assert "attached" not in "".join(page.itertext())
    assert "The summary is attached as JSON." in render_portfolio_html(data, kc, "pdf")


def test_the_warnings_are_a_page_of_the_pdf(tmp_path: Path, kc: Rubric) -> None:
    records = [record(f"P-{i}", []) for i in range(3)]
    write_summary(tmp_path, kc, records, warning_rows(4), None, DATE, ("pdf",))
    with pdfplumber.open(tmp_path / "portfolio.pdf") as pdf:
        pages = [(page.extract_text() or "").splitlines() for page in pdf.pages]
    # each page opens with its running header; the section's heading is the next line
    (warnings,) = [n for n, lines in enumerate(pages) if lines[1:2] == ["Warnings"]]
    (ranked,) = [n for n, lines in enumerate(pages) if lines[1:2] == ["Every proposal, ranked"]]
    assert 0 < warnings < ranked
    assert "in/p3.yaml" in "\n".join(pages[warnings])


def test_a_batch_of_reviews_under_two_versions_says_so_in_its_heading(tmp_path: Path) -> None:
    """Each review is scored under the version it names: the portfolio does not claim one."""
    old = tmp_path / "in" / "capital.yaml"
    old.parent.mkdir()
    old.write_text((EXAMPLES / "capital-facility-siting.yaml").read_text())  # 2.0.0
    now = tmp_path / "in" / "transit.yaml"
    now.write_text((EXAMPLES / "reduced-fare-transit.yaml").read_text())  # 3.1.0
    summary = run_batch_cli(tmp_path / "out", tmp_path / "in")
    assert summary["versions"] == ["king-county-esj 2.0.0", "king-county-esj 3.1.0"]
    html = (tmp_path / "out" / "portfolio.html").read_text(encoding="utf-8")
    assert "(each under the version it names: king-county-esj 2.0.0, king-county-esj 3.1.0)" in html
    now.unlink()
    summary = run_batch_cli(tmp_path / "again", tmp_path / "in")
    assert summary["versions"] == ["king-county-esj 2.0.0"]
    html = (tmp_path / "again" / "portfolio.html").read_text(encoding="utf-8")
    assert (  # one proposal: "1 proposal reviewed" (the catalogue's plural forms)
        "1 proposal reviewed with King County Equity and Social Justice impact review 2.0.0."
        in html
    )
