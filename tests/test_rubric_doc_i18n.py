"""`esj-review rubric doc --lang`: the whole rubric documentation in the language asked for.

The rubric's own texts come from its translation file; every fixed text of the document (its
headings, table headers, rule and condition wording) must be a message of the report catalogue.
The check renders the King County rubric with a pseudo catalogue in which every message's own
words are bracketed (⟦…⟧) and its placeholders left outside, so the values put into them (the
rubric's texts, ids, numbers, other messages) are checked too: once the brackets, the rubric's
texts, the review's title, ids, code and numbers are taken out, no Latin word may remain.
English is compared byte for byte with a golden file (`UPDATE_GOLDEN=1` writes it again).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core import i18n
from esj_review.core.rubrics import load_rubric
from esj_review.core.translations import translated
from esj_review.report.method import worked_example
from esj_review.report.rules import short_form
from tests.pseudo import extract

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "rubric-doc-kc.md"
LANGUAGES = ["es", "vi", "zh-Hant", "ko", "ru", "so"]
_PLACEHOLDER = re.compile(r"(%\(\w+\)[sdr]|%%)")


def _doc(*options: str) -> str:
    result = CliRunner().invoke(app, ["rubric", "doc", "king-county-esj", *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def _bracketed(message: str) -> str:
    """The message's own words in ⟦⟧, each run between placeholders on its own."""
    return "".join(
        part if _PLACEHOLDER.fullmatch(part) else f"⟦{part}⟧"
        for part in _PLACEHOLDER.split(message)
        if part
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report catalogue's template, extracted from the code as `make messages` does."""
    return extract(tmp_path_factory.mktemp("template") / "esj_review.pot", "babel.cfg")


@pytest.fixture
def pseudo(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: Any
) -> Iterator[str]:
    """A catalogue for the language of the test whose every message is bracketed."""
    lang: str = request.param
    with template.open("rb") as f:
        catalogue = read_po(f, locale=lang.replace("-", "_"))
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, str):
            message.string = _bracketed(message.id)
        else:
            singular, plural = message.id
            forms = [singular] + [plural] * (catalogue.num_plurals - 1)
            message.string = tuple(_bracketed(form) for form in forms)
    folder = tmp_path / lang.replace("-", "_") / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "esj_review.po").open("wb") as f:
        write_po(f, catalogue)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        yield lang
    finally:
        i18n.translations.cache_clear()


def _strings(value: object, skip: str = "severity") -> Iterator[str]:
    """Every string in a rubric's data: its texts, ids and keys (not a flag's severity, which
    the document writes in words of its own)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            if key != skip:
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _supplied(lang: str) -> list[str]:
    """What the rubric (English and translated) and its worked example supply, as the document
    may write it: a flag message's pieces around `{item}`, a label with a lower-case first
    letter, an id with spaces for underscores; longest first."""
    english = load_rubric("king-county-esj")
    texts: set[str] = set()
    for rubric in (english, translated(english, lang)):
        texts.update(_strings(rubric.model_dump(mode="json", by_alias=True)))
        example = worked_example(rubric)
        if example is not None:
            texts.add(example.title)
    pieces = {piece.strip() for text in texts for piece in text.split("{item}")}
    with i18n.use_language(lang):  # a long label stands in by its name or first clause
        pieces |= {short_form(piece) for piece in pieces}
    variants = {v for p in pieces for v in (p, p[:1].lower() + p[1:], p.replace("_", " "))}
    return sorted((v for v in variants if v), key=len, reverse=True)


def _leftover(doc: str, supplied: list[str]) -> list[str]:
    """The lines of `doc` that still hold a Latin word once the bracketed messages, what the
    rubric supplied, code, links and numbers are taken out."""
    found = []
    for line in doc.splitlines():
        text = re.sub(r"⟦[^⟦⟧]*⟧", " ", line)
        for piece in supplied:
            if piece in text:
                text = re.sub(rf"(?<!\w){re.escape(piece)}(?!\w)", " ", text)
        text = re.sub(r"`[^`]*`|<https?://[^>]*>|\{item\}", " ", text)
        if re.search(r"[A-Za-z]{2,}", text):
            found.append(f"{line!r} -> {text.strip()!r}")
    return found


@pytest.mark.parametrize("pseudo", LANGUAGES, indirect=True)
def test_every_fixed_text_of_the_rubric_doc_is_a_message(pseudo: str) -> None:
    doc = _doc("--lang", pseudo)
    assert doc.count("⟦") > 500  # the pseudo catalogue was read
    assert _leftover(doc, _supplied(pseudo)) == []


def test_the_check_finds_english_fixed_text() -> None:
    # Without a catalogue the fixed texts are English: the check must see them.
    leftover = _leftover(_doc(), _supplied("es"))
    assert len(leftover) > 100
    assert any("Rubric id" in line for line in leftover)


def test_the_english_rubric_doc_is_unchanged() -> None:
    doc = _doc()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(doc, encoding="utf-8")
    assert doc == GOLDEN.read_text(encoding="utf-8")
