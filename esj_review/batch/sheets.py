"""Batch sheets: CSV or XLSX, one proposal per row, one column per question.

Rows (read one at a time by `batch.readers`, never the whole sheet in memory) are turned into
review data with every cell checked. Multiselect cells list choices separated by `;`; a
choice may be given by its id or its label; amounts may look like "$1,200,000"; Excel dates
are dates.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from esj_review.core.columns import (
    ENABLE_COLUMN,
    FIXED_COLUMNS,
    PROPOSAL_COLUMNS,
    REVIEWER_COLUMNS,
    question_columns,
    sheet_columns,
)
from esj_review.core.errors import Problem
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.base import cell_text
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import REVIEW_FORMAT
from esj_review.core.rubric import Question, Rubric

_text = cell_text


def cell_value(rubric: Rubric, q: Question, cell: Any, enabled: frozenset[str]) -> Any:
    """The answer a cell holds for question `q`; None when blank; ValueError when unreadable.

    The question's type reads it, with the same parsers the interview's prompts use.
    """
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return None
    return kind_of(q).from_cell(rubric, q, cell, enabled)


def row_to_review(rubric: Rubric, cells: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Review data for one sheet row, and the cells that could not be read."""
    problems: list[Problem] = []
    enable_cell = _text(cells.get(ENABLE_COLUMN))
    enabled = frozenset(p.strip() for p in enable_cell.split(";") if p.strip())
    proposal = {key.split(".")[1]: _text(cells.get(key)) or None for key in PROPOSAL_COLUMNS}
    answers: dict[str, Any] = {}
    for _, q in rubric.iter_questions():
        if not isinstance(q, RepeatQuestion):
            _fill(rubric, q, q.id, cells, answers, problems, enabled)
            continue
        for column, cell in cells.items():
            if not column.startswith(q.id + ".") or cell in (None, ""):
                continue
            parts = column.split(".")
            sub = next((s for s in q.children() if len(parts) == 3 and s.id == parts[2]), None)
            if sub is None:
                continue
            item = answers.setdefault(q.id, {}).setdefault(parts[1], {})
            _fill(rubric, sub, column, cells, item, problems, enabled, key=sub.id)
    data: dict[str, Any] = {
        "format": REVIEW_FORMAT,
        "rubric": {"id": rubric.id, "version": rubric.version, "enable": sorted(enabled)},
        "proposal": {k: v for k, v in proposal.items() if v is not None},
        "answers": answers,
    }
    reviewer = {key.rsplit(".", 1)[1]: _text(cells.get(key)) for key in REVIEWER_COLUMNS}
    reviewer = {k: v for k, v in reviewer.items() if v}
    if reviewer:
        data["meta"] = {"reviewer": reviewer}
    return data, problems


def _fill(
    rubric: Rubric,
    q: Question,
    column: str,
    cells: dict[str, Any],
    target: dict[str, Any],
    problems: list[Problem],
    enabled: frozenset[str],
    key: str | None = None,
) -> None:
    if column not in cells:
        return
    try:
        value = cell_value(rubric, q, cells[column], enabled)
    except ValueError as exc:
        problems.append(Problem(f"column {column!r}", str(exc)))
        return
    if value is not None:
        target[key or q.id] = value


def dictionary_rows(rubric: Rubric) -> list[list[str]]:
    """The data dictionary: one row per column of the batch sheet."""
    from esj_review.core.conditions import describe

    every = frozenset(i.id for i in rubric.optional_items())
    rows = [["column", "question", "type", "required", "choices (id = label)", "shown when"]]
    for c in FIXED_COLUMNS:
        choices = c.choices(rubric) if c.choices else ""
        rows.append([c.name, c.label, c.type, "yes" if c.required else "no", choices, ""])
    for column, question in question_columns(rubric):
        choices = "; ".join(f"{c.id} = {c.label}" for c in rubric.choices_for(question, every))
        note = kind_of(question).sheet_note()
        kind = question.type + (f" ({note})" if note else "")
        rows.append(
            [
                column,
                question.prompt,
                kind,
                "yes" if question.required else "no",
                choices,
                describe(question.when) if question.when else "",
            ]
        )
    return rows


def xlsx_template(rubric: Rubric) -> bytes:
    """A workbook: the proposals sheet (header row) and the data dictionary."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Proposals"
    sheet.append(sheet_columns(rubric))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Data dictionary")
    for row in dictionary_rows(rubric):
        guide.append(row)
    for cell in guide[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dictionary_csv(rubric: Rubric) -> str:
    """The data dictionary as CSV, written beside a CSV template."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(dictionary_rows(rubric))
    return buffer.getvalue()
