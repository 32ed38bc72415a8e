"""A portfolio in another language shows its flags in that language: the batch's records
(and summary.json, which is data) keep the rubric's English, and the portfolio finds each
message in the translated rubric."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esj_review.batch.flag_notes import flag_notes, flag_words, general
from esj_review.cli import app
from esj_review.core import i18n
from esj_review.core.rubrics import load_rubric
from esj_review.core.translations import translated
from tests.conftest import EXAMPLES


def _visible(path: Path) -> str:
    page = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"<[^>]+>", "", page).replace("\u200b", "")


@pytest.mark.parametrize("lang", ["es", "zh-Hant"])
def test_the_portfolio_shows_each_flag_in_its_language(lang: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    inputs = [str(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    result = CliRunner().invoke(
        app, ["batch", *inputs, "--out", str(out), "-f", "json", "--lang", lang, "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    english = load_rubric("king-county-esj")
    words = flag_words(english, translated(english, lang))
    shown = _visible(out / "portfolio.html")
    assert summary["flags"], "the examples raise flags"
    for flag in summary["flags"]:  # data: the English, as recorded
        assert flag["message"] in words.messages, flag["message"]
        assert flag["message"] not in shown
        assert words.messages[flag["message"]] in shown


def test_a_per_item_flag_names_its_items_in_the_language() -> None:
    english = load_rubric("king-county-esj")
    spanish = translated(english, "es")
    rule = next(r for r in english.scoring.flags if r.message.startswith("{item}: "))
    raised = [
        {
            "id": rule.id,
            "severity": "critical",
            "item": d.id,
            "message": rule.message.replace("{item}", d.label),
        }
        for d in english.determinants[:5]
    ]
    with i18n.use_language("es"):
        (note,) = flag_notes(raised, flag_words(english, spanish))
    assert spanish.determinants[0].label in note["text"]
    assert english.determinants[0].label not in note["text"]
    assert note["text"].endswith("y 2 más)")
    assert general(raised[0]["message"]) not in note["text"]


def test_an_item_label_holding_a_colon_is_found_by_its_id_not_by_splitting() -> None:
    """A custom rubric may name a determinant "Health: access and care"; the recorded English
    "Health: access and care: a burden…" must not read as item "Health"."""
    english = load_rubric("king-county-esj")
    rule = next(r for r in english.scoring.flags if r.message.startswith("{item}: "))
    first = english.determinants[0]
    colon = "Health: access and care"
    recorded = [
        {
            "id": rule.id,
            "severity": "critical",
            "item": first.id,
            "message": rule.message.replace("{item}", colon),
        }
    ]
    words = flag_words(english, english)
    words.items[first.id] = colon
    (note,) = flag_notes(recorded, words)
    assert note["text"] == f"A moderate or large burden falls on priority populations ({colon})"


def test_in_english_the_words_are_the_messages_themselves() -> None:
    english = load_rubric("king-county-esj")
    words = flag_words(english, english)
    assert words.messages and all(k == v for k, v in words.messages.items())
    assert set(words.rules.values()) == set(words.messages.values())
