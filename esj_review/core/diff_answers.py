"""The answers of two reviews compared by meaning (`core.diff` puts the rest together).

Answers are matched by path (question id, and item within a repeat); between two different
rubrics, by the label a reader sees. An answer changed, added or removed; hidden by a condition
now, or shown again; a multiselect's choices in any order mean the same.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from esj_review.core.answers import Slot, answer_parts
from esj_review.core.checks import hidden_reason
from esj_review.core.conditions import MISSING
from esj_review.core.i18n import DEFAULT, use_language
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import Scorecard


@dataclass(frozen=True)
class Side:
    """One of the two reviews: where it came from, the review, its rubric and its scorecard."""

    source: str
    review: Review
    rubric: Rubric
    card: Scorecard


@dataclass(frozen=True)
class AnswerChange:
    """One answer that differs: its path, section, label, and the value before and after
    (None when there is none), each also in words."""

    path: str
    section: str
    label: str
    old: Any
    new: Any
    old_words: str
    new_words: str
    note: str = ""


@dataclass
class Answers:
    """The answers that differ between `old` and `new`, by kind, each list in rubric order."""

    old: Side
    new: Side
    by_label: bool = False  # two different rubrics: matched by label, not by id
    note: bool = False  # the rubrics or versions differ: say which side alone asks a question
    changed: list[AnswerChange] = field(default_factory=list)
    added: list[AnswerChange] = field(default_factory=list)
    removed: list[AnswerChange] = field(default_factory=list)
    hidden: list[AnswerChange] = field(default_factory=list)
    shown: list[AnswerChange] = field(default_factory=list)


def question_ids(rubric: Rubric) -> list[str]:
    """Every question of a rubric by id; a repeat's own questions as `repeat.*.question`."""
    ids = []
    for _, q in rubric.iter_questions():
        ids.append(q.id)
        ids.extend(f"{q.id}.*.{child.id}" for child in q.children())
    return ids


def question_labels(rubric: Rubric) -> list[str]:
    """Every question of a rubric as a reader names it (label or prompt)."""
    labels = []
    for _, q in rubric.iter_questions():
        labels.append(q.label or q.prompt)
        labels.extend(f"{q.label or q.prompt} / {c.label or c.prompt}" for c in q.children())
    return labels


def _slots(s: Side, by_label: bool = False) -> dict[str, Slot]:
    """The answerable slots by path; or, between two different rubrics, by the label a reader
    sees (letter case and spacing aside), a label two questions share falling back to the
    path."""
    slots = [
        slot for slot in s.review.slots(s.rubric) if not isinstance(slot.question, RepeatQuestion)
    ]
    if not by_label:
        return {slot.path: slot for slot in slots}
    keys = [" ".join(slot_label(s.rubric, s.review, slot).casefold().split()) for slot in slots]
    count = Counter(keys)
    return {
        key if count[key] == 1 else f"{key} ({slot.path})": slot
        for key, slot in zip(keys, slots, strict=True)
    }


def merged_order(old: list[str], new: list[str]) -> list[str]:
    """The new review's order, with paths only the old one has placed after their old
    predecessor."""
    order = list(new)
    known = set(order)
    for i, path in enumerate(old):
        if path in known:
            continue
        before = next((p for p in reversed(old[:i]) if p in known), None)
        order.insert(order.index(before) + 1 if before is not None else 0, path)
        known.add(path)
    return order


def _state(slot: Slot | None) -> str:
    if slot is None:
        return "absent"
    if not slot.visible:
        return "hidden"
    return "answered" if slot.answered else "blank"


def _why_hidden(slot: Slot, slots: dict[str, Slot]) -> str:
    """Why a question is hidden: a repeat item not chosen before its own condition."""
    if slot.parent is not None and slot.item is not None:
        prefix = f"{slot.parent.id}.{slot.item}."
        if not any(s.visible for p, s in slots.items() if p.startswith(prefix)):
            return f"{slot.item!r} is not chosen in {slot.parent.over!r}"
    with use_language(DEFAULT):  # the diff is data (diff -f json): its notes stay English
        return hidden_reason(slot)


