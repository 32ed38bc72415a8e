"""`esj-review diff OLD NEW`: two reviews compared by meaning, as a user runs it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.cli.diff_cmd import shorten_pair
from tests.conftest import EXAMPLES, ROOT

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
TRANSIT_2 = ROOT / "tests" / "data" / "reduced-fare-transit-2.0.0.yaml"
EDITS = {
    "engagement_level",
    "determinant_impacts.transportation.benefit_size",
    "history",
    "determinant_impacts.county_practices.populations",
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(app, list(args))
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def diff_json(old: Path, new: Path) -> dict[str, Any]:
    code, out, err = run("diff", str(old), str(new), "--format", "json")
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.fixture(scope="module")
def transit() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TRANSIT.read_text())
    return data


@pytest.fixture(scope="module")
def edited(transit: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with four edits: engagement down to inform, one determinant's benefit
    smaller, an optional answer removed (history) and one added (a determinant's populations)."""
    data = copy.deepcopy(transit)
    answers = data["answers"]
    answers["engagement_level"] = "inform"
    answers["determinant_impacts"]["transportation"]["benefit_size"] = "moderate"
    del answers["history"]
    answers["determinant_impacts"]["county_practices"]["populations"] = ["low_income"]
    path = tmp_path_factory.mktemp("diff") / "edited.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's report PDF (about 3 s to render: once for the module)."""
    pdf = tmp_path_factory.mktemp("pdf") / "x.pdf"
    code, _, _ = run("report", str(TRANSIT), "-o", str(pdf))
    assert code == 0
    return pdf


def test_the_edits_are_listed_exactly_with_the_score_band_and_flag(edited: Path) -> None:
    data = diff_json(TRANSIT, edited)
    assert not data["same_meaning"]
    assert [(c["path"], c["old"], c["new"]) for c in data["changed"]] == [
        ("engagement_level", "collaborate", "inform"),
        ("determinant_impacts.transportation.benefit_size", "large", "moderate"),
    ]
    assert [(c["path"], c["new"]) for c in data["added"]] == [
        ("determinant_impacts.county_practices.populations", ["low_income"])
    ]
    assert [(c["path"], c["new"]) for c in data["removed"]] == [("history", None)]
    assert data["removed"][0]["old"].startswith("Riders with low incomes")
    assert data["fields"] == []
    assert data["rubrics_differ"] is None
    # what a condition now hides is a consequence, listed apart from the edits
    assert {c["path"] for c in data["hidden"]} == {
        "engagement_timing",
        "community_priorities",
        "community_compensated",
        "community_influence",
    }
    assert data["score"] == {"before": 88.9, "after": 87.7}
    assert data["band"]["before"]["id"] == "advances"
    assert data["band"]["after"]["id"] == "promising"
    assert [f["id"] for f in data["flags"]["raised"]] == ["inform_only"]
    assert data["flags"]["cleared"] == []
    moves = {m["question"]: (m["before"], m["after"]) for m in data["ledger"]}
    assert moves["engagement_level"] == (3.0, 0.0)
    assert moves["Access to safe and efficient transportation: benefit"] == (3.96, 2.64)


def test_the_text_names_each_edit_in_words_within_80_columns(edited: Path) -> None:
    code, out, err = run("diff", str(TRANSIT), str(edited))
    assert (code, err) == (0, "")
    assert "\x1b[" not in out  # NO_COLOR
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    assert "Answers changed (2)" in flat and "Answers added (1)" in flat
    assert "Answers removed (1)" in flat
    assert "was Collaborate: communities shared in the decision" in flat
    assert "now Inform: we told communities about the proposal" in flat
    assert "was Large now Moderate" in flat
    assert "now People with low or no income" in flat
    assert "Score 88.9 -> 87.7" in flat
    assert "Band Advances equity -> Likely to advance equity" in flat
    assert "Flags raised (1) WARNING Engagement stopped at informing" in flat
    for path in EDITS:
        assert path in flat
    assert "No difference in meaning" not in flat


