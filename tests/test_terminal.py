"""Layer 4: the real command in a real terminal (pexpect), as an analyst would use it."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
import yaml
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.review import load_review
from tests.conftest import EXAMPLES

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
DOWN, UP, ENTER, ESC_ENTER, CTRL_C = "\x1b[B", "\x1b[A", "\r", "\x1b\r", "\x03"
LONG = "An answer long enough to count as a considered narrative for scoring."


def spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "80", "LINES": "24"}
    env["PAGER"] = "cat"  # the review screen, whole, without waiting for a key
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"  # pexpect does not answer cursor-position requests
    return pexpect.spawn(
        sys.executable,
        ["-m", "esj_review", *args],
        cwd=str(cwd),
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=20,
    )


DRAWN = re.escape("\x1b[?7h")  # prompt_toolkit ends each drawing of a widget with this


def drawn(child: pexpect.spawn, prompt: str) -> None:
    """Wait for a prompt and for its widget to be drawn. A long prompt is printed (by rich)
    before the widget starts; a key sent then would reach a terminal not yet in raw mode, where
    Ctrl-D on an empty line is swallowed as end of file."""
    child.expect(re.escape(prompt))
    child.expect(DRAWN)


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    """Wait for a prompt's widget, then type."""
    drawn(child, prompt)
    child.send(keys)