def compare_answers(old_side: Side, new_side: Side, by_label: bool, note: bool) -> Answers:
    """The answers that differ, matched by path or (`by_label`) by label; with `note`, an answer
    the other rubric does not ask says so."""
    diff = Answers(old_side, new_side, by_label, note)
    old, new = _slots(diff.old, diff.by_label), _slots(diff.new, diff.by_label)
    for key in merged_order(list(old), list(new)):
        a, b = old.get(key), new.get(key)
        either = b if b is not None else a
        assert either is not None
        path = either.path
        sa, sb = _state(a), _state(b)
        if sa == "answered" and sb == "answered":
            assert a is not None and b is not None
            if not same_answer(a, b):
                diff.changed.append(_change(diff, path, a, b))
        elif sa == "answered":
            assert a is not None
            if sb == "hidden" and b is not None:
                diff.hidden.append(_change(diff, path, a, b, note=_why_hidden(b, new)))
            else:
                why = _only(diff, path, "old", key in new)
                diff.removed.append(_change(diff, path, a, b, note=why))
        elif sb == "answered":
            assert b is not None
            kept = _kept(diff.old.review, a.path if a is not None else path, a)
            if sa == "hidden" and kept is not MISSING and _equal(b, kept, b.value):
                diff.shown.append(_change(diff, path, a, b, note="shown again"))
            else:
                why = _only(diff, path, "new", key in old)
                diff.added.append(_change(diff, path, a, b, note=why))
    return diff


def _kept(review: Review, path: str, slot: Slot | None) -> Any:
    """A hidden answer as the review keeps it: in its answers, or set aside."""
    if slot is not None and slot.value is not MISSING:
        return slot.value
    node: Any = review.set_aside
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def _only(diff: Answers, path: str, which: str, other_has: bool) -> str:
    """A note when the other review's rubric does not ask this question at all (between two
    different rubrics: has no question of this label)."""
    if not diff.note:
        return ""
    if diff.by_label:
        rubric = diff.old.rubric if which == "old" else diff.new.rubric
        return "" if other_has else f"only in {rubric.id} {rubric.version}"
    parts = path.split(".")
    qid = f"{parts[0]}.*.{parts[2]}" if len(parts) == 3 else path
    rubric = diff.old.rubric if which == "old" else diff.new.rubric
    other = diff.new.rubric if which == "old" else diff.old.rubric
    if qid in question_ids(other):
        return ""
    return f"only in {rubric.id} {rubric.version}"


def same_answer(a: Slot, b: Slot) -> bool:
    """Whether two answers mean the same: a multiselect's choices in any order."""
    return _equal(b, a.value, b.value)


def _equal(slot: Slot, x: Any, y: Any) -> bool:
    if isinstance(x, bool) is not isinstance(y, bool):
        return False
    if kind_of(slot.question).multi_valued and isinstance(x, list) and isinstance(y, list):
        return sorted(map(_canonical, x)) == sorted(map(_canonical, y))
    return bool(x == y) if not isinstance(x, list | dict) else _canonical(x) == _canonical(y)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _change(
    diff: Answers, path: str, a: Slot | None, b: Slot | None, note: str = ""
) -> AnswerChange:
    slot = b or a
    assert slot is not None
    rubric = diff.new.rubric if b is not None else diff.old.rubric
    review = diff.new.review if b is not None else diff.old.review
    old = MISSING if a is None else a.value
    if a is not None and not a.visible:
        old = _kept(diff.old.review, a.path, a)
    new = MISSING if b is None else b.value
    return AnswerChange(
        path=path,
        section=slot.section.title,
        label=slot_label(rubric, review, slot),
        old=None if old is MISSING else old,
        new=None if new is MISSING else new,
        old_words=_words(diff.old, a, old),
        new_words=_words(diff.new, b, new),
        note=note,
    )


def slot_label(rubric: Rubric, review: Review, slot: Slot) -> str:
    """A question as a reader names it: its label or prompt; in a repeat, the item first."""
    own = slot.question.label or slot.question.prompt
    if slot.parent is None or slot.item is None:
        return own
    return f"{rubric.item_label(slot.parent, slot.item, review.enabled)}: {own}"


def _words(s: Side, slot: Slot | None, value: Any) -> str:
    if slot is None or value is MISSING:
        return ""
    return "; ".join(answer_parts(s.rubric, slot.question, value, s.review.enabled))