def test_reformatted_identical_content_has_no_difference_in_meaning(
    transit: dict[str, Any], tmp_path: Path
) -> None:
    def reordered(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: reordered(node[key]) for key in reversed(list(node))}
        return node

    data = reordered(copy.deepcopy(transit))
    data["answers"]["populations_affected"].reverse()  # a multiselect in another order
    data["meta"]["created"] = "2026-01-02T03:04:05+00:00"
    same = tmp_path / "same.yaml"
    same.write_text("# another comment\n" + yaml.safe_dump(data, sort_keys=True, width=50))
    assert same.read_text() != TRANSIT.read_text()
    code, out, err = run("diff", str(TRANSIT), str(same))
    assert (code, err) == (0, "")
    assert "No difference in meaning" in out
    assert "Answers" not in out
    assert diff_json(TRANSIT, same)["same_meaning"] is True


def test_json_has_the_stable_structure(edited: Path) -> None:
    data = diff_json(TRANSIT, edited)
    assert set(data) == {
        "format",
        "same_meaning",
        "old",
        "new",
        "rubrics_differ",
        "only_in_old_rubric",
        "only_in_new_rubric",
        "changed",
        "added",
        "removed",
        "hidden",
        "shown",
        "fields",
        "score",
        "band",
        "confidence",
        "flags",
        "completeness",
        "gaps",
        "ledger",
    }
    assert data["old"] == {
        "source": str(TRANSIT),
        "rubric": {"id": "king-county-esj", "version": "3.1.0"},
        "proposal": {
            "id": "EX-TRANSIT-2027-01",
            "title": "Expand reduced-fare transit to households up to 200% of the federal "
            "poverty level",
        },
    }
    for entry in data["changed"] + data["added"] + data["removed"] + data["hidden"]:
        assert {"path", "section", "label", "old", "new"} <= set(entry)
    level = data["changed"][0]
    assert level["section"] == "Assess equity and community context"
    assert level["label"] == "How far did community engagement go?"
    assert level["new_words"] == "Inform: we told communities about the proposal"
    assert set(data["flags"]) == {"before", "after", "raised", "cleared"}
    assert data["flags"]["before"] == [] and data["flags"]["after"] == ["inform_only"]
    assert data["completeness"] == {"before": 100.0, "after": 100.0}
    assert set(data["gaps"]) == {"before", "after", "opened", "closed"}
    assert all(set(m) == {"component", "question", "before", "after"} for m in data["ledger"])


