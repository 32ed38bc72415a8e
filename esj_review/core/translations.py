"""Rubric translations: a rubric's labels, prompts, help and band texts in another language,
one file per language beside the rubric (`rubrics/king-county-esj.es.yaml`).

A translation changes words only: the translated rubric keeps the English rubric's hash and
scores exactly as it does. A text the file lacks (or leaves null) is shown in English.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from esj_review.core.errors import EsjError, Problem, ValidationFailed, problems_from_pydantic
from esj_review.core.files import parse_data, read_text
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import data_dir, load_rubric, shipped_rubrics
from esj_review.core.text import one_line
from esj_review.core.translation_keys import placeholders, rebuild, translatable

FORMAT = "esj-review-translation/1"
NOT_REVIEWED = "not reviewed by a qualified translator"
REVIEWED = "reviewed"
ENGLISH = "en"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
MAX_TEXT = 100_000  # characters in one translated text
_LANG = re.compile(LANG_PATTERN)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
# Control characters other than a line break or a tab: never in a text a report shows.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewStatus(_Frozen):
    """Whether a qualified translator has reviewed the file, who and when."""

    status: Literal["not reviewed by a qualified translator", "reviewed"] = (
        "not reviewed by a qualified translator"
    )
    by: str | None = Field(default=None, max_length=200)
    # When it was reviewed (YYYY-MM-DD). Not `on`: YAML 1.1 reads that key as true.
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")

    @property
    def reviewed(self) -> bool:
        """True once a person has marked the translation reviewed."""
        return self.status == REVIEWED


class TranslationFile(_Frozen):
    """A translation file: which rubric and language, its review status, and its texts."""

    format: Literal["esj-review-translation/1"]
    rubric: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    lang: str = Field(pattern=LANG_PATTERN, max_length=35)
    version: str | None = Field(default=None, pattern=r"^\d+\.\d+\.\d+$")  # translated from
    review: ReviewStatus = ReviewStatus()
    strings: dict[str, str | None] = {}
    # Texts of an earlier version of the rubric whose English differs from the version
    # translated, by that version: a review still scored under it reads them.
    earlier: dict[str, dict[str, str | None]] = {}


@dataclass(frozen=True)
class Translation:
    """A loaded translation file."""

    path: Path
    file: TranslationFile
    digest: str = ""  # sha256 of the file's text: what a cache of translated reports keys on

    @property
    def texts(self) -> dict[str, str]:
        """The translated texts (keys left null are not translated yet)."""
        return {k: v for k, v in self.file.strings.items() if v is not None}


def is_translation_file(path: Path) -> bool:
    """A file named `RUBRIC.LANG.yaml`: a rubric id (which holds no dot) and a language."""
    rubric_id, dot, lang = path.stem.partition(".")
    return (
        path.suffix in {".yaml", ".yml"}
        and bool(dot)
        and _ID.match(rubric_id) is not None
        and _LANG.match(lang) is not None
    )


def file_problems(data: object) -> list[Problem]:
    """What is wrong with parsed data as a translation file, whatever its rubric."""
    if not isinstance(data, dict):
        return [Problem("", "a translation file must be a mapping of fields")]
    try:
        parsed = TranslationFile.model_validate(data)
    except ValidationError as exc:
        return problems_from_pydantic(exc, data=data)
    problems = [
        Problem(f"earlier.{one_line(version, 40)}", "not a rubric version (such as 2.0.0)")
        for version in parsed.earlier
        if not _VERSION.match(version)
    ]
    texts = [(f"strings.{key}", text) for key, text in parsed.strings.items()]
    texts += [
        (f"earlier.{version}.{key}", text)
        for version, strings in parsed.earlier.items()
        for key, text in strings.items()
    ]
    for where, text in texts:
        if text is None:
            continue
        if not text.strip():
            problems.append(Problem(where, "empty text; leave it null until it is translated"))
        elif len(text) > MAX_TEXT:
            problems.append(Problem(where, f"text longer than {MAX_TEXT:,} characters"))
        elif found := _CONTROL.search(text):
            problems.append(
                Problem(where, f"holds the control character U+{ord(found.group()):04X}")
            )
    if parsed.review.reviewed and not (parsed.review.by and parsed.review.date):
        problems.append(Problem("review", "a reviewed translation names its reviewer and date"))
    return problems


_CACHE: OrderedDict[tuple[str, int, int], Translation] = OrderedDict()


def load_translation(path: Path) -> Translation:
    """Read and check one translation file (cached while the file is unchanged); raise with
    every problem, each naming the file and the key."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (str(path), stat.st_mtime_ns, stat.st_size) if stat else None
    if key and key in _CACHE:
        return _CACHE[key]
    text = read_text(path)
    data = parse_data(text, path)
    problems = file_problems(data)
    if problems:
        raise ValidationFailed(path, problems)
    digest = hashlib.sha256(text.encode()).hexdigest()
    loaded = Translation(path, TranslationFile.model_validate(data), digest)
    if key:
        _CACHE[key] = loaded
        while len(_CACHE) > 32:
            _CACHE.popitem(last=False)
    return loaded


def _folder(folder: Path | None) -> Path:
    return folder if folder is not None else data_dir("rubrics")


def translation_path(rubric_id: str, lang: str, folder: Path | None = None) -> Path | None:
    """The translation file for `lang` (or its base language: `es` for `es-MX`), if any."""
    if not _LANG.match(lang) or lang.split("-")[0] == ENGLISH:
        return None
    base = _folder(folder)
    for code in dict.fromkeys([lang, lang.split("-")[0]]):
        path = base / f"{rubric_id}.{code}.yaml"
        if path.is_file():
            return path
    return None


