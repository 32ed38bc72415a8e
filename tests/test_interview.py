"""Layer 2: the whole interview with the terminal replaced by scripted answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.errors import ExitCode
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.scoring import score
from esj_review.interview.prompter import InteractiveRequired, Interrupted
from esj_review.interview.session import edit_review, new_review, resume_review
from tests.conftest import EXAMPLES
from tests.scripted import At, Scripted, flatten

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
PROPOSAL = {
    "proposal.id": "EX-TRANSIT-2027-01",
    "proposal.title": "Expand reduced-fare transit",
    "proposal.kind": "program",
    "proposal.department": "Transit Department (example)",
    "rubric.enable.digital_equity": False,
}


pytestmark = pytest.mark.usefixtures("terminal")  # the interview checks for one


def transit_answers(transit_data: dict[str, Any]) -> dict[str, Any]:
    return {**PROPOSAL, **flatten(transit_data["answers"])}


def test_a_whole_interview_gives_the_example_review(
    tmp_path: Path, transit_data: dict[str, Any], kc: Rubric
) -> None:
    out = tmp_path / "review.yaml"
    prompter = Scripted(transit_answers(transit_data))
    interview = new_review(out, None, None, prompter)
    saved = load_review(out)
    expected = load_review(TRANSIT)
    assert saved.answers == expected.answers
    assert saved.proposal.kind == "program"
    # what the interview showed at the end is what `esj-review score` says of the file
    card = interview.scorecard()
    assert card == score(kc, saved)
    result = CliRunner().invoke(app, ["score", str(out), "--format", "json"])
    assert json.loads(result.stdout) == json.loads(card.model_dump_json())
    assert "Advances equity" in prompter.screen
    # the analyst chose how to go through it, then finished on the live score
    assert prompter.menus[0] == "How do you want to go through the 7 sections?"
    assert prompter.menus[-1] == "Finished? Score 88.9 / 100 · Advances equity"
    assert interview.finished and interview.wants_report


def test_conditional_questions_follow_the_answers(
    tmp_path: Path, transit_data: dict[str, Any]
) -> None:
    answers = transit_answers(transit_data)
    prompter = Scripted(answers)
    new_review(tmp_path / "a.yaml", None, None, prompter)
    assert "geography_detail" not in prompter.asked  # countywide: not asked
    assert "determinant_impacts.transportation.burden_size" not in prompter.asked  # a benefit
    assert "determinant_impacts.county_practices.burden_size" in prompter.asked  # mixed
    # a mitigated burden: how far the mitigation reaches and by when
    for sub in ("mitigation_covers", "mitigation_by"):
        assert f"determinant_impacts.county_practices.{sub}" in prompter.asked
        assert f"determinant_impacts.transportation.{sub}" not in prompter.asked
    engaged = ["engaged_who", "engagement_timing", "community_compensated", "community_influence"]
    assert set(engaged) <= set(prompter.asked)  # communities shared in the decision
    # in rubric order, hidden questions skipped
    assess = ["data_sources", "data_kinds", "data_disaggregated", "community_data", "history"]
    assess += ["engagement_level", *engaged[:2], "language_access", *engaged[2:]]
    assert [p for p in prompter.asked if p in assess] == assess
    subs = ("mitigation_status", "mitigation_covers", "mitigation_by")
    block = [f"determinant_impacts.county_practices.{sub}" for sub in subs]
    assert [p for p in prompter.asked if p in block] == block
    learn = ["metrics", "metrics_owner", "metrics_first_report", "metrics_disaggregated"]
    assert [p for p in prompter.asked if p in learn] == learn
    assert "language_access" in prompter.asked

    answers |= {"geography": "specific_places", "geography_detail": "South county tracts"}
    answers["populations_affected"] = ["bipoc", "low_income"]
    for key, value in list(answers.items()):  # each impact's populations come from Scope's
        if key.endswith(".populations"):
            answers[key] = [p for p in value if p in answers["populations_affected"]]
    answers["engagement_level"] = "inform"
    prompter = Scripted(answers)
    new_review(tmp_path / "b.yaml", None, None, prompter)
    assert "geography_detail" in prompter.asked
    # asked whoever is affected: English-only outreach shuts out residents it did not count
    assert "language_access" in prompter.asked
    # informing only: no timing, pay or influence to ask about
    assert not set(engaged[1:]) & set(prompter.asked)

    answers["engagement_level"] = "none"
    prompter = Scripted(answers)
    new_review(tmp_path / "c.yaml", None, None, prompter)
    assert not set(engaged) & set(prompter.asked)  # no one was engaged
    assert "language_access" in prompter.asked


def test_every_question_type_is_asked_with_its_widget(
    tmp_path: Path, transit_data: dict[str, Any]
) -> None:
    seen: dict[str, str] = {}
    prompter = Scripted(transit_answers(transit_data))
    original = prompter.ask

    def spy(spec: Any) -> Any:
        seen.setdefault(spec.widget, spec.path)
        return original(spec)

    prompter.ask = spy  # type: ignore[method-assign]
    new_review(tmp_path / "r.yaml", None, None, prompter)
    assert set(seen) == {"text", "select", "checkbox", "confirm"}


def test_menu_jumps_to_any_section_and_back(tmp_path: Path, transit_data: dict[str, Any]) -> None:
    path = tmp_path / "r.yaml"
    data = yaml.safe_load(TRANSIT.read_text())
    data["answers"] = {}
    path.write_text(yaml.safe_dump(data))
    script = [At("Sections", ("section", step)) for step in ("learn", "proposal")]
    script.append(At("Sections", ("quit", "")))
    prompter = Scripted(transit_answers(transit_data), script)
    interview = resume_review(path, prompter)
    learn_first = prompter.asked.index("metrics")
    assert learn_first < prompter.asked.index("summary")
    states = interview.section_states()
    assert states["learn"] == "done" and states["proposal"] == "done"
    assert states["scope"] == "not started"
    # quitting keeps everything answered so far
    saved = load_review(tmp_path / "r.yaml")
    assert saved.answers["metrics_disaggregated"] is True and saved.answers["fiscal_year"] == 2027


def test_skipping_leaves_a_gap_not_a_zero(tmp_path: Path, transit_data: dict[str, Any]) -> None:
    answers = transit_answers(transit_data)
    del answers["alternatives"]  # Scripted answers SKIP for a path it has no answer for
    prompter = Scripted(answers, [At("Sections", ("review", ""))])
    interview = new_review(tmp_path / "r.yaml", None, None, prompter)
    card = interview.scorecard()
    assert card.score is None and [g.question for g in card.gaps] == ["alternatives"]
    assert "alternatives" in prompter.screen and "gap" in prompter.screen


def test_hidden_answers_are_kept_aside_and_come_back(tmp_path: Path, kc: Rubric) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(TRANSIT.read_text())
    # specific places: the "which places?" question appears and is answered
    prompter = Scripted(
        {"geography": "specific_places", "geography_detail": "Tracts 1-9"},
        [("change", ""), ("section", "scope"), "geography", "change", ("quit", "")],
    )
    resume_review(path, prompter)
    assert load_review(path).answers["geography_detail"] == "Tracts 1-9"
    # countywide again: the answer is hidden, so it is kept aside, not lost and not scored
    interview, _ = edit_review(path, None, "geography", Scripted({"geography": "countywide"}))
    saved = load_review(path)
    assert "geography_detail" not in saved.answers
    assert saved.set_aside == {"geography_detail": "Tracts 1-9"}
    assert "Kept aside" in interview.prompter.screen  # type: ignore[attr-defined]
    assert score(kc, saved).score == score(kc, load_review(TRANSIT)).score
    # and back: the earlier answer returns without being asked again
    prompter = Scripted({"geography": "unincorporated"})
    edit_review(path, None, "geography", prompter)
    assert load_review(path).answers["geography_detail"] == "Tracts 1-9"
    assert prompter.asked == ["geography"]


def test_unticking_a_determinant_keeps_its_block_aside(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(TRANSIT.read_text())
    touched = ["transportation", "jobs_training", "health_human_services"]
    edit_review(path, None, "determinants_touched", Scripted({"determinants_touched": touched}))
    saved = load_review(path)
    assert "county_practices" not in saved.answers["determinant_impacts"]
    assert saved.set_aside["determinant_impacts"]["county_practices"]["mitigation_status"] == "full"
    edit_review(
        path,
        None,
        "determinants_touched",
        Scripted({"determinants_touched": [*touched, "county_practices"]}),
    )
    assert load_review(path).answers == load_review(TRANSIT).answers


def test_ctrl_c_saves_and_resume_finishes_with_nothing_lost(
    tmp_path: Path, transit_data: dict[str, Any]
) -> None:
    path = tmp_path / "r.yaml"
    answers = transit_answers(transit_data)
    first = Scripted({**answers, "engagement_level": KeyboardInterrupt})
    with pytest.raises(Interrupted) as info:
        new_review(path, None, None, first)
    assert info.value.exit_code == ExitCode.INTERRUPTED
    assert f"esj-review resume {path}" in info.value.message
    partial = load_review(path)
    assert partial.answers["data_sources"].startswith("Fare payment data")
    assert "engagement_level" not in partial.answers
    second = Scripted(answers)
    resume_review(path, second)
    assert "summary" not in second.asked  # answered before the interruption: not asked again
    assert load_review(path).answers == load_review(TRANSIT).answers


def test_end_of_input_saves_and_asks_for_a_terminal(
    tmp_path: Path, transit_data: dict[str, Any]
) -> None:
    path = tmp_path / "r.yaml"
    answers = {**transit_answers(transit_data), "desired_results": EOFError}
    with pytest.raises(InteractiveRequired) as info:
        new_review(path, None, None, Scripted(answers))
    assert info.value.exit_code == ExitCode.USAGE
    assert "interactive session required" in info.value.message
    assert load_review(path).answers["summary"].startswith("Raises the income limit")


def test_edit_one_answer_changes_the_score(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(TRANSIT.read_text())
    interview, before = edit_review(
        path, None, "engagement_level", Scripted({"engagement_level": "inform"})
    )
    after = interview.scorecard()
    assert before.band is not None and before.band.id == "advances"
    assert after.band is not None and after.band.id == "promising"
    assert "inform_only" in {f.id for f in after.flags}
    assert load_review(path).answers["engagement_level"] == "inform"


def test_edit_refuses_hidden_or_unknown_questions(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(TRANSIT.read_text())
    with pytest.raises(Exception, match="not shown for this review"):
        edit_review(path, None, "geography_detail", Scripted({}))
    with pytest.raises(Exception, match="no question 'colour'"):
        edit_review(path, None, "colour", Scripted({}))
    with pytest.raises(Exception, match="no section 'nope'"):
        edit_review(path, "nope", None, Scripted({}))


def test_answers_file_prefills_and_only_the_rest_is_asked(tmp_path: Path) -> None:
    prefill = tmp_path / "prefill.yaml"
    text = TRANSIT.read_text().replace("  metrics_disaggregated: true\n", "")
    prefill.write_text(text.replace("geography: countywide", "geography: moon"))
    prompter = Scripted(
        {"geography": "countywide", "metrics_disaggregated": True},
    )
    out = tmp_path / "out.yaml"
    new_review(out, None, prefill, prompter)
    # what the file lacks or got wrong; an optional question it left blank is asked too
    optional = "determinant_impacts.county_practices.populations"
    assert prompter.asked == ["geography", optional, "metrics_disaggregated"]
    assert (
        "Not used, will be asked" in prompter.screen and "'moon' is not a choice" in prompter.screen
    )
    assert load_review(out).answers == load_review(TRANSIT).answers


def test_output_that_exists_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("keep me\n")
    with pytest.raises(Exception, match="already exists; continue it with"):
        new_review(path, None, None, Scripted({}))
    assert path.read_text() == "keep me\n"


def test_default_file_name_comes_from_a_safe_proposal_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transit_data: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    answers = {**transit_answers(transit_data), "proposal.id": "../../etc/DOT 14"}
    interview = new_review(None, None, None, Scripted(answers))
    assert interview.path == Path("etc-DOT-14.yaml") and interview.path.exists()
    again = new_review(None, None, None, Scripted(answers))
    assert again.path == Path("etc-DOT-14-2.yaml")
