"""Checking a translation file against its rubric (`rubric validate`), and writing the
skeleton a translator starts from (`rubric translation`)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from esj_review.core.errors import EsjError, InputFileError, Problem
from esj_review.core.files import parse_data, read_text
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.text import one_line
from esj_review.core.translation_keys import placeholders, translatable
from esj_review.core.translations import (
    FORMAT,
    NOT_REVIEWED,
    TranslationFile,
    file_problems,
    unchanged_since,
)


def _warning(path: str, message: str) -> Problem:
    return Problem(path, message, severity="warning")


def check_translation(rubric: Rubric, path: Path) -> list[Problem]:
    """Every problem of one translation file against the rubric: errors (a wrong rubric or
    language, an unknown key, placeholders that differ from the English, a malformed file)
    and warnings (a text not translated yet, shown in English)."""
    try:
        data = parse_data(read_text(path), path)
    except InputFileError as exc:
        return exc.problems
    problems = file_problems(data)
    if problems:
        return problems
    file = TranslationFile.model_validate(data)
    if file.rubric != rubric.id:
        return [Problem("rubric", f"names rubric {file.rubric!r}, not {rubric.id!r}")]
    named = path.stem.removeprefix(f"{rubric.id}.")
    if "." in path.stem and named != file.lang:
        problems.append(Problem("lang", f"is {file.lang!r} but the file is named for {named!r}"))
    english = translatable(rubric)
    for key, text in file.strings.items():
        if key not in english:
            problems.append(
                Problem(
                    f"strings.{one_line(key, 120)}",
                    f"unknown key: {rubric.id} {rubric.version} has no such text "
                    "(a typo, or a question or choice removed?)",
                )
            )
        elif text is not None and placeholders(text) != placeholders(english[key]):
            want = ", ".join(placeholders(english[key])) or "none"
            got = ", ".join(placeholders(text)) or "none"
            problems.append(
                Problem(
                    f"strings.{key}",
                    f"placeholders differ from the English's (English: {want}; here: {got})",
                )
            )
    if file.version and file.version != rubric.version:
        problems.append(
            _warning("version", f"translated from {file.version}; this rubric is {rubric.version}")
        )
    problems += _earlier_problems(rubric, file)
    same = unchanged_since(rubric, file.version, english)
    for key, text in english.items():
        given = file.strings.get(key)
        if given is None:
            problems.append(
                _warning(
                    f"strings.{key}", f"not translated; shown in English: {one_line(text, 4000)}"
                )
            )
        elif same is not None and key not in same:
            problems.append(
                _warning(
                    f"strings.{key}",
                    f"the English changed since {file.version}; shown in English until the "
                    f"translation is checked: {one_line(text, 4000)}",
                )
            )
    return problems


def _earlier_problems(rubric: Rubric, file: TranslationFile) -> list[Problem]:
    """The `earlier` sections: each names a shipped version of the rubric other than the one
    translated, holds only its keys with the English's placeholders, and gives (else a
    warning) every text whose English differs from the version translated."""
    problems: list[Problem] = []
    for version, strings in file.earlier.items():
        where = f"earlier.{version}"
        if version == file.version:
            problems.append(Problem(where, "is the version translated: its texts go in strings"))
            continue
        try:
            source = load_rubric(f"{rubric.id}@{version}")
        except EsjError:
            problems.append(Problem(where, f"{rubric.id} has no version {version} to translate"))
            continue
        english = translatable(source)
        for key, text in strings.items():
            if key not in english:
                problems.append(
                    Problem(
                        f"{where}.{one_line(key, 120)}", f"unknown key: {version} has no such text"
                    )
                )
            elif text is not None and placeholders(text) != placeholders(english[key]):
                problems.append(Problem(f"{where}.{key}", "placeholders differ from the English's"))
        same = unchanged_since(source, file.version, english)
        same = set(english) if same is None else same
        for key, text in english.items():
            if key not in same and strings.get(key) is None:
                problems.append(
                    _warning(
                        f"{where}.{key}",
                        f"not translated; a review under {version} shows it in English: "
                        f"{one_line(text, 4000)}",
                    )
                )
    return problems


def _comment(text: str) -> list[str]:
    """The English as comment lines, wrapped (a line break in it kept)."""
    lines = []
    for line in text.splitlines() or [""]:
        shown = one_line(line, 100_000)
        lines.extend(textwrap.wrap(shown, 94, break_on_hyphens=False) or [""])
    return [f"  # {line}".rstrip() for line in lines]


def skeleton(
    rubric: Rubric,
    lang: str,
    texts: dict[str, str] | None = None,
    earlier: dict[str, str] | None = None,
) -> str:
    """A translation file for `lang` holding every key of the rubric, each under its English
    (as a comment), its value null (not translated yet) or the text given in `texts`; a text
    in `earlier` (translated from English that has since changed) is shown as a comment."""
    texts = texts or {}
    earlier = earlier or {}
    out = [
        f"# {rubric.id} {rubric.version} in {lang!s}: written by `esj-review rubric translation`.",
        "# Under each English text (the comment), replace null with the translation; a text",
        "# left null is shown in English. Keep {placeholders} such as {item} as they are.",
        "# The review status stays 'not reviewed by a qualified translator' until one has.",
        f"format: {FORMAT}",
        f"rubric: {rubric.id}",
        f"lang: {lang}",
        f"version: {rubric.version}",
        "review:",
        f"  status: {NOT_REVIEWED}",
        "  by: null",
        "  date: null",
        "strings:",
    ]
    for key, english in translatable(rubric).items():
        out.extend(_comment(english))
        if key in earlier:
            out.append("  # earlier translation, of English that has since changed:")
            out.extend(_comment(earlier[key]))
        given = texts.get(key)
        value = json.dumps(given, ensure_ascii=False) if given is not None else "null"
        out.append(f"  {key}: {value}")
    return "\n".join(out) + "\n"
