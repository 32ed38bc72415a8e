"""Rubric translations: the key set covers every text of a rubric, a translation changes words
and never a score, a missing text falls back to English and is reported, a bad file is one
line naming the file and the key, and the shipped Spanish King County file is complete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.checks import load_checked
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import earlier_versions, load_rubric, shipped_rubrics
from esj_review.core.scorecard import Scorecard
from esj_review.core.scoring import score
from esj_review.core.translation_check import check_translation, skeleton
from esj_review.core.translation_keys import (
    REFERENCE_FIELDS,
    SKIPPED_FIELDS,
    TEXT_FIELDS,
    translatable,
)
from esj_review.core.translations import (
    NOT_REVIEWED,
    languages,
    missing_keys,
    translated,
    translation_status,
    unknown_keys,
)
from tests.conftest import EXAMPLES, RUBRICS
from tests.rubric_builder import build, rubric_data

runner = CliRunner()
KC = RUBRICS / "king-county-esj.yaml"
SPANISH = RUBRICS / "king-county-esj.es.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def every_rubric() -> list[Rubric]:
    """Every shipped rubric, current and archived."""
    found = []
    for rubric_id in shipped_rubrics():
        found.append(load_rubric(rubric_id))
        found += [load_rubric(f"{rubric_id}@{v}") for v in earlier_versions(rubric_id)]
    return found


def string_leaves(data: Any, field: str = "") -> list[tuple[str, str]]:
    """Every (field name, text) of a rubric's dump, outside the parts that hold references."""
    if isinstance(data, dict):
        return [
            leaf
            for key, value in data.items()
            if key not in SKIPPED_FIELDS
            for leaf in string_leaves(value, key)
        ]
    if isinstance(data, list):
        return [leaf for item in data for leaf in string_leaves(item, field)]
    return [(field, data)] if isinstance(data, str) and data else []


def write_translation(folder: Path, rubric: Rubric, lang: str, texts: dict[str, str]) -> Path:
    path = folder / f"{rubric.id}.{lang}.yaml"
    path.write_text(skeleton(rubric, lang, texts), encoding="utf-8")
    return path


def rubric_folder(tmp_path: Path) -> Path:
    """A folder holding a copy of the King County rubric, for translations beside it."""
    shutil.copy(KC, tmp_path / KC.name)
    return tmp_path


# --- the key set -----------------------------------------------------------------------------


def test_every_string_field_is_a_text_or_a_reference() -> None:
    """A field added to a model is caught here until it is named one or the other."""
    assert not TEXT_FIELDS & REFERENCE_FIELDS
    for rubric in every_rubric():
        values = set(translatable(rubric).values())
        for field, text in string_leaves(rubric.model_dump(mode="json", by_alias=True)):
            assert field in TEXT_FIELDS | REFERENCE_FIELDS, f"{rubric.id}: field {field!r}"
            if field in TEXT_FIELDS:
                assert text in values, f"{rubric.id} {rubric.version}: {field}: {text!r}"


def test_keys_are_built_from_ids_and_stay_across_versions(kc: Rubric) -> None:
    keys = translatable(kc)
    assert keys["questions.determinant_impacts.questions.direction.choices.burden.label"] == (
        "Burden"
    )
    assert keys["scoring.bands.advances.label"] == "Advances equity"
    assert "{item}" in keys["scoring.flags.burden_without_mitigation.message"]
    older = translatable(load_rubric("king-county-esj@2.0.0"))
    shared = set(older) & set(keys)
    assert "questions.engagement_level.choices.inform.label" in shared
    assert len(shared) > len(older) * 0.8


_ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda i: i not in {"y", "n", "yes", "no", "on", "off", "true", "false"}
)
_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ids=st.lists(_ids, min_size=6, max_size=6, unique=True), texts=st.data())
def test_every_text_of_a_generated_rubric_is_a_value(ids: list[str], texts: Any) -> None:
    """Texts in every place a rubric holds one: each is a value of `translatable`."""
    t = iter(texts.draw(st.lists(_texts, min_size=40, max_size=40)))
    a, b, c, d, e, f = ids
    choice = {"id": b, "label": next(t), "points": 1, "description": next(t)}
    child = {"id": c, "type": "text", "prompt": next(t), "help": next(t), "label": next(t)}
    data = rubric_data(
        {"id": a, "type": "select", "prompt": next(t), "label": next(t), "help": next(t),
         "example": next(t), "choices": [choice], "score": {"component": "c"}},
        {"id": d, "type": "multiselect", "prompt": next(t), "choices_from": "populations"},
        {"id": e, "type": "repeat", "prompt": next(t), "help": next(t), "over": d,
         "questions": [child]},
        title=next(t), publisher=next(t), description=next(t), disclaimer=next(t),
        score_note=next(t),
        sources=[{"id": f, "title": next(t), "publisher": next(t), "note": next(t)}],
        populations=[{"id": f, "label": next(t), "description": next(t), "note": next(t)}],
        proposal_kinds=[{"id": "program", "label": next(t), "description": next(t)}],
    )  # fmt: skip
    data["sections"][0].update(title=next(t), phase=next(t), description=next(t))
    data["scoring"]["method"] = next(t)
    data["scoring"]["components"][0].update(label=next(t), description=next(t))
    data["scoring"]["bands"][0].update(label=next(t), description=next(t))
    data["scoring"]["flags"] = [
        {"id": f, "severity": "info", "message": next(t), "when": {"answered": a}}
    ]
    data["commitments"] = [{"id": f, "label": next(t), "what": a}]
    rubric = build(data)
    values = set(translatable(rubric).values())
    leaves = [text for field, text in string_leaves(data) if field in TEXT_FIELDS]
    assert leaves and set(leaves) <= values


# --- applying a translation --------------------------------------------------------------------


def test_the_spanish_king_county_file_is_complete(kc: Rubric) -> None:
    assert missing_keys(kc, "es") == {}
    assert unknown_keys(kc, "es") == []
    assert check_translation(kc, SPANISH) == []
    spanish = translated(kc, "es")
    assert spanish.scoring.bands[0].label == "Promueve la equidad"
    assert spanish.content_hash == kc.content_hash
    status = translation_status(kc, "es")
    assert status is not None and not status.reviewed and status.status == NOT_REVIEWED
    assert "es" in languages("king-county-esj")


def test_english_and_untranslated_languages_are_the_rubric_itself(kc: Rubric) -> None:
    assert translated(kc, "en") is kc
    assert translated(kc, "en-US") is kc
    assert translated(kc, "am") is kc  # Amharic: no translation file
    assert translated(kc, "../../etc/passwd") is kc
    assert translation_status(kc, "en") is None
    assert translated(kc, "es-MX").title == translated(kc, "es").title  # the base language


def test_an_archived_version_gets_the_shared_texts_and_english_elsewhere() -> None:
    """1.0.0, for which the Spanish file has no `earlier` section (2.0.0 has one)."""
    older = load_rubric("king-county-esj@1.0.0")
    spanish = translated(older, "es")
    consult = next(q for _, q in spanish.iter_questions() if q.id == "engagement_level")
    assert "Consultar" in spanish.choices_for(consult)[1].label
    missing = missing_keys(older, "es")
    assert missing and "disclaimer" in missing  # its English differs from 3.1.0's
    assert spanish.disclaimer == older.disclaimer
    assert spanish.content_hash == older.content_hash


def bundled_reviews() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))


def same_numbers(card: Scorecard) -> dict[str, Any]:
    """Everything of a scorecard but its words."""
    data = card.model_dump(mode="json")
    for part in ("band", "uncapped_band", "confidence"):
        if data[part]:
            data[part].pop("label")
    for entry in data["components"]:
        entry.pop("label")
    for entry in data["flags"]:
        entry.pop("message")
    for entry in data["gaps"]:
        entry.pop("prompt")
    for entry in data["ledger"]:
        entry.pop("rule")
        if entry["component"] == "impact":
            entry.pop("question")  # a benefit's or burden's label
    return data


