"""`number`: amounts, years, counts. One parser (`parse_number`) reads what people type at the
prompt and what sheet cells hold as text, with the same messages:

- `4200000`, `4,200,000`, `4 200 000`, `4,200,000.00`: commas or spaces only between groups of
  three digits (`1,2,3` is refused: is it 123 or a list?); one decimal point (`3.4.5` refused);
- `$` and a sign anywhere before the digits: `-$1,300,000`, `$-5`, `+5`; `(1,300,000)` is an
  accounting negative; the typographic minus sign (U+2212) is a minus;
- a scale word after the digits: `$250K`, `$3.4M`, `3.4 million`, `$3.4MM`, `1.2B`, `1.2 bn`,
  `2 billion`, `15 thousand`; computed in decimal, so `$3.4M` is exactly 3400000;
- for a question whose bounds are years (both within 1900..2200), a fiscal year: `FY2027`,
  `FY 2027`, `FY27` are 2027, and a one-year span `2026-27`, `FY2026-27`, `2026/2027` is the
  fiscal year it ends in, 2027 (the usual US convention: FY2027 runs to mid-2027). A span of
  more than one year (`2025-2027`, a biennium) is refused: say which year is meant.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Literal

from esj_review.core.errors import Problem
from esj_review.core.i18n import ui
from esj_review.core.qtypes.base import (
    AnsweredScore,
    ChoiceSource,
    PromptSpec,
    QuestionBase,
    QuestionKind,
    answered_lint,
    refusal,
)

MAX_DIGITS = 18  # whole-number digits: past this a float loses whole units
MAX_MAGNITUDE = 10**15
"""The largest number (either side of zero) any number answer may hold, whatever the rubric's
`min` and `max`: a thousand trillion is far above any county budget, and below 2**53, so every
whole number up to it is exact as a float and prints with all its digits. Checked before any
arithmetic, so a huge integer (`1` and 400 zeros) is a problem, never an OverflowError."""


def bound_message() -> str:
    """What a number beyond `MAX_MAGNITUDE` either way is told, in the interview's language."""
    return ui("must be between %(low)s and %(high)s") % {
        "low": f"{-MAX_MAGNITUDE:,}",
        "high": f"{MAX_MAGNITUDE:,}",
    }


YEAR_BOUNDS = (1900, 2200)
"""A number question whose `min` and `max` both fall in this range asks for a year."""

SCALES = {
    "k": 3,
    "thousand": 3,
    "m": 6,
    "mm": 6,
    "mn": 6,
    "mil": 6,
    "million": 6,
    "b": 9,
    "bn": 9,
    "billion": 9,
}
_NUMBER = re.compile(
    r"^(?P<open>\()?\s*(?P<sign1>[-+])?\s*(?P<dollar>\$)?\s*(?P<sign2>[-+])?\s*"
    r"(?P<digits>[\d.,]+(?:\s+[\d.,]+)*)\s*(?P<scale>[a-z]+)?\s*(?P<close>\))?$",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+)?(?:\.\d*)?$")
_FY = re.compile(
    r"^fy\s*['-]?\s*(?P<first>\d{4}|\d{2})(?:\s*[-/\u2013]\s*(?P<second>\d{4}|\d{2}))?$",
    re.IGNORECASE,
)
_SPAN = re.compile(r"^(?P<first>\d{4})\s*[-/\u2013]\s*(?P<second>\d{4}|\d{2})$")


def _refuse(raw: str, message: str = "", **values: Any) -> ValueError:
    """`message` about `raw` (`base.refusal`); by default, how to write a number."""
    message = message or ui(
        "%(text)s is not a number; write it like 4200000, 1,300,000 or (1,300,000)"
    )
    return refusal(raw, message, **values)


def parse_number(raw: str, integer: bool = False) -> int | float:
    """Typed text -> a number; ValueError with a message a person can act on otherwise."""
    text = raw.strip().replace("\u2212", "-")
    match = _NUMBER.match(text)
    if match is None:
        raise _refuse(raw)
    signs = [s for s in (match["sign1"], match["sign2"]) if s]
    negative = bool(match["open"]) or "-" in signs
    if len(signs) + bool(match["open"]) > 1 or bool(match["open"]) != bool(match["close"]):
        raise _refuse(raw)
    scale = (match["scale"] or "").lower()
    if scale and scale not in SCALES:
        scale_word = ui(
            "%(text)s is not a number: after the digits write K, M or B (thousand, million, "
            "billion), not %(word)s"
        )
        raise _refuse(raw, scale_word, word=repr(match["scale"][:12]))
    digits = " ".join(match["digits"].split())
    if digits.count(".") > 1:
        raise _refuse(raw, ui("%(text)s is not a number: it has more than one decimal point"))
    if not _GROUPED.match(digits):
        groups = ui(
            "%(text)s is not a number: commas or spaces go between groups of three digits "
            "(1,300,000)"
        )
        raise _refuse(raw, groups)
    whole = re.sub(r"[, ]", "", digits)
    if len(whole.split(".")[0]) > MAX_DIGITS:
        too_large = ui("is too large (more than %(digits)d digits)")
        raise ValueError(too_large % {"digits": MAX_DIGITS})
    exact = Decimal(whole).scaleb(SCALES.get(scale, 0))
    if negative:
        exact = -exact
    if exact == exact.to_integral_value():
        return int(exact)
    if integer:
        raise ValueError(ui("expected a whole number"))
    return float(exact)


def looks_like_years(q: NumberQuestion) -> bool:
    """Whether the question's bounds are years (a fiscal year question)."""
    low, high = YEAR_BOUNDS
    return q.min is not None and q.max is not None and low <= q.min <= q.max <= high


