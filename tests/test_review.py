"""Review files: loading, hostile input, checking against the rubric, atomic saving."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.checks import check_review, rubric_for
from esj_review.core.errors import EsjError
from esj_review.core.review import MIGRATIONS, Review, load_review, save_review
from esj_review.core.rubric import Rubric
from tests.conftest import EXAMPLES

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"


def fails_with(path: Path, rubric_ref: str | None = None) -> str:
    """Load, resolve the rubric and check; return the one error message shown to the user."""
    with pytest.raises(EsjError) as info:
        review = load_review(path)
        rubric = rubric_for(review, path, rubric_ref)
        errors = [p for p in check_review(rubric, review) if p.severity == "error"]
        if errors:
            raise EsjError("\n".join(p.render(path) for p in errors))
    return info.value.message


def write(tmp_path: Path, text: str, name: str = "review.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = TRANSIT.read_text()
    assert old in text
    return write(tmp_path, text.replace(old, new, 1))


def test_every_example_loads_and_checks(kc: Rubric) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        review = load_review(path)
        assert [p for p in check_review(kc, review) if p.severity == "error"] == [], path


def test_json_reviews_are_accepted(tmp_path: Path, kc: Rubric) -> None:
    data = yaml.safe_load(TRANSIT.read_text())
    path = write(tmp_path, json.dumps(data, default=str), "review.json")  # dates as ISO text
    assert load_review(path).answers == load_review(TRANSIT).answers


# --- hostile input: one line naming the file and the field ----------------------------------


def test_malformed_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "format: esj-review/1\nrubric: {id: x\nproposal: [\n")
    message = fails_with(path)
    assert message.startswith(f"{path}: malformed YAML at line 3")
    assert "\n" not in message


def test_alias_bomb_is_refused_before_expanding(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    path = write(tmp_path, "\n".join(lines))
    assert fails_with(path) == f"{path}: YAML aliases (*name) are not allowed (line 2)"


def test_huge_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert fails_with(path) == f"{path}: file is 52.4 MB; the limit is 8 MB"


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a: " + "[" * 5000 + "]" * 5000)
    assert "nested too deeply" in fails_with(path)


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = variant(tmp_path, "  fiscal_year: 2027\n", "  fiscal_year: 2027\n  fiscal_year: 2028\n")
    assert "duplicate key 'fiscal_year'" in fails_with(path)


def test_wrong_types(tmp_path: Path) -> None:
    path = variant(tmp_path, "fiscal_year: 2027", 'fiscal_year: "next year"')
    assert fails_with(path) == f"{path}: answers.fiscal_year: expected a number"
    path = variant(tmp_path, "proposal:\n  id: EX-TRANSIT-2027-01", "proposal:\n  id: [1, 2]")
    assert fails_with(path).startswith(f"{path}: proposal.id: Input should be a valid string")


def test_choice_not_in_rubric(tmp_path: Path) -> None:
    path = variant(tmp_path, "geography: countywide", "geography: everywhere")
    assert fails_with(path) == (
        f"{path}: answers.geography: 'everywhere' is not a choice; expected one of: countywide, "
        "council_districts, unincorporated, specific_places, county_workforce"
    )


def test_choice_inside_a_repeat(tmp_path: Path) -> None:
    path = variant(tmp_path, "benefit_size: large", "benefit_size: huge")
    message = fails_with(path)
    assert message.startswith(
        f"{path}: answers.determinant_impacts.transportation.benefit_size: 'huge' is not a choice"
    )


def test_unknown_question_id(tmp_path: Path) -> None:
    path = variant(tmp_path, "  fiscal_year: 2027\n", "  fiscal_year: 2027\n  colour: blue\n")
    assert fails_with(path) == f"{path}: answers.colour: unknown question id for this rubric"


def test_review_for_another_rubric(tmp_path: Path) -> None:
    assert fails_with(TRANSIT, "gare-racial-equity") == (
        f"{TRANSIT}: rubric.id: written for rubric 'king-county-esj', not 'gare-racial-equity'"
    )
    path = variant(
        tmp_path,
        "id: king-county-esj\n  version: 3.1.0",
        "id: gare-racial-equity\n  version: 3.0.0",
    )
    message = fails_with(path)
    assert "answers are not questions of rubric gare-racial-equity" in message
    assert "\n" not in message


def test_review_for_an_unknown_rubric_or_version(tmp_path: Path) -> None:
    path = variant(tmp_path, "version: 3.1.0", "version: 9.0.0")
    assert fails_with(path) == (
        f"{path}: rubric.version: rubric king-county-esj version 9.0.0 is not available; "
        "this tool has versions 1.0.0, 2.0.0, 3.0.0, 3.1.0"
    )
    path = variant(tmp_path, "id: king-county-esj", "id: no-such-rubric")
    assert fails_with(path).startswith(f"{path}: rubric.id: no rubric named 'no-such-rubric'")


def test_unknown_format(tmp_path: Path) -> None:
    path = variant(tmp_path, "format: esj-review/1", "format: esj-review/7")
    assert fails_with(path) == (
        f"{path}: format: format 'esj-review/7' is not supported; this tool reads esj-review/1"
    )


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = TRANSIT.read_text().replace("fiscal_year: 2027", "fiscal_year: 1900")
    text = text.replace("geography: countywide", "geography: 3")
    text = text.replace("review_date: 2028-03-31", "review_date: 2028-02-31")
    message = fails_with(write(tmp_path, text))
    assert message.count("\n") == 2
    assert "answers.fiscal_year: must be at least 2000" in message
    assert "answers.geography: 3 is not a choice" in message
    assert "answers.review_date: is not a real date" in message


def test_hidden_answers_are_warnings_not_errors(
    make_review: Callable[..., Review], kc: Rubric
) -> None:
    review = make_review(geography_detail="Tracts 1 and 2")  # geography is countywide
    problems = check_review(kc, review)
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].path == "answers.geography_detail"
    assert "hidden" in problems[0].message


# --- saving --------------------------------------------------------------------------------


def test_save_round_trips_and_keeps_text_readable(tmp_path: Path, kc: Rubric) -> None:
    review = load_review(TRANSIT)
    review.answers["summary"] = "First line.\nSecond line."
    target = tmp_path / "out" / "review.yaml"
    save_review(review, target)
    text = target.read_text()
    assert "summary: |" in text  # multi-line narratives stay block text
    again = load_review(target)
    assert again.answers == review.answers
    assert again.meta.created is not None and again.meta.tool_version
    assert [p.name for p in target.parent.iterdir()] == ["review.yaml"]  # no temp file left


def test_a_failed_save_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "review.yaml"
    target.write_text("previous content\n")
    review = load_review(TRANSIT)

    def boom(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        save_review(review, target)
    assert target.read_text() == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["review.yaml"]


def test_unicode_and_control_text_survive_a_round_trip(tmp_path: Path) -> None:
    review = load_review(TRANSIT)
    text = "Tiếng Việt, 中文, ትግርኛ, العربية \u202e reversed\n second line\t tab"
    review.answers["summary"] = text
    save_review(review, tmp_path / "r.yaml")
    assert load_review(tmp_path / "r.yaml").answers["summary"] == text


def test_older_formats_go_through_the_migration_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def from_zero(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data, format="esj-review/1")
        data["proposal"] = {"id": data.pop("proposal_id"), "title": data.pop("proposal_title")}
        return data

    monkeypatch.setitem(MIGRATIONS, "esj-review/0", from_zero)
    old = yaml.safe_load(TRANSIT.read_text())
    old["format"] = "esj-review/0"
    proposal = old.pop("proposal")
    old["proposal_id"], old["proposal_title"] = proposal["id"], proposal["title"]
    path = write(tmp_path, yaml.safe_dump(old))
    review = load_review(path)
    assert review.format == "esj-review/1" and review.proposal.id == proposal["id"]