@pytest.mark.parametrize("path", bundled_reviews(), ids=lambda p: p.name)
def test_a_translated_rubric_scores_exactly_as_the_english(path: Path, tmp_path: Path) -> None:
    review, rubric, _ = load_checked(path, path)
    english = score(rubric, review)
    every = {key: f"«xx» {text}" for key, text in translatable(rubric).items()}
    write_translation(tmp_path, rubric, "xx", every)
    for other in (translated(rubric, "es"), translated(rubric, "xx", folder=tmp_path)):
        card = score(other, review)
        assert same_numbers(card) == same_numbers(english)
        assert card.rubric == english.rubric  # the English hash
    assert translated(rubric, "xx", folder=tmp_path).title.startswith("«xx»")


# --- reported problems -----------------------------------------------------------------------


def test_a_missing_key_falls_back_to_english_and_is_reported(kc: Rubric, tmp_path: Path) -> None:
    folder = rubric_folder(tmp_path)
    texts = {key: f"ES {text}" for key, text in translatable(kc).items()}
    del texts["scoring.bands.risk.label"]
    path = write_translation(folder, kc, "es", texts)
    spanish = translated(kc, "es", folder=folder)
    assert spanish.band("risk").label == "Risk of deepening inequities"
    assert spanish.band("advances").label == "ES Advances equity"
    assert missing_keys(kc, "es", folder=folder) == {
        "scoring.bands.risk.label": "Risk of deepening inequities"
    }
    for target in (folder / KC.name, path):
        code, out, err = run("rubric", "validate", str(target))
        assert code == 0, err
        line = (
            f"{path}: strings.scoring.bands.risk.label: warning: not translated; "
            "shown in English: Risk of deepening inequities"
        )
        assert line in out.splitlines()


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("questions.summray.prompt", "¿Qué?", "unknown key"),
        ("scoring.flags.burden_without_mitigation.message", "sin {elemento}", "placeholders"),
        ("scoring.flags.burden_without_mitigation.message", "sin mitigación", "placeholders"),
    ],
)
def test_an_unknown_key_or_other_placeholders_is_an_error_naming_file_and_key(
    kc: Rubric, tmp_path: Path, key: str, text: str, message: str
) -> None:
    folder = rubric_folder(tmp_path)
    path = write_translation(folder, kc, "es", {})
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["strings"][key] = text
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert (key in unknown_keys(kc, "es", folder=folder)) == (message == "unknown key")
    assert key in missing_keys(kc, "es", folder=folder) or message == "unknown key"
    assert translated(kc, "es", folder=folder) is kc  # nothing usable
    for target in (folder / KC.name, path):
        code, _, err = run("rubric", "validate", str(target))
        assert code == 1
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(f"error: {path}: strings.{key}: ")
        assert message in errors[0]


def test_a_translation_naming_another_rubric_or_language_is_an_error(tmp_path: Path) -> None:
    folder = rubric_folder(tmp_path)
    path = folder / "king-county-esj.es.yaml"
    path.write_text(
        SPANISH.read_text(encoding="utf-8").replace(
            "rubric: king-county-esj", "rubric: gare-racial-equity"
        )
    )
    code, _, err = run("rubric", "validate", str(folder / KC.name))
    assert code == 1 and f"error: {path}: rubric: names rubric 'gare-racial-equity'" in err
    path.write_text(SPANISH.read_text(encoding="utf-8").replace("lang: es", "lang: vi"))
    code, _, err = run("rubric", "validate", str(path))
    assert code == 1 and f"error: {path}: lang: is 'vi' but the file is named for 'es'" in err


