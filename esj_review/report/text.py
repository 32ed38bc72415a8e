"""User text made safe to show: visible control characters, neutralised bidi overrides,
bounded length, and its language and direction for fonts, line breaking and screen readers."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from esj_review.core.text import neutral

# A report keeps the first part of a very long answer; the whole answer travels in the
# attached review file.
MAX_SHOWN = 20_000


def visible(text: str, limit: int = MAX_SHOWN) -> str:
    """Text as the reader must see it: nothing hidden, nothing reordered, nothing unbounded."""
    shown = _breakable(neutral(text[:limit]))
    if len(text) > limit:
        shown += (
            f"\n[Shortened in this report: the answer has {len(text):,} characters; "
            "the full text is in the review file attached to this PDF.]"
        )
    return shown


ZWSP = "\u200b"
_RUN = 24  # a word longer than this gets invisible break opportunities


def _breakable(text: str) -> str:
    """Give very long unbroken runs (hashes, URLs, "AAAA…") invisible break opportunities.

    Without them the PDF renderer must split the run itself, which takes it seconds per page;
    never between a letter and its combining mark, nor inside a joined sequence.
    """
    if all(len(word) <= _RUN for word in text.split()):  # no run long enough: as it is
        return text
    out = []
    run = 0
    previous = ""
    for ch in text:
        if ch.isspace():
            run = 0
        else:
            run += 1
            safe = not unicodedata.category(ch).startswith("M") and ch not in "\u200d\ufe0e\ufe0f"
            if run > _RUN and safe and previous != "\u200d":
                out.append(ZWSP)
                run = 1
        out.append(ch)
        previous = ch
    return "".join(out)


# Language of user text
#
# The report is lang="en"; a value is tagged only when we are confident it is another language.
# Most scripts name their language outright (Hangul is Korean, Ethiopic Amharic, Gurmukhi
# Punjabi). Where a script is shared (Latin, Cyrillic, Arabic, Devanagari), py3langid's bundled
# model decides among the languages a US county's language-access plan commonly serves, and only
# for text long enough to judge: "Yes", ids, numbers and names stay untagged. Traditional or
# Simplified Chinese is decided from the character sets of CC-CEDICT (hanzidentifier) over
# the whole text. Languages the model lacks (Tigrinya, Hmong, Samoan, Marshallese, Chuukese) are
# tagged through the review's `meta.lang`.

SERVED = {  # script -> the languages the model may choose among, in that script
    "Latn": ("en", "es", "vi", "so", "tl", "fr", "pt", "ht", "om", "sw", "de", "it", "pl"),
    "Cyrl": ("ru", "uk", "bg", "sr", "mk", "be"),
    "Arab": ("ar", "fa", "ur", "ps", "sdh"),
    "Deva": ("hi", "ne", "mr"),
}
_DEFAULT = {  # the script's language when the text is too short for the model
    "Cyrl": "ru",
    "Arab": "ar",
    "Deva": "hi",
    "Hebr": "he",
    "Ethi": "am",
    "Guru": "pa",
    "Gujr": "gu",
    "Beng": "bn",
    "Taml": "ta",
    "Telu": "te",
    "Thai": "th",
    "Laoo": "lo",
    "Khmr": "km",
    "Mymr": "my",
    "Geor": "ka",
    "Armn": "hy",
    "Grek": "el",
    "Hang": "ko",
    "Kana": "ja",
    "Syrc": "syr",
    "Thaa": "dv",
}
RTL = frozenset({"ar", "fa", "ur", "ps", "sdh", "ckb", "ug", "sd", "he", "yi", "syr", "dv"})

_RANGES = (  # (first code point, script); a range ends where the next begins
    (0x0000, ""),
    (0x0041, "Latn"), (0x005B, ""), (0x0061, "Latn"), (0x007B, ""),
    (0x00C0, "Latn"), (0x00D7, ""), (0x00D8, "Latn"), (0x00F7, ""), (0x00F8, "Latn"),
    (0x0250, ""), (0x0370, "Grek"), (0x0400, "Cyrl"), (0x0530, "Armn"), (0x0590, "Hebr"),
    (0x0600, "Arab"), (0x0700, "Syrc"), (0x0750, "Arab"), (0x0780, "Thaa"), (0x07C0, ""),
    (0x08A0, "Arab"), (0x0900, "Deva"), (0x0980, "Beng"), (0x0A00, "Guru"), (0x0A80, "Gujr"),
    (0x0B00, ""), (0x0B80, "Taml"), (0x0C00, "Telu"), (0x0C80, ""), (0x0E00, "Thai"),
    (0x0E80, "Laoo"), (0x0F00, ""), (0x1000, "Mymr"), (0x10A0, "Geor"), (0x1100, "Hang"),
    (0x1200, "Ethi"), (0x13A0, ""), (0x1780, "Khmr"), (0x1800, ""), (0x1E00, "Latn"),
    (0x1F00, "Grek"), (0x2000, ""), (0x2D80, "Ethi"), (0x2DE0, ""), (0x3040, "Kana"),
    (0x3100, ""), (0x3130, "Hang"), (0x3190, ""), (0x31F0, "Kana"), (0x3200, ""),
    (0x3400, "Hani"), (0x4DC0, ""), (0x4E00, "Hani"), (0xA000, ""), (0xA960, "Hang"),
    (0xA980, ""), (0xAC00, "Hang"), (0xD7B0, "Hang"), (0xD800, ""), (0xF900, "Hani"),
    (0xFB00, ""), (0xFB1D, "Hebr"), (0xFB50, "Arab"), (0xFE00, ""), (0xFE70, "Arab"),
    (0xFF00, ""), (0xFF21, "Latn"), (0xFF3B, ""), (0xFF41, "Latn"), (0xFF5B, ""),
    (0xFF66, "Kana"), (0xFFA0, "Hang"), (0xFFE0, ""), (0x20000, "Hani"), (0x32000, ""),
)  # fmt: skip
_STARTS = [first for first, _ in _RANGES]
_CJK = frozenset({"Hani", "Kana", "Hang"})
_MIN_LETTERS = 20  # shorter text in a shared script is too little for the model
_MIN_WORDS = 4
_CONFIDENT = 0.9  # the model's probability, among the served languages, needed to tag
_SAMPLE = 4000  # characters the model reads; a longer text is judged on its first part
# Words so frequent in English and so rare in the other served languages that a text made of
# many of them is English without asking the model (which then need not be loaded at all).
_ENGLISH_WORDS = """the and of to is are was were be been for with that this these those will
would from have has had which who their they we our its by not or"""
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_WORD = re.compile(r"\w+")


def script_of(ch: str) -> str:
    """The ISO 15924 code of a letter's script ("Latn", "Hani", …), or "" for anything else."""
    return _RANGES[bisect.bisect_right(_STARTS, ord(ch)) - 1][1]


