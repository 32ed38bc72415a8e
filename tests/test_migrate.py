"""`esj-review migrate`: a review moved to a newer rubric version, as declared or by id."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.checks import check_review, load_checked
from esj_review.core.errors import EsjError
from esj_review.core.migrate import describe, migrate_review
from esj_review.core.review import load_review
from esj_review.core.scoring import score
from tests.conftest import ROOT
from tests.rubric_builder import YES, build, review, rubric_data, rubric_problems

TRANSIT_2 = ROOT / "tests" / "data" / "reduced-fare-transit-2.0.0.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="esj-review")
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def unwrapped(out: str) -> list[str]:
    """The printed lines, each wrapped one (its continuations indented) joined again; and
    every printed line fits 80 columns, broken at words."""
    lines: list[str] = []
    for line in out.splitlines():
        assert len(line) <= 80, line
        if line.startswith("  ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return lines


@pytest.fixture
def transit(tmp_path: Path) -> Path:
    path = tmp_path / "r.yaml"
    shutil.copy(TRANSIT_2, path)
    return path


def test_the_2_0_0_transit_review_moves_whole_to_3_1_0_and_scores_the_same(
    transit: Path,
) -> None:
    before = transit.read_bytes()
    old, old_rubric, _ = load_checked(transit)
    code, out, err = run("migrate", str(transit))
    assert code == 0, err
    new_path = transit.with_name("r-3.1.0.yaml")
    assert f"wrote {new_path}" in err
    assert transit.read_bytes() == before
    lines = unwrapped(out)
    assert lines[0] == (
        "king-county-esj 2.0.0 -> 3.0.0: no migration declared: answers move by question id "
        "unchanged"
    )
    assert lines[1] == "king-county-esj 3.0.0 -> 3.1.0: as version 3.1.0 declares"
    assert lines[2].startswith(f"moved ({len(old.answers)}): summary, desired_results,")
    assert "required answers now missing: none" in lines
    assert not any(line.startswith(("set aside", "renamed", "mapped")) for line in lines)
    new, new_rubric, warnings = load_checked(new_path)
    assert (new.rubric.id, new.rubric.version, new_rubric.version) == (
        "king-county-esj",
        "3.1.0",
        "3.1.0",
    )
    assert new.answers == old.answers and new.set_aside == {} and warnings == []
    assert new.proposal == old.proposal
    before_card, after_card = score(old_rubric, old), score(new_rubric, new)
    assert before_card.score == after_card.score == 88.9
    assert before_card.band == after_card.band
    assert run("validate", str(new_path))[0] == 0


def test_validate_hints_at_a_newer_version_and_still_passes(transit: Path) -> None:
    code, _, err = run("validate", str(transit))
    assert code == 0
    hint = (
        f"rubric king-county-esj 3.1.0 is newer; esj-review migrate {transit} moves this "
        "review to it"
    )
    assert err.splitlines() == [hint, f"{transit}: ok"]
    code, _, err = run("validate", str(ROOT / "examples" / "reduced-fare-transit.yaml"))
    assert code == 0 and "newer" not in err


def test_an_existing_output_is_left_alone_without_force(transit: Path) -> None:
    out = transit.with_name("r-3.1.0.yaml")
    out.write_text("mine\n")
    code, _, err = run("migrate", str(transit))
    assert code == 2 and "already exists; use --force" in err
    assert out.read_text() == "mine\n"
    code, _, _ = run("migrate", str(transit), "--force")
    assert code == 0 and load_review(out).rubric.version == "3.1.0"


def test_the_old_file_is_replaced_only_when_named_and_forced(transit: Path) -> None:
    before = transit.read_bytes()
    assert run("migrate", str(transit), "-o", str(transit))[0] == 2
    assert transit.read_bytes() == before
    assert run("migrate", str(transit), "-o", str(transit), "--force")[0] == 0
    assert load_review(transit).rubric.version == "3.1.0"


def test_an_unknown_version_exits_1_naming_the_versions(transit: Path) -> None:
    code, _, err = run("migrate", str(transit), "--to", "9.9.9")
    assert code == 1
    versions = "1.0.0, 2.0.0, 3.0.0, 3.1.0"
    assert f"version 9.9.9 is not available; this tool has versions {versions}" in err
    assert not transit.with_name("r-9.9.9.yaml").exists()
    assert run("migrate", str(transit), "--to", "1.0.0")[0] == 2


def test_a_1_0_0_review_chains_to_3_1_0_and_names_the_new_gaps(tmp_path: Path) -> None:
    data = yaml.safe_load(TRANSIT_2.read_text())
    data["rubric"]["version"] = "1.0.0"
    for qid in ("data_kinds", "metrics_owner", "metrics_first_report"):
        del data["answers"][qid]
    for item in data["answers"]["determinant_impacts"].values():
        for key in [k for k in item if k.startswith("mitigation_")]:
            del item[key]
    path = tmp_path / "r1.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out, err = run("migrate", str(path), "-o", str(tmp_path / "out.yaml"))
    assert code == 0, err
    assert unwrapped(out)[:3] == [
        "king-county-esj 1.0.0 -> 2.0.0: no migration declared: answers move by question id "
        "unchanged",
        "king-county-esj 2.0.0 -> 3.0.0: no migration declared: answers move by question id "
        "unchanged",
        "king-county-esj 3.0.0 -> 3.1.0: as version 3.1.0 declares",
    ]
    missing = next(x for x in unwrapped(out) if x.startswith("required answers now missing: "))
    assert "metrics_owner" in missing
    migrated = load_review(tmp_path / "out.yaml")
    assert migrated.rubric.version == "3.1.0"
    assert migrated.answers == load_review(path).answers
    assert run("validate", str(tmp_path / "out.yaml"))[0] == 0


# --- declared migrations, on small rubrics ----------------------------------------------

COLOUR: Any = {
    "id": "colour",
    "type": "select",
    "prompt": "Colour?",
    "choices": [{"id": "red", "label": "Red"}, {"id": "blue", "label": "Blue"}],
}
OLD_NAME: Any = {"id": "old_name", "type": "text", "prompt": "Name?"}
GONE: Any = {"id": "gone", "type": "text", "prompt": "Gone soon?"}
V1 = build(rubric_data(YES, COLOUR, OLD_NAME, GONE))


def v2(*extra: Any, **fields: Any) -> Any:
    colour = {**COLOUR, "choices": [{"id": "crimson", "label": "Crimson"}, COLOUR["choices"][1]]}
    name = {**OLD_NAME, "id": "new_name"}
    return rubric_data(YES, colour, name, *extra, version="2.0.0", **fields)


DECLARED = [
    {
        "from": "1.0.0",
        "rename": {"old_name": "new_name"},
        "choices": {"colour": {"red": "crimson"}},
        "remove": ["gone"],
    }
]


def test_a_declared_rename_choice_map_and_removal_move_as_declared() -> None:
    old = review({"yes": True, "colour": "red", "old_name": "Ana", "gone": "bye"}, V1)
    new_rubric = build(v2(migrations=DECLARED))
    result = migrate_review(old, [V1, new_rubric])
    assert result.review.answers == {"yes": True, "colour": "crimson", "new_name": "Ana"}
    assert result.review.set_aside == {"gone": "bye"}
    assert result.review.rubric.version == "2.0.0"
    assert old.answers["colour"] == "red" and old.rubric.version == "1.0.0"  # not changed
    assert check_review(new_rubric, result.review) == []
    assert describe(result, "test-rubric") == [
        "test-rubric 1.0.0 -> 2.0.0: as version 2.0.0 declares",
        "moved (3): yes, colour, new_name",
        "renamed: old_name -> new_name",
        "mapped: colour: red -> crimson",
        "set aside: gone (removed in 2.0.0)",
        "required answers now missing: none",
    ]


def test_without_a_declaration_what_no_longer_fits_is_set_aside_and_named() -> None:
    old = review({"yes": True, "colour": "red", "old_name": "Ana"}, V1)
    new_rubric = build(v2())
    result = migrate_review(old, [V1, new_rubric])
    assert result.review.answers == {"yes": True}
    assert result.review.set_aside == {"colour": "red", "old_name": "Ana"}
    assert check_review(new_rubric, result.review) == []
    lines = describe(result, "test-rubric")
    assert lines[0] == (
        "test-rubric 1.0.0 -> 2.0.0: no migration declared: answers move by question id unchanged"
    )
    assert "set aside: old_name (no such question in 2.0.0)" in lines
    assert any(line.startswith("set aside: colour (no longer fits 2.0.0: ") for line in lines)


def test_a_new_required_question_is_a_reported_gap() -> None:
    needed = {"id": "new_req", "type": "text", "prompt": "New?", "required": True}
    old = review({"yes": True, "colour": "blue", "old_name": "Ana"}, V1)
    result = migrate_review(old, [V1, build(v2(needed, migrations=DECLARED))])
    assert result.missing == ["new_req"] and result.missing_before == []
    assert "required answers now missing: new_req" in describe(result, "test-rubric")


def test_a_migration_is_linted_against_its_own_version_and_the_one_before() -> None:
    bad = [{"from": "1.0.0", "rename": {"old_name": "nope"}, "choices": {"colour": {"x": "y"}}}]
    found = rubric_problems(v2(migrations=[*bad, {"from": "3.0.0"}]))
    assert "migrations.0.rename.old_name: 'nope' is not a question of this rubric" in found
    assert "migrations.0.choices.colour.x: 'y' is not a choice of colour" in found
    assert "migrations.1.from: 3.0.0 is not earlier than 2.0.0" in found
    unknown_old = [{"from": "1.0.0", "rename": {"never": "new_name"}}]
    with pytest.raises(EsjError, match=r"names 'never', not questions of version 1\.0\.0"):
        migrate_review(review({"yes": True}, V1), [V1, build(v2(migrations=unknown_old))])
