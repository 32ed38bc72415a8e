"""King County rubric 3.0.0 (and 3.1.0, which adds only commitments), faithful to its sources:
the current version lints clean, reviews written for 2.0.0 (the bundled examples) score
exactly as they did, upstream means systems and institutions as in the county's theory of
change, the new EIR questions are optional and asked only when their premise holds, labels are
spelled as the sources spell them, and nothing unverified is presented as the county's
wording."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.answers import walk
from esj_review.core.lint import lint_rubric
from esj_review.core.qtypes.select import ChoiceQuestion
from esj_review.core.review import load_review
from esj_review.core.rubric import TAXONOMIES, Question, Rubric, TaxonomyItem
from esj_review.core.rubrics import earlier_versions, load_rubric
from tests.conftest import EXAMPLES, RUBRICS

KC = "king-county-esj"

# What `esj-review score FILE --format json` gave for each bundled example under rubric 2.0.0
# before 3.0.0 was written (score, band, confidence and its percent, net impact, flags).
BEFORE: dict[str, dict[str, Any]] = {
    "budget-reduction.yaml": {
        "score": 21.6,
        "band": "risk",
        "confidence": ("low", 12.3),
        "impact": (0.0, 3.93, -3.93),
        "flags": [
            "unmitigated_burden",
            "inform_only",
            "english_only",
            "no_race_data",
            "not_funded",
            "no_report_back",
        ],
    },
    "capital-facility-siting.yaml": {
        "score": 49.3,
        "band": "needs_work",
        "confidence": ("medium", 49.2),
        "impact": (1.76, 1.8, -0.04),
        "flags": ["unmitigated_burden", "not_funded"],
    },
    "fee-increase.yaml": {
        "score": 33.3,
        "band": "needs_work",
        "confidence": ("low", 33.7),
        "impact": (0.0, 1.5, -1.5),
        "flags": ["unmitigated_burden", "no_race_data"],
    },
    "reduced-fare-transit.yaml": {
        "score": 88.9,
        "band": "advances",
        "confidence": ("high", 93.3),
        "impact": (10.56, 0.075, 10.485),
        "flags": [],
    },
}
TRANSIT = "reduced-fare-transit.yaml"
DATA = Path(__file__).parent / "data"
INCOMPLETE = {"language-access-expansion.yaml": (76.5, ["no_race_data"])}
HASH_2_0_0 = "9e9bfc80e2f19dd450dbd369834d41cbc4e2765382e31008fab933a79545a19e"

# The optional questions 3.0.0 adds; the repeated one is asked per determinant.
NEW_TOP = {
    "community_priorities",
    "option_comparison",
    "future_generations",
    "disability_access",
    "county_workforce_contracting",
    "gap_response",
}
NEW_REPEATED = {"enhancement"}
# The optional, unscored questions 3.1.0 adds for commitments (owners and where each stands).
NEW_IN_3_1 = {"mitigation_owner", "mitigation_progress", "metrics_report_status", "review_status"}


@pytest.fixture(scope="module")
def kc() -> Rubric:
    return load_rubric(KC)


@pytest.fixture(scope="module")
def kc2() -> Rubric:
    return load_rubric(f"{KC}@2.0.0")


@pytest.fixture(scope="module")
def kc3() -> Rubric:
    return load_rubric(f"{KC}@3.0.0")


def every_question(rubric: Rubric) -> dict[str, Question]:
    """Top-level and repeated questions by id."""
    found: dict[str, Question] = {}
    for _, q in rubric.iter_questions():
        found[q.id] = q
        for sub in q.children():
            found[sub.id] = sub
    return found


def labels(items: list[TaxonomyItem]) -> dict[str, str]:
    return {item.id: item.label for item in items}


# --- the version and its archive --------------------------------------------------------------


def test_the_current_rubric_is_3_1_0_and_lints_clean(kc: Rubric) -> None:
    assert kc.version == "3.1.0"
    assert lint_rubric(kc).problems == []


def test_3_0_0_is_archived_and_3_1_0_adds_only_unscored_optional_questions(
    kc: Rubric, kc3: Rubric
) -> None:
    assert earlier_versions(KC)["3.0.0"] == RUBRICS / "archive" / f"{KC}-3.0.0.yaml"
    assert lint_rubric(kc3).errors == []
    now, before = every_question(kc), every_question(kc3)
    assert set(now) - set(before) == NEW_IN_3_1 and set(before) <= set(now)
    for qid in NEW_IN_3_1:
        assert not now[qid].required and now[qid].when is not None and now[qid].score is None
    assert kc.scoring == kc3.scoring
    assert [m.from_version for m in kc.migrations] == ["3.0.0"]


def test_2_0_0_is_archived_unchanged(kc2: Rubric) -> None:
    assert earlier_versions(KC)["2.0.0"] == RUBRICS / "archive" / f"{KC}-2.0.0.yaml"
    assert (kc2.version, kc2.content_hash) == ("2.0.0", HASH_2_0_0)
    assert lint_rubric(kc2).errors == []


def score_json(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["score", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    card: dict[str, Any] = json.loads(result.stdout)
    return card


def written_for_2_0_0(name: str) -> Path:
    """The example as written for 2.0.0: the transit example itself moved to 3.0.0 (the
    demo shows the current rubric), its 2.0.0 form is kept under tests/data."""
    if name == TRANSIT:
        return DATA / "reduced-fare-transit-2.0.0.yaml"
    return EXAMPLES / name


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_each_example_scores_exactly_as_before(name: str) -> None:
    card = score_json(written_for_2_0_0(name))
    want = BEFORE[name]
    assert card["rubric"] == {"id": KC, "version": "2.0.0", "hash": HASH_2_0_0}
    assert card["complete"] is True
    assert (card["score"], card["band"]["id"]) == (want["score"], want["band"])
    assert (card["confidence"]["id"], card["confidence"]["percent"]) == want["confidence"]
    impact = card["impact"]
    assert (impact["benefit"], impact["burden"], impact["net"]) == want["impact"]
    assert [flag["id"] for flag in card["flags"]] == want["flags"]


@pytest.mark.parametrize("name", sorted(INCOMPLETE))
def test_the_unfinished_example_is_as_unfinished_as_before(name: str) -> None:
    card = score_json(EXAMPLES / name)
    completeness, flags = INCOMPLETE[name]
    assert card["rubric"]["version"] == "2.0.0" and card["complete"] is False
    assert card["score"] is None and card["completeness"] == completeness
    assert [flag["id"] for flag in card["flags"]] == flags


def test_every_example_is_recorded_above() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert path.name in BEFORE or path.name in INCOMPLETE, path.name


def test_the_transit_example_scores_the_same_under_3_1_0(kc: Rubric) -> None:
    """3.0.0 and 3.1.0 add questions that are not scored: the same proposal, with them
    answered, gets the same number, band, impact and flags."""
    now, before = score_json(EXAMPLES / TRANSIT), score_json(written_for_2_0_0(TRANSIT))
    assert now["rubric"] == {"id": KC, "version": "3.1.0", "hash": kc.content_hash}
    for key in ("score", "band", "confidence", "impact", "flags", "complete"):
        assert now[key] == before[key], key
    answered = load_review(EXAMPLES / TRANSIT).answers
    for new in ("community_priorities", "option_comparison", "future_generations"):
        assert answered[new], new  # the demo shows the new questions answered


# --- upstream, midstream, downstream -------------------------------------------------------


def test_upstream_is_systems_and_institutions(kc: Rubric) -> None:
    q = kc.question("root_cause_level")
    assert isinstance(q, ChoiceQuestion) and q.required
    said = {c.id: c.label.lower() for c in q.choices}
    assert list(said) == ["upstream", "midstream", "downstream"]
    assert "systems" in said["upstream"] and "institutional" in said["upstream"]
    assert "conditions" in said["midstream"] and "determinants" in said["midstream"]
    assert "program" in said["downstream"] and "person by person" in said["downstream"]
    assert "conditions" not in said["upstream"]  # 2.0.0 called changing conditions upstream
    assert "theory of change" in q.help and "vision page" in q.help
    assert {"esj_vision", "eir_tool_2010"} <= {s.id for s in kc.sources}


def test_the_numbers_for_where_it_acts_are_2_0_0s_and_the_method_says_so(
    kc: Rubric, kc2: Rubric
) -> None:
    assert kc.scoring.impact is not None and kc2.scoring.impact is not None
    assert kc.scoring.impact.benefit_factors == kc2.scoring.impact.benefit_factors
    assert "upstream, on systems, structures and institutional practices, 1.2" in (
        kc.scoring.method
    )
    assert "county's own policies" in kc.scoring.method
    institutional = kc.question("institutional_change")
    assert institutional is not None and not institutional.required
    assert "county's own" in institutional.prompt


# --- the new questions: optional, asked only when their premise holds ------------------------


def test_the_new_questions_are_optional_conditional_and_say_where_they_come_from(
    kc3: Rubric, kc2: Rubric
) -> None:
    kc = kc3  # the questions 3.0.0 added to 2.0.0 (3.1.0's are checked above)
    now, before = every_question(kc), every_question(kc2)
    assert set(now) - set(before) == NEW_TOP | NEW_REPEATED
    for qid in NEW_TOP | NEW_REPEATED:
        q = now[qid]
        assert not q.required and q.when is not None and q.score is None, qid
        assert q.help.startswith("Asked "), qid  # says when, then where it comes from
    repeat = kc.question("determinant_impacts")
    assert repeat is not None and "enhancement" in {s.id for s in repeat.children()}
    # a minimal review asks exactly what it asked under 2.0.0
    required_now = {qid for qid, q in now.items() if q.required}
    assert required_now == {qid for qid, q in before.items() if q.required}


# Answers under which none of the new questions' premises holds.
BASE: dict[str, Any] = {
    "populations_affected": ["low_income"],
    "geography": "countywide",
    "determinants_touched": ["education"],
    "engagement_level": "none",
    "determinant_impacts": {"education": {"direction": "burden"}},
    "root_cause_level": "downstream",
    "metrics_disaggregated": False,
}
PROGRAM = {"kind": "program", "department": "Parks"}

# For each new question, the change that makes its premise hold.
PREMISES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "community_priorities": ({"engagement_level": "consult", "engagement_timing": "early"}, {}),
    "option_comparison": ({"alternatives": "Weekend hours instead."}, {}),
    "future_generations": ({}, {"kind": "plan"}),
    "disability_access": ({"populations_affected": ["low_income", "disabilities"]}, {}),
    "county_workforce_contracting": ({"geography": "county_workforce"}, {}),
    "gap_response": ({"metrics_disaggregated": True}, {}),
    "determinant_impacts.education.enhancement": (
        {"determinant_impacts": {"education": {"direction": "mixed"}}},
        {},
    ),
}


def shown(rubric: Rubric, answers: dict[str, Any], proposal: dict[str, Any]) -> set[str]:
    return {s.path for s in walk(rubric, answers, proposal) if s.visible}


def test_no_new_question_is_asked_without_its_premise(kc: Rubric) -> None:
    assert not set(PREMISES) & shown(kc, BASE, PROGRAM)


@pytest.mark.parametrize("path", sorted(PREMISES))
def test_each_new_question_is_asked_when_its_premise_holds(kc: Rubric, path: str) -> None:
    answers, proposal = PREMISES[path]
    now = shown(kc, {**BASE, **answers}, {**PROGRAM, **proposal})
    assert path in now
    # only its own premise: the other new questions stay hidden
    assert now & set(PREMISES) == {path}


@pytest.mark.parametrize(
    ("answers", "proposal", "path"),
    [
        ({"root_cause_level": "upstream"}, {}, "future_generations"),
        ({"root_cause_level": "midstream"}, {}, "future_generations"),
        ({}, {"kind": "capital_project"}, "future_generations"),
        (
            {
                "determinants_touched": ["education", "county_practices"],
                "determinant_impacts": {"education": {"direction": "burden"}},
            },
            {},
            "county_workforce_contracting",
        ),
        (
            {"determinant_impacts": {"education": {"direction": "benefit"}}},
            {},
            "determinant_impacts.education.enhancement",
        ),
    ],
)
def test_the_other_premises_hold_too(
    kc: Rubric, answers: dict[str, Any], proposal: dict[str, Any], path: str
) -> None:
    assert path in shown(kc, {**BASE, **answers}, {**PROGRAM, **proposal})


def test_engagement_that_was_not_early_does_not_ask_for_earlier_priorities(kc: Rubric) -> None:
    for timing in ("during", "late"):
        answers = {**BASE, "engagement_level": "consult", "engagement_timing": timing}
        assert "community_priorities" not in shown(kc, answers, PROGRAM)


# --- labels as the sources spell them --------------------------------------------------------

# The labels the domain notes mark as found in a source, as the ESJ Strategic Plan
# 2016-2022 prints them (goal and policy areas as the plan heads them).
DETERMINANTS = [
    "Access to safe and efficient transportation",
    "Access to affordable, healthy, local food",
    "Healthy built and natural environments",
    "Access to health and human services",
    "Affordable, safe, quality housing",
    "Access to parks and natural resources",
    "Quality education",
    "Economic development",
    "Family wage jobs and job training",
    "Equity in County practices",
    "Equitable law and justice system",
    "Early childhood development",
    "Strong, vibrant neighborhoods",
    "Community and public safety",
]
STRATEGIES = [
    "Invest upstream and where needs are greatest",
    "Invest in community partnerships",
    "Invest in employees",
    "Accountable and transparent leadership",
]
GOAL_AREAS = [
    "leadership, operations and services",
    "plans, policies and budgets",
    "workplace and workforce",
    "community partnerships",
    "communication and education",
    "facility and system improvements",
]
POLICY_AREAS = [
    "child and youth development",
    "economic development and jobs",
    "environment and climate",
    "health and human services",
    "housing",
    "information and technology",
    "justice system",
    "transportation and mobility",
]


def plain(label: str) -> str:
    return label.lower().replace(" & ", " and ")


def test_the_determinants_and_strategies_are_spelled_as_in_the_plan(kc: Rubric) -> None:
    fourteen = [d for d in kc.determinants if not d.optional]
    assert [d.label for d in fourteen] == DETERMINANTS
    assert all(d.source == "esj_plan" and d.verified for d in fourteen)
    assert [s.label for s in kc.strategies] == STRATEGIES
    digital = [d for d in kc.determinants if d.optional]
    assert [(d.id, d.label, d.source) for d in digital] == [
        ("digital_equity", "Digital equity", "determinants_tool")
    ]
    assert "later addition" in digital[0].note


def test_goal_and_policy_areas_are_headed_as_in_the_plan(kc: Rubric) -> None:
    assert [plain(g.label) for g in kc.goal_areas] == GOAL_AREAS
    assert [plain(p.label) for p in kc.policy_areas] == POLICY_AREAS
    assert labels(kc.goal_areas)["workforce_workplace"] == "Workplace & Workforce"
    assert labels(kc.policy_areas)["justice_system"] == "Justice system"


def test_the_priority_populations_cite_metro_connects_itself(kc: Rubric) -> None:
    sources = {s.id: s for s in kc.sources}
    metro = sources["metro_connects"]
    assert "Metro Connects" in metro.title and metro.publisher == "King County Metro"
    assert "Black, Indigenous, and of color" in metro.note
    assert {p.source for p in kc.populations} == {"metro_connects"}
    said = labels(kc.populations)
    assert said["bipoc"] == "Black, Indigenous and people of color"
    assert said["immigrants_refugees"] == "Immigrants and refugees"
    assert said["disabilities"] == "People with disabilities"
    merged = next(p for p in kc.populations if p.id == "limited_english")
    assert merged.verified is False and "This tool's label" in merged.note


# --- nothing unverified presented as the county's ------------------------------------------


def test_only_the_merged_population_label_is_unverified(kc: Rubric) -> None:
    unverified = [item.id for name in TAXONOMIES for item in kc.taxonomy(name) if not item.verified]
    assert unverified == ["limited_english"]


def test_no_description_claims_to_quote_a_source(kc: Rubric) -> None:
    """The ordinance's one-sentence definitions (K.C.C. 2.10.210) were not checked, so every
    description is this tool's words."""
    for name in TAXONOMIES:
        for item in kc.taxonomy(name):
            assert item.quoted_from is None, item.id
    assert "not checked" in next(s.note for s in kc.sources if s.id == "kcc_title_2")


