"""`date`: a calendar date, stored as `YYYY-MM-DD`. People may type `M/D/YYYY`; sheets may hold
Excel dates or Excel serial numbers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from esj_review.core.errors import Problem
from esj_review.core.qtypes.base import (
    AnsweredScore,
    ChoiceSource,
    QuestionBase,
    QuestionKind,
    answered_lint,
)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]|$)")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = (1, 2958465)
"""The day numbers a spreadsheet date can have: 1900-01-01 (Excel shows serial 1 so) to
9999-12-31. Anything else in a date column (1e12, -5, NaN) is not a date."""


def parse_date(text: str) -> str:
    """`YYYY-MM-DD` (a time after it is dropped) or `M/D/YYYY` -> ISO; other text unchanged, so
    the check names what is wrong with it."""
    text = text.strip()
    match = _US.match(text)
    if match:
        month, day, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text[:10] if _ISO_PREFIX.match(text) else text


def excel_serial(days: float) -> str:
    """An Excel serial day number (a time of day after the point is dropped) as an ISO date;
    ValueError for a number no spreadsheet date has."""
    low, high = EXCEL_SERIALS
    if not low <= days < high + 1:  # NaN compares False: refused too
        raise ValueError(
            f"is not a date: a spreadsheet date number runs from {low} (1900-01-01) "
            f"to {high} (9999-12-31)"
        )
    return (_EXCEL_EPOCH + dt.timedelta(days=int(days))).isoformat()


class DateQuestion(QuestionBase):
    """A date."""

    type: Literal["date"]
    score: AnsweredScore | None = None


class DateKind(QuestionKind[DateQuestion]):
    """A date."""

    name = "date"
    model = DateQuestion
    example = "2027-01-31"
    instruction = "(YYYY-MM-DD; empty to skip)"

    def check(
        self, rubric: ChoiceSource, q: DateQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        if not isinstance(value, str) or not _ISO.match(value):
            return "expected a date as YYYY-MM-DD"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "is not a real date (YYYY-MM-DD)"
        return None

    def parse_text(
        self, rubric: ChoiceSource, q: DateQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
        return parse_date(text)

    def from_cell(
        self, rubric: ChoiceSource, q: DateQuestion, cell: Any, enabled: frozenset[str]
    ) -> Any:
        if isinstance(cell, dt.datetime):
            return cell.date().isoformat()
        if isinstance(cell, dt.date):
            return cell.isoformat()
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return excel_serial(cell)
        if isinstance(cell, str) and re.fullmatch(r"\d{5}", cell.strip()):
            return excel_serial(int(cell))
        return super().from_cell(rubric, q, cell, enabled)

    def lint(self, q: DateQuestion, path: str) -> list[Problem]:
        return answered_lint(self.name, q, path)
