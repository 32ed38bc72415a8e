"""Checks of a rubric's impact method beyond its schema: every question named exists where it is
used, every value map names real choices, caps name real bands, confidence starts at 0."""

from __future__ import annotations

from collections.abc import Callable

from esj_review.core.errors import Problem
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Effect, Question, Rubric, ValueMap

Add = Callable[[Problem], None]
CheckCondition = Callable[..., bool]


def check_method(rubric: Rubric, add: Add, check_condition: CheckCondition) -> None:
    """Problems of `scoring.impact`, `scoring.confidence` and `scoring.adjustments`."""
    scoring = rubric.scoring
    top = {q.id: q for _, q in rubric.iter_questions()}
    bands = {b.id for b in scoring.bands}
    if scoring.model == "impact" and scoring.impact is None:
        add(Problem("scoring.impact", "the impact model needs an `impact` block"))
    if scoring.model == "impact" and not any(c.min == 0 for c in scoring.confidence):
        add(Problem("scoring.confidence", "needs a level from 0, so every review has one"))
    for level in scoring.confidence:
        if level.cap is not None and level.cap not in bands:
            add(Problem(f"scoring.confidence.{level.id}.cap", f"unknown band {level.cap!r}"))
    for adj in scoring.adjustments:
        path = f"scoring.adjustments.{adj.id}"
        q = top.get(adj.question)
        if q is None:
            add(Problem(f"{path}.question", f"names unknown question {adj.question!r}"))
        elif adj.value not in (kind_of(q).condition_values(rubric, q) or set()):
            add(Problem(f"{path}.value", f"{adj.value!r} is not a choice of {adj.question!r}"))
        check_condition(rubric, adj.when, f"{path}.when", top, add)
    impact = scoring.impact
    if impact is None:
        return
    scope = dict(top)
    if impact.repeat is not None:
        rep = top.get(impact.repeat)
        if not isinstance(rep, RepeatQuestion):
            add(Problem("scoring.impact.repeat", f"{impact.repeat!r} is not a repeat question"))
        else:
            scope.update({s.id: s for s in rep.questions})
    for side, effects in (("benefits", impact.benefits), ("burdens", impact.burdens)):
        for effect in effects:
            where = scope if effect.per_item and impact.repeat else top
            _check_effect(rubric, effect, f"scoring.impact.{side}.{effect.id}", where, add)
            check_condition(
                rubric, effect.when, f"scoring.impact.{side}.{effect.id}.when", where, add
            )
    for n, vmap in enumerate(impact.benefit_factors):
        _check_map(rubric, vmap, f"scoring.impact.benefit_factors[{n}]", top, add)


def _check_effect(
    rubric: Rubric, effect: Effect, path: str, scope: dict[str, Question], add: Add
) -> None:
    for name, vmap in (("size", effect.size), ("weight", effect.weight)):
        if isinstance(vmap, ValueMap):
            _check_map(rubric, vmap, f"{path}.{name}", scope, add)
    for n, vmap in enumerate(effect.mitigation):
        _check_map(rubric, vmap, f"{path}.mitigation[{n}]", scope, add)
        if any(not 0 <= v <= 1 for v in [*vmap.values.values(), vmap.otherwise]):
            add(Problem(f"{path}.mitigation[{n}]", "a mitigation share is from 0 to 1"))


def _check_map(
    rubric: Rubric, vmap: ValueMap, path: str, scope: dict[str, Question], add: Add
) -> None:
    q = scope.get(vmap.question)
    if q is None:
        add(Problem(f"{path}.question", f"names unknown question {vmap.question!r}"))
        return
    allowed = kind_of(q).condition_values(rubric, q)
    if allowed is not None:
        names = {("yes" if v else "no") if isinstance(v, bool) else v for v in allowed}
        for key in vmap.values:
            if key not in names:
                add(Problem(f"{path}.values.{key}", f"is not a choice of {vmap.question!r}"))
    if any(v < 0 for v in [*vmap.values.values(), vmap.otherwise, vmap.answered or 0]):
        add(Problem(path, "values cannot be negative"))
