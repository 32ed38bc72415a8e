"""A translation made from one version of a rubric also serves reviews still scored under an
earlier one: texts whose English is the same carry over, and the file's `earlier` section
gives the ones whose English changed. Only the shipped text of that version takes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esj_review.core.checks import rubric_for
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import data_dir, load_rubric
from esj_review.core.translation_check import check_translation, skeleton
from esj_review.core.translation_keys import translatable
from esj_review.core.translations import languages, missing_keys, translated

OLDER = "king-county-esj@2.0.0"
EXAMPLES = data_dir("examples")


@pytest.fixture(scope="module")
def current() -> Rubric:
    return load_rubric("king-county-esj")


@pytest.fixture(scope="module")
def older() -> Rubric:
    return load_rubric(OLDER)


def _changed(current: Rubric, older: Rubric) -> dict[str, str]:
    """The 2.0.0 texts whose English differs from the current version's."""
    now = translatable(current)
    return {k: v for k, v in translatable(older).items() if now.get(k) != v}


def _write(folder: Path, current: Rubric, earlier: dict[str, dict[str, str | None]]) -> Path:
    """A complete «xx» translation of the current version, with an `earlier` section."""
    texts = {k: f"«xx» {v}" for k, v in translatable(current).items()}
    path = folder / f"{current.id}.xx.yaml"
    text = skeleton(current, "xx", texts)
    if earlier:
        text += "earlier:\n" + "".join(
            f"  {json.dumps(version)}:"
            + ("\n" if strings else " {}\n")
            + "".join(f"    {key}: {json.dumps(value)}\n" for key, value in strings.items())
            for version, strings in earlier.items()
        )
    path.write_text(text, encoding="utf-8")
    return path


def test_an_earlier_version_reads_its_own_texts(
    current: Rubric, older: Rubric, tmp_path: Path
) -> None:
    changed = _changed(current, older)
    assert "disclaimer" in changed and len(changed) > 10
    _write(tmp_path, current, {"2.0.0": {k: f"«xx 2.0.0» {v}" for k, v in changed.items()}})
    shown = translated(older, "xx", folder=tmp_path)
    assert shown.disclaimer == f"«xx 2.0.0» {older.disclaimer}"
    assert missing_keys(older, "xx", folder=tmp_path) == {}
    # every text in the language: the shared ones from strings, the changed from earlier
    assert all(t.startswith("«xx") for t in translatable(shown).values())
    # the current version keeps its own texts, never the earlier ones
    assert translated(current, "xx", folder=tmp_path).disclaimer == f"«xx» {current.disclaimer}"
    assert shown.content_hash == older.content_hash


def test_without_the_section_the_changed_texts_stay_english(
    current: Rubric, older: Rubric, tmp_path: Path
) -> None:
    _write(tmp_path, current, {})
    assert set(missing_keys(older, "xx", folder=tmp_path)) == set(_changed(current, older))
    assert translated(older, "xx", folder=tmp_path).disclaimer == older.disclaimer


def test_a_changed_copy_of_the_earlier_version_does_not_take_its_texts(
    current: Rubric, older: Rubric, tmp_path: Path
) -> None:
    """Words written for the shipped 2.0.0 English must not land on other English that merely
    claims the same id and version."""
    _write(tmp_path, current, {"2.0.0": {"disclaimer": "«xx 2.0.0» shipped"}})
    copy = older.model_copy(update={"disclaimer": "A local disclaimer of our own."})
    copy.__pydantic_private__["_hash"] = "0" * 64  # type: ignore[index]
    assert translated(copy, "xx", folder=tmp_path).disclaimer == "A local disclaimer of our own."


def test_validate_checks_the_earlier_section(
    current: Rubric, older: Rubric, tmp_path: Path
) -> None:
    changed = _changed(current, older)
    first, *rest = changed
    path = _write(
        tmp_path,
        current,
        {
            "2.0.0": {first: "«xx»", "no.such.key": "«xx»"},
            "9.9.9": {"title": "«xx»"},
            current.version: {"title": "«xx»"},
        },
    )
    found = {(p.path, p.severity): p.message for p in check_translation(current, path)}
    assert "unknown key" in found[("earlier.2.0.0.no.such.key", "error")]
    assert "no version 9.9.9" in found[("earlier.9.9.9", "error")]
    assert "go in strings" in found[(f"earlier.{current.version}", "error")]
    for key in rest:  # each text the section lacks, named, with the English shown instead
        assert "shows it in English" in found[(f"earlier.2.0.0.{key}", "warning")]
    assert (f"earlier.2.0.0.{first}", "warning") not in found


def test_validate_refuses_other_placeholders_and_a_malformed_version(
    current: Rubric, tmp_path: Path
) -> None:
    with_item = next(k for k, v in translatable(load_rubric(OLDER)).items() if "{item}" in v)
    path = _write(tmp_path, current, {"2.0.0": {with_item: "«xx» no placeholder"}, "2.0": {}})
    found = {(p.path, p.severity): p.message for p in check_translation(current, path)}
    assert "not a rubric version" in found[("earlier.2.0", "error")]
    path = _write(tmp_path, current, {"2.0.0": {with_item: "«xx» no placeholder"}})
    found = {(p.path, p.severity): p.message for p in check_translation(current, path)}
    assert "placeholders differ" in found[(f"earlier.2.0.0.{with_item}", "error")]


@pytest.mark.parametrize("lang", languages("king-county-esj"))
def test_every_bundled_king_county_review_reads_every_rubric_text_translated(lang: str) -> None:
    """The bundled examples under 2.0.0 and 3.1.0: no rubric text falls back to English."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        review = load_review(path)
        rubric = rubric_for(review, path)
        assert missing_keys(rubric, lang) == {}, (path.name, rubric.version)