def _letters_by_script(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        script = script_of(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


def lang_of(text: str) -> str | None:
    """The BCP 47 tag of the text's language when it is confidently not English, else None.
    Chinese whose characters are common to both writing systems (a date, "是") is taken to be
    in the report's own Chinese when the report is written in one, so it is set in that face."""
    found = _lang_of(text)
    if found == "zh":
        from esj_review.core.i18n import current_language

        report = current_language()
        return report if report in ("zh-Hant", "zh-Hans") else found
    return found


@functools.lru_cache(maxsize=4096)
def _lang_of(text: str) -> str | None:
    """`lang_of`, whatever language the report is written in."""
    # The scripts of what the report shows (a longer answer is cut there): bounded work.
    shown = text[:MAX_SHOWN]
    if shown.isascii():
        counts = {"Latn": sum(ch.isalpha() for ch in shown)}
    else:
        counts = _letters_by_script(shown)
    if not any(counts.values()):
        return None
    # One CJK character carries about a word; weigh it against the letters of other scripts.
    main = max(counts, key=lambda s: counts[s] * (3 if s in _CJK else 1))
    if main in _CJK:
        return _cjk_lang(text, counts)
    if main in SERVED:
        return _modelled(text, main, counts[main])
    return _DEFAULT.get(main)


def _cjk_lang(text: str, counts: dict[str, int]) -> str:
    if counts.get("Hang"):
        return "ko"
    if counts.get("Kana"):
        return "ja"
    return chinese_variant(text)


def chinese_variant(text: str) -> str:
    """zh-Hant or zh-Hans from the characters only one of the two systems uses, over all the
    text; plain zh when every character is common to both."""
    trad, simp, shared = _hanzi_sets()
    chars = Counter(text)
    only_trad = chars.keys() & trad - shared
    only_simp = chars.keys() & simp - shared
    if only_trad and not only_simp:
        return "zh-Hant"
    if only_simp and not only_trad:
        return "zh-Hans"
    if not only_trad:
        return "zh"
    # Mixed (a quoted name, a stray character): the system most of the text is written in.
    n_trad = sum(chars[ch] for ch in only_trad)
    n_simp = sum(chars[ch] for ch in only_simp)
    return "zh-Hant" if n_trad > n_simp else "zh-Hans" if n_simp > n_trad else "zh"


@functools.cache
def _hanzi_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from hanzidentifier import helpers  # type: ignore[import-untyped]

    return (
        frozenset(helpers.TRADITIONAL_CHARACTERS),
        frozenset(helpers.SIMPLIFIED_CHARACTERS),
        frozenset(helpers.SHARED_CHARACTERS),
    )


def _modelled(text: str, script: str, letters: int) -> str | None:
    """The language of text in a script several served languages share."""
    words = _WORD.findall(text[:_SAMPLE].lower())
    default = _DEFAULT.get(script)
    if letters < _MIN_LETTERS or len(words) < _MIN_WORDS:
        if script == "Cyrl" and any(ch in text for ch in "ієїґІЄЇҐ"):
            return "uk"
        return default
    if script == "Latn" and sum(w in _ENGLISH for w in words) >= 0.2 * len(words):
        return None
    lang, prob = _identifier(script).classify(text[:_SAMPLE])
    if lang == "en" or prob < _CONFIDENT:
        return default
    return str(lang)


@functools.cache
def _identifier(script: str) -> Any:
    """py3langid's model limited to the languages served in one script (loaded once, ~1.5 s)."""
    import copy

    identifier = copy.copy(_model())
    identifier.set_languages(SERVED[script])
    return identifier


@functools.cache
def _model() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def dir_of(lang: str | None) -> str:
    """The direction of text in a language: rtl for Arabic, Hebrew, Persian, Urdu and their
    kin, ltr otherwise (WeasyPrint ignores dir="auto", so every block says which)."""
    return "rtl" if lang and lang.split("-")[0].lower() in RTL else "ltr"


@dataclass(frozen=True)
class Run:
    """A stretch of a shown value that needs its own markup."""

    text: str
    lang: str | None = None  # CJK inside a value in another language, for its font
    keep: bool = False  # a Korean word: no line break inside it


_SPACES = re.compile(r"(\s+)")
_CJK_RUN = re.compile(
    "([\u3000-\u303f\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff01-\uff0f\uff1a-\uff20\U00020000-\U00031fff]+)"
)


def runs_of(text: str, lang: str | None) -> tuple[Run, ...]:
    """The value's text in runs: Korean words kept whole (WeasyPrint has no
    `word-break: keep-all`, and would break between any two syllables), and CJK inside a value
    in another language tagged, so that it gets its own Chinese, Japanese or Korean face."""
    if text.isascii():
        return (Run(text),)
    primary = (lang or "").split("-")[0]
    if primary == "ko":
        return _korean_words(text)
    if primary in ("zh", "ja") or not _CJK_RUN.search(text):
        return (Run(text),)
    counts = _letters_by_script(text)
    cjk = _cjk_lang(text, counts)
    runs: list[Run] = []
    for i, part in enumerate(_CJK_RUN.split(text)):
        if not part:
            continue
        if i % 2 and cjk == "ko":
            runs.extend(_korean_words(part, lang="ko"))
        else:
            runs.append(Run(part, cjk if i % 2 else None))
    return tuple(runs)


def _korean_words(text: str, lang: str | None = None) -> tuple[Run, ...]:
    runs: list[Run] = []
    for part in _SPACES.split(text):
        if not part:
            continue
        # A very long "word" keeps its break opportunities (see _breakable).
        keep = not part.isspace() and len(part) <= _RUN and ZWSP not in part
        if not keep and runs and not runs[-1].keep and runs[-1].lang == lang:
            runs[-1] = Run(runs[-1].text + part, lang)
        else:
            runs.append(Run(part, lang, keep))
    return tuple(runs)
