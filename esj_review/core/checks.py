"""A review checked against its rubric: every answer's value, unknown ids, hidden answers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esj_review.core.answers import Slot
from esj_review.core.conditions import MISSING, describe
from esj_review.core.errors import InputFileError, Problem, RubricNotFound, ValidationFailed
from esj_review.core.i18n import ui, ui_ngettext
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.base import brief
from esj_review.core.qtypes.number import MAX_MAGNITUDE, bound_message
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review, load_review, parse_review
from esj_review.core.rubric import Question, Rubric
from esj_review.core.rubrics import load_rubric, shipped_rubrics
from esj_review.core.text import one_line


def key_text(key: object) -> str:
    """A key from the input as a field path shows it: short, hidden characters made visible
    (a key can hold a terminal escape, or be 10,000 characters long)."""
    return one_line(key, 60)


@dataclass(frozen=True)
class Checked:
    """A review with its rubric, its slots (one walk, reused for scoring) and its problems."""

    source: str
    review: Review
    rubric: Rubric
    slots: list[Slot]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the review invalid."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that do not (answers hidden by a condition)."""
        return [p for p in self.problems if p.severity != "error"]


def check_input(
    review: Path | dict[str, Any] | Review,
    source: Path | str | None = None,
    rubric: Rubric | str | None = None,
) -> Checked:
    """Load a review file (or parse review data), resolve its rubric, and check it.

    `source` names the input in messages (default: the file). `rubric`: None for the rubric
    the review names, a reference to check it against another (`--rubric`), or a Rubric to
    use as it is (a batch sheet's). Raises for a file that cannot be read or parsed and for a
    rubric that does not fit; returns every other problem.
    """
    where = str(source if source is not None else review if isinstance(review, Path) else "")
    if isinstance(review, Path):
        review = load_review(review)
    elif not isinstance(review, Review):
        review = parse_review(review, where)
    if not isinstance(rubric, Rubric):
        rubric = rubric_for(review, where, rubric)
    slots = review.slots(rubric)
    return Checked(where, review, rubric, slots, check_review(rubric, review, slots))


def load_checked(
    review: Path | dict[str, Any] | Review,
    source: Path | str | None = None,
    rubric: Rubric | str | None = None,
) -> tuple[Review, Rubric, list[Problem]]:
    """`check_input` for a review that must be valid: raises ValidationFailed with every
    error; returns the review, its rubric and the warnings."""
    checked = check_input(review, source, rubric)
    if checked.errors:
        raise ValidationFailed(checked.source, checked.errors)
    return checked.review, checked.rubric, checked.warnings


def rubric_for(review: Review, source: Path | str, override: str | None = None) -> Rubric:
    """The rubric a review names, at the version it names; a problem at `rubric.*` when it is
    unknown or mismatched. A review names a rubric by id only, never by a path: another rubric
    file comes from the command line (`override`)."""
    if override is None:
        if review.rubric.id not in shipped_rubrics():
            known = ", ".join(shipped_rubrics()) or "none"
            raise InputFileError(
                source,
                f"no rubric named {brief(review.rubric.id)} (shipped rubrics: {known}; "
                "use --rubric FILE for another rubric)",
                "rubric.id",
            )
        try:
            return load_rubric(f"{review.rubric.id}@{review.rubric.version}")
        except RubricNotFound as exc:
            raise InputFileError(source, exc.message, "rubric.version") from None
    try:
        rubric = load_rubric(override)
    except RubricNotFound as exc:
        raise InputFileError(source, exc.message, "rubric.id") from None
    if rubric.id != review.rubric.id:
        raise InputFileError(
            source, f"written for rubric {brief(review.rubric.id)}, not {rubric.id!r}", "rubric.id"
        )
    if rubric.version != review.rubric.version:
        raise InputFileError(
            source,
            f"written for {rubric.id} version {one_line(review.rubric.version, 40)}; "
            f"this rubric file has version {rubric.version}",
            "rubric.version",
        )
    return rubric


def check_value(rubric: Rubric, q: Question, value: Any, enabled: frozenset[str]) -> str | None:
    """Why `value` is not a valid answer to `q`, or None. The interview uses this too."""
    if value is None:
        return None
    return kind_of(q).check(rubric, q, value, enabled)


