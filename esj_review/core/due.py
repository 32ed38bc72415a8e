"""Commitments as they stand in a review (what, owner, due date, status), found from the
answers the rubric's `commitments` name; what is open and when it comes due; and the rubric
lint's checks of those declarations."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from esj_review.core.answers import Slot, answer_parts, shown_answers
from esj_review.core.commitments import CLOSED, STATUS_WORDS, STATUSES, Commitment, CommitmentSpec
from esj_review.core.conditions import MISSING, evaluate, is_answered
from esj_review.core.errors import Problem
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.select import ChoiceQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import Question, Rubric


def commitments(
    rubric: Rubric, review: Review, slots: list[Slot] | None = None
) -> list[Commitment]:
    """Every commitment the review makes, open or not, in the rubric's order (a per-item
    declaration in the order of its items). `slots`: the review's walk, when already made."""
    if not rubric.commitments:
        return []
    slots = review.slots(rubric) if slots is None else slots
    top = shown_answers(slots)
    found: list[Commitment] = []
    for spec in rubric.commitments:
        parts = _Parts.of(rubric, spec)  # once per declaration, not once per item
        if parts.rep is None:
            found += _one(rubric, review, spec, parts, top, None, {})
            continue
        items = [
            s.item for s in slots if s.parent is parts.rep and s.item is not None and s.visible
        ]
        local_by_item = top.get(parts.rep.id, {})
        for item in dict.fromkeys(items):
            found += _one(rubric, review, spec, parts, top, item, local_by_item.get(item, {}))
    return found


@dataclass(frozen=True)
class _Parts:
    """A declaration's references resolved against the rubric: its repeat (if any), the ids
    asked inside it, and each part's question id and question."""

    rep: RepeatQuestion | None
    subs: frozenset[str]
    refs: dict[str, str]
    ids: dict[str, str]
    questions: dict[str, Question | None]

    @classmethod
    def of(cls, rubric: Rubric, spec: CommitmentSpec) -> _Parts:
        rep = rubric.question(spec.repeat() or "")
        rep = rep if isinstance(rep, RepeatQuestion) else None
        refs = spec.refs()
        return cls(
            rep,
            frozenset(s.id for s in rep.questions) if rep else frozenset(),
            refs,
            {part: ref.split(".", 1)[-1] for part, ref in refs.items()},
            {part: _question(rubric, ref) for part, ref in refs.items()},
        )


def _one(
    rubric: Rubric,
    review: Review,
    spec: CommitmentSpec,
    parts: _Parts,
    top: dict[str, Any],
    item: str | None,
    local: dict[str, Any],
) -> list[Commitment]:
    """The commitment one declaration makes for one repeat item (or the whole review)."""
    rep, subs, questions = parts.rep, parts.subs, parts.questions

    def lookup(qid: str) -> Any:
        return local.get(qid, MISSING) if qid in subs else top.get(qid, MISSING)

    values: dict[str, Any] = {}
    paths: dict[str, str] = {}
    for part, ref in parts.refs.items():
        qid = parts.ids[part]
        values[part] = lookup(qid)
        paths[part] = f"{rep.id}.{item}.{qid}" if "." in ref and rep and item else ref
    if not (is_answered(values.get("what", MISSING)) or is_answered(values.get("due", MISSING))):
        return []
    if not evaluate(spec.when, lookup):
        return []

    def words(part: str) -> str:
        q = questions.get(part)
        value = values.get(part, MISSING)
        return ", ".join(answer_parts(rubric, q, value, review.enabled)) if q else ""

    status = values.get("status")
    status = status if status in STATUSES else "open"
    status_q = questions.get("status")
    labels = {c.id: c.label for c in rubric.choices_for(status_q)} if status_q else {}
    item_label = ""
    if rep is not None and item is not None:
        item_label = rubric.item_label(rep, item, review.enabled)
    return [
        Commitment(
            id=f"{spec.id}.{item}" if item else spec.id,
            kind=spec.label,
            item=item_label,
            what=words("what") or spec.label,
            owner=words("owner"),
            due=as_date(values.get("due")),
            status=status,
            status_label=labels.get(status, STATUS_WORDS[status]),
            paths={part: path for part, path in paths.items() if is_answered(values[part])},
        )
    ]


