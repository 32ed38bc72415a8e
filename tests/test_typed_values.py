"""Numbers, years and dates as a budget officer types them: the prompt and a sheet's text cell
read them with one parser, so each input gives the same value or the same message both ways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esj_review.batch.sheets import cell_value
from esj_review.core.checks import check_value
from esj_review.core.conditions import MISSING
from esj_review.core.qtypes.date import past_note
from esj_review.core.qtypes.number import MAX_MAGNITUDE
from esj_review.core.rubric import Question, Rubric
from esj_review.interview.prompts import answer_from, spec_for
from tests.rubric_builder import YES, build, rubric_data

RUBRIC = build(
    rubric_data(
        YES,
        {"id": "amount", "type": "number", "prompt": "Amount?"},
        {"id": "count", "type": "number", "prompt": "Count?", "integer": True},
        {
            "id": "fiscal_year",
            "type": "number",
            "prompt": "Fiscal year?",
            "integer": True,
            "min": 2000,
            "max": 2100,
        },
        {"id": "due", "type": "date", "prompt": "Due?"},
        {
            "id": "areas",
            "type": "multiselect",
            "prompt": "Which areas?",
            "required": True,
            "min_selected": 1,
            "choices": [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}],
        },
    )
)
NOT_ONE_YEAR = (
    "is not one fiscal year: a span like 2026-27 is the fiscal year it ends in; "
    "give one year, like 2027"
)
GROUPS = "is not a number: commas or spaces go between groups of three digits (1,300,000)"
NUMBER_HELP = "is not a number; write it like 4200000, 1,300,000 or (1,300,000)"
DATE_HELP = "is not a date; write it like 2027-06-30, 6/30/2027 or June 30, 2027"


def question(qid: str, rubric: Rubric = RUBRIC) -> Question:
    found = rubric.question(qid)
    assert found is not None
    return found


def by_prompt(qid: str, raw: str, rubric: Rubric = RUBRIC) -> Any:
    """What the interview makes of typed text: the value, or the message it shows."""
    spec = spec_for(rubric, question(qid, rubric), qid, MISSING, frozenset())
    return spec.text_error(raw) or answer_from(spec, raw)


def by_sheet(qid: str, raw: str, rubric: Rubric = RUBRIC) -> Any:
    """What a batch sheet makes of the same text in a cell: the value, or the message."""
    q = question(qid, rubric)
    try:
        value = cell_value(rubric, q, raw, frozenset())
    except ValueError as exc:
        return str(exc)
    return check_value(rubric, q, value, frozenset()) or value


TABLE: list[tuple[str, str, Any]] = [
    # amounts
    ("amount", "3,400,000", 3400000),
    ("amount", "3,400,000.00", 3400000),
    ("amount", "  4 200 000 ", 4200000),
    ("amount", "(3,400,000)", -3400000),
    ("amount", "-$1,300,000", -1300000),
    ("amount", "$-5", -5),
    ("amount", "\u22125", -5),
    ("amount", "$3.4M", 3400000),
    ("amount", "3.4 million", 3400000),
    ("amount", "$3.4MM", 3400000),
    ("amount", "($3.4M)", -3400000),
    ("amount", "$250K", 250000),
    ("amount", "15 thousand", 15000),
    ("amount", "1.2B", 1200000000),
    ("amount", "1.2 billion", 1200000000),
    ("amount", "2.5", 2.5),
    ("amount", "1.2345678M", 1234567.8),
    ("amount", "3.4.5", "'3.4.5' is not a number: it has more than one decimal point"),
    ("amount", "1,2,3", f"'1,2,3' {GROUPS}"),
    ("amount", "1300,000", f"'1300,000' {GROUPS}"),
    ("amount", "4 2 0 0", f"'4 2 0 0' {GROUPS}"),
    (
        "amount",
        "12abc",
        "'12abc' is not a number: after the digits write K, M or B (thousand, million, "
        "billion), not 'abc'",
    ),
    ("amount", "next year", f"'next year' {NUMBER_HELP}"),
    ("amount", "-$-5", f"'-$-5' {NUMBER_HELP}"),
    ("amount", "(5", f"'(5' {NUMBER_HELP}"),
    ("amount", "FY2027", f"'FY2027' {NUMBER_HELP}"),  # not a year question
    ("amount", "2 billion billion", f"'2 billion billion' {NUMBER_HELP}"),
    ("amount", "1234567890123456789", "is too large (more than 18 digits)"),
    ("amount", "2000000B", f"must be between {-MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,}"),
    # whole numbers
    ("count", "2.5", "expected a whole number"),
    ("count", "2.5K", 2500),
    ("count", "12", 12),
    # years
    ("fiscal_year", "2027", 2027),
    ("fiscal_year", "FY2027", 2027),
    ("fiscal_year", "FY 2027", 2027),
    ("fiscal_year", "fy27", 2027),
    ("fiscal_year", "FY-27", 2027),
    ("fiscal_year", "2026-27", 2027),
    ("fiscal_year", "FY2026-27", 2027),
    ("fiscal_year", "2026/2027", 2027),
    ("fiscal_year", "2026\u20132027", 2027),
    ("fiscal_year", "2025-2027", f"'2025-2027' {NOT_ONE_YEAR}"),
    ("fiscal_year", "2027-26", f"'2027-26' {NOT_ONE_YEAR}"),
    (
        "fiscal_year",
        "FY20277",
        "'FY20277' is not a year; write it like 2027, FY2027, FY27 or 2026-27",
    ),
    ("fiscal_year", "FY1999", "must be at least 2000"),
    ("fiscal_year", "27", "must be at least 2000"),  # a bare 27 is not a year
    ("fiscal_year", "2027.5", "expected a whole number"),
    # dates
    ("due", "6/30/2027", "2027-06-30"),
    ("due", "06/30/2027", "2027-06-30"),
    ("due", "6-30-2027", "2027-06-30"),
    ("due", "2027-06-30", "2027-06-30"),
    ("due", "2027-06-30T09:00", "2027-06-30"),
    ("due", "June 30, 2027", "2027-06-30"),
    ("due", "june 30 2027", "2027-06-30"),
    ("due", "30 June 2027", "2027-06-30"),
    ("due", "Jun 30 2027", "2027-06-30"),
    ("due", "Jun. 30th, 2027", "2027-06-30"),
    ("due", "30-Jun-2027", "2027-06-30"),
    ("due", "Sept 1, 2027", "2027-09-01"),
    ("due", "2/29/2028", "2028-02-29"),
    (
        "due",
        "13/45/2027",
        "'13/45/2027' is not a date: there is no month 13 (numbers are month/day/year)",
    ),
    ("due", "2/30/2027", "'2/30/2027' is not a date: February 2027 has 28 days"),
    ("due", "2/29/2027", "'2/29/2027' is not a date: February 2027 has 28 days"),
    ("due", "4/31/2027", "'4/31/2027' is not a date: April 2027 has 30 days"),
    ("due", "2027-13-01", "'2027-13-01' is not a date: there is no month 13"),
    ("due", "6/30/27", "'6/30/27' is not a date: write the year in full (2027)"),
    ("due", "Juin 30 2027", "'Juin 30 2027' is not a date: 'Juin' is not a month"),
    ("due", "next Tuesday", f"'next Tuesday' {DATE_HELP}"),
    ("due", "0/0/0000", "'0/0/0000' is not a date: there is no year 0"),
]


@pytest.mark.parametrize(("qid", "raw", "expected"), TABLE)
def test_the_prompt_and_a_sheet_read_typed_values_alike(qid: str, raw: str, expected: Any) -> None:
    typed, cell = by_prompt(qid, raw), by_sheet(qid, raw)
    assert typed == cell == expected
    assert type(typed) is type(expected)  # a whole amount stays an int


def test_the_king_county_fiscal_year_takes_fy_forms(kc: Rubric) -> None:
    for raw in ("FY2027", "FY27", "2026-27", "FY 2026-27"):
        assert by_prompt("fiscal_year", raw, kc) == by_sheet("fiscal_year", raw, kc) == 2027
    assert by_prompt("amount", "(3,400,000)", kc) == by_sheet("amount", "(3,400,000)", kc)
    assert by_prompt("amount", "$3.4M", kc) == -by_sheet("amount", "($3.4M)", kc) == 3400000


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


def _scaled(n: int, power: int, word: str) -> str:
    return format(Decimal(n).scaleb(-power), "f") + word


STYLES = [
    lambda n: str(n),
    lambda n: f"{n:,}",
    lambda n: f"{n:,}.00",
    lambda n: f"  {_grouped(n, ' ')} ",
    lambda n: f"${n:,}" if n >= 0 else f"-${-n:,}",
    lambda n: f"$ {n:,}" if n >= 0 else f"$-{-n:,}",
    lambda n: f"{n:,}" if n >= 0 else f"({-n:,})",
    lambda n: f"${_scaled(n, 3, 'K')}" if n >= 0 else f"(${_scaled(-n, 3, 'K')})",
    lambda n: _scaled(n, 6, "M"),
    lambda n: _scaled(n, 6, " million"),
    lambda n: _scaled(n, 9, "B"),
    lambda n: _scaled(n, 9, " billion"),
]


@given(
    st.integers(-MAX_MAGNITUDE, MAX_MAGNITUDE),
    st.sampled_from(range(len(STYLES))),
)
def test_any_amount_written_in_an_accepted_style_reads_back(n: int, style: int) -> None:
    raw = STYLES[style](n)
    assert by_prompt("amount", raw) == by_sheet("amount", raw) == n, raw


@given(st.integers(2000, 2099))
def test_any_fiscal_year_written_as_budget_offices_do_reads_back(year: int) -> None:
    for raw in (
        str(year),
        f"FY{year}",
        f"FY {year}",
        f"FY{year % 100:02d}",
        f"{year - 1}-{year % 100:02d}",
        f"FY{year - 1}-{year % 100:02d}",
        f"{year - 1}/{year}",
    ):
        assert by_prompt("fiscal_year", raw) == by_sheet("fiscal_year", raw) == year, raw


@given(st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
def test_any_date_written_in_an_accepted_style_reads_back(day: dt.date) -> None:
    month = day.strftime("%B")
    for raw in (
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year}",
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month} {day.year}",
        f"{month[:3]} {day.day} {day.year}",
    ):
        assert by_prompt("due", raw) == by_sheet("due", raw) == day.isoformat(), raw


def test_the_prompts_say_what_they_take() -> None:
    year = spec_for(RUBRIC, question("fiscal_year"), "fiscal_year", MISSING, frozenset())
    assert year.instruction == "(a year like 2027 or FY2027, 2000..2100; empty to skip)"
    due = spec_for(RUBRIC, question("due"), "due", MISSING, frozenset())
    assert due.instruction == "(like 2027-06-30 or 6/30/2027; empty to skip)"


def test_a_date_in_the_past_is_noted_not_refused() -> None:
    today = dt.date(2027, 7, 1)
    assert past_note("2027-06-30", today) == "is in the past"
    assert past_note("2027-07-01", today) is None
    assert past_note("not a date", today) is None
    assert by_prompt("due", "6/30/2000") == "2000-06-30"  # still a valid answer


def test_choose_at_least_one_refuses_an_empty_selection_at_the_prompt() -> None:
    spec = spec_for(RUBRIC, question("areas"), "areas", MISSING, frozenset())
    assert "choose at least 1" in spec.instruction
    assert spec.check([]) == "choose at least 1"
    assert spec.check(["a"]) is None
    assert spec.check(["a", "z"]) == "'z' is not a choice; expected some of: a, b"
