"""score(rubric, review) -> Scorecard: pure and deterministic, with a ledger for every point.

No I/O, no clock, no globals: the interview's live score, `score`, `report` and `batch` all call
this one function, so they cannot disagree.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from esj_review.core.answers import Slot, item_lookup, proposal_values
from esj_review.core.conditions import MISSING, evaluate, is_answered
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import Question, Rubric


class LedgerEntry(BaseModel):
    """Where points came from: one scored question (one item of a repeat) in one review."""

    component: str
    question: str
    section: str
    answer: Any
    points: float
    max: float
    contribution: float  # points out of the overall 100 this entry earned
    rule: str


class ComponentScore(BaseModel):
    """A component's points, its share of the score, and whether it applies at all."""

    id: str
    label: str
    weight: float
    points: float
    max: float
    percent: float | None  # None when no question of the component applies
    contribution: float  # points out of the overall 100
    applicable: bool


class Flag(BaseModel):
    """A raised flag; `cap` is the best band the review can reach while it stands."""

    id: str
    severity: str
    message: str
    cap: str | None = None
    item: str | None = None


class Gap(BaseModel):
    """A required question that is shown but not answered."""

    question: str
    section: str
    prompt: str


class BandRef(BaseModel):
    """A band by id and label."""

    id: str
    label: str


class RubricStamp(BaseModel):
    """Exactly which rubric scored the review."""

    id: str
    version: str
    hash: str


class ProposalStamp(BaseModel):
    """Which proposal was scored."""

    id: str
    title: str


class Scorecard(BaseModel):
    """The result of scoring one review against one rubric."""

    rubric: RubricStamp
    proposal: ProposalStamp
    answers_hash: str
    complete: bool
    completeness: float  # percent of shown required questions answered
    score: float | None  # None while the review is incomplete
    band: BandRef | None
    uncapped_band: BandRef | None  # the band the arithmetic alone gives
    components: list[ComponentScore]
    flags: list[Flag]
    gaps: list[Gap]
    ledger: list[LedgerEntry]
    hidden_answers: list[str]  # answered but hidden by a condition: kept, never scored


def question_max(rubric: Rubric, q: Question, enabled: frozenset[str]) -> float:
    """The most points a question can give."""
    return kind_of(q).max_points(rubric, q, enabled) if q.score is not None else 0.0


def _points(rubric: Rubric, q: Question, value: Any, enabled: frozenset[str]) -> tuple[float, str]:
    """Points for one answer and the rule that gave them, in words."""
    if not is_answered(value):
        return 0.0, "not answered: no points"
    return kind_of(q).points(rubric, q, value, enabled)


