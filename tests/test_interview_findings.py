"""Layer 2: the interview 2.0 findings, each as the analyst meets it (scripted prompter)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.errors import UsageError
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.scoring import score
from esj_review.interview.prompts import score_line, section_state
from esj_review.interview.session import edit_review, new_review, resume_review
from tests.conftest import EXAMPLES
from tests.scripted import DEFAULT, At, Scripted, flatten

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
PROPOSAL = {
    "proposal.id": "EX-1",
    "proposal.title": "A proposal",
    "proposal.kind": "program",
    "proposal.department": "Parks",
    "rubric.enable.digital_equity": False,
    "meta.reviewer.name": "Jo Analyst",
    "meta.reviewer.role": "Equity analyst",
    "meta.reviewer.contact": "jo@example.org",
}
# the fewest answers that complete a King County review: one determinant, a benefit, no one
# engaged, acting downstream
MINIMAL = {
    **PROPOSAL,
    "summary": "Extends library hours on weekday evenings in three branches.",
    "desired_results": "More residents who work days can use the library and its computers.",
    "fiscal_year": "FY2027",
    "populations_affected": ["low_income"],
    "geography": "countywide",
    "determinants_touched": ["education"],
    "data_sources": "Door counts by hour and a survey of 400 library card holders.",
    "engagement_level": "none",
    "language_access": "partial",
    "determinant_impacts.education.direction": "benefit",
    "determinant_impacts.education.benefit_size": "small",
    "determinant_impacts.education.benefit_reach": "priority",
    "determinant_impacts.education.evidence": "Evening use is highest in low-income areas.",
    "alternatives": "Weekend hours instead; fewer evening users would gain.",
    "root_cause_level": "downstream",
    "funding_status": "funded",
    "timeline": "Evening hours start in January 2027.",
    "responsible": "Library operations manager",
    "metrics": "Evening visits and computer sessions by branch, against 2026.",
    "metrics_owner": "Library performance team",
    "metrics_disaggregated": True,
    "report_back": "annual",
    "review_date": "2028-06-30",
}


pytestmark = pytest.mark.usefixtures("terminal")  # the interview checks for one


def transit_copy(tmp_path: Path) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(TRANSIT.read_text())
    return path


def transit_answers() -> dict[str, Any]:
    data = yaml.safe_load(TRANSIT.read_text())
    return {**PROPOSAL, **flatten(data["answers"])}


# --- shorter by design ----------------------------------------------------------------------


def test_a_minimal_review_takes_at_most_35_prompts(tmp_path: Path, kc: Rubric) -> None:
    prompter = Scripted(MINIMAL, [At("How do you want", "required")])
    interview = new_review(tmp_path / "r.yaml", None, None, prompter)
    prompts = len(prompter.asked) + len(prompter.menus)
    assert prompts <= 35, (prompts, prompter.asked, prompter.menus)
    assert interview.finished and score(kc, load_review(tmp_path / "r.yaml")).complete
    # required questions only: none of the optional ones was asked, each is noted as passed
    optional = {"amount", "decision_date", "data_kinds", "history", "goal_areas", "resources"}
    assert not optional & set(prompter.asked)
    assert optional <= set(load_review(tmp_path / "r.yaml").meta.passed)
    assert set(interview.section_states().values()) == {"done"}


def test_a_section_offers_to_leave_its_optional_questions_blank(tmp_path: Path) -> None:
    answers = {**transit_answers(), "amount": 1, "decision_date": "2027-01-01"}
    prompter = Scripted(answers, [At("The proposal:", True)])
    new_review(tmp_path / "r.yaml", None, None, prompter)
    assert "The proposal: 3 required questions and 2 optional questions" in prompter.menus
    assert "amount" not in prompter.asked and "summary" in prompter.asked
    saved = load_review(tmp_path / "r.yaml")
    assert "amount" not in saved.answers and "amount" in saved.meta.passed
    # a later section that was not left blank asks its optional questions
    assert "data_kinds" in prompter.asked


def test_alignment_is_done_when_nothing_is_ticked(tmp_path: Path, kc: Rubric) -> None:
    """Finding 1: ticking nothing on a section of optional lists finishes it."""
    path = transit_copy(tmp_path)
    data = yaml.safe_load(path.read_text())
    for key in ("goal_areas", "strategies", "policy_areas"):
        data["answers"].pop(key, None)
    path.write_text(yaml.safe_dump(data))
    prompter = Scripted({}, [("section", "alignment"), False, ("quit", "")])
    interview = resume_review(path, prompter)
    assert prompter.asked == ["goal_areas", "strategies", "policy_areas"]
    assert interview.section_states()["alignment"] == "done"
    # the menu no longer sends the analyst back into it
    again = Scripted({})
    resume_review(path, again)
    assert not {"goal_areas", "strategies", "policy_areas"} & set(again.asked)


def test_populations_come_ticked_from_scope_and_only_those_are_offered(
    tmp_path: Path,
) -> None:
    answers = {**MINIMAL, "populations_affected": ["low_income", "disabilities"]}
    answers["determinant_impacts.education.populations"] = DEFAULT
    seen: dict[str, Any] = {}
    prompter = Scripted(answers)
    original = prompter.ask

    def spy(spec: Any) -> Any:
        seen[spec.path] = spec
        return original(spec)

    prompter.ask = spy  # type: ignore[method-assign]
    new_review(tmp_path / "r.yaml", None, None, prompter)
    spec = seen["determinant_impacts.education.populations"]
    assert [o.value for o in spec.options] == ["low_income", "disabilities"]
    assert spec.default == ["low_income", "disabilities"]
    saved = load_review(tmp_path / "r.yaml")
    assert saved.answers["determinant_impacts"]["education"]["populations"] == [
        "low_income",
        "disabilities",
    ]


def test_a_mitigation_is_typed_once_and_offered_for_the_next_burden(tmp_path: Path) -> None:
    answers = {**MINIMAL, "determinants_touched": ["education", "housing"]}
    burden = {
        "direction": "burden",
        "burden_size": "small",
        "burden_bearers": "broad",
        "evidence": "Shorter morning hours at two branches.",
    }
    for det in ("education", "housing"):
        answers |= {f"determinant_impacts.{det}.{k}": v for k, v in burden.items()}
    answers |= {
        "determinant_impacts.education.mitigation": "Mobile library stops in the mornings.",
        "determinant_impacts.education.mitigation_status": "full",
        "determinant_impacts.education.mitigation_covers": "most",
        "determinant_impacts.education.mitigation_by": "2027-03-01",
    }
    for sub in ("mitigation", "mitigation_status", "mitigation_covers", "mitigation_by"):
        answers[f"determinant_impacts.housing.{sub}"] = DEFAULT
    messages: list[str] = []
    prompter = Scripted(answers)
    original = prompter.ask

    def spy(spec: Any) -> Any:
        messages.append(spec.message)
        return original(spec)

    prompter.ask = spy  # type: ignore[method-assign]
    new_review(tmp_path / "r.yaml", None, None, prompter)
    impacts = load_review(tmp_path / "r.yaml").answers["determinant_impacts"]
    for sub in ("mitigation", "mitigation_status", "mitigation_covers", "mitigation_by"):
        assert impacts["housing"][sub] == impacts["education"][sub]
    assert any(m.endswith("[as for Quality education]") for m in messages), messages
    # evidence is never carried: each impact has its own
    assert not any("evidence" in m and "[as for" in m for m in messages)


def test_questions_whose_premise_is_false_are_not_asked(tmp_path: Path) -> None:
    answers = {**MINIMAL, "engagement_level": "inform", "engaged_who": "Library users."}
    prompter = Scripted(answers)
    new_review(tmp_path / "r.yaml", None, None, prompter)
    for path in ("community_compensated", "community_influence", "engagement_timing"):
        assert path not in prompter.asked
    assert "engaged_who" in prompter.asked


# --- forgiving: skip keeps, clear is its own choice -----------------------------------------


def test_skip_in_edit_keeps_the_answer(tmp_path: Path) -> None:
    """Finding 2: "Skip for now" on an answered question leaves it as it is."""
    path = transit_copy(tmp_path)
    before = load_review(path)
    for question in ("engagement_level", "alternatives", "populations_affected"):
        interview, _ = edit_review(path, None, question, Scripted({}))
        assert load_review(path).answers == before.answers, question
        assert "Kept the earlier answer" in interview.prompter.screen  # type: ignore[attr-defined]
    edit_review(path, "analysis", None, Scripted({}))
    assert load_review(path).answers == before.answers


def test_clear_moves_the_answer_aside_and_answering_again_replaces_it(
    tmp_path: Path, kc: Rubric
) -> None:
    path = transit_copy(tmp_path)
    interview, _ = edit_review(path, None, "alternatives", Scripted({}, ["clear"]))
    saved = load_review(path)
    assert "alternatives" not in saved.answers
    assert saved.set_aside["alternatives"].startswith("Free fares")
    assert score(kc, saved).score is None  # a required answer cleared: a gap, no number
    assert "now a gap" in interview.prompter.screen  # type: ignore[attr-defined]
    # another edit does not bring the cleared answer back by itself
    edit_review(path, None, "engagement_level", Scripted({"engagement_level": "involve"}))
    assert "alternatives" not in load_review(path).answers
    edit_review(path, None, "alternatives", Scripted({"alternatives": "A new answer."}))
    saved = load_review(path)
    assert saved.answers["alternatives"] == "A new answer." and not saved.set_aside


def test_unticking_an_optional_list_clears_it_aside(tmp_path: Path) -> None:
    path = transit_copy(tmp_path)
    edit_review(path, None, "goal_areas", Scripted({"goal_areas": []}, ["change"]))
    saved = load_review(path)
    assert "goal_areas" not in saved.answers and saved.set_aside["goal_areas"]


def test_nothing_ticked_on_a_required_list_is_said_and_leaves_a_gap(tmp_path: Path) -> None:
    prompter = Scripted({**MINIMAL, "determinants_touched": []}, [At("Sections", ("quit", ""))])
    new_review(tmp_path / "r.yaml", None, None, prompter)
    assert "Nothing ticked: left unanswered for now." in prompter.screen
    assert "determinants_touched" not in load_review(tmp_path / "r.yaml").answers


# --- edit anything --------------------------------------------------------------------------


def test_edit_the_proposal_fields(tmp_path: Path) -> None:
    path = transit_copy(tmp_path)
    edit_review(path, None, "proposal.title", Scripted({"proposal.title": "A better title"}))
    saved = load_review(path)
    assert saved.proposal.title == "A better title"
    assert saved.proposal.id == load_review(TRANSIT).proposal.id
    # from the menu: every field, each with its current value (a blank keeps it)
    prompter = Scripted(
        {"proposal.department": "Metro Transit", "proposal.kind": "capital_project"},
        [("change", ""), ("proposal", ""), ("quit", "")],
    )
    edit_review(path, None, None, prompter)
    saved = load_review(path)
    assert (saved.proposal.department, saved.proposal.kind) == ("Metro Transit", "capital_project")
    assert saved.proposal.title == "A better title"


def test_edit_the_optional_items_and_the_reviewer(tmp_path: Path) -> None:
    path = transit_copy(tmp_path)
    edit_review(path, None, "rubric.enable", Scripted({"rubric.enable.digital_equity": True}))
    assert load_review(path).rubric.enable == ["digital_equity"]
    edit_review(path, None, "meta.reviewer", Scripted({"meta.reviewer.role": "Budget Office"}))
    assert load_review(path).meta.reviewer.role == "Budget Office"  # type: ignore[union-attr]


def test_edit_section_by_menu_number_or_title(tmp_path: Path) -> None:
    path = transit_copy(tmp_path)
    for name in ("2", "Scope", "scope", " 2. "):
        prompter = Scripted({})
        edit_review(path, name, None, prompter)
        assert prompter.asked[0] == "populations_affected", name
    with pytest.raises(UsageError, match=r"sections: 1\. The proposal \(proposal\); 2\. Scope"):
        edit_review(path, "9", None, Scripted({}))


def test_edit_messages_say_why_and_suggest(tmp_path: Path) -> None:
    """Finding 6: the README's own example on an untouched determinant; a typo."""
    path = transit_copy(tmp_path)
    with pytest.raises(UsageError) as info:
        edit_review(path, None, "determinant_impacts.housing.direction", Scripted({}))
    assert "'housing' is not chosen in 'determinants_touched'" in info.value.message
    assert "--question determinants_touched" in info.value.message
    with pytest.raises(UsageError, match="did you mean engagement_level"):
        edit_review(path, None, "engagment_level", Scripted({}))
    with pytest.raises(UsageError, match=r"did you mean proposal\.title"):
        edit_review(path, None, "proposal.titel", Scripted({}))
    with pytest.raises(UsageError, match="did you mean housing"):
        edit_review(path, None, "determinant_impacts.housng.direction", Scripted({}))


