"""The GARE rubric 3.0.0 against the Racial Equity Toolkit (Government Alliance on Race and
Equity, 2016): it lints clean, asks each step's questions, claims the toolkit only for what the
toolkit gives, and leaves reviews written under 2.0.0 scoring exactly as they did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.conditions import MISSING, evaluate
from esj_review.core.lint import lint_rubric
from esj_review.core.qtypes.select import ChoiceQuestion
from esj_review.core.review import load_review
from esj_review.core.rubric import Question, Rubric
from esj_review.core.rubrics import earlier_versions, load_rubric
from esj_review.core.scoring import score

ROOT = Path(__file__).resolve().parent.parent
GARE = "gare-racial-equity"
REVIEWS_2_0_0 = [ROOT / "tests" / "data" / "gare-youth-jobs.yaml"]
EXAMPLE_3_0_0 = ROOT / "examples" / "gare" / "youth-summer-jobs.yaml"  # the worked example
# The content hash of rubric 2.0.0 as it shipped: the archive holds it unchanged.
HASH_2_0_0 = "111c1581357660bcdea7045088faa1cf154dadee4dc1881ff908b7eb8acee8de"

# `esj-review score --format json --ledger` of both 2.0.0 reviews, recorded before 3.0.0.
SCORED_2_0_0: dict[str, Any] = {
    "complete": True,
    "completeness": 100.0,
    "score": 69.4,
    "band": {"id": "likely", "label": "Likely to advance racial equity"},
    "uncapped_band": {"id": "likely", "label": "Likely to advance racial equity"},
    "confidence": {"id": "high", "label": "High", "percent": 92.5},
    "impact": {"benefit": 2.0, "burden": 0.1, "net": 1.9, "scale": 3.0},
    "flags": [],
    "gaps": [],
    "hidden_answers": [],
}
COMPONENTS_2_0_0 = [
    ("results", 2.0, 2.0),
    ("data", 2.0, 2.0),
    ("engagement", 3.0, 4.0),
    ("accountability", 3.0, 3.0),
]
LEDGER_2_0_0 = [
    (
        "impact",
        "reduces racial disparities",
        2.0,
        "size moderate 2 x priority share 1 x funded fully x1 = +2",
    ),
    (
        "impact",
        "burden on communities of color",
        -0.1,
        "size minor 1 x priority share 1 mitigation_status funded 0.9"
        " so x (1 - 0.9 mitigated) = -0.1",
    ),
    ("results", "outcome_clarity", 2.0, "choice 'measurable' scores 2 of 2"),
    ("data", "race_data", 2.0, "choice 'by_race' scores 2 of 2"),
    ("engagement", "engagement_level", 3.0, "choice 'collaborate' scores 3 of 4"),
    ("accountability", "reporting", 2.0, "choice 'regular' scores 2 of 2"),
    ("accountability", "review_date", 1.0, "an answer scores 1 of 1"),
]

# The toolkit's questions for each step, as the questions of 3.0.0 that ask them.
STEP_QUESTIONS: dict[str, list[str]] = {
    # Step 1: the proposal; results in the community and outcomes inside government; the
    # checklist of what the proposal can affect.
    "results": ["summary", "desired_results", "government_outcomes", "impact_areas"],
    # Step 2: places and their racial demographics, what the data show, root causes, program
    # performance data, data gaps.
    "data": [
        "place_based",
        "places",
        "data_sources",
        "root_causes",
        "performance_data",
        "data_gaps",
    ],
    # Step 3: who was engaged, how far, what engagement revealed, how to expand it.
    "engagement": [
        "engagement_level",
        "engaged_who",
        "engagement_findings",
        "engagement_expansion",
    ],
    # Step 4: benefit and burden, unintended consequences, enhancements, complementary
    # strategies, alignment with step 1's outcomes.
    "analysis": [
        "equity_effect",
        "benefits",
        "burden_on_poc",
        "mitigation",
        "unintended_consequences",
        "enhancements",
        "complementary_strategies",
        "aligned_outcomes",
    ],
    # Step 5: the plan, its funding and its resourcing (staff, enforcement, data collection,
    # public reporting), what is still needed, and whether it is realistic.
    "implementation": ["plan", "funded", "resourced_for", "resources_needed", "plan_realistic"],
    # Step 6: measuring and reporting, communication, continuing partnership, outcomes reached.
    "accountability": [
        "metrics",
        "reporting",
        "communication",
        "continuing_partnership",
        "outcomes_check",
    ],
}


@pytest.fixture(scope="module")
def current() -> Rubric:
    return load_rubric(GARE)


@pytest.fixture(scope="module")
def previous() -> Rubric:
    return load_rubric(f"{GARE}@2.0.0")


def visible(question: Question, answers: dict[str, Any]) -> bool:
    return evaluate(question.when, lambda qid: answers.get(qid, MISSING))


def asked(rubric: Rubric, qid: str) -> Question:
    question = rubric.question(qid)
    assert question is not None, f"{rubric.id} {rubric.version} does not ask {qid!r}"
    return question


# --- the rubric and its archive ----------------------------------------------------------------


def test_version_3_lints_clean(current: Rubric) -> None:
    assert current.version == "3.0.0"
    assert lint_rubric(current).problems == []


def test_the_archive_keeps_2_0_0_unchanged(previous: Rubric) -> None:
    assert "2.0.0" in earlier_versions(GARE)
    assert previous.version == "2.0.0"
    assert previous.content_hash == HASH_2_0_0
    assert lint_rubric(previous).errors == []


@pytest.mark.parametrize("path", REVIEWS_2_0_0, ids=lambda p: p.name)
def test_reviews_written_for_2_0_0_score_exactly_as_before(path: Path) -> None:
    assert load_review(path).rubric.version == "2.0.0"
    result = CliRunner().invoke(app, ["score", str(path), "--format", "json", "--ledger"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["rubric"] == {"id": GARE, "version": "2.0.0", "hash": HASH_2_0_0}
    assert {key: card[key] for key in SCORED_2_0_0} == SCORED_2_0_0
    assert [(c["id"], c["points"], c["max"]) for c in card["components"]] == COMPONENTS_2_0_0
    ledger = [(e["component"], e["question"], e["points"], e["rule"]) for e in card["ledger"]]
    assert ledger == LEDGER_2_0_0


@pytest.mark.parametrize("path", REVIEWS_2_0_0, ids=lambda p: p.name)
def test_a_2_0_0_review_reads_the_same_under_3_0_0(
    path: Path, current: Rubric, previous: Rubric
) -> None:
    """Every new question is optional or asked only where its premise applies, and none is
    scored: the answers of 2.0.0 give 3.0.0 the same score, band, confidence and no gap."""
    review = load_review(path)
    old, new = score(previous, review), score(current, review)
    assert (new.score, new.band, new.confidence, new.impact) == (
        old.score,
        old.band,
        old.confidence,
        old.impact,
    )
    assert new.complete and new.gaps == [] and new.flags == []


def test_the_questions_of_2_0_0_are_asked_as_before(current: Rubric, previous: Rubric) -> None:
    """Same prompt, type, required status, condition and choices in the same order, and the
    same relative order: the terminal tests walk the interview by these prompts."""
    for section, old in previous.iter_questions():
        new = asked(current, old.id)
        assert (new.prompt, new.type, new.required, new.when) == (
            old.prompt,
            old.type,
            old.required,
            old.when,
        ), old.id
        assert current.choices_for(new) == previous.choices_for(old), old.id
        assert next(s.id for s, q in current.iter_questions() if q.id == old.id) == section.id
    ids = [q.id for _, q in current.iter_questions()]
    kept = [q.id for _, q in previous.iter_questions()]
    assert [i for i in ids if i in kept] == kept


def test_the_score_is_computed_as_in_2_0_0(current: Rubric, previous: Rubric) -> None:
    assert current.scoring == previous.scoring
    scored = {q.id for _, q in current.iter_questions() if q.score is not None}
    assert scored == {q.id for _, q in previous.iter_questions() if q.score is not None}


# --- what the rubric says the toolkit gives ----------------------------------------------------


def test_the_toolkit_is_cited_by_title_publisher_and_year(current: Rubric) -> None:
    source = next(s for s in current.sources if s.id == "gare_toolkit")
    assert source.title == "Racial Equity Toolkit: An Opportunity to Operationalize Equity"
    assert source.publisher == "Government Alliance on Race and Equity"
    assert source.year == 2016
    assert source.url is not None and source.url.startswith("https://www.racialequityalliance.org/")


def test_no_population_or_scale_claims_the_toolkit(current: Rubric) -> None:
    assert not [p.id for p in current.populations if p.source == "gare_toolkit"]
    assert all(not p.verified and p.source is None for p in current.populations)
    for _, question in current.iter_questions():
        if question.type == "scale":
            assert isinstance(question, ChoiceQuestion)
            assert question.choices_source not in (None, "gare_toolkit"), question.id
            assert "no scale" in question.help and "this" in question.help, question.help
        if isinstance(question, ChoiceQuestion) and question.choices_from == "populations":
            pytest.fail(f"{question.id} offers a population list the toolkit does not define")
    iap2 = next(s for s in current.sources if s.id == "iap2_spectrum")
    assert "chosen by this tool" in iap2.note


def test_only_the_checklist_cites_the_toolkit_and_it_says_it_is_unchecked(current: Rubric) -> None:
    for name in ("determinants", "goal_areas", "strategies", "populations"):
        assert all(item.source != "gare_toolkit" for item in current.taxonomy(name)), name
    areas = current.policy_areas
    assert areas and all(item.source == "gare_toolkit" and not item.verified for item in areas)
    checklist = asked(current, "impact_areas")
    assert isinstance(checklist, ChoiceQuestion) and checklist.choices_from == "policy_areas"


def test_no_unsupported_claim_is_left(current: Rubric) -> None:
    text = current.model_dump_json().casefold()
    assert "most common equity harm" not in text


# --- the toolkit's questions, step by step -----------------------------------------------------


def test_six_sections_follow_the_six_steps(current: Rubric) -> None:
    titles = [s.title for s in current.sections]
    assert [t.split(":")[0] for t in titles] == [f"Step {n}" for n in range(1, 7)]
    assert [s.id for s in current.sections] == list(STEP_QUESTIONS)


@pytest.mark.parametrize("section_id", list(STEP_QUESTIONS))
def test_each_step_asks_the_toolkits_questions(current: Rubric, section_id: str) -> None:
    in_section = {q.id for s, q in current.iter_questions() if s.id == section_id}
    missing = [qid for qid in STEP_QUESTIONS[section_id] if qid not in in_section]
    assert not missing, f"{section_id} lacks {missing}"


def test_step_5_asks_about_each_resource(current: Rubric) -> None:
    question = asked(current, "resourced_for")
    ids = [c.id for c in current.choices_for(question)]
    for needed in ("staff", "enforcement", "data_collection", "public_reporting"):
        assert needed in ids


def test_new_questions_are_optional_or_conditional_and_say_why(
    current: Rubric, previous: Rubric
) -> None:
    old = {q.id for _, q in previous.iter_questions()}
    for number, section in enumerate(current.sections, 1):
        for question in section.questions:
            if question.id in old:
                continue
            assert not question.required or question.when is not None, question.id
            assert f"Step {number} of the toolkit" in question.help, question.id


def test_conditions_follow_their_premise(current: Rubric) -> None:
    places = asked(current, "places")
    assert not visible(places, {}) and not visible(places, {"place_based": False})
    assert visible(places, {"place_based": True})

    findings = asked(current, "engagement_findings")
    assert visible(findings, {"engagement_level": "consult"})
    assert not visible(findings, {"engagement_level": "inform"})

    needed = asked(current, "resources_needed")
    everything = ["staff", "enforcement", "data_collection", "public_reporting"]
    everything.append("community_engagement")
    assert not visible(needed, {})
    assert not visible(needed, {"funded": "fully", "resourced_for": everything})
    assert visible(needed, {"funded": "partly"})
    assert visible(needed, {"funded": "fully", "resourced_for": everything[1:]})

    other = asked(current, "impact_areas_other")
    assert visible(other, {"impact_areas": ["jobs", "other"]})
    assert not visible(other, {"impact_areas": ["jobs"]})


def test_the_example_moved_to_3_0_0_scores_as_before_and_is_the_worked_example() -> None:
    """The bundled example answers the new questions (none scored): the same number, and
    `rubric doc` works it through (a worked example must be written for the current rubric)."""
    from typer.testing import CliRunner

    from esj_review.cli import app

    review = load_review(EXAMPLE_3_0_0)
    rubric = load_rubric(GARE)
    assert review.rubric.version == rubric.version == "3.0.0"
    card = score(rubric, review)
    assert (card.score, card.band and card.band.id, card.gaps) == (69.4, "likely", [])
    for new in ("government_outcomes", "places", "engagement_findings", "continuing_partnership"):
        assert review.answers[new], new
    result = CliRunner().invoke(app, ["rubric", "doc", GARE])
    assert "Worked example: *Paid summer jobs" in result.stdout
