"""A translated report's impact arithmetic names questions and answers in the report's
language: never an id ("funded", "upstream", "mitigation_by"), which reads as English, and
never another question's answer that happens to share an id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from esj_review.core import i18n
from esj_review.core.checks import rubric_for
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import data_dir, load_rubric
from esj_review.core.scoring import score
from esj_review.core.translations import translated
from esj_review.report.chapters import impact_lines
from esj_review.report.rules import impact_rule_words, short_form

EXAMPLES = data_dir("examples")
BUNDLED = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*/*.yaml")])
LANGUAGES = [lang for lang in i18n.available_languages() if lang != i18n.DEFAULT]


def _ids(rubric: Rubric) -> set[str]:
    """Every question and choice id of the rubric, as the arithmetic would show it."""
    found: set[str] = set()
    for _section, top in rubric.iter_questions():
        for q in (top, *top.children()):
            found |= {q.id, q.id.replace("_", " ")}
            found |= {c.id.replace("_", " ") for c in getattr(q, "choices", None) or []}
    return {i for i in found if len(i) > 2}


def _lines(path: Path, lang: str) -> tuple[Rubric, list[str]]:
    review = load_review(path)
    with i18n.use_language(lang):
        shown = translated(rubric_for(review, path), lang)
        return shown, [line["rule"] for line in impact_lines(score(shown, review), shown)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_translated_arithmetic_names_no_id(lang: str) -> None:
    checked = 0
    for path in BUNDLED:
        rubric, rules = _lines(path, lang)
        ids = _ids(rubric)
        for rule in rules:
            words = set(re.findall(r"[a-z][a-z_ ]*[a-z]", rule))
            left = {i for i in ids if re.search(rf"(?<![\w]){re.escape(i)}(?![\w])", rule)}
            assert not left, (path.name, rule, left, words & ids)
            checked += 1
    assert checked > 15


def test_an_answer_is_named_by_its_own_question_never_by_another_sharing_its_id() -> None:
    """ "none" is both "No one was invited" (engagement) and "No mitigation identified"
    (mitigation firmness): a mitigation line must say the second."""
    rubric = translated(load_rubric("king-county-esj"), "es")
    with i18n.use_language("es"):
        text = impact_rule_words(rubric, "size small 1 x priority share 1 mitigation_status none 0")
    assert "ninguna mitigación" in text
    engagement = next(q for _s, q in rubric.iter_questions() if q.id == "engagement_level")
    other = next(c.label for c in rubric.choices_for(engagement) if c.id == "none")
    assert short_form(other).lower() not in text


def test_an_earlier_version_borrows_the_current_versions_short_labels() -> None:
    """2.0.0 has no short labels for its factors; 3.1.0 gives the same questions some."""
    older = translated(load_rubric("king-county-esj@2.0.0"), "es")
    with i18n.use_language("es"):
        text = impact_rule_words(older, "size small 1 x priority share 1 funding_status funded x1")
    assert "financiamiento con financiamiento" in text


def test_a_long_choice_stands_in_by_its_first_clause() -> None:
    with i18n.use_language("es"):
        assert short_form("Río arriba: cambia sistemas, estructuras o prácticas") == "Río arriba"
        assert short_form("Financiamiento") == "Financiamiento"
    with i18n.use_language("zh-Hant"):
        assert short_form("上游：改變系統、結構或機構做法，這是一個很長的標籤文字") == "上游"


def test_a_changed_copy_of_an_earlier_version_borrows_no_label() -> None:
    """Only the shipped text of an earlier version borrows the current version's labels: a
    local copy claiming 2.0.0 may mean something else by the same question id."""
    older = load_rubric("king-county-esj@2.0.0")
    copy = older.model_copy()
    copy.__pydantic_private__["_hash"] = "0" * 64  # type: ignore[index]
    with i18n.use_language("es"):
        shipped = impact_rule_words(translated(older, "es"), "x funding_status funded x1")
        changed = impact_rule_words(translated(copy, "es"), "x funding_status funded x1")
    assert "financiamiento con financiamiento" in shipped  # 3.1.0's label, then the answer
    assert "con financiamiento" in changed and "financiamiento con" not in changed
