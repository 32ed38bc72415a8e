"""Two reviews compared by meaning: what the answers say, not how the files are written.

Pure: `compare(old, new)` takes each review with the rubric it names and gives a `ReviewDiff`:
the answers changed, added and removed (in rubric order), answers a condition now hides or
shows again, the proposal fields, and how the scorecard moved (score, band, confidence,
flags, completeness, gaps and the ledger). Formatting, key order, comments, the order of a
multiselect's choices and the metadata (timestamps, tool version) never count. Two reviews
under different rubrics or versions are compared by question id.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from esj_review.core.answers import Slot, answer_parts
from esj_review.core.checks import hidden_reason
from esj_review.core.conditions import MISSING
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import Flag, Gap, Scorecard
from esj_review.core.scoring import score


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


@dataclass(frozen=True)
class FieldChange:
    """A proposal field (or the reviewer, or the optional rubric parts) before and after."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class LedgerMove:
    """A ledger entry whose points moved (None: not in that scorecard's ledger)."""

    component: str
    question: str
    before: float | None
    after: float | None


@dataclass
class ReviewDiff:
    """Everything that differs in meaning between two reviews."""

    old: Side
    new: Side
    rubrics: str = ""  # one line when the rubrics (or versions) differ
    only_old: list[str] = field(default_factory=list)  # questions only the old rubric asks
    only_new: list[str] = field(default_factory=list)
    changed: list[AnswerChange] = field(default_factory=list)
    added: list[AnswerChange] = field(default_factory=list)
    removed: list[AnswerChange] = field(default_factory=list)
    hidden: list[AnswerChange] = field(default_factory=list)  # answered, now hidden
    shown: list[AnswerChange] = field(default_factory=list)  # hidden, now shown again
    fields: list[FieldChange] = field(default_factory=list)
    flags_raised: list[Flag] = field(default_factory=list)
    flags_cleared: list[Flag] = field(default_factory=list)
    gaps_opened: list[Gap] = field(default_factory=list)
    gaps_closed: list[Gap] = field(default_factory=list)
    ledger: list[LedgerMove] = field(default_factory=list)

    @property
    def answers_differ(self) -> bool:
        lists = (self.changed, self.added, self.removed, self.hidden, self.shown, self.fields)
        return any(lists)

    @property
    def score_differs(self) -> bool:
        a, b = self.old.card, self.new.card
        return (
            a.score != b.score
            or _band_id(a) != _band_id(b)
            or _confidence_id(a) != _confidence_id(b)
            or a.completeness != b.completeness
            or bool(self.flags_raised or self.flags_cleared or self.gaps_opened)
            or bool(self.gaps_closed or self.ledger)
        )

    @property
    def same_meaning(self) -> bool:
        return not (self.rubrics or self.answers_differ or self.score_differs)

    def as_json(self) -> dict[str, Any]:
        """A stable structure for machines (`esj-review diff --format json`)."""
        a, b = self.old.card, self.new.card
        return {
            "format": "esj-review-diff/1",
            "same_meaning": self.same_meaning,
            "old": _side_json(self.old),
            "new": _side_json(self.new),
            "rubrics_differ": self.rubrics or None,
            "only_in_old_rubric": self.only_old,
            "only_in_new_rubric": self.only_new,
            "changed": [asdict(c) for c in self.changed],
            "added": [asdict(c) for c in self.added],
            "removed": [asdict(c) for c in self.removed],
            "hidden": [asdict(c) for c in self.hidden],
            "shown": [asdict(c) for c in self.shown],
            "fields": [asdict(f) for f in self.fields],
            "score": {"before": a.score, "after": b.score},
            "band": {
                "before": a.band.model_dump() if a.band else None,
                "after": b.band.model_dump() if b.band else None,
            },
            "confidence": {
                "before": a.confidence.model_dump() if a.confidence else None,
                "after": b.confidence.model_dump() if b.confidence else None,
            },
            "flags": {
                "before": [_flag_key(f) for f in a.flags],
                "after": [_flag_key(f) for f in b.flags],
                "raised": [f.model_dump() for f in self.flags_raised],
                "cleared": [f.model_dump() for f in self.flags_cleared],
            },
            "completeness": {"before": a.completeness, "after": b.completeness},
            "gaps": {
                "before": [g.question for g in a.gaps],
                "after": [g.question for g in b.gaps],
                "opened": [g.question for g in self.gaps_opened],
                "closed": [g.question for g in self.gaps_closed],
            },
            "ledger": [asdict(m) for m in self.ledger],
        }


def side(source: str, review: Review, rubric: Rubric) -> Side:
    """A review ready to compare: scored under its rubric."""
    return Side(source, review, rubric, score(rubric, review))


def compare(old: Side, new: Side) -> ReviewDiff:
    """What differs in meaning between two reviews."""
    diff = ReviewDiff(old, new)
    a, b = old.rubric, new.rubric
    if (a.id, a.version) != (b.id, b.version):
        if a.id == b.id:
            what = f"Rubric versions differ: {a.id} {a.version} -> {b.version}"
        else:
            what = f"Rubrics differ: {a.id} {a.version} -> {b.id} {b.version}"
        diff.rubrics = f"{what}; compared by question id."
        ids_a, ids_b = question_ids(a), question_ids(b)
        diff.only_old = [q for q in ids_a if q not in ids_b]
        diff.only_new = [q for q in ids_b if q not in ids_a]
    _answers(diff)
    diff.fields = _fields(old, new)
    _scorecards(diff)
    return diff