def as_date(value: Any) -> dt.date | None:
    """A date answer (`2027-06-30`, or a date a YAML loader made) as a date; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _question(rubric: Rubric, ref: str) -> Question | None:
    """The question a reference names: `metrics`, or `determinant_impacts.mitigation`."""
    head, _, sub = ref.partition(".")
    q = rubric.question(head)
    if not sub:
        return None if isinstance(q, RepeatQuestion) else q
    if not isinstance(q, RepeatQuestion):
        return None
    return next((s for s in q.questions if s.id == sub), None)


# --- what is open and when it comes due -----------------------------------------------------


def due_before(c: Commitment, before: dt.date) -> bool:
    """Dated, and due strictly before `before` (an undated commitment never is)."""
    return c.due is not None and c.due < before


def owner_key(text: str) -> str:
    """An owner as it is matched: case folded, runs of whitespace as one space."""
    return " ".join(text.split()).casefold()


def owned_by(c: Commitment, owner: str) -> bool:
    """Its owner contains `owner` (any case, whitespace collapsed)."""
    return owner_key(owner) in owner_key(c.owner)


def due_order(c: Commitment) -> tuple[bool, dt.date]:
    """Sort key: by due date, undated last."""
    return (c.due is None, c.due or dt.date.max)


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (30 Nov + 3 months = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


# --- the rubric lint's checks ---------------------------------------------------------------

ConditionCheck = Callable[[Rubric, Any, str, dict[str, Question], Any], bool]


def check_commitments(
    rubric: Rubric, add: Callable[[Problem], None], check: ConditionCheck
) -> None:
    """What `commitments` names must exist: questions (or `repeat.question`), a date question
    for `due`, a status question whose choices are among STATUSES, one repeat at most; its
    `when` is checked like a question's (`check`, the lint's condition check)."""
    for dup, n in Counter(spec.id for spec in rubric.commitments).items():
        if n > 1:
            add(Problem("commitments", f"duplicate id {dup!r}"))
    top = {q.id: q for _, q in rubric.iter_questions()}
    for spec in rubric.commitments:
        path = f"commitments.{spec.id}"
        repeats = {ref.split(".", 1)[0] for ref in spec.refs().values() if "." in ref}
        if len(repeats) > 1:
            named = ", ".join(sorted(repeats))
            add(Problem(path, f"names questions of different repeats ({named})"))
        for part, ref in spec.refs().items():
            q = _question(rubric, ref)
            if q is None:
                add(Problem(f"{path}.{part}", f"names unknown question {ref!r}"))
            elif part == "due" and q.type != "date":
                add(Problem(f"{path}.due", f"{ref!r} is not a date question"))
            elif part == "status":
                _check_status(rubric, q, ref, f"{path}.status", add)
        scope = dict(top)
        rep = top.get(next(iter(repeats), ""))
        if isinstance(rep, RepeatQuestion):
            scope.update({s.id: s for s in rep.questions})
        if spec.when is not None:
            check(rubric, spec.when, f"{path}.when", scope, add)


def _check_status(
    rubric: Rubric, q: Question, ref: str, path: str, add: Callable[[Problem], None]
) -> None:
    ids = [c.id for c in rubric.choices_for(q)] if isinstance(q, ChoiceQuestion) else []
    wrong = [i for i in ids if i not in STATUSES]
    if q.type != "select" or not ids or wrong or not CLOSED & set(ids):
        add(
            Problem(
                path,
                f"{ref!r} must be a select question whose choices are among "
                f"{', '.join(STATUSES)}, with done or dropped"
                + (f" (not {', '.join(map(repr, wrong))})" if wrong else ""),
            )
        )
