"""score(rubric, review) -> Scorecard: pure and deterministic, with a ledger for every point.

No I/O, no clock, no globals: the interview's live score, `score`, `report` and `batch` all call
this one function, so they cannot disagree.

Two models, named by the rubric's `scoring.model`:
- `weighted`: the score is the weighted average of the components (rubric versions before the
  impact method; kept so reviews made under them score as they did);
- `impact`: impact decides the score and the band (see `core.impact`); the components measure
  confidence (process and evidence), which may cap the band but never raises it.
Either way, flags cap the band, hidden answers never score, and an incomplete review has no
score, no band and no contributions, only its gaps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from esj_review.core.answers import Slot, item_answers, proposal_values, shown_answers
from esj_review.core.conditions import MISSING, evaluate, is_answered
from esj_review.core.impact import ImpactResult, adjusted_answers, measure
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.text import TextQuestion, is_placeholder
from esj_review.core.review import Review
from esj_review.core.rubric import Question, Rubric
from esj_review.core.scorecard import (
    BandRef,
    ComponentScore,
    ConfidenceRef,
    Flag,
    Gap,
    ImpactTotals,
    LedgerEntry,
    ProposalStamp,
    RubricStamp,
    Scorecard,
    band_of,
    band_order,
)

PLACEHOLDER_FLAG = "placeholder_answers"


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
    placeholders = _placeholder_paths(slots)
    answered = slots  # a placeholder still fills its gap (and is flagged) ...
    if placeholders:  # ... but never stands for an answer in a flag, adjustment or impact
        slots = [replace(s, value=MISSING) if s.path in placeholders else s for s in slots]
    top = proposal_values(review.proposal.model_dump())
    top.update(shown_answers(slots))
    changed, adjustments = adjusted_answers(rubric, lambda qid: top.get(qid, MISSING))
    if changed:
        top.update(changed)
        slots = [
            replace(s, value=changed[s.path]) if s.parent is None and s.path in changed else s
            for s in slots
        ]
    impact_model = rubric.scoring.impact if rubric.scoring.model == "impact" else None
    measure_name = "confidence" if impact_model else "score"

    # the ledger shows a placeholder as typed (it earns nothing there either)
    shown = [o if s.path in placeholders else s for s, o in zip(slots, answered, strict=True)]
    components, ledger, parts_total, applicable = _components(rubric, shown, enabled, measure_name)
    required = [
        s
        for s in answered
        if s.visible and s.question.required and not isinstance(s.question, RepeatQuestion)
    ]
    gaps = [
        Gap.model_construct(question=s.path, section=s.section.id, prompt=s.question.prompt)
        for s in required
        if not s.answered
    ]
    completeness = 100.0 if not required else round(100 * (1 - len(gaps) / len(required)), 1)
    complete = not gaps
    flags = [Flag(id=adj.id, severity=adj.severity, message=adj.message) for adj, _ in adjustments]
    flags += _flags(rubric, review, slots, top)
    flags += _placeholder_flags(placeholders)

    confidence: ConfidenceRef | None = None
    totals: ImpactTotals | None = None
    value: float | None
    if impact_model is not None:
        result = measure(rubric, impact_model, slots, top, enabled)
        value = result.score
        totals = ImpactTotals(
            benefit=round(result.benefit, 4),
            burden=round(result.burden, 4),
            net=round(result.net, 4),
            scale=impact_model.scale,
        )
        ledger = _impact_ledger(rubric, result, impact_model.scale) + ledger
        confidence = _confidence(rubric, parts_total if applicable else 0.0)
    else:
        value = round(parts_total, 1) if applicable else None
    if not complete:
        value, confidence, totals, ledger = None, None, None, []
        components = []
    uncapped = band_of(rubric, value)
    band = _apply_caps(rubric, uncapped, flags, confidence)
    return Scorecard(
        rubric=RubricStamp(id=rubric.id, version=rubric.version, hash=rubric.content_hash),
        proposal=ProposalStamp(id=review.proposal.id, title=review.proposal.title),
        answers_hash=review.answers_hash(),
        complete=complete,
        completeness=completeness,
        score=value,
        band=band,
        uncapped_band=uncapped,
        model=rubric.scoring.model,
        confidence=confidence,
        impact=totals,
        components=components,
        flags=flags,
        gaps=gaps,
        ledger=ledger,
        hidden_answers=[s.path for s in answered if not s.visible and s.answered],
    )


def _components(
    rubric: Rubric, slots: list[Slot], enabled: frozenset[str], measure_name: str
) -> tuple[list[ComponentScore], list[LedgerEntry], float, bool]:
    """Points per component, their ledger, the weighted total (0-100) and whether any applies."""
    raw: list[tuple[Slot, float, float, str]] = []
    for slot in slots:
        q = slot.question
        if slot.visible and q.score is not None:
            pts, why = _points(rubric, q, slot.value, enabled)
            raw.append((slot, pts, question_max(rubric, q, enabled), why))

    totals = {c.id: [0.0, 0.0] for c in rubric.scoring.components}
    for slot, pts, most, _ in raw:
        assert slot.question.score is not None
        totals[slot.question.score.component][0] += pts
        totals[slot.question.score.component][1] += most
    applicable_weight = sum(c.weight for c in rubric.scoring.components if totals[c.id][1] > 0)
    share = {
        c.id: (c.weight / applicable_weight if totals[c.id][1] > 0 else 0.0)
        for c in rubric.scoring.components
    }

    ledger = []
    for slot, pts, most, why in raw:
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
                max=most,
                contribution=round(contribution, 4),
                rule=f"{why} of {most:g}",
                measure=measure_name,
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
    total = sum(100 * share[c] * t[0] / t[1] for c, t in totals.items() if t[1] > 0)
    return components, ledger, total, applicable_weight > 0


def _impact_ledger(rubric: Rubric, result: ImpactResult, scale: float) -> list[LedgerEntry]:
    """One entry per benefit or burden; their contributions add up to the score minus 50."""
    per_unit = 50 / (abs(result.net) + scale)
    section = ""
    if rubric.scoring.impact and rubric.scoring.impact.repeat:
        section = next(
            (s.id for s, q in rubric.iter_questions() if q.id == rubric.scoring.impact.repeat), ""
        )
    return [
        LedgerEntry.model_construct(
            component="impact",
            question=line.label,
            section=section,
            answer=line.side,
            points=round(line.value, 4),
            max=round(abs(line.value), 4),
            contribution=round(line.value * per_unit, 4),
            rule=line.rule,
            measure="score",
        )
        for line in result.lines
    ]


def _confidence(rubric: Rubric, percent: float) -> ConfidenceRef | None:
    levels = sorted(rubric.scoring.confidence, key=lambda c: -c.min)
    for level in levels:
        if percent >= level.min:
            return ConfidenceRef(id=level.id, label=level.label, percent=round(percent, 1))
    return None


def _flags(rubric: Rubric, review: Review, slots: list[Slot], shown: dict[str, Any]) -> list[Flag]:
    def top(qid: str) -> Any:
        return shown.get(qid, MISSING)

    raised = []
    by_item = item_answers(slots)
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
            local = by_item.get((rule.for_each, item), {})
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


def _placeholder_paths(slots: list[Slot]) -> list[str]:
    """Shown text answers that only stand in for one ("TBD", "n/a", "...")."""
    return [
        s.path
        for s in slots
        if s.visible and isinstance(s.question, TextQuestion) and is_placeholder(s.value)
    ]


def _placeholder_flags(found: list[str]) -> list[Flag]:
    """Placeholders named in one flag: they fill a gap but earn and stand for nothing."""
    if not found:
        return []
    listed = ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")
    return [
        Flag(
            id=PLACEHOLDER_FLAG,
            severity="warning",
            message=f"Answered with a placeholder, not an answer: {listed}.",
        )
    ]


def _apply_caps(
    rubric: Rubric, band: BandRef | None, flags: list[Flag], confidence: ConfidenceRef | None
) -> BandRef | None:
    if band is None:
        return None
    order = band_order(rubric)
    worst = order.index(band.id)
    caps = [flag.cap for flag in flags if flag.cap is not None]
    if confidence is not None:
        level = next((c for c in rubric.scoring.confidence if c.id == confidence.id), None)
        if level is not None and level.cap is not None:
            caps.append(level.cap)
    for cap in caps:
        worst = max(worst, order.index(cap))
    chosen = rubric.band(order[worst])
    return BandRef(id=chosen.id, label=chosen.label)


__all__ = [
    "BandRef",
    "ComponentScore",
    "ConfidenceRef",
    "Flag",
    "Gap",
    "ImpactTotals",
    "LedgerEntry",
    "ProposalStamp",
    "RubricStamp",
    "Scorecard",
    "question_max",
    "score",
]