def finish(child: pexpect.spawn, pdf: bool = False) -> str:
    """At the review screen, finish (with the PDF report or without); return what was shown."""
    child.expect(re.escape("Finished?"))
    shown = str(child.before)
    child.send(ENTER if pdf else DOWN + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return shown + str(child.before)


def test_a_full_interview_to_the_end(tmp_path: Path) -> None:
    child = spawn("new", "gare.yaml", "--rubric", "gare-racial-equity", cwd=tmp_path)
    child.expect("Ctrl-C")  # the intro says what the keys do
    answer(child, "Proposal id", "G-7" + ENTER)
    answer(child, "Proposal title", "Library fines elimination" + ENTER)
    # a list starts on "Skip for now": Down moves to the first choice
    answer(child, "What kind of proposal", DOWN + ENTER)
    answer(child, "Department", "Library" + ENTER)
    answer(child, "Who prepared this review", ENTER)  # optional: skipped
    answer(child, "How do you want to go through", ENTER)  # every question
    answer(child, "3 required questions and 2 optional", ENTER)  # step 1: answer all
    answer(child, "What is the proposal?", "End overdue fines." + ESC_ENTER)
    answer(child, "desired results", LONG + ESC_ENTER)
    answer(child, "How clearly", DOWN + ENTER)
    answer(child, "Which outcomes inside government", ESC_ENTER)  # optional: skipped
    answer(child, "have the ability to affect?", ENTER)  # optional: nothing ticked
    answer(child, "2 required questions and 4 optional", ENTER)  # step 2: answer all
    answer(child, "What data did you use", LONG + ESC_ENTER)
    answer(child, "broken down by race", DOWN + ENTER)
    answer(child, "Which data are missing", ENTER)  # optional: skipped
    answer(child, "impacts in specific places", ENTER)  # optional: skipped
    answer(child, "root causes", ESC_ENTER)  # optional: skipped
    answer(child, "What performance data", ESC_ENTER)  # optional: skipped
    answer(child, "2 required questions and 2 optional", ENTER)  # step 3: answer all
    answer(child, "How far did engagement go?", DOWN * 4 + ENTER)
    answer(child, "Who was engaged", LONG + ESC_ENTER)
    answer(child, "What did engagement tell you", ESC_ENTER)  # optional: skipped
    answer(child, "opportunities to expand engagement?", ESC_ENTER)  # optional: skipped
    answer(child, "3 required questions and 4 optional", ENTER)  # step 4: answer all
    answer(child, "racial disparities?", DOWN + ENTER)  # reduces them
    answer(child, "By how much?", DOWN * 2 + ENTER)  # noticeably
    answer(child, "Who benefits", LONG + ESC_ENTER)
    answer(child, "burden on communities of color?", DOWN * 3 + ENTER)  # no: mitigation hidden
    answer(child, "unintended consequences?", ESC_ENTER)  # optional: skipped
    answer(child, "increase its benefits", ESC_ENTER)  # optional: skipped
    answer(child, "complementary strategies", ESC_ENTER)  # optional: skipped
    answer(child, "aligned with the community outcomes", ENTER)  # optional: skipped
    answer(child, "2 required questions and 2 optional", ENTER)  # step 5: answer all
    answer(child, "Is implementation resourced?", DOWN + ENTER)
    answer(child, "implementation plan", LONG + ESC_ENTER)
    answer(child, "have the resources for?", ENTER)  # optional: nothing ticked
    answer(child, "Is the plan realistic", ENTER)  # optional: skipped
    answer(child, "2 required questions and 4 optional", ENTER)  # step 6: answer all
    answer(child, "How will you measure impact", LONG + ESC_ENTER)
    answer(child, "How often will results be reported", DOWN + ENTER)
    answer(child, "When will the results be reviewed?", "2028-01-31" + ENTER)
    answer(child, "What messages and communication strategies", ESC_ENTER)  # optional: skipped
    answer(child, "keep partnering with communities", ESC_ENTER)  # optional: skipped
    answer(child, "outcomes are being reached", ESC_ENTER)  # optional: skipped
    shown = finish(child, pdf=True)
    assert (tmp_path / "gare.pdf").read_bytes().startswith(b"%PDF-")
    assert "mitigated" not in shown.split("Finished?")[0]  # the hidden question was never asked
    match = re.search(r"Score ([\d.]+) / 100", shown)
    assert match, shown
    result = CliRunner().invoke(app, ["score", str(tmp_path / "gare.yaml"), "--format", "json"])
    assert json.loads(result.stdout)["score"] == float(match.group(1))
    assert "Saved: gare.yaml" in shown
    saved = load_review(tmp_path / "gare.yaml")
    assert saved.proposal.kind == "policy" and saved.meta.passed == [
        "government_outcomes",
        "impact_areas",
        "data_gaps",
        "place_based",
        "root_causes",
        "performance_data",
        "engagement_findings",
        "engagement_expansion",
        "unintended_consequences",
        "enhancements",
        "complementary_strategies",
        "aligned_outcomes",
        "resourced_for",
        "plan_realistic",
        "communication",
        "continuing_partnership",
        "outcomes_check",
    ]


def test_ctrl_c_then_resume_to_the_end(tmp_path: Path) -> None:
    data = yaml.safe_load(TRANSIT.read_text())
    for key in ("engagement_level", "alternatives", "review_date"):
        del data["answers"][key]
    (tmp_path / "prefill.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))

    child = spawn("new", "r.yaml", "--answers", "prefill.yaml", cwd=tmp_path)
    answer(child, "How do you want to go through", ENTER)
    child.expect("How far did community engagement go")
    child.send(CTRL_C)
    child.expect("Interrupted. Your answers are saved in r.yaml")
    child.expect("esj-review resume r.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = load_review(tmp_path / "r.yaml")
    assert saved.answers["summary"].startswith("Raises the income limit")
    assert "engagement_level" not in saved.answers

    child = spawn("resume", "r.yaml", cwd=tmp_path)
    answer(child, "Continue:", ENTER)
    answer(child, "How far did community engagement go", DOWN * 5 + ENTER)  # collaborate
    # what is still unanswered, an optional question too: its populations come ticked
    answer(child, "Which priority populations does this impact reach?", ENTER)
    answer(
        child,
        "What alternatives did you consider",
        "Free fares for all riders, and a larger discount at the current limit." + ESC_ENTER,
    )
    answer(child, "When will the equity impacts be reviewed again?", "2028-03-31" + ENTER)
    shown = finish(child)
    assert "Score 88.9 / 100" in shown
    final = load_review(tmp_path / "r.yaml")
    expected = load_review(TRANSIT).answers
    expected["alternatives"] = (
        "Free fares for all riders, and a larger discount at the current limit."
    )
    expected["determinant_impacts"]["county_practices"]["populations"] = data["answers"][
        "populations_affected"
    ]
    assert final.answers == expected


def test_edit_one_answer_changes_the_score(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(TRANSIT.read_text())
    child = spawn("edit", "r.yaml", "--question", "engagement_level", cwd=tmp_path)
    answer(child, "Change it", ENTER)
    answer(child, "How far did community engagement go", UP * 3 + ENTER)  # collaborate -> inform
    child.expect(r"Score: 88\.9 \(Advances equity\) -> [\d.]+ \(Likely to advance equity\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert load_review(tmp_path / "r.yaml").answers["engagement_level"] == "inform"


def test_without_a_terminal_it_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["new", str(tmp_path / "r.yaml")])
    assert result.exit_code == 2
    assert "interactive session required" in result.stderr
    assert "--answers" in result.stderr


@pytest.mark.parametrize("command", ["resume", "edit"])
def test_resume_and_edit_without_a_terminal(tmp_path: Path, command: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text((EXAMPLES / "language-access-expansion.yaml").read_text())
    before = path.read_text()
    result = CliRunner().invoke(app, [command, str(path)])
    assert result.exit_code == 2 and "interactive session required" in result.stderr
    assert path.read_text() == before


def test_complete_answers_need_no_terminal(tmp_path: Path) -> None:
    out = tmp_path / "r.yaml"
    result = CliRunner().invoke(app, ["new", str(out), "--answers", str(TRANSIT)])
    assert result.exit_code == 0, result.stderr
    assert "Score 88.9 / 100" in result.stdout
    # the scorecard says what the score rests on: the impact, then the confidence in it
    assert "Impact: benefits 10.56 - burdens left 0.075 = net +10.485" in result.stdout
    assert "Confidence High" in result.stdout
    assert "Confidence: process and evidence" in result.stdout
    assert load_review(out).answers == load_review(TRANSIT).answers


def start_gare(tmp_path: Path) -> pexpect.spawn:
    """A new GARE review, at the section menu."""
    child = spawn("new", "r.yaml", "--rubric", "gare-racial-equity", cwd=tmp_path)
    answer(child, "Proposal id", "G-7" + ENTER)
    answer(child, "Proposal title", "Library fines elimination" + ENTER)
    answer(child, "What kind of proposal", ENTER)
    answer(child, "Department", ENTER)
    answer(child, "Who prepared this review", ENTER)
    return child


def first_question(child: pexpect.spawn) -> None:
    """From the end of `start_gare`: every question, to the first one's box."""
    answer(child, "How do you want to go through", ENTER)
    answer(child, "3 required questions and 2 optional", ENTER)  # step 1: answer all


def stopped_with_resume_hint(child: pexpect.spawn) -> None:
    child.expect("Interrupted. Your answers are saved in r.yaml")
    child.expect(re.escape("esj-review resume r.yaml"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in str(child.before)


def test_alt_enter_at_the_menu_is_not_a_crash(tmp_path: Path) -> None:
    child = start_gare(tmp_path)
    child.expect("How do you want to go through")
    child.send(ESC_ENTER)  # prompt_toolkit's "accept" with nothing to accept: an empty result
    answer(child, "How do you want to go through", ENTER)  # asked again; Enter goes on
    answer(child, "3 required questions and 2 optional", ENTER)  # step 1: answer all
    answer(child, "What is the proposal?", CTRL_C)
    stopped_with_resume_hint(child)


def test_ctrl_d_at_a_prompt_stops_like_ctrl_c(tmp_path: Path) -> None:
    child = start_gare(tmp_path)
    first_question(child)
    answer(child, "What is the proposal?", "\x04")
    stopped_with_resume_hint(child)
    assert load_review(tmp_path / "r.yaml").proposal.id == "G-7"


def test_ctrl_c_keeps_the_narrative_being_typed(tmp_path: Path) -> None:
    child = start_gare(tmp_path)
    first_question(child)
    answer(child, "What is the proposal?", "")
    child.send("End overdue fines" + ENTER + "for every card holder.")
    child.expect("card holder")
    child.send(CTRL_C)
    child.expect("Kept what you typed as the answer: What is the proposal?")
    stopped_with_resume_hint(child)
    saved = load_review(tmp_path / "r.yaml")
    assert saved.answers["summary"] == "End overdue fines\nfor every card holder."


def test_ctrl_c_while_changing_an_answer_keeps_the_earlier_one(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(TRANSIT.read_text())
    before = load_review(tmp_path / "r.yaml").answers["summary"]
    child = spawn("edit", "r.yaml", "--question", "summary", cwd=tmp_path)
    answer(child, "Change it", ENTER)
    answer(child, "What does the proposal do?", "")
    child.send(" Half typed")
    child.expect("Half typed")
    child.send(CTRL_C)
    child.expect(re.escape("Not saved (kept the earlier answer); you typed:"))
    stopped_with_resume_hint(child)
    assert load_review(tmp_path / "r.yaml").answers["summary"] == before


def test_a_minimal_king_county_review_takes_at_most_35_prompts(tmp_path: Path) -> None:
    """Done-when of the interview 2.0: the fewest prompts that complete a King County review,
    counted in a real terminal (one determinant, a benefit, no one engaged, required only)."""
    from esj_review.core.rubrics import load_rubric

    kc = load_rubric("king-county-esj")

    def text(qid: str, words: str) -> str:
        question = kc.question(qid) or next(
            sub for _, q in kc.iter_questions() for sub in q.children() if sub.id == qid
        )
        return words + (ESC_ENTER if getattr(question, "multiline", False) else ENTER)

    steps = [
        ("Proposal id", "K-1" + ENTER),
        ("Proposal title", "Library evening hours" + ENTER),
        ("What kind of proposal", DOWN * 3 + ENTER),  # program
        ("Department", ENTER),
        ("Include '", ENTER),  # the optional determinant: no
        ("Who prepared this review", ENTER),
        ("How do you want to go through", DOWN + ENTER),  # only the required questions
        ("What does the proposal do?", text("summary", "Opens three branches until 9 pm.")),
        ("What results do you want", text("desired_results", LONG)),
        ("Fiscal year", "FY2027" + ENTER),
        ("Which priority populations does the proposal affect?", DOWN + " " + ENTER),
        ("Where does the proposal take effect?", DOWN + ENTER),  # countywide
        ("Which determinants of equity", " " + ENTER),  # transportation
        ("What data did you use", text("data_sources", LONG)),
        ("How far did community engagement go?", DOWN + ENTER),  # no one was engaged
        ("limited English proficiency reached?", DOWN * 2 + ENTER),  # some languages
        ("what does the proposal do to this determinant?", DOWN + ENTER),  # benefit
        ("How large is the benefit?", DOWN + ENTER),
        ("Who receives most of the benefit?", DOWN + ENTER),
        ("What is the evidence for this impact?", text("evidence", LONG)),
        ("What alternatives did you consider", text("alternatives", LONG)),
        ("Where does the proposal act?", DOWN * 3 + ENTER),  # downstream
        ("Are the resources to carry it out", DOWN + ENTER),
        ("What is the timeline", text("timeline", LONG)),
        ("Who is responsible for delivering it", text("responsible", "Branch services")),
        ("How will you measure whether it is working", text("metrics", LONG)),
        ("Who owns those measures", text("metrics_owner", "Library performance team")),
        ("broken down by race, income and language?", DOWN + ENTER),  # yes
        ("How will you report back", DOWN * 3 + ENTER),  # a yearly public report
        ("When will the equity impacts be reviewed again?", "2028-06-30" + ENTER),
    ]
    child = spawn("new", "k.yaml", cwd=tmp_path)
    for prompt, keys in steps:
        answer(child, prompt, keys)
    shown = finish(child)
    prompts = len(steps) + 1  # and "Finished?"
    assert prompts <= 35, prompts
    assert "Traceback" not in shown
    saved = load_review(tmp_path / "k.yaml")
    result = CliRunner().invoke(app, ["score", str(tmp_path / "k.yaml"), "--format", "json"])
    assert json.loads(result.stdout)["complete"] is True, result.stdout
    assert saved.answers["determinants_touched"] == ["transportation"]
    assert saved.answers["populations_affected"] == ["low_income"]
    assert {"amount", "data_kinds", "goal_areas"} <= set(saved.meta.passed)
    print(f"\nA minimal King County review: {prompts} prompts")