HOSTILE = {
    "not a mapping": "- a\n- b\n",
    "a list of strings": "format: esj-review-translation/1\nrubric: king-county-esj\nlang: es\n"
    "strings: [a, b]\n",
    "a number": "format: esj-review-translation/1\nrubric: king-county-esj\nlang: es\n"
    "strings: {title: 3}\n",
    "a nested mapping": "format: esj-review-translation/1\nrubric: king-county-esj\nlang: es\n"
    "strings: {title: {a: b}}\n",
    "a control character": "format: esj-review-translation/1\nrubric: king-county-esj\n"
    'lang: es\nstrings: {title: "T\\x1b[31mrojo"}\n',
    "a raw control character": "format: esj-review-translation/1\nrubric: king-county-esj\n"
    'lang: es\nstrings: {title: "T\x07"}\n',
    "an alias": "format: esj-review-translation/1\nrubric: king-county-esj\nlang: es\n"
    "strings: {title: &a x, description: *a}\n",
    "another format": "format: esj-review/1\nrubric: king-county-esj\nlang: es\n",
    "reviewed by nobody": "format: esj-review-translation/1\nrubric: king-county-esj\n"
    "lang: es\nreview: {status: reviewed}\n",
    "empty": "",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_translation_file_is_one_line_never_a_traceback(
    kc: Rubric, tmp_path: Path, name: str
) -> None:
    folder = rubric_folder(tmp_path)
    path = folder / "king-county-esj.es.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    for target in (folder / KC.name, path):
        code, _, err = run("rubric", "validate", str(target))
        assert code == 1, name
        lines = err.splitlines()
        assert lines and all(line.startswith(f"error: {path}") for line in lines), err
        assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err
    with pytest.raises(Exception) as raised:
        translated(kc, "es", folder=folder)
    assert str(path) in str(raised.value) and "Traceback" not in str(raised.value)


def test_a_huge_translation_file_is_refused_unread(tmp_path: Path) -> None:
    folder = rubric_folder(tmp_path)
    path = folder / "king-county-esj.es.yaml"
    with path.open("w") as handle:
        handle.write("strings:\n  title: '")
        handle.write("x" * (9 * 1024 * 1024))
        handle.write("'\n")
    code, _, err = run("rubric", "validate", str(path))
    assert code == 1 and err.startswith(f"error: {path}: file is") and len(err.splitlines()) == 1


def test_markup_in_a_translation_stays_text_in_the_report(kc: Rubric, tmp_path: Path) -> None:
    from esj_review.core.review import load_review
    from esj_review.report.render import render_report

    folder = rubric_folder(tmp_path)
    script = "<script>alert(1)</script>"
    texts = {
        "scoring.bands.advances.label": f"Advances {script}",
        "scoring.bands.promising.label": f"Likely {script}",
        "questions.summary.prompt": f"What {script}?",
        "determinants.transportation.label": f"Transit {script}",
    }
    write_translation(folder, kc, "xx", texts)
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    html = render_report(translated(kc, "xx", folder=folder), review, "html").decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the commands ------------------------------------------------------------------------------


def test_the_skeleton_validates_with_only_missing_warnings(kc: Rubric, tmp_path: Path) -> None:
    folder = rubric_folder(tmp_path)
    path = folder / "king-county-esj.vi.yaml"
    code, _, err = run("rubric", "translation", "king-county-esj", "--lang", "vi", "-o", str(path))
    assert code == 0, err
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["review"] == {"status": NOT_REVIEWED, "by": None, "date": None}
    assert set(data["strings"]) == set(translatable(kc))
    assert all(value is None for value in data["strings"].values())
    code, out, err = run("rubric", "validate", str(path))
    assert code == 0 and "error" not in err
    warnings = [line for line in out.splitlines() if ": warning: not translated;" in line]
    assert len(warnings) == len(translatable(kc)) == len(out.splitlines())
    assert translated(kc, "vi", folder=folder) is kc
    code, _, err = run("rubric", "translation", "king-county-esj", "--lang", "en")
    assert code == 2 and "English" in err
    code, _, err = run("rubric", "translation", "king-county-esj", "--lang", "../x")
    assert code == 2 and "not a language code" in err


def test_a_filled_skeleton_round_trips(kc: Rubric, tmp_path: Path) -> None:
    """Texts written by `skeleton` read back as written, quotes, colons and line breaks too."""
    texts = {key: f'«{text}»: "x" #\nnext' for key, text in translatable(kc).items()}
    write_translation(tmp_path, kc, "xx", texts)
    assert translatable(translated(kc, "xx", folder=tmp_path)) == texts


def test_rubric_doc_in_spanish() -> None:
    code, out, _ = run("rubric", "doc", "king-county-esj", "--lang", "es")
    assert code == 0
    assert "Promueve la equidad" in out and "Revisión del impacto" in out
    code, out, _ = run("rubric", "doc", "king-county-esj")
    assert "Promueve la equidad" not in out


def test_rubric_list_skips_translation_files() -> None:
    assert not any("." in rubric_id for rubric_id in shipped_rubrics())
    code, out, _ = run("rubric", "show", "king-county-esj", "-f", "json")
    assert code == 0 and json.loads(out)["hash"] == load_rubric("king-county-esj").content_hash


def test_a_changed_copy_of_a_shipped_rubric_keeps_english_where_its_text_changed(
    tmp_path: Path,
) -> None:
    """A file made from the shipped text is not applied to a copy whose English says
    something else, even under the same id and version; `rubric doc` of the copy finds the
    translation beside it."""
    text = KC.read_text(encoding="utf-8").replace(
        "label: Advances equity", "label: Clearly advances equity"
    )
    (tmp_path / KC.name).write_text(text, encoding="utf-8")
    shutil.copy(SPANISH, tmp_path / SPANISH.name)
    copy = load_rubric(tmp_path / KC.name)
    spanish = translated(copy, "es", folder=tmp_path)
    assert spanish.band("advances").label == "Clearly advances equity"
    assert spanish.band("risk").label == "Riesgo de profundizar las inequidades"
    assert list(missing_keys(copy, "es", folder=tmp_path)) == ["scoring.bands.advances.label"]
    assert translated(copy, "es", folder=tmp_path) is spanish  # cached
    code, out, _ = run("rubric", "doc", str(tmp_path / KC.name), "--lang", "es")
    assert code == 0 and "Riesgo de profundizar las inequidades" in out


def test_writing_over_a_translation_keeps_its_texts(kc: Rubric, tmp_path: Path) -> None:
    """For a new rubric version a translator starts from the file already made: texts whose
    English is unchanged are kept, the others are shown as comments and left null."""
    path = tmp_path / SPANISH.name
    shutil.copy(SPANISH, path)
    code, _, err = run(
        "rubric", "translation", "king-county-esj@2.0.0", "--lang", "es", "-o", str(path)
    )
    assert code == 0, err
    assert "dropped (no such text in king-county-esj 2.0.0)" in err
    older = load_rubric("king-county-esj@2.0.0")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == "2.0.0" and set(data["strings"]) == set(translatable(older))
    assert data["strings"]["disclaimer"] is None  # its English differs from 3.1.0's
    assert "# earlier translation, of English that has since changed:" in path.read_text()
    assert data["strings"]["scoring.bands.advances.label"] == "Promueve la equidad"
    code, _, err = run("rubric", "translation", "king-county-esj", "--lang", "vi", "-o", str(path))
    assert code == 1 and "refusing to replace it" in err
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["lang"] == "es"


def test_the_translation_digest_changes_with_the_file(kc: Rubric, tmp_path: Path) -> None:
    from esj_review.core.translations import translation_digest

    assert translation_digest(kc, "en") == "" and len(translation_digest(kc, "es")) == 64
    folder = rubric_folder(tmp_path)
    write_translation(folder, kc, "xx", {"title": "Uno"})
    first = translation_digest(kc, "xx", folder=folder)
    write_translation(folder, kc, "xx", {"title": "Otro título"})
    assert translation_digest(kc, "xx", folder=folder) != first
    assert translated(kc, "xx", folder=folder).title == "Otro título"