def test_the_eir_phases_stay_unverified(kc: Rubric) -> None:
    phases = {s.id: s.verified for s in kc.sections if s.phase}
    assert phases == dict.fromkeys(["scope", "assess", "analysis", "implement", "learn"], False)


def test_help_that_leans_on_unverified_wording_says_so(kc: Rubric) -> None:
    questions = every_question(kc)
    for qid in ("community_priorities", "option_comparison", "future_generations", "gap_response"):
        assert "not verified" in questions[qid].help, qid
    assert "cross-generational" in questions["future_generations"].help
    for qid in ("disability_access", "county_workforce_contracting"):
        assert "this tool" in questions[qid].help.lower(), qid


def test_the_engagement_scale_is_the_tools_choice_from_a_third_party(kc: Rubric) -> None:
    q = kc.question("engagement_level")
    assert isinstance(q, ChoiceQuestion) and q.choices_source == "spectrum_engagement"
    source = next(s for s in kc.sources if s.id == "spectrum_engagement")
    assert (source.publisher, source.year) == ("Facilitating Power", 2019)
    assert "not King County's" in source.note and "not King County's" in q.help
    assert "Facilitating Power, 2019" in q.help and "this tool's choice" in q.help
    assert (q.choices[0].id, q.choices[0].label) == ("none", "No one was engaged")


def test_every_address_is_the_publishers_own(kc: Rubric) -> None:
    for source in kc.sources:
        if source.url is None:
            continue
        host = urlparse(source.url).hostname or ""
        own = host == "kingcounty.gov" or host.endswith(".kingcounty.gov")
        metro = host == "issuu.com" and source.url.startswith("https://issuu.com/metro-transit/")
        assert own or metro, source.url
        assert source.publisher, source.id
