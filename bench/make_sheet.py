"""Write a batch sheet of N proposals made from the example reviews (for the example and bench).

Run: python bench/make_sheet.py OUT.csv N   (or OUT.xlsx)
"""

from __future__ import annotations

import csv
import itertools
import sys
from pathlib import Path
from typing import Any

from esj_review.core.review import Review, load_review
from esj_review.core.rubrics import load_rubric
from esj_review.core.templates import sheet_columns

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEPARTMENTS = [
    "Transit Department",
    "Public Health",
    "Parks and Recreation",
    "Library System",
    "Solid Waste Division",
    "Office of Equity",
    "Housing and Community Development",
]
LEVELS = ["none", "inform", "consult", "involve", "collaborate", "defer"]


def cells_for(review: Review) -> dict[str, Any]:
    """One sheet row for a review: lists joined with ;, yes/no, amounts with $ and commas."""
    row: dict[str, Any] = {
        "proposal.id": review.proposal.id,
        "proposal.title": review.proposal.title,
        "proposal.kind": review.proposal.kind or "",
        "proposal.department": review.proposal.department or "",
        "rubric.enable": "; ".join(review.rubric.enable),
    }

    def put(column: str, value: Any) -> None:
        if isinstance(value, list):
            row[column] = "; ".join(value)
        elif isinstance(value, bool):
            row[column] = "yes" if value else "no"
        elif column == "amount":
            row[column] = f"${value:,.0f}"
        else:
            row[column] = value

    for qid, value in review.answers.items():
        if isinstance(value, dict):
            for item, subs in value.items():
                for sub, sub_value in subs.items():
                    put(f"{qid}.{item}.{sub}", sub_value)
        else:
            put(qid, value)
    return row


def rows(n: int) -> list[dict[str, Any]]:
    """n rows: the examples, then variants with other ids, departments and engagement."""
    bases = [load_review(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    out = []
    for i, (review, level) in enumerate(zip(itertools.cycle(bases), itertools.cycle(LEVELS))):
        if i == n:
            break
        copy = review.model_copy(deep=True)
        if i >= len(bases):
            copy.proposal.id = f"{review.proposal.id}-V{i:04d}"
            copy.proposal.department = DEPARTMENTS[i % len(DEPARTMENTS)]
            copy.answers["engagement_level"] = level
            if level not in {"none", "inform"}:  # engagement beyond informing says when
                copy.answers.setdefault("engagement_timing", "during")
            if isinstance(copy.answers.get("amount"), int | float):
                copy.answers["amount"] = copy.answers["amount"] * (1 + i % 5) // 2
        out.append(cells_for(copy))
    return out


def write_sheet(path: Path, n: int) -> None:
    """Write n proposals as CSV or XLSX (by suffix)."""
    columns = sheet_columns(load_rubric("king-county-esj"))
    data = rows(n)
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(columns)
        for row in data:
            sheet.append([row.get(c, None) for c in columns])
        book.save(path)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(data)


if __name__ == "__main__":
    write_sheet(Path(sys.argv[1]), int(sys.argv[2]))