# --- screens and words ----------------------------------------------------------------------


def test_selections_are_echoed_in_words(tmp_path: Path) -> None:
    prompter = Scripted(MINIMAL, [At("How do you want", "required")])
    new_review(tmp_path / "r.yaml", None, None, prompter)
    assert "Ticked: People with low or no income" in prompter.screen.replace("\n", " ")


def test_a_date_in_the_past_gets_a_word(tmp_path: Path) -> None:
    past = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    prompter = Scripted({**MINIMAL, "review_date": past}, [At("How do you want", "required")])
    new_review(tmp_path / "r.yaml", None, None, prompter)
    assert f"Note: {past} is in the past." in prompter.screen
    assert load_review(tmp_path / "r.yaml").answers["review_date"] == past  # not refused


def test_labels_count_in_words(kc: Rubric) -> None:
    review = load_review(TRANSIT)
    card = score(kc, review)
    assert score_line(card) == "Score 88.9 / 100 · Advances equity"  # complete: not "so far"
    review.answers.pop("alternatives")
    assert score_line(score(kc, review)) == "Incomplete: 1 required answer missing"
    review.answers.pop("timeline")
    assert score_line(score(kc, review)) == "Incomplete: 2 required answers missing"
    slots = [s for s in review.slots(kc) if s.section.id == "learn"]
    assert section_state(slots, set()) == "done"
    review.answers.pop("metrics_first_report")
    slots = [s for s in review.slots(kc) if s.section.id == "learn"]
    assert section_state(slots, set()) == "required done · 1 optional not asked"
    assert section_state(slots, {"metrics_first_report"}) == "done"


