"""`date`: a calendar date, stored as `YYYY-MM-DD`. One parser (`parse_date`) reads what people
type at the prompt and what sheet cells hold as text, with the same messages:

- `2027-06-30` (a time after it is dropped: `2027-06-30T10:00`, `2027-06-30 10:00:00`);
- `6/30/2027`, `06/30/2027`, `6-30-2027`: numbers with `/` or `-` are month/day/year, the US
  order (`30/6/2027` is refused: there is no month 30); the year is written in full, since
  `6/30/27` could be 1927 or 2027;
- `June 30, 2027`, `Jun 30 2027`, `Jun. 30th, 2027`, `30 June 2027`, `30-Jun-2027`: English
  month names or their first three letters (`Sept` too).

A date that does not exist is refused with the reason (`2/30/2027`: February 2027 has 28 days).
Sheets may also hold Excel dates or Excel serial numbers (`from_cell`). A date in the past is
not an error; `past_note` says so, for whoever shows warnings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Literal

from esj_review.core.errors import Problem
from esj_review.core.i18n import ui
from esj_review.core.qtypes.base import (
    AnsweredScore,
    ChoiceSource,
    QuestionBase,
    QuestionKind,
    answered_lint,
    refusal,
)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_US = re.compile(r"^(\d{1,2})\s*([/-])\s*(\d{1,2})\s*\2\s*(\d+)$")
_MONTH_FIRST = re.compile(
    r"^(?P<month>[a-z]+)\.?[\s-]+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*[,\s-]\s*(?P<year>\d+)$",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?P<month>[a-z]+)\.?,?[\s-]+(?P<year>\d+)$",
    re.IGNORECASE,
)
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
_EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = (1, 2958465)
"""The day numbers a spreadsheet date can have: 1900-01-01 (Excel shows serial 1 so) to
9999-12-31. Anything else in a date column (1e12, -5, NaN) is not a date."""


def _make(raw: str, year: str, month: int, day: int, us_order: bool = False) -> str:
    """The ISO date, or ValueError naming what does not exist."""
    if len(year) != 4:
        raise refusal(raw, ui("%(text)s is not a date: write the year in full (2027)"))
    number = int(year)
    if number < 1:
        raise refusal(raw, ui("%(text)s is not a date: there is no year 0"))
    if not 1 <= month <= 12:
        no_month = (
            ui("%(text)s is not a date: there is no month %(month)d (numbers are month/day/year)")
            if us_order
            else ui("%(text)s is not a date: there is no month %(month)d")
        )
        raise refusal(raw, no_month, month=month)
    last = calendar.monthrange(number, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        short = ui("%(text)s is not a date: %(month)s %(year)d has %(days)d days")
        raise refusal(raw, short, month=name, year=number, days=last)
    return dt.date(number, month, day).isoformat()


def parse_date(text: str) -> str:
    """Typed text -> an ISO date (`YYYY-MM-DD`); ValueError with the reason otherwise."""
    raw = text.strip()
    if match := _ISO_PREFIX.match(raw):
        year, month, day = match.groups()
        return _make(raw, year, int(month), int(day))
    if match := _US.match(raw):
        month, _, day, year = match.groups()
        return _make(raw, year, int(month), int(day), us_order=True)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        if match := pattern.match(raw):
            month_number = MONTHS.get(match["month"].lower())
            if month_number is None:
                not_month = ui("%(text)s is not a date: %(month)s is not a month")
                raise refusal(raw, not_month, month=repr(match["month"][:12]))
            return _make(raw, match["year"], month_number, int(match["day"]))
    help_ = ui("%(text)s is not a date; write it like 2027-06-30, 6/30/2027 or June 30, 2027")
    raise refusal(raw, help_)


def past_note(value: str, today: dt.date | None = None) -> str | None:
    """ "is in the past" for a valid ISO date before `today` (default: today); else None. Not an
    error: a decision date already passed is worth a word, not a refusal."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return "is in the past" if day < (today or dt.date.today()) else None


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

    def instruction(self) -> str:
        return ui("(like 2027-06-30 or 6/30/2027; empty to skip)")

    def check(
        self, rubric: ChoiceSource, q: DateQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        if not isinstance(value, str) or not _ISO.match(value):
            return ui("expected a date as YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return ui("is not a real date (YYYY-MM-DD)")
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
