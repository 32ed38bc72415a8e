"""What scoring returns: the scorecard and its parts, plain pydantic models (JSON as written).

Also the one ordering every ranking uses: band first (after caps), then score.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from esj_review.core.rubric import Rubric


class LedgerEntry(BaseModel):
    """Where points came from: one scored question (one item of a repeat), or one benefit or
    burden, in one review."""

    component: str  # a component id, or "impact"
    question: str
    section: str
    answer: Any
    points: float  # for an impact line: its signed value (+ benefit, - burden)
    max: float
    contribution: float  # what this entry adds to `measure` (points of 100)
    rule: str
    measure: str = "score"  # "score", or "confidence" for the process and evidence parts


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


class ConfidenceRef(BaseModel):
    """How far the process and evidence support the impacts claimed."""

    id: str
    label: str
    percent: float


class ImpactTotals(BaseModel):
    """The sums the score comes from (impact model only)."""

    benefit: float
    burden: float
    net: float
    scale: float


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
    model: str = "weighted"  # how the score was made: "weighted" or "impact"
    confidence: ConfidenceRef | None = None  # impact model: from the components
    impact: ImpactTotals | None = None
    components: list[ComponentScore]
    flags: list[Flag]
    gaps: list[Gap]
    ledger: list[LedgerEntry]
    hidden_answers: list[str]  # answered but hidden by a condition: kept, never scored


def band_order(rubric: Rubric) -> list[str]:
    """Band ids from best to worst."""
    return [b.id for b in sorted(rubric.scoring.bands, key=lambda b: -b.min)]


def rank_key(rubric: Rubric, band: str | None, score: float | None) -> tuple[int, float]:
    """Sort key, best first: the (capped) band, then the score; incomplete reviews last."""
    order = band_order(rubric)
    if band is None or score is None or band not in order:
        return (len(order), 0.0)
    return (order.index(band), -score)


def misses_threshold(
    rubric: Rubric, band: str | None, score: float | None, threshold: float | None
) -> bool:
    """`--fail-under`: true when the band is below the threshold's band or the score below the
    threshold (an incomplete review always misses)."""
    if threshold is None:
        return False
    if band is None or score is None:
        return True
    wanted = band_of(rubric, min(max(threshold, 0.0), 100.0))
    order = band_order(rubric)
    if wanted is None or band not in order:  # pragma: no cover - lint: bands cover 0-100
        return score < threshold
    return order.index(band) > order.index(wanted.id) or score < threshold


def band_of(rubric: Rubric, value: float | None) -> BandRef | None:
    """The band whose range holds `value` (from its min up to, not including, its max; 100 is
    in the top band)."""
    if value is None:
        return None
    for band in rubric.scoring.bands:
        if band.min <= value < band.max or (value == band.max == 100):
            return BandRef(id=band.id, label=band.label)
    return None  # pragma: no cover - the linter guarantees the bands cover 0-100
