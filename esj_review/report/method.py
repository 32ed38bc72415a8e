"""The method in plain language, with a worked example computed from a bundled review.

A council member should be able to read this in two minutes: what is measured, what is not,
what the bands mean, that every answer is self-reported and what the tool checks. The numbers
in the worked example come from scoring the rubric's bundled example with the same function
every command uses, so the explanation cannot drift from the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from esj_review.core.checks import rubric_for
from esj_review.core.errors import EsjError
from esj_review.core.i18n import _
from esj_review.core.i18n import number as number_of
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import data_dir
from esj_review.core.scorecard import Scorecard
from esj_review.core.scoring import score


@dataclass
class WorkedExample:
    """A bundled review scored step by step."""

    source: str  # the file, relative to the examples folder
    title: str
    card: Scorecard
    benefits: list[tuple[str, str, float]] = field(default_factory=list)  # label, rule, value
    burdens: list[tuple[str, str, float]] = field(default_factory=list)


def plain_method(rubric: Rubric) -> list[str]:
    """Paragraphs of plain language: what the number is and is not, in the current language
    (each paragraph one message; `**lead.**` marks its bold lead)."""
    scoring = rubric.scoring
    if scoring.model != "impact" or scoring.impact is None:
        return [
            _(
                "The score is the weighted average of the components below: each scored answer "
                "earns points within one component. It rewards a complete, well-documented "
                "review as much as the proposal's effects; later versions of this rubric score "
                "impact first."
            ),
            _(
                "Every answer is the preparer's own account; the tool checks that answers fit "
                "the rubric, not that they are true."
            ),
        ]
    item, listed = _impact_items(rubric)
    top = next(b for b in sorted(scoring.bands, key=lambda b: -b.min))
    neutral = next((b for b in scoring.bands if b.min <= 50 < b.max), None)
    low_cap = [c for c in scoring.confidence if c.cap]
    alignment = any(
        getattr(q, "choices_from", None) in ("goal_areas", "strategies", "policy_areas")
        and q.score is None
        for _q, q in rubric.iter_questions()
    )
    values = {"neutral": neutral.label if neutral else "", "top": top.label}
    values["min"] = number_of(top.min)
    number = (
        _(
            "**The number.** No impact scores 50 (“%(neutral)s”); net benefits move it toward "
            "100, net burdens toward 0. “%(top)s” needs %(min)s or more and no flag holding it "
            "back."
        )
        if neutral
        else _(
            "**The number.** No impact scores 50; net benefits move it toward 100, net burdens "
            "toward 0. “%(top)s” needs %(min)s or more and no flag holding it back."
        )
    ) % values
    confidence = (
        _(
            "**Confidence.** Engagement, language access, the kinds of data used and named "
            "owners and dates give a confidence level. Confidence never raises a rating; at "
            "“%(level)s” the rating is at most “%(band)s”."
        )
        % {"level": low_cap[0].label, "band": rubric.band(low_cap[0].cap or "").label}
        if low_cap
        else _(
            "**Confidence.** Engagement, language access, the kinds of data used and named "
            "owners and dates give a confidence level. Confidence never raises a rating."
        )
    )
    lines = [
        _(
            "**What is measured.** Who gains and who bears what. For %(items)s, the preparer "
            "says whether the proposal brings a benefit, a burden or both, how large, and who "
            "receives or bears most of it. Benefits count in full only when they reach priority "
            "populations; burdens count when priority populations bear them, alone or with "
            "everyone else, and count less when a mitigation is funded, reaches the people "
            "burdened and has a date."
        )
        % {"items": item},
        _(
            "**What is not measured.** How long or polished the answers are, how many boxes "
            "are ticked%(listed)s: none of these moves the score."
        )
        % {"listed": listed}
        + (" " + _("Alignment lists are reported, not scored.") if alignment else ""),
        number,
        confidence,
        _(
            "**Self-reported, and checked.** Every answer is the preparer's own account. The "
            "tool checks answers against each other, not against the world: an engagement "
            "level is scored lower when engagement came after the decision or gave communities "
            "no role; a mitigation counts only for the people it reaches; placeholder answers "
            "(“TBD”) are flagged and earn nothing. Flags cap the rating wherever it is shown."
        ),
    ]
    return lines


def _impact_items(rubric: Rubric) -> tuple[str, str]:
    """What the impact is told for ("each determinant the proposal touches", or the proposal
    as a whole), and the list whose length does not count (", or how many determinants are
    listed"), in the rubric's own terms."""
    impact = rubric.scoring.impact
    repeat = rubric.question(impact.repeat) if impact is not None and impact.repeat else None
    over = rubric.question(getattr(repeat, "over", "") or "") if repeat is not None else None
    if over is None:
        return _("the proposal as a whole"), ""
    source = getattr(over, "choices_from", None) or "items"
    if source == "determinants":
        return (
            _("each determinant the proposal touches"),
            _(", or how many determinants are listed"),
        )
    noun = source.replace("_", " ").removesuffix("s")
    return f"each {noun} the proposal touches", f", or how many {noun}s are listed"


def worked_example(rubric: Rubric) -> WorkedExample | None:
    """The rubric's bundled example, scored; None when it names none or it cannot be read."""
    name = rubric.report.example
    if not name:
        return None
    path = data_dir("examples") / name
    try:
        review = load_review(path)
        if rubric_for(review, path).content_hash != rubric.content_hash:
            return None  # the example was written for another version of the rubric
    except (EsjError, OSError):
        return None
    card = score(rubric, review)
    example = WorkedExample(source=Path(name).as_posix(), title=review.proposal.title, card=card)
    for entry in card.ledger:
        if entry.component != "impact":
            continue
        row = (entry.question, entry.rule, entry.points)
        (example.benefits if entry.points >= 0 else example.burdens).append(row)
    return example
