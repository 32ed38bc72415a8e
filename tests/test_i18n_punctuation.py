"""Punctuation the report puts between pieces it assembles follows the language: a Chinese
report writes "：", "；", "，" and "。" between its own Chinese texts, never a Latin ": " or
". " (which reads as a typo there), while English keeps its marks."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from esj_review.core import i18n
from esj_review.core.checks import rubric_for
from esj_review.core.review import load_review
from esj_review.core.rubrics import data_dir
from esj_review.report.render import render_report

DATE = dt.date(2026, 11, 29)
EXAMPLES = data_dir("examples")
HAN = "\u3400-\u9fff"
LATIN_MARK_BY_HAN = re.compile(rf"[{HAN}] ?[.,;:(](?!\d)|(?<!\d)[.,;:)] ?[{HAN}]")
"""A Latin mark touching a Chinese character: "為高." or "負擔; 住房"; a section number such
as "2. 評分表" is not one."""


def _fixed_text(page: str) -> str:
    """What the report itself wrote: no styles, no analyst's answers (spans of class "user",
    kept as written in their own language), no cited sources (a bibliography keeps its
    entries' own punctuation), no tags."""
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    page = re.sub(r'<span class="user"[^>]*>.*?</span>', "", page, flags=re.S)
    page = re.sub(r'<ul class="tight sources">.*?</ul>', "", page, flags=re.S)
    page = re.sub(r"</(p|h\d|li|td|th|tr|dt|dd|div|title)>", "\n", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize(
    "name", ["reduced-fare-transit", "fee-increase", "capital-facility-siting"]
)
def test_a_chinese_report_puts_no_latin_mark_between_its_chinese_texts(name: str) -> None:
    path = EXAMPLES / f"{name}.yaml"
    review = load_review(path)
    page = render_report(rubric_for(review, path), review, "html", lang="zh-Hant", generated=DATE)
    text = _fixed_text(page.decode("utf-8"))
    found = sorted(
        {text[max(0, m.start() - 8) : m.end() + 8] for m in LATIN_MARK_BY_HAN.finditer(text)}
    )
    assert not found, found
    # the marks are there, in their Chinese form: a sentence end, a list, a label
    assert "。" in text and "；" in text and "：" in text


def test_the_marks_in_each_language() -> None:
    assert (i18n.full_stop(), i18n.list_separator(), i18n.colon(), i18n.comma()) == (
        ".",
        "; ",
        ": ",
        ", ",
    )
    assert i18n.noted("Housing", "large") == "Housing (large)"
    with i18n.use_language("zh-Hant"):
        assert (i18n.full_stop(), i18n.list_separator(), i18n.colon(), i18n.comma()) == (
            "。",
            "；",
            "：",
            "，",
        )
        assert i18n.noted("住房", "大") == "住房（大）"
    for lang in ("es", "vi", "ko", "ru", "so"):
        with i18n.use_language(lang):
            assert i18n.full_stop() == "." and i18n.colon() == ": "


def test_a_sentence_already_ended_in_any_script_gets_no_second_mark() -> None:
    for text in ("Done.", "完成。", "Really?", "真的？", "Cut …"):
        assert i18n.ends_sentence(text)
    assert not i18n.ends_sentence("Open")


def test_an_engagement_line_ends_in_the_reports_language(tmp_path: Path) -> None:
    """A label and its answer in the statement: "層級：…。" in Chinese, "Level: ….": the
    answer is the analyst's (English here); the marks around it are the report's."""
    path = EXAMPLES / "fee-increase.yaml"
    review = load_review(path)
    rubric = rubric_for(review, path)
    chinese = render_report(rubric, review, "html", lang="zh-Hant", generated=DATE).decode()
    english = render_report(rubric, review, "html", generated=DATE).decode()
    assert '<span class="label">層級：</span>' in chinese
    assert '<span class="label">Level: </span>' in english
    assert "<b>社區參與。</b>" in chinese and "<b>Engagement.</b>" in english
