"""Two reviews compared by meaning: what the answers say, not how the files are written.

Pure: `compare(old, new)` takes each review with the rubric it names and gives a `ReviewDiff`:
the answers changed, added and removed (in rubric order), answers a condition now hides or
shows again, the proposal fields, and how the scorecard moved (score, band, confidence,
flags, completeness, gaps and the ledger). Formatting, key order, comments, the order of a
multiselect's choices and the metadata (timestamps, tool version) never count. Two reviews
under two versions of a rubric are compared by question id; under two different rubrics, by
the label a reader sees (`core.diff_answers`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from esj_review.core.diff_answers import (
    AnswerChange,
    Side,
    compare_answers,
    merged_order,
    question_ids,
    question_labels,
)
from esj_review.core.review import Review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import Flag, Gap, Scorecard
from esj_review.core.scoring import score


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
    by_label: bool = False  # two different rubrics: answers matched by label, not by id
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
        diff.by_label = a.id != b.id
        diff.rubrics = f"{what}; compared by question {'label' if diff.by_label else 'id'}."
        named = question_labels if diff.by_label else question_ids
        ids_a, ids_b = named(a), named(b)
        diff.only_old = [q for q in ids_a if q not in ids_b]
        diff.only_new = [q for q in ids_b if q not in ids_a]
    answers = compare_answers(old, new, diff.by_label, bool(diff.rubrics))
    diff.changed, diff.added, diff.removed = answers.changed, answers.added, answers.removed
    diff.hidden, diff.shown = answers.hidden, answers.shown
    diff.fields = _fields(old, new)
    _scorecards(diff)
    return diff


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
    order = merged_order(["\x00".join(k) for k in old], ["\x00".join(k) for k in new])
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