def question_ids(rubric: Rubric) -> list[str]:
    """Every question of a rubric by id; a repeat's own questions as `repeat.*.question`."""
    ids = []
    for _, q in rubric.iter_questions():
        ids.append(q.id)
        ids.extend(f"{q.id}.*.{child.id}" for child in q.children())
    return ids


# --- answers -------------------------------------------------------------------------------


def _slots(s: Side) -> dict[str, Slot]:
    return {
        slot.path: slot
        for slot in s.review.slots(s.rubric)
        if not isinstance(slot.question, RepeatQuestion)
    }


def _merged_order(old: list[str], new: list[str]) -> list[str]:
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
    return hidden_reason(slot)


def _answers(diff: ReviewDiff) -> None:
    old, new = _slots(diff.old), _slots(diff.new)
    for path in _merged_order(list(old), list(new)):
        a, b = old.get(path), new.get(path)
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
                diff.removed.append(_change(diff, path, a, b, note=_only(diff, path, "old")))
        elif sb == "answered":
            assert b is not None
            kept = _kept(diff.old.review, path, a)
            if sa == "hidden" and kept is not MISSING and _equal(b, kept, b.value):
                diff.shown.append(_change(diff, path, a, b, note="shown again"))
            else:
                diff.added.append(_change(diff, path, a, b, note=_only(diff, path, "new")))


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


def _only(diff: ReviewDiff, path: str, which: str) -> str:
    """A note when the other review's rubric does not ask this question at all."""
    if not diff.rubrics:
        return ""
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
    diff: ReviewDiff, path: str, a: Slot | None, b: Slot | None, note: str = ""
) -> AnswerChange:
    slot = b or a
    assert slot is not None
    rubric = diff.new.rubric if b is not None else diff.old.rubric
    review = diff.new.review if b is not None else diff.old.review
    old = MISSING if a is None else a.value
    if a is not None and not a.visible:
        old = _kept(diff.old.review, path, a)
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


# --- the proposal and the scorecard ----------------------------------------------------------


def _fields(old: Side, new: Side) -> list[FieldChange]:
    def values(s: Side) -> dict[str, Any]:
        review = s.review
        reviewer = review.meta.reviewer
        return {
            "proposal.id": review.proposal.id,
            "proposal.title": review.proposal.title,
            "proposal.kind": _kind_label(s, review.proposal.kind),
            "proposal.department": review.proposal.department,
            "rubric.enable": sorted(review.rubric.enable),
            "meta.reviewer.name": reviewer.name if reviewer else None,
            "meta.reviewer.role": reviewer.role if reviewer else None,
            "meta.reviewer.contact": reviewer.contact if reviewer else None,
        }

    a, b = values(old), values(new)
    return [FieldChange(name, a[name], b[name]) for name in a if a[name] != b[name]]


def _kind_label(s: Side, kind: str | None) -> str | None:
    return next((c.label for c in s.rubric.proposal_kinds if c.id == kind), kind)


def _band_id(card: Scorecard) -> str | None:
    return card.band.id if card.band else None


def _confidence_id(card: Scorecard) -> str | None:
    return card.confidence.id if card.confidence else None


def _flag_key(flag: Flag) -> str:
    return f"{flag.id}:{flag.item}" if flag.item else flag.id


def _scorecards(diff: ReviewDiff) -> None:
    a, b = diff.old.card, diff.new.card
    before = {_flag_key(f) for f in a.flags}
    after = {_flag_key(f) for f in b.flags}
    diff.flags_raised = [f for f in b.flags if _flag_key(f) not in before]
    diff.flags_cleared = [f for f in a.flags if _flag_key(f) not in after]
    gaps_before = {g.question for g in a.gaps}
    gaps_after = {g.question for g in b.gaps}
    diff.gaps_opened = [g for g in b.gaps if g.question not in gaps_before]
    diff.gaps_closed = [g for g in a.gaps if g.question not in gaps_after]
    if not (a.complete and b.complete):
        return  # an incomplete review has no ledger: every entry would seem to move
    points_a = {(e.component, e.question): round(e.points, 4) for e in a.ledger}
    points_b = {(e.component, e.question): round(e.points, 4) for e in b.ledger}
    for key in _merged_order_keys(list(points_a), list(points_b)):
        pa, pb = points_a.get(key), points_b.get(key)
        if pa != pb:
            diff.ledger.append(LedgerMove(key[0], key[1], pa, pb))


def _merged_order_keys(
    old: list[tuple[str, str]], new: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    joined = {"\x00".join(k): k for k in old + new}
    order = _merged_order(["\x00".join(k) for k in old], ["\x00".join(k) for k in new])
    return [joined[k] for k in order]


def _side_json(s: Side) -> dict[str, Any]:
    return {
        "source": s.source,
        "rubric": {"id": s.rubric.id, "version": s.rubric.version},
        "proposal": {"id": s.review.proposal.id, "title": s.review.proposal.title},
    }


__all__ = [
    "AnswerChange",
    "FieldChange",
    "LedgerMove",
    "ReviewDiff",
    "Side",
    "compare",
    "side",
]
