"""score(rubric, review): bands, completeness, flags, the ledger, and its invariants."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esj_review.core.checks import check_review
from esj_review.core.review import Review, load_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import Scorecard, score
from tests.conftest import EXAMPLES
from tests.strategies import reviews, value_for

KC = load_rubric("king-county-esj")
GARE = load_rubric("gare-racial-equity")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def card_for(name: str) -> Scorecard:
    return score(KC, load_review(EXAMPLES / name))


def test_examples_span_the_bands() -> None:
    transit = card_for("reduced-fare-transit.yaml")
    assert transit.score is not None and transit.band is not None
    assert transit.band.id == "advances" and transit.flags == []
    siting = card_for("capital-facility-siting.yaml")
    assert siting.uncapped_band is not None and siting.band is not None
    assert (siting.uncapped_band.id, siting.band.id) == ("neutral", "needs_work")
    assert [f.item for f in siting.flags if f.id == "unmitigated_burden"] == [
        "built_natural_environment"
    ]
    cut = card_for("budget-reduction.yaml")
    assert cut.band is not None and cut.band.id == "risk"
    assert {f.id for f in cut.flags} >= {"unmitigated_burden", "inform_only", "english_only"}


def test_incomplete_review_has_gaps_not_a_low_number() -> None:
    card = card_for("language-access-expansion.yaml")
    assert card.complete is False
    assert card.score is None and card.band is None
    assert 0 < card.completeness < 100
    gaps = [g.question for g in card.gaps]
    assert "alternatives" in gaps and "determinant_impacts.digital_equity.evidence" in gaps


def test_the_ledger_names_question_answer_points_and_rule() -> None:
    card = card_for("reduced-fare-transit.yaml")
    entry = next(e for e in card.ledger if e.question == "engagement_level")
    assert (entry.component, entry.answer, entry.points, entry.max) == (
        "process",
        "collaborate",
        3,
        4,
    )
    assert entry.rule == "choice 'collaborate' scores 3 of 4"
    impacts = [(e.question, e.points) for e in card.ledger if e.component == "impact"]
    assert [q for q, _ in impacts] == [
        "Access to safe and efficient transportation: benefit",
        "Family wage jobs and job training: benefit",
        "Access to health and human services: benefit",
        "Equity in County practices: benefit",
        "Equity in County practices: burden",
    ]
    assert impacts[0][1] == pytest.approx(3 * 1 * 1.2 * 1.1)  # large, priority, upstream, policy
    assert impacts[-1][1] == pytest.approx(-1 * 0.75 * (1 - 0.9))  # small, evenly, 90% mitigated
    rule = next(e.rule for e in card.ledger if e.component == "impact")
    assert "benefit_size large" not in rule and "size large 3" in rule


def test_mitigation_does_not_apply_without_a_burden(make_review: Callable[..., Review]) -> None:
    data = make_review().answers["determinant_impacts"]
    data = copy.deepcopy(data)
    data["county_practices"] = {
        "direction": "benefit",
        "benefit_size": "small",
        "benefit_reach": "broad",
        "evidence": "Automatic enrollment removes paperwork for most applicants.",
    }
    card = score(KC, make_review(determinant_impacts=data))
    assert [e.question for e in card.ledger if e.points < 0] == []  # no burden, nothing to mitigate
    assert card.impact is not None and card.impact.burden == 0
    assert card.score is not None


def test_flag_caps_the_band_whatever_the_total(make_review: Callable[..., Review]) -> None:
    before = score(KC, make_review())
    after = score(KC, make_review(engagement_level="inform"))
    assert before.band is not None and before.band.id == "advances"
    assert after.band is not None and after.band.id == "promising"
    assert after.score is not None and after.score >= 55


def test_gare_rubric_runs_on_the_same_engine() -> None:
    data = {
        "format": "esj-review/1",
        "rubric": {"id": "gare-racial-equity", "version": "1.0.0"},
        "proposal": {"id": "G-1", "title": "Test"},
        "answers": {"equity_effect": "increases", "burden_on_poc": "none"},
    }
    from esj_review.core.review import parse_review

    card = score(GARE, parse_review(data, "g.yaml"))
    assert card.score is None and card.flags[0].id == "increases_disparities"
    assert (card.band, card.components, card.ledger) == (None, [], [])  # incomplete: gaps only
    assert len(card.gaps) > 5


def test_score_is_pure(make_review: Callable[..., Review]) -> None:
    review = make_review()
    assert score(KC, review) == score(KC, review)
    assert review == make_review()


# --- properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("rubric", [KC, GARE], ids=["king-county", "gare"])
@SETTINGS
@given(data=st.data())
def test_score_stays_within_0_and_100(rubric: Rubric, data: st.DataObject) -> None:
    review = data.draw(reviews(rubric))
    assert [p for p in check_review(rubric, review) if p.severity == "error"] == []
    card = score(rubric, review)
    if card.score is not None:
        assert 0 <= card.score <= 100
    assert 0 <= card.completeness <= 100
    for comp in card.components:
        assert comp.percent is None or 0 <= comp.percent <= 100


@pytest.mark.parametrize("rubric", [KC, GARE], ids=["king-county", "gare"])
@SETTINGS
@given(data=st.data())
def test_the_ledger_adds_up_to_the_total(rubric: Rubric, data: st.DataObject) -> None:
    card = score(rubric, data.draw(reviews(rubric, complete_text=True)))
    for comp in card.components:
        entries = [e for e in card.ledger if e.component == comp.id]
        assert sum(e.points for e in entries) == pytest.approx(comp.points)
        assert sum(e.max for e in entries) == pytest.approx(comp.max)
    if card.score is None:
        return
    to_score = sum(e.contribution for e in card.ledger if e.measure == "score")
    if card.model == "impact":  # the impact lines move the score away from 50
        assert 50 + to_score == pytest.approx(card.score, abs=0.06)
        assert card.confidence is not None
        to_confidence = sum(e.contribution for e in card.ledger if e.measure == "confidence")
        assert to_confidence == pytest.approx(card.confidence.percent, abs=0.06)
    else:
        assert to_score == pytest.approx(card.score, abs=0.06)


@SETTINGS
@given(data=st.data())
def test_changing_a_hidden_answer_never_changes_the_score(data: st.DataObject) -> None:
    review = data.draw(reviews(KC, complete_text=True))
    before = score(KC, review)
    hidden = [s for s in review.slots(KC) if not s.visible and s.question.type != "repeat"]
    if not hidden:
        return
    slot = data.draw(st.sampled_from(hidden))
    changed = review.model_copy(deep=True)
    new_value = data.draw(value_for(KC, slot.question, review.enabled))
    if slot.parent is None:
        changed.answers[slot.path] = new_value
    else:
        assert slot.item is not None
        changed.answers[slot.parent.id].setdefault(slot.item, {})[slot.question.id] = new_value
    after = score(KC, changed)
    assert (after.score, after.band, after.flags, after.gaps) == (
        before.score,
        before.band,
        before.flags,
        before.gaps,
    )
    assert [e.model_dump() for e in after.ledger] == [e.model_dump() for e in before.ledger]


MITIGATION_ORDER = ["none", "planned", "partial", "full"]


@SETTINGS
@given(data=st.data())
def test_adding_a_mitigation_never_lowers_the_score(data: st.DataObject) -> None:
    review = data.draw(reviews(KC, complete_text=True))
    burdens = [
        s
        for s in review.slots(KC)
        if s.visible and s.question.id == "mitigation_status" and s.item is not None
    ]
    if not burdens:
        return
    slot = data.draw(st.sampled_from(burdens))
    assert slot.parent is not None and slot.item is not None
    current = MITIGATION_ORDER.index(slot.value)
    better = data.draw(st.sampled_from(MITIGATION_ORDER[current:]))
    improved = review.model_copy(deep=True)
    improved.answers[slot.parent.id][slot.item]["mitigation_status"] = better
    before, after = score(KC, review), score(KC, improved)
    if before.score is not None:
        assert after.score is not None and after.score >= before.score
        order = [b.id for b in KC.scoring.bands]
        assert before.band is not None and after.band is not None
        assert order.index(after.band.id) <= order.index(before.band.id)
    critical = [(f.id, f.item) for f in after.flags if f.severity == "critical"]
    assert set(critical) <= {(f.id, f.item) for f in before.flags if f.severity == "critical"}
