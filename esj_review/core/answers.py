"""Walk a rubric with a set of answers: which questions are shown, and what they hold.

The walk goes in interview order and uses only the answers of questions that are shown, so an
answer hidden by a condition can never switch another question on. Validation, scoring and the
interview all use this one walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from esj_review.core.conditions import MISSING, evaluate, is_answered
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Question, Rubric, Section


@dataclass(frozen=True, slots=True)
class Slot:
    """One question as it stands in one review (a repeated question gives one slot per item)."""

    path: str  # `engagement_level` or `determinant_impacts.transportation.direction`
    section: Section
    question: Question
    value: Any  # MISSING when unanswered
    visible: bool
    parent: RepeatQuestion | None = None  # the repeat question, for a repeated question
    item: str | None = None  # the repeat item's id (a determinant id, say)

    @property
    def answered(self) -> bool:
        """True when the slot holds an answer that counts."""
        return is_answered(self.value)


PROPOSAL_FIELDS = ("proposal.kind", "proposal.department")
"""Proposal fields a condition may name."""


def proposal_values(proposal: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal fields conditions can test, as answers: blank or absent is MISSING."""
    values: dict[str, Any] = {}
    for name in PROPOSAL_FIELDS:
        value = proposal.get(name.split(".", 1)[1])
        values[name] = value if is_answered(value) else MISSING
    return values


def walk(
    rubric: Rubric,
    answers: Mapping[str, Any],
    proposal: Mapping[str, Any] | None = None,
    enabled: frozenset[str] = frozenset(),
) -> list[Slot]:
    """Every question slot of a review, in interview order, with its visibility."""
    shown: dict[str, Any] = proposal_values(proposal or {})
    slots: list[Slot] = []

    def top(qid: str) -> Any:
        return shown.get(qid, MISSING)

    for section in rubric.sections:
        section_shown = evaluate(section.when, top)
        for q in section.questions:
            value = answers.get(q.id, MISSING)
            visible = section_shown and evaluate(q.when, top)
            slot = Slot(q.id, section, q, value, visible)
            slots.append(slot)
            if not isinstance(q, RepeatQuestion):
                if visible:
                    shown[q.id] = value
                continue
            items = _repeat_slots(rubric, section, q, value, visible, top, enabled)
            slots.extend(items)
            if visible:
                shown.update(shown_answers([slot, *items]))
    return slots


def shown_answers(slots: list[Slot]) -> dict[str, Any]:
    """The shown top-level answers, as conditions see them. A repeat's answer is its shown
    items with their shown answers, never the mapping as written: an item not chosen (or not a
    choice at all) is hidden, and a hidden answer must never switch a question on."""
    values: dict[str, Any] = {}
    for s in slots:
        if not s.visible:
            continue
        if s.parent is None:
            values[s.path] = {} if isinstance(s.question, RepeatQuestion) else s.value
        elif s.item is not None and s.answered:
            values.setdefault(s.parent.id, {}).setdefault(s.item, {})[s.question.id] = s.value
    return values


def _repeat_slots(
    rubric: Rubric,
    section: Section,
    rep: RepeatQuestion,
    value: Any,
    visible: bool,
    top: Any,
    enabled: frozenset[str],
) -> list[Slot]:
    over = top(rep.over) if visible else MISSING
    chosen = [v for v in over if isinstance(v, str)] if isinstance(over, list) else []
    over_q = rubric.question(rep.over)
    valid = {c.id for c in rubric.choices_for(over_q, enabled)} if over_q else set()
    stored = value if isinstance(value, dict) else {}
    keys = [k for k in chosen if k in valid] + [k for k in stored if k not in chosen]
    sub_ids = {s.id for s in rep.questions}
    slots = []
    for key in keys:
        item_visible = visible and key in chosen and key in valid
        item = stored.get(key)
        item_answers = item if isinstance(item, dict) else {}
        local: dict[str, Any] = {}

        def lookup(qid: str, local: dict[str, Any] = local) -> Any:
            return local.get(qid, MISSING) if qid in sub_ids else top(qid)

        for sub in rep.questions:
            sub_value = item_answers.get(sub.id, MISSING)
            sub_visible = item_visible and evaluate(sub.when, lookup)
            if sub_visible:
                local[sub.id] = sub_value
            path = f"{rep.id}.{key}.{sub.id}"
            slots.append(Slot(path, section, sub, sub_value, sub_visible, rep, key))
    return slots


def item_lookup(slots: list[Slot], rep_id: str, item: str) -> dict[str, Any]:
    """The shown answers of one repeat item, keyed by sub-question id."""
    return item_answers(slots).get((rep_id, item), {})


def item_answers(slots: list[Slot]) -> dict[tuple[str, str], dict[str, Any]]:
    """The shown answers of every repeat item, by (repeat id, item id), in one pass."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for s in slots:
        if s.parent is not None and s.item is not None and s.visible:
            found.setdefault((s.parent.id, s.item), {})[s.question.id] = s.value
    return found


def answer_parts(rubric: Rubric, q: Question, value: Any, enabled: frozenset[str]) -> list[str]:
    """An answer as a reader sees it: choice labels, Yes/No, numbers with separators."""
    if not is_answered(value):
        return []
    return kind_of(q).display(rubric, q, value, enabled)


def plain_answer(value: Any) -> str:
    """A stored answer as one line of plain text (ids, not labels), for the ledger."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def impact_items(rubric: Rubric, review: Any, slots: list[Slot]) -> list[dict[str, Any]]:
    """One entry per shown repeat item: its label and answers by sub-question id."""
    enabled = review.enabled
    spec = rubric.report.impacts
    if spec is None:
        return []
    items: dict[str, dict[str, Any]] = {}
    for slot in slots:
        if slot.parent is None or slot.parent.id != spec.repeat or slot.item is None:
            continue
        if not slot.visible:
            continue
        entry = items.setdefault(
            slot.item,
            {
                "id": slot.item,
                "label": rubric.item_label(slot.parent, slot.item, enabled),
                "answers": {},
                "questions": {},
            },
        )
        entry["answers"][slot.question.id] = slot.value
        entry["questions"][slot.question.id] = slot.question
    for entry in items.values():
        entry["direction"] = entry["answers"].get(spec.direction, MISSING)
        entry["benefit"] = entry["direction"] in spec.benefit_values
        entry["burden"] = entry["direction"] in spec.burden_values
    return list(items.values())
