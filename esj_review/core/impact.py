"""Impact: who gains and who bears what, how much, and how well burdens are mitigated.

Pure arithmetic over shown answers, for rubrics whose scoring `model` is `impact`:

    benefit  = size x share reaching priority populations x benefit factors
    burden   = size x share borne by priority populations x (1 - share mitigated)
    net      = sum of benefits - sum of burdens
    score    = 50 + 50 x net / (|net| + scale)

so no impact scores 50, a better impact never scores less, a worse one never more, and effects
that are absent (a determinant ticked with "no change") add nothing. Every line says where its
numbers came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from esj_review.core import i18n
from esj_review.core.answers import Slot, item_answers
from esj_review.core.conditions import MISSING, evaluate, is_answered
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Adjustment, Effect, ImpactModel, Rubric, ValueMap

Lookup = Callable[[str], Any]


@dataclass(frozen=True)
class EffectLine:
    """One benefit or burden as computed: its parts and its signed value."""

    side: str  # "benefit" or "burden"
    effect: str  # the effect's id
    label: str  # the effect's label, with the item's label when per item
    item: str | None
    size: float
    weight: float
    factor: float  # benefit factors, or the share of a burden left after mitigation
    value: float  # + for a benefit, - for a burden
    rule: str  # the arithmetic in words
    question: str  # the question whose answer set the size (for the ledger)


@dataclass(frozen=True)
class ImpactResult:
    """Every effect line, the totals and the 0-100 score."""

    lines: list[EffectLine]
    benefit: float
    burden: float
    net: float
    score: float


def impact_score(net: float, scale: float) -> float:
    """50 for no impact; towards 100 for net benefits, towards 0 for net burdens."""
    return 50 + 50 * net / (abs(net) + scale)


def map_value(vmap: ValueMap | float, lookup: Lookup) -> tuple[float, str]:
    """A number from an answer (or a constant), and the answer it came from."""
    if not isinstance(vmap, ValueMap):
        return float(vmap), ""
    answer = lookup(vmap.question)
    key = ("yes" if answer else "no") if isinstance(answer, bool) else answer
    if not is_answered(answer):
        return vmap.otherwise, "no answer"
    if isinstance(key, str) and key in vmap.values:
        return vmap.values[key], key
    if vmap.answered is not None:
        return vmap.answered, "answered"
    return vmap.otherwise, str(answer)


def adjusted_answers(
    rubric: Rubric, lookup: Lookup
) -> tuple[dict[str, Any], list[tuple[Adjustment, Any]]]:
    """Answers the rest of the review does not support, and what they are scored as."""
    changed: dict[str, Any] = {}
    raised: list[tuple[Adjustment, Any]] = []
    for adj in rubric.scoring.adjustments:
        if evaluate(adj.when, lookup):
            raised.append((adj, lookup(adj.question)))
            changed[adj.question] = adj.value
    return changed, raised


def measure(
    rubric: Rubric,
    model: ImpactModel,
    slots: list[Slot],
    top: Mapping[str, Any],
    enabled: frozenset[str],
) -> ImpactResult:
    """The impact of a review: `top` holds the shown top-level answers (after adjustments)."""

    def at_top(qid: str) -> Any:
        return top.get(qid, MISSING)

    factor = 1.0
    factor_words = []
    for vmap in model.benefit_factors:
        value, answer = map_value(vmap, at_top)
        factor *= value
        factor_words.append(f"{vmap.question} {answer} x{value:g}")

    lines: list[EffectLine] = []
    by_item = item_answers(slots)
    for effect in [*model.benefits, *model.burdens]:
        side = "benefit" if effect in model.benefits else "burden"
        for item, label, lookup in _scopes(rubric, model, effect, slots, at_top, enabled, by_item):
            if evaluate(effect.when, lookup):
                lines.append(_line(side, effect, item, label, lookup, factor, factor_words))
    benefit = sum(line.value for line in lines if line.side == "benefit")
    burden = -sum(line.value for line in lines if line.side == "burden")
    net = benefit - burden
    return ImpactResult(lines, benefit, burden, net, round(impact_score(net, model.scale), 1))


def _scopes(
    rubric: Rubric,
    model: ImpactModel,
    effect: Effect,
    slots: list[Slot],
    top: Lookup,
    enabled: frozenset[str],
    by_item: dict[tuple[str, str], dict[str, Any]],
) -> list[tuple[str | None, str, Lookup]]:
    """Where an effect is tested: once per shown item of the repeat, or once per review."""
    if not effect.per_item or model.repeat is None:
        return [(None, effect.label, top)]
    rep = rubric.question(model.repeat)
    items = dict.fromkeys(
        s.item for s in slots if s.parent is not None and s.parent.id == model.repeat and s.visible
    )
    scopes: list[tuple[str | None, str, Lookup]] = []
    for item in items:
        if item is None or rep is None:
            continue
        local = by_item.get((model.repeat, item), {})
        subs = {q.id for q in rep.children()}

        def lookup(qid: str, local: dict[str, Any] = local, subs: set[str] = subs) -> Any:
            return local.get(qid, MISSING) if qid in subs else top(qid)

        name = rubric.item_label(rep, item, enabled) if isinstance(rep, RepeatQuestion) else item
        scopes.append((item, f"{name}{i18n.colon()}{effect.label}", lookup))
    return scopes


def _line(
    side: str,
    effect: Effect,
    item: str | None,
    label: str,
    lookup: Lookup,
    benefit_factor: float,
    factor_words: list[str],
) -> EffectLine:
    size, size_answer = map_value(effect.size, lookup)
    weight, weight_answer = map_value(effect.weight, lookup)
    size_q = effect.size.question if isinstance(effect.size, ValueMap) else ""
    parts = [f"size {size_answer or 'fixed'} {size:g}", f"x priority share {weight:g}"]
    if weight_answer:
        parts[-1] += f" ({weight_answer})"
    if side == "benefit":
        factor = benefit_factor
        parts += [f"x {w}" for w in factor_words]
        value = size * weight * factor
    else:
        removed = 1.0
        for vmap in effect.mitigation:
            share, answer = map_value(vmap, lookup)
            removed *= share
            parts.append(f"{vmap.question} {answer} {share:g}")
        if not effect.mitigation:
            removed = 0.0
        factor = 1 - removed
        if effect.mitigation:
            parts.append(f"so x (1 - {removed:g} mitigated)")
        value = -size * weight * factor
    rule = " ".join(parts) + f" = {value:+g}"
    return EffectLine(side, effect.id, label, item, size, weight, factor, value, rule, size_q)