def test_a_proposal_field_change_is_listed(transit: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(transit)
    data["proposal"]["title"] = "A new title"
    path = tmp_path / "titled.yaml"
    path.write_text(yaml.safe_dump(data))
    result = diff_json(TRANSIT, path)
    assert [(f["field"], f["new"]) for f in result["fields"]] == [("proposal.title", "A new title")]
    assert result["changed"] == [] and result["score"] == {"before": 88.9, "after": 88.9}
    code, out, _ = run("diff", str(TRANSIT), str(path))
    assert code == 0 and "now A new title" in " ".join(out.split())


def test_a_report_pdf_against_a_review(report_pdf: Path, edited: Path) -> None:
    assert diff_json(report_pdf, TRANSIT)["same_meaning"] is True
    data = diff_json(report_pdf, edited)
    assert data["old"]["source"] == str(report_pdf)
    assert {c["path"] for c in data["changed"] + data["added"] + data["removed"]} == EDITS
    code, out, _ = run("diff", str(report_pdf), str(TRANSIT))
    assert code == 0 and "No difference in meaning" in out


def test_a_2_0_0_review_against_the_3_1_0_example() -> None:
    data = diff_json(TRANSIT_2, TRANSIT)
    line = "Rubric versions differ: king-county-esj 2.0.0 -> 3.1.0; compared by question id."
    assert data["rubrics_differ"] == line
    assert data["changed"] == [] and data["removed"] == []
    added = {c["path"] for c in data["added"]}
    assert added == {
        "community_priorities",
        "determinant_impacts.transportation.enhancement",
        "determinant_impacts.jobs_training.enhancement",
        "determinant_impacts.health_human_services.enhancement",
        "determinant_impacts.county_practices.enhancement",
        "option_comparison",
        "future_generations",
        "disability_access",
        "county_workforce_contracting",
        "gap_response",
        # 3.1.0's commitments: the mitigation's owner and where it stands, the first report's
        "determinant_impacts.county_practices.mitigation_owner",
        "determinant_impacts.county_practices.mitigation_progress",
        "metrics_report_status",
        "review_status",
    }
    assert all(c["note"] == "only in king-county-esj 3.1.0" for c in data["added"])
    assert data["only_in_old_rubric"] == []
    assert "community_priorities" in data["only_in_new_rubric"]
    assert "determinant_impacts.*.enhancement" in data["only_in_new_rubric"]
    assert data["score"] == {"before": 88.9, "after": 88.9}
    code, out, _ = run("diff", str(TRANSIT_2), str(TRANSIT))
    assert code == 0
    assert out.splitlines()[5] == line  # at the top, under the title and the two sources
    assert "Answers added (14)" in out and "No difference in meaning" not in out


@pytest.mark.parametrize("which", ["old", "new"])
def test_a_missing_file_exits_1_with_one_line(which: str, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    args = [str(missing), str(TRANSIT)] if which == "old" else [str(TRANSIT), str(missing)]
    code, out, err = run("diff", *args)
    assert (code, out) == (1, "")
    assert err == f"error: {missing}: file not found\n"


@pytest.mark.parametrize(
    ("content", "field"),
    [("just: some yaml\n", "format"), ("%PDF-1.7 not really a pdf\n", "")],
)
def test_a_file_that_is_not_a_review_exits_1_with_one_line(
    content: str, field: str, tmp_path: Path
) -> None:
    other = tmp_path / "notes.yaml"
    other.write_text(content)
    code, out, err = run("diff", str(TRANSIT), str(other))
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"error: {other}: ")
    assert f": {field}: " in err if field else "not a readable PDF" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2() -> None:
    assert run("diff", str(TRANSIT))[0] == 2
    assert run("diff", str(TRANSIT), str(TRANSIT), "--format", "xml")[0] == 2


def test_long_text_is_shortened_to_where_it_differs() -> None:
    shared = " ".join(f"word{i}" for i in range(60))
    old, new = shorten_pair(shared + " alpha " + shared, shared + " beta " + shared)
    assert "alpha" in old and "beta" in new
    assert old.startswith("… ") and old.endswith(" …") and len(old) < 80
    assert shorten_pair("short", "text") == ("short", "text")


def test_two_different_rubrics_are_compared_by_label() -> None:
    """Under another rubric the same question may have another id: its label (what a reader
    sees) matches it, so a changed answer shows as changed, not removed and added."""
    from esj_review.core.diff import compare, side
    from esj_review.core.review import parse_review
    from esj_review.core.rubrics import load_rubric, parse_rubric

    kc = load_rubric("king-county-esj")
    data = kc.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["id"] = "county-renamed"  # and the question `alternatives` is `options_weighed`
    data = json.loads(json.dumps(data).replace('"alternatives"', '"options_weighed"'))
    renamed = parse_rubric(data, "county-renamed.yaml")
    review = yaml.safe_load(TRANSIT.read_text())
    other = copy.deepcopy(review)
    other["rubric"] = {"id": "county-renamed", "version": review["rubric"]["version"]}
    other["answers"]["options_weighed"] = "Another answer."
    del other["answers"]["alternatives"]
    old = side("old.yaml", parse_review(review, "old.yaml"), kc)
    new = side("new.yaml", parse_review(other, "new.yaml"), renamed)
    result = compare(old, new)
    assert result.rubrics.endswith("compared by question label.")
    assert [(c.path, c.new) for c in result.changed] == [("options_weighed", "Another answer.")]
    assert result.added == [] and result.removed == []
