"""`number`: amounts, years, counts. One parser reads what people type at the prompt and in
sheet cells: `4200000`, `4,200,000`, `$1.5`, `-$2,500.50`, `$-5`, `(1,300,000)` (an accounting
negative)."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from esj_review.core.errors import Problem
from esj_review.core.qtypes.base import (
    AnsweredScore,
    ChoiceSource,
    PromptSpec,
    QuestionBase,
    QuestionKind,
    answered_lint,
)

NUMBER_HELP = "is not a number; write it like 4200000, 1,300,000 or (1,300,000)"
MAX_DIGITS = 18  # whole-number digits: past this a float loses whole units
MAX_MAGNITUDE = 10**15
"""The largest number (either side of zero) any number answer may hold, whatever the rubric's
`min` and `max`: a thousand trillion is far above any county budget, and below 2**53, so every
whole number up to it is exact as a float and prints with all its digits. Checked before any
arithmetic, so a huge integer (`1` and 400 zeros) is a problem, never an OverflowError."""
BOUND_MESSAGE = f"must be between {-MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,}"
_NUMBER = re.compile(
    r"^(?P<open>\()?(?P<minus1>-)?(?P<dollar>\$)?(?P<minus2>-)?"
    r"(?P<digits>\d[\d,]*(?:\.\d+)?|\.\d+)(?P<close>\))?$"
)


def parse_number(raw: str, integer: bool = False) -> int | float:
    """Typed text -> a number; ValueError with a message a person can act on otherwise."""
    text = "".join(raw.split())
    match = _NUMBER.match(text)
    signs = [match[g] for g in ("open", "minus1", "minus2")] if match else []
    if (
        match is None
        or sum(1 for s in signs if s) > 1
        or bool(match["open"]) != bool(match["close"])
    ):
        raise ValueError(f"{raw.strip()[:40]!r} {NUMBER_HELP}")
    digits = match["digits"].replace(",", "")
    if len(digits.split(".")[0]) > MAX_DIGITS:
        raise ValueError(f"is too large (more than {MAX_DIGITS} digits)")
    value = float(digits)
    if any(signs):
        value = -value
    if integer or value.is_integer():
        if not value.is_integer():
            raise ValueError("expected a whole number")
        return int(value)
    return value


def _bounds(q: NumberQuestion) -> tuple[str, str]:
    return (
        f"{q.min:g}" if q.min is not None else "",
        f"{q.max:g}" if q.max is not None else "",
    )


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
            return "expected a number"
        if isinstance(value, float) and not math.isfinite(value):
            return "expected a finite number"
        # Comparisons only until the value is known to be small: Python compares a huge int
        # with a float exactly, while float(value) or math.isfinite(value) would overflow.
        if q.min is not None and value < q.min:
            return f"must be at least {q.min:g}"
        if q.max is not None and value > q.max:
            return f"must be at most {q.max:g}"
        if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            return BOUND_MESSAGE
        if q.integer and not float(value).is_integer():
            return "expected a whole number"
        return None

    def parse_text(
        self, rubric: ChoiceSource, q: NumberQuestion, text: str, enabled: frozenset[str]
    ) -> Any:
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
        hint = "a number" + (", whole" if q.integer else "")
        low, high = _bounds(q)
        if low or high:
            hint += f", {low}..{high}"
        return PromptSpec(
            widget="text",
            default=default,
            instruction=f"({hint}; empty to skip)",
            convert=lambda raw: parse_number(raw, q.integer),
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