def languages(rubric_id: str, folder: Path | None = None) -> list[str]:
    """Languages with a translation file for the rubric, sorted (English, the rubric's own
    language, is not listed)."""
    found = []
    for path in sorted(_folder(folder).glob(f"{rubric_id}.*.yaml")):
        code = path.stem.removeprefix(f"{rubric_id}.")
        if _LANG.match(code) and code != ENGLISH:
            found.append(code)
    return found


def _translation(rubric: Rubric, lang: str, folder: Path | None) -> Translation | None:
    path = translation_path(rubric.id, lang, folder)
    return load_translation(path) if path else None


def usable(rubric: Rubric, translation: Translation) -> dict[str, str]:
    """The texts that apply to this rubric: keys it has, with the English's placeholders, and
    (for a file translated from another version of a shipped rubric) whose English is the
    same in both versions."""
    english = translatable(rubric)
    same = unchanged_since(rubric, translation.file.version, english)
    given = {k: v for k, v in translation.texts.items() if same is None or k in same}
    given |= earlier_texts(rubric, translation)
    return {
        key: text
        for key, text in given.items()
        if key in english and placeholders(text) == placeholders(english[key])
    }


def earlier_texts(rubric: Rubric, translation: Translation) -> dict[str, str]:
    """The file's texts for this rubric's version when it is an earlier one than the version
    translated (the `earlier` section): only for the shipped text of that version, so a
    changed copy of it does not take words written for other English."""
    texts = translation.file.earlier.get(rubric.version) or {}
    if not texts or rubric.version == translation.file.version:
        return {}
    if rubric.id not in shipped_rubrics():
        return {}
    try:
        shipped = load_rubric(f"{rubric.id}@{rubric.version}")
    except EsjError:
        return {}
    if shipped.content_hash != rubric.content_hash:
        return {}
    return {key: text for key, text in texts.items() if text is not None}


def unchanged_since(
    rubric: Rubric, version: str | None, english: dict[str, str]
) -> set[str] | None:
    """For a shipped rubric's translation made from another text of it (another version, or
    a changed copy): the keys whose English is the same in both. None when the file was
    made from this very rubric, or from a version this tool does not ship."""
    if version is None or rubric.id not in shipped_rubrics():
        return None
    try:
        source = load_rubric(f"{rubric.id}@{version}")
    except EsjError:
        return None
    if source.content_hash == rubric.content_hash:
        return None
    made_from = translatable(source)
    return {key for key, text in english.items() if made_from.get(key) == text}


_TRANSLATED: OrderedDict[tuple[int, str], tuple[Translation, Rubric, Rubric]] = OrderedDict()


def translated(rubric: Rubric, lang: str, *, folder: Path | None = None) -> Rubric:
    """The rubric with its texts in `lang` where a translation has them, English elsewhere
    (the rubric itself for English or a language with no translation file). Translation
    files are looked for beside the shipped rubrics, or in `folder`."""
    translation = _translation(rubric, lang, folder)
    if translation is None:
        return rubric
    key = (id(translation), rubric.content_hash)
    cached = _TRANSLATED.get(key)
    if cached and cached[0] is translation and cached[1] is rubric:
        return cached[2]
    texts = usable(rubric, translation)
    result = rubric
    if texts:
        result = rebuild(rubric, "", lambda key, english: texts.get(key, english))
        private = result.__pydantic_private__
        assert private is not None
        # Same rubric, other words: the English hash (reports and caches name the rubric by
        # it), and lookups rebuilt from the translated models.
        private.update(_hash=rubric.content_hash, _questions=None, _choices={})
    _TRANSLATED[key] = (translation, rubric, result)
    while len(_TRANSLATED) > 16:
        _TRANSLATED.popitem(last=False)
    return result


def translation_digest(rubric: Rubric, lang: str, *, folder: Path | None = None) -> str:
    """sha256 of the translation file used for `lang` ("" for none): the rubric's hash stays
    the English one, so a cache of translated reports adds this to its key."""
    translation = _translation(rubric, lang, folder)
    return translation.digest if translation else ""


@dataclass(frozen=True)
class TranslationStatus:
    """A translation's review status, for the method page."""

    lang: str
    reviewed: bool
    status: str  # "not reviewed by a qualified translator" or "reviewed"
    by: str | None
    date: str | None  # when it was reviewed
    missing: int  # texts shown in English


def translation_status(
    rubric: Rubric, lang: str, *, folder: Path | None = None
) -> TranslationStatus | None:
    """The review status of the rubric's translation into `lang`; None when there is none."""
    translation = _translation(rubric, lang, folder)
    if translation is None:
        return None
    review = translation.file.review
    missing = len(translatable(rubric)) - len(usable(rubric, translation))
    return TranslationStatus(
        translation.file.lang, review.reviewed, review.status, review.by, review.date, missing
    )


def missing_keys(rubric: Rubric, lang: str, *, folder: Path | None = None) -> dict[str, str]:
    """Texts the translation does not give (absent, null, placeholders that differ, or English
    changed since the version translated): key -> the English shown instead."""
    translation = _translation(rubric, lang, folder)
    english = translatable(rubric)
    if translation is None:
        return english if lang.split("-")[0] != ENGLISH else {}
    texts = usable(rubric, translation)
    return {key: text for key, text in english.items() if key not in texts}


def unknown_keys(rubric: Rubric, lang: str, *, folder: Path | None = None) -> list[str]:
    """Keys of the translation that name no text of this rubric (a typo, a removed question)."""
    translation = _translation(rubric, lang, folder)
    if translation is None:
        return []
    english = translatable(rubric)
    return [key for key in translation.file.strings if key not in english]
