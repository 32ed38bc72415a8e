"""The columns of a batch sheet, in one place: the template's header row, the data dictionary,
reading a row and checking a sheet's header all come from here.

A sheet has the proposal's columns, then one column per question; a repeated question is
flattened into one column per item and sub-question (`determinant_impacts.housing.direction`).
The optional-items column, `rubric.enable`, follows the proposal's columns when the rubric has
optional items (an opted-in determinant can come from a sheet like any other answer). The
preparer's columns (`meta.reviewer.name`, `.role`, `.contact`, all optional) come next: they
are printed on the report's first page and never scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from esj_review.core.errors import Problem
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Question, Rubric


@dataclass(frozen=True)
class Column:
    """A column that is not a question: its name and its entry in the data dictionary."""

    name: str
    label: str
    type: str
    required: bool = False
    choices: Callable[[Rubric], str] | None = None  # the dictionary's "choices" cell


def _kinds(rubric: Rubric) -> str:
    return "; ".join(f"{c.id} = {c.label}" for c in rubric.proposal_kinds)


def _optional_items(rubric: Rubric) -> str:
    return "; ".join(i.id for i in rubric.optional_items())


ENABLE_COLUMN = "rubric.enable"
REVIEWER_COLUMNS = ("meta.reviewer.name", "meta.reviewer.role", "meta.reviewer.contact")
FIXED_COLUMNS = (
    Column("proposal.id", "Proposal id (used in file names)", "text", required=True),
    Column("proposal.title", "Proposal title", "text", required=True),
    Column("proposal.kind", "Kind of proposal", "select", choices=_kinds),
    Column("proposal.department", "Department or office", "text"),
    Column(
        ENABLE_COLUMN,
        "Optional rubric items to switch on, separated by ;",
        "multiselect",
        choices=_optional_items,
    ),
    Column(REVIEWER_COLUMNS[0], "Who prepared the review (printed on page 1; not scored)", "text"),
    Column(REVIEWER_COLUMNS[1], "The preparer's role or office", "text"),
    Column(REVIEWER_COLUMNS[2], "How a reader can reach the preparer (email or phone)", "text"),
)
"""The columns before the questions, as the data dictionary lists them."""

PROPOSAL_COLUMNS = tuple(c.name for c in FIXED_COLUMNS if c.name.startswith("proposal."))
REQUIRED_COLUMNS = tuple(c.name for c in FIXED_COLUMNS if c.required)


def question_columns(rubric: Rubric) -> list[tuple[str, Question]]:
    """One column per question, with the question it holds (repeats flattened for every item
    the rubric has, optional ones included)."""
    every = frozenset(i.id for i in rubric.optional_items())
    columns: list[tuple[str, Question]] = []
    for _, q in rubric.iter_questions():
        if not isinstance(q, RepeatQuestion):
            columns.append((q.id, q))
            continue
        over = rubric.question(q.over)
        for item in rubric.choices_for(over, every) if over else []:
            columns += [(f"{q.id}.{item.id}.{sub.id}", sub) for sub in q.questions]
    return columns


def sheet_columns(rubric: Rubric) -> list[str]:
    """Batch-sheet columns: proposal fields, `rubric.enable` when the rubric has optional
    items, then one per question (repeats flattened)."""
    enable = [ENABLE_COLUMN] if rubric.optional_items() else []
    questions = (name for name, _ in question_columns(rubric))
    return [*PROPOSAL_COLUMNS, *enable, *REVIEWER_COLUMNS, *questions]


def header_problems(rubric: Rubric, columns: list[str]) -> list[Problem]:
    """Columns the rubric does not know, and missing identity columns."""
    known = {*sheet_columns(rubric), ENABLE_COLUMN}
    problems = [
        Problem(f"column {name!r}", "unknown column; it is ignored (see esj-review template)")
        for name in columns
        if name and name not in known
    ]
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(Problem(f"column {name!r}", "missing; every row needs it"))
    return problems