def parse_year(raw: str) -> int | None:
    """`FY2027`, `FY 2027`, `FY27`, `2026-27`, `FY2026-27`, `2026/2027` -> 2027; None when the
    text is not written as a year (a plain number is read by `parse_number`); ValueError for a
    span that is not one fiscal year."""
    text = raw.strip()
    match = _FY.match(text) or _SPAN.match(text)
    if match is None:
        return None
    first, second = match["first"], match["second"]
    start = 2000 + int(first) if len(first) == 2 else int(first)
    if second is None:
        return start
    end = (start // 100) * 100 + int(second) if len(second) == 2 else int(second)
    if len(second) == 2 and end < start:
        end += 100  # 1999-00 ends in 2000
    if end != start + 1:
        span = ui(
            "%(text)s is not one fiscal year: a span like 2026-27 is the fiscal year it ends "
            "in; give one year, like 2027"
        )
        raise _refuse(raw, span)
    return end


def _bounds(q: NumberQuestion) -> tuple[str, str]:
    return (
        f"{q.min:g}" if q.min is not None else "",
        f"{q.max:g}" if q.max is not None else "",
    )


def _instruction(q: NumberQuestion) -> str:
    """What a number prompt takes, as one whole message (a year's bounds are always given)."""
    low, high = _bounds(q)
    bounds = {"low": low, "high": high}
    if looks_like_years(q):
        return ui("(a year like 2027 or FY2027, %(low)s..%(high)s; empty to skip)") % bounds
    if q.integer and (low or high):
        return ui("(a number, whole, %(low)s..%(high)s; empty to skip)") % bounds
    if q.integer:
        return ui("(a number, whole; empty to skip)")
    if low or high:
        return ui("(a number, %(low)s..%(high)s; empty to skip)") % bounds
    return ui("(a number; empty to skip)")


class NumberQuestion(QuestionBase):
    """A number, optionally whole and within `min`..`max`."""

    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False
    score: AnsweredScore | None = None


class NumberKind(QuestionKind[NumberQuestion]):
    """A number."""

    name = "number"
    model = NumberQuestion
    example = "0"

    def check(
        self, rubric: ChoiceSource, q: NumberQuestion, value: Any, enabled: frozenset[str]
    ) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ui("expected a number")
        if isinstance(value, float) and not math.isfinite(value):
            return ui("expected a finite number")
        # Comparisons only until the value is known to be small: Python compares a huge int
        # with a float exactly, while float(value) or math.isfinite(value) would overflow.
        if q.min is not None and value < q.min:
            return ui("must be at least %(min)s") % {"min": f"{q.min:g}"}
        if q.max is not None and value > q.max:
            return ui("must be at most %(max)s") % {"max": f"{q.max:g}"}
        if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            return bound_message()
        if q.integer and not float(value).is_integer():
            return ui("expected a whole number")
        return None

    def parse_text(
        self, rubric: ChoiceSource, q: NumberQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
        if looks_like_years(q):
            year = parse_year(text)
            if year is not None:
                return year
            if text.strip().lower().startswith("fy"):
                raise _refuse(
                    text, ui("%(text)s is not a year; write it like 2027, FY2027, FY27 or 2026-27")
                )
        return parse_number(text, q.integer)

    def from_cell(
        self, rubric: ChoiceSource, q: NumberQuestion, cell: Any, enabled: frozenset[str]
    ) -> Any:
        if isinstance(cell, int) and not isinstance(cell, bool):
            return cell  # however large: the check names it, with no arithmetic on it here
        if isinstance(cell, float):
            return int(cell) if cell.is_integer() else cell  # inf and nan are not integers
        return super().from_cell(rubric, q, cell, enabled)

    def display(
        self, rubric: ChoiceSource, q: NumberQuestion, value: Any, enabled: frozenset[str]
    ) -> list[str]:
        if q.integer:
            return [str(int(value))]
        return [f"{int(value):,}" if float(value).is_integer() else f"{value:,}"]

    def facts(self, q: NumberQuestion) -> list[str]:
        low, high = _bounds(q)
        parts = [
            f"at least {low}" if low else "",
            f"at most {high}" if high else "",
            "a whole number" if q.integer else "",
        ]
        return ["Must be " + ", ".join(p for p in parts if p) + "."] if any(parts) else []

    def hints(self, rubric: ChoiceSource, q: NumberQuestion, enabled: frozenset[str]) -> list[str]:
        low, high = _bounds(q)
        if not (low or high):
            return []
        return [f"range: {low}..{high}{', whole number' if q.integer else ''}"]

    def prompt_spec(
        self,
        rubric: ChoiceSource,
        q: NumberQuestion,
        default: Any,
        enabled: frozenset[str],
        common: dict[str, Any],
    ) -> PromptSpec:
        return PromptSpec(
            widget="text",
            default=default,
            instruction=_instruction(q),
            convert=lambda raw: self.parse_text(rubric, q, raw, enabled),
            **common,
        )

    def lint(self, q: NumberQuestion, path: str) -> list[Problem]:
        out = answered_lint(self.name, q, path)
        for name, bound in (("min", q.min), ("max", q.max)):
            if bound is not None and not math.isfinite(bound):
                out.append(Problem(f"{path}.{name}", "must be a finite number"))
            elif bound is not None and abs(bound) > MAX_MAGNITUDE:
                beyond = f"is beyond any answer: answers are at most {MAX_MAGNITUDE:,} either way"
                out.append(Problem(f"{path}.{name}", beyond, "warning"))
        if q.min is not None and q.max is not None and q.min > q.max:
            out.append(Problem(path, "min is larger than max"))
        return out
