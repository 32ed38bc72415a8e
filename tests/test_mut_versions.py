"""Rubric versions and rankings: `id@version` references, the archive of earlier versions, the
rubric a review names (and the messages when it cannot be had), and the one ordering and
threshold every ranking uses (band first, then score)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.checks import check_input, rubric_for
from esj_review.core.errors import InputFileError, RubricNotFound
from esj_review.core.review import parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import earlier_versions, load_rubric, shipped_rubrics
from esj_review.core.scorecard import band_of, band_order, misses_threshold, rank_key
from tests.conftest import RUBRICS
from tests.rubric_builder import build, rubric_data

KC = "king-county-esj"


def current_version(rubric_id: str = KC) -> str:
    return str(yaml.safe_load((RUBRICS / f"{rubric_id}.yaml").read_text())["version"])


# --- id@version -------------------------------------------------------------------------------


def test_the_archive_holds_each_earlier_version_by_its_number() -> None:
    assert earlier_versions(KC) == {
        "1.0.0": RUBRICS / "archive" / f"{KC}-1.0.0.yaml",
        "2.0.0": RUBRICS / "archive" / f"{KC}-2.0.0.yaml",
        "3.0.0": RUBRICS / "archive" / f"{KC}-3.0.0.yaml",
    }
    assert earlier_versions("gare-racial-equity") == {
        "1.0.0": RUBRICS / "archive" / "gare-racial-equity-1.0.0.yaml",
        "2.0.0": RUBRICS / "archive" / "gare-racial-equity-2.0.0.yaml",
    }
    assert earlier_versions("no-such-rubric") == {}


def test_an_id_alone_or_at_its_current_version_is_the_shipped_rubric() -> None:
    current = load_rubric(KC)
    assert current.version == current_version()
    assert load_rubric(f"{KC}@{current.version}") is current
    assert shipped_rubrics()[KC] == RUBRICS / f"{KC}.yaml"


def test_an_earlier_version_loads_from_the_archive() -> None:
    old = load_rubric(f"{KC}@1.0.0")
    assert (old.id, old.version, old.scoring.model) == (KC, "1.0.0", "weighted")
    assert old is not load_rubric(KC)
    gare = load_rubric("gare-racial-equity@1.0.0")
    assert (gare.id, gare.version) == ("gare-racial-equity", "1.0.0")


def test_a_version_this_tool_does_not_have_names_the_ones_it_has() -> None:
    with pytest.raises(RubricNotFound) as info:
        load_rubric(f"{KC}@9.9.9")
    assert info.value.message == (
        f"rubric {KC} version 9.9.9 is not available; "
        f"this tool has versions 1.0.0, 2.0.0, 3.0.0, {current_version()}"
    )


def test_an_unknown_reference_lists_the_shipped_rubrics() -> None:
    with pytest.raises(RubricNotFound) as info:
        load_rubric("no-such-rubric@1.0.0")
    assert info.value.message == (
        "no rubric named 'no-such-rubric@1.0.0' "
        "(shipped rubrics: budget-equity, gare-racial-equity, king-county-esj; "
        "or give a file path)"
    )


def test_a_rubric_file_loads_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(rubric_data()), encoding="utf-8")
    assert load_rubric(path).id == "test-rubric"
    assert load_rubric(str(path)).title == "Test rubric"


# --- the rubric a review names ----------------------------------------------------------------


def review_data(rubric_id: str = KC, version: str | None = None) -> dict[str, Any]:
    return {
        "format": "esj-review/1",
        "rubric": {"id": rubric_id, "version": version or current_version(rubric_id)},
        "proposal": {"id": "P-1", "title": "A proposal"},
        "answers": {},
    }


def input_error(data: dict[str, Any], override: str | None = None) -> tuple[str, str]:
    with pytest.raises(InputFileError) as info:
        check_input(data, "p.yaml", override)
    assert len(info.value.problems) == 1
    return info.value.problems[0].path, str(info.value)


def test_a_review_is_checked_against_the_version_it_names() -> None:
    old = check_input(review_data(version="1.0.0"), "p.yaml")
    assert (old.rubric.version, old.source) == ("1.0.0", "p.yaml")
    now = check_input(review_data(), "p.yaml")
    assert now.rubric is load_rubric(KC)


def test_a_review_naming_an_unknown_rubric_says_how_to_use_another() -> None:
    assert input_error(review_data("nope", "1.0.0")) == (
        "rubric.id",
        "p.yaml: rubric.id: no rubric named 'nope' (shipped rubrics: budget-equity, "
        "gare-racial-equity, king-county-esj; use --rubric FILE for another rubric)",
    )


def test_a_review_naming_a_path_is_refused() -> None:
    path, message = input_error(review_data(str(RUBRICS / f"{KC}.yaml"), "2.0.0"))
    assert path == "rubric.id"
    assert "no rubric named" in message


def test_a_review_naming_a_version_not_shipped_points_at_the_version() -> None:
    assert input_error(review_data(version="0.9.0")) == (
        "rubric.version",
        f"p.yaml: rubric.version: rubric {KC} version 0.9.0 is not available; "
        f"this tool has versions 1.0.0, 2.0.0, 3.0.0, {current_version()}",
    )


def test_another_rubric_file_must_have_the_reviews_id_and_version(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump(rubric_data()), encoding="utf-8")
    ok = check_input(review_data("test-rubric", "1.0.0"), "p.yaml", str(mine))
    assert ok.rubric.id == "test-rubric"
    assert input_error(review_data(), str(mine)) == (
        "rubric.id",
        f"p.yaml: rubric.id: written for rubric '{KC}', not 'test-rubric'",
    )
    assert input_error(review_data("test-rubric", "1.2.0"), str(mine)) == (
        "rubric.version",
        "p.yaml: rubric.version: written for test-rubric version 1.2.0; "
        "this rubric file has version 1.0.0",
    )


def test_a_missing_override_is_a_problem_of_the_rubric_id() -> None:
    path, message = input_error(review_data(), "missing-rubric.yaml")
    assert path == "rubric.id"
    assert message.startswith("p.yaml: rubric.id: no rubric named 'missing-rubric.yaml'")


def test_an_override_by_shipped_id_and_version() -> None:
    review = parse_review(review_data(version="1.0.0"), "p.yaml")
    assert rubric_for(review, "p.yaml", f"{KC}@1.0.0").version == "1.0.0"
    with pytest.raises(InputFileError) as info:
        rubric_for(review, "p.yaml", KC)
    assert info.value.problems[0].path == "rubric.version"
    assert info.value.problems[0].message == (
        f"written for {KC} version 1.0.0; this rubric file has version {current_version()}"
    )


# --- ranking and thresholds -------------------------------------------------------------------

BANDS = [
    {"id": "top", "label": "Top", "min": 70, "max": 100},
    {"id": "mid", "label": "Middle", "min": 40, "max": 70},
    {"id": "low", "label": "Low", "min": 0, "max": 40},
]


@pytest.fixture(scope="module")
def banded() -> Rubric:
    data = rubric_data()
    data["scoring"]["bands"] = BANDS
    return build(data)


def test_bands_are_ordered_best_first_whatever_the_listing(banded: Rubric) -> None:
    data = rubric_data()
    data["scoring"]["bands"] = [BANDS[1], BANDS[2], BANDS[0]]
    assert band_order(build(data)) == band_order(banded) == ["top", "mid", "low"]


def test_rank_puts_the_band_first_then_the_score_and_incomplete_reviews_last(
    banded: Rubric,
) -> None:
    reviews = [
        ("capped", "mid", 90.0),
        ("incomplete", None, None),
        ("top-low", "top", 71.0),
        ("mid-high", "mid", 65.0),
        ("no-score", "top", None),
        ("top-high", "top", 99.0),
        ("low", "low", 10.0),
        ("unknown band", "gone", 80.0),
    ]
    ranked = sorted(reviews, key=lambda r: rank_key(banded, r[1], r[2]))
    assert [r[0] for r in ranked] == [
        "top-high",
        "top-low",
        "capped",
        "mid-high",
        "low",
        "incomplete",
        "no-score",
        "unknown band",
    ]
    assert rank_key(banded, "top", 99.0) == (0, -99.0)
    assert rank_key(banded, "low", 10.0) == (2, -10.0)
    assert rank_key(banded, None, None) == (3, 0.0)
    assert rank_key(banded, "gone", 5.0) == (3, 0.0)


def test_fail_under_reads_the_capped_band_and_the_score(banded: Rubric) -> None:
    assert misses_threshold(banded, "low", 1.0, None) is False
    assert misses_threshold(banded, None, None, 10) is True
    assert misses_threshold(banded, "top", None, 10) is True
    assert misses_threshold(banded, None, 80.0, 10) is True
    # a score of 90 capped to the middle band misses 70, though the number alone would not
    assert misses_threshold(banded, "mid", 90.0, 70) is True
    assert misses_threshold(banded, "top", 90.0, 70) is False
    assert misses_threshold(banded, "top", 70.0, 70) is False
    assert misses_threshold(banded, "top", 71.0, 71.5) is True
    assert misses_threshold(banded, "mid", 50.0, 40) is False
    assert misses_threshold(banded, "mid", 50.0, 39.9) is False
    assert misses_threshold(banded, "low", 39.0, 39.5) is True
    assert misses_threshold(banded, "low", 39.0, 40) is True
    # thresholds past either end are read inside 0-100
    assert misses_threshold(banded, "low", 0.0, -5) is False
    assert misses_threshold(banded, "top", 100.0, 100) is False
    assert misses_threshold(banded, "top", 100.0, 150) is True


def test_a_band_holds_its_minimum_and_the_top_band_holds_100(banded: Rubric) -> None:
    def band(value: float | None) -> str | None:
        found = band_of(banded, value)
        return found.id if found else None

    assert [band(v) for v in (0, 39.9, 40, 69.99, 70, 99.9, 100)] == [
        "low",
        "low",
        "mid",
        "mid",
        "top",
        "top",
        "top",
    ]
    assert band(None) is None
    found = band_of(banded, 55)
    assert found is not None and found.label == "Middle"


def test_a_threshold_below_1_reads_the_band_it_falls_in() -> None:
    data = rubric_data()
    data["scoring"]["bands"] = [
        {"id": "any", "label": "Any", "min": 0.5, "max": 100},
        {"id": "none", "label": "None", "min": 0, "max": 0.5},
    ]
    rubric = build(data)
    assert misses_threshold(rubric, "none", 0.3, 0.2) is False
    assert misses_threshold(rubric, "none", 0.3, 0.6) is True
    assert misses_threshold(rubric, "any", 0.6, 0.6) is False