def score(rubric: Rubric, review: Review, slots: list[Slot] | None = None) -> Scorecard:
    """Score a review. Pure: the same rubric and review always give the same scorecard.

    `slots` may pass in `review.slots(rubric)` when the caller has it already.
    """
    enabled = review.enabled
    slots = review.slots(rubric) if slots is None else slots
    raw: list[tuple[Slot, float, float, str]] = []
    for slot in slots:
        q = slot.question
        if slot.visible and q.score is not None:
            pts, why = _points(rubric, q, slot.value, enabled)
            raw.append((slot, pts, question_max(rubric, q, enabled), why))

    totals = {c.id: [0.0, 0.0] for c in rubric.scoring.components}
    for slot, pts, top, _ in raw:
        assert slot.question.score is not None
        totals[slot.question.score.component][0] += pts
        totals[slot.question.score.component][1] += top
    applicable_weight = sum(c.weight for c in rubric.scoring.components if totals[c.id][1] > 0)
    share = {
        c.id: (c.weight / applicable_weight if totals[c.id][1] > 0 else 0.0)
        for c in rubric.scoring.components
    }

    ledger = []
    for slot, pts, top, why in raw:
        assert slot.question.score is not None
        comp = slot.question.score.component
        top_of_component = totals[comp][1]  # 0 when only pointless questions of it are shown
        contribution = 100 * share[comp] * pts / top_of_component if top_of_component else 0.0
        ledger.append(
            LedgerEntry.model_construct(
                component=comp,
                question=slot.path,
                section=slot.section.id,
                answer=None if slot.value is MISSING else slot.value,
                points=pts,
                max=top,
                contribution=round(contribution, 4),
                rule=f"{why} of {top:g}",
            )
        )

    components = [
        ComponentScore.model_construct(
            id=c.id,
            label=c.label,
            weight=c.weight,
            points=totals[c.id][0],
            max=totals[c.id][1],
            percent=round(100 * totals[c.id][0] / totals[c.id][1], 1) if totals[c.id][1] else None,
            contribution=round(100 * share[c.id] * totals[c.id][0] / totals[c.id][1], 2)
            if totals[c.id][1]
            else 0.0,
            applicable=totals[c.id][1] > 0,
        )
        for c in rubric.scoring.components
    ]

    required = [
        s
        for s in slots
        if s.visible and s.question.required and not isinstance(s.question, RepeatQuestion)
    ]
    gaps = [
        Gap.model_construct(question=s.path, section=s.section.id, prompt=s.question.prompt)
        for s in required
        if not s.answered
    ]
    completeness = 100.0 if not required else round(100 * (1 - len(gaps) / len(required)), 1)
    complete = not gaps
    flags = _flags(rubric, review, slots)

    total = sum(100 * share[c] * t[0] / t[1] for c, t in totals.items() if t[1] > 0)
    value = round(total, 1) if complete and applicable_weight else None
    uncapped = _band_for(rubric, value)
    band = _apply_caps(rubric, uncapped, flags)
    return Scorecard(
        rubric=RubricStamp(id=rubric.id, version=rubric.version, hash=rubric.content_hash),
        proposal=ProposalStamp(id=review.proposal.id, title=review.proposal.title),
        answers_hash=review.answers_hash(),
        complete=complete,
        completeness=completeness,
        score=value,
        band=band,
        uncapped_band=uncapped,
        components=components,
        flags=flags,
        gaps=gaps,
        ledger=ledger,
        hidden_answers=[s.path for s in slots if not s.visible and s.answered],
    )


def _flags(rubric: Rubric, review: Review, slots: list[Slot]) -> list[Flag]:
    shown = proposal_values(review.proposal.model_dump())
    shown.update((s.path, s.value) for s in slots if s.visible and s.parent is None)

    def top(qid: str) -> Any:
        return shown.get(qid, MISSING)

    raised = []
    for rule in rubric.scoring.flags:
        if rule.for_each is None:
            if evaluate(rule.when, top):
                raised.append(
                    Flag(id=rule.id, severity=rule.severity, message=rule.message, cap=rule.cap)
                )
            continue
        found = rubric.question(rule.for_each)
        rep = found if isinstance(found, RepeatQuestion) else None
        items = [s.item for s in slots if s.parent is not None and s.parent.id == rule.for_each]
        for item in dict.fromkeys(i for i in items if i is not None):
            local = item_lookup(slots, rule.for_each, item)
            sub_ids = {q.id for q in rep.questions} if rep else set()

            def lookup(qid: str, local: dict[str, Any] = local, subs: set[str] = sub_ids) -> Any:
                return local.get(qid, MISSING) if qid in subs else top(qid)

            if local and evaluate(rule.when, lookup):
                label = rubric.item_label(rep, item, review.enabled) if rep else item
                message = rule.message.replace("{item}", label)
                raised.append(
                    Flag(
                        id=rule.id, severity=rule.severity, message=message, cap=rule.cap, item=item
                    )
                )
    return raised


def _band_for(rubric: Rubric, value: float | None) -> BandRef | None:
    if value is None:
        return None
    for band in rubric.scoring.bands:
        if band.min <= value < band.max or (value == band.max == 100):
            return BandRef(id=band.id, label=band.label)
    return None  # pragma: no cover - the linter guarantees the bands cover 0-100


def _apply_caps(rubric: Rubric, band: BandRef | None, flags: list[Flag]) -> BandRef | None:
    if band is None:
        return None
    order = [b.id for b in sorted(rubric.scoring.bands, key=lambda b: -b.min)]
    worst = order.index(band.id)
    for flag in flags:
        if flag.cap is not None:
            worst = max(worst, order.index(flag.cap))
    chosen = rubric.band(order[worst])
    return BandRef(id=chosen.id, label=chosen.label)