def test_the_intro_says_the_keys_and_that_answers_are_saved(tmp_path: Path) -> None:
    prompter = Scripted(MINIMAL, [At("How do you want", "required")])
    new_review(tmp_path / "r.yaml", None, None, prompter)
    intro = prompter.screen.split("Proposal")[0]
    for words in ("7 sections", "Ctrl-C", "saved", "Esc Enter", "Space", "resume"):
        assert words in intro, words


# --- interruptions and files ----------------------------------------------------------------


def test_an_interrupted_optional_question_is_asked_after_resume(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    answers = {**MINIMAL, "community_data": KeyboardInterrupt}
    with pytest.raises(Exception, match="Interrupted"):
        new_review(path, None, None, Scripted(answers))
    assert "community_data" not in load_review(path).meta.passed
    again = Scripted({**MINIMAL, "community_data": True})
    resume_review(path, again)
    assert "community_data" in again.asked
    assert load_review(path).answers["community_data"] is True


def test_answers_with_gaps_and_no_terminal_write_nothing(
    tmp_path: Path, terminal: Callable[[bool], None]
) -> None:
    """Finding 10: the message lists the gaps; a re-run after filling them works."""
    terminal(False)
    data = yaml.safe_load(TRANSIT.read_text())
    del data["answers"]["alternatives"], data["answers"]["review_date"]
    prefill = tmp_path / "prefill.yaml"
    prefill.write_text(yaml.safe_dump(data))
    out = tmp_path / "out.yaml"
    with pytest.raises(UsageError) as info:
        new_review(out, None, prefill, Scripted({}))
    message = info.value.message
    assert "2 required answers missing" in message and "nothing was written" in message
    assert "(alternatives)" in message and "(review_date)" in message
    assert not out.exists()
    data["answers"] |= {"alternatives": "Free fares.", "review_date": "2028-01-01"}
    prefill.write_text(yaml.safe_dump(data))
    new_review(out, None, prefill, Scripted({}))
    saved = load_review(out)
    assert saved.meta.reviewer is not None and saved.meta.reviewer.name == "Example analyst"