def check_review(rubric: Rubric, review: Review, slots: list[Slot] | None = None) -> list[Problem]:
    """Every problem of a review against its rubric: errors first, then warnings."""
    problems: list[Problem] = []
    optional = {i.id for i in rubric.optional_items()}
    for item in review.rubric.enable:
        if item not in optional:
            not_optional = ui("%(item)s is not an optional rubric item") % {"item": brief(item)}
            problems.append(Problem("rubric.enable", not_optional))
    kinds = [c.id for c in rubric.proposal_kinds]
    if review.proposal.kind is not None and review.proposal.kind not in kinds:
        not_kind = ui("%(kind)s is not one of: %(kinds)s")
        not_kind %= {"kind": brief(review.proposal.kind), "kinds": ", ".join(kinds)}
        problems.append(Problem("proposal.kind", not_kind))
    known = {q.id for _, q in rubric.iter_questions()}
    unknown = [qid for qid in review.answers if qid not in known]
    if len(unknown) > 5 and len(unknown) * 2 > len(review.answers):
        other = ui_ngettext(
            "%(unknown)d of %(count)d answer is not a question of rubric %(rubric)s "
            "%(version)s (first: %(first)s); was this review written for another rubric?",
            "%(unknown)d of %(count)d answers are not questions of rubric %(rubric)s "
            "%(version)s (first: %(first)s); was this review written for another rubric?",
            len(review.answers),  # more than 5: the plural in English
        )
        other %= {
            "unknown": len(unknown),
            "count": len(review.answers),
            "rubric": rubric.id,
            "version": rubric.version,
            "first": brief(unknown[0]),
        }
        problems.append(Problem("answers", other))
    else:
        problems += [
            Problem(f"answers.{key_text(q)}", ui("unknown question id for this rubric"))
            for q in unknown
        ]
    items = _item_choices(rubric, review)
    for slot in review.slots(rubric) if slots is None else slots:
        problems.extend(_check_slot(rubric, review, slot, items))
    problems.extend(_check_aside(rubric, review))
    return sorted(problems, key=lambda p: p.severity != "error")


def _item_choices(rubric: Rubric, review: Review) -> dict[str, set[str]]:
    """The item ids each repeat question accepts: the choices of the question it repeats over."""
    found = {}
    for _, q in rubric.iter_questions():
        if isinstance(q, RepeatQuestion):
            over = rubric.question(q.over)
            found[q.id] = (
                {c.id for c in rubric.choices_for(over, review.enabled)} if over else set()
            )
    return found


def _check_slot(
    rubric: Rubric, review: Review, slot: Slot, items: dict[str, set[str]]
) -> list[Problem]:
    if slot.value is MISSING:
        return []
    path = f"answers.{slot.path}"
    if slot.parent is not None and slot.item is not None:  # the item id is the input's
        path = f"answers.{slot.parent.id}.{key_text(slot.item)}.{slot.question.id}"
    out = []
    message = check_value(rubric, slot.question, slot.value, review.enabled)
    if message:
        out.append(Problem(path, message))
    rep = slot.question
    if isinstance(rep, RepeatQuestion) and isinstance(slot.value, dict):
        subs = {s.id for s in rep.questions}
        valid = items[rep.id]
        for key, item in slot.value.items():
            where = f"{path}.{key_text(key)}"
            if key not in valid:  # one problem, whatever the unknown item holds
                not_chosen = ui("is not a choice of %(question)s") % {"question": repr(rep.over)}
                out.append(Problem(where, not_chosen))
                continue
            if not isinstance(item, dict):
                out.append(Problem(where, ui("expected a mapping of question id to answer")))
                continue
            out.extend(
                Problem(f"{where}.{key_text(sub)}", ui("unknown question id for this rubric"))
                for sub in item
                if sub not in subs
            )
    if not slot.visible and slot.answered and not message:
        hidden = ui("is answered but hidden (%(why)s), so it does not score")
        out.append(Problem(path, hidden % {"why": hidden_reason(slot)}, "warning"))
    return out


def _check_aside(rubric: Rubric, review: Review) -> list[Problem]:
    """Answers kept aside must look like answers: `question: answer`, or for a repeat
    `repeat: {item: {question: answer}}`. They never score, but they are kept, saved and
    attached to the report, so they are held to the same limits as answers."""
    repeats = {q.id for _, q in rubric.iter_questions() if isinstance(q, RepeatQuestion)}
    out: list[Problem] = []
    for qid, value in review.set_aside.items():
        path = f"set_aside.{key_text(qid)}"
        if qid in repeats and isinstance(value, dict):
            for item, answers in value.items():
                where = f"{path}.{key_text(item)}"
                if not isinstance(answers, dict):
                    out.append(Problem(where, ui("expected a mapping of question id to answer")))
                    continue
                for sub, answer in answers.items():
                    message = _aside_answer(answer)
                    if message:
                        out.append(Problem(f"{where}.{key_text(sub)}", message))
            continue
        message = _aside_answer(value)
        if message:
            out.append(Problem(path, message))
    return out


def _aside_answer(value: Any) -> str | None:
    """Why a value kept aside is not an answer of any type, or None."""
    for part in value if isinstance(value, list) else [value]:
        if isinstance(part, dict | list):
            return ui("expected an answer (text, a number, yes or no, or a list)")
        if isinstance(part, float) and not math.isfinite(part):
            return ui("expected a finite number")
        if isinstance(part, int | float) and not -MAX_MAGNITUDE <= part <= MAX_MAGNITUDE:
            return bound_message()
    return None


def hidden_reason(slot: Slot) -> str:
    """Why a question is not shown for this review, in words."""
    if slot.parent is not None and slot.question.when is None:
        not_chosen = ui("%(item)s is not chosen in %(question)s")
        return not_chosen % {"item": brief(slot.item), "question": repr(slot.parent.over)}
    cond = slot.question.when or slot.section.when
    if cond is None:
        return ui("its section is not shown")
    return ui("shown only when %(condition)s") % {"condition": describe(cond)}
