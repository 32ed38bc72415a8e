"""User text made safe to show: visible control characters, neutralised bidi overrides,
bounded length, and a guess at the script's language for fonts and screen readers."""

from __future__ import annotations

import unicodedata

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


_SCRIPTS = (  # (first, last, BCP 47 tag) for the scripts of the languages the county serves
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0A00, 0x0A7F, "pa"),
    (0x1200, 0x139F, "am"),
    (0xAC00, 0xD7AF, "ko"),
    (0x1100, 0x11FF, "ko"),
    (0x3040, 0x30FF, "ja"),
    (0x4E00, 0x9FFF, "zh"),
    (0x0400, 0x04FF, "ru"),
)
# Characters that differ between simplified and traditional Chinese (a small, common sample).
_TRADITIONAL = set("們個來這說時會對國學發經與過後當還點為種體關門長開問間見記讓議區")
_SIMPLIFIED = set("们个来这说时会对国学发经与过后当还点为种体关门长开问间见记让议区")


def lang_of(text: str) -> str | None:
    """The language tag of the text's main non-Latin script, or None for Latin text."""
    counts: dict[str, int] = {}
    for ch in text[:2000]:
        code = ord(ch)
        for first, last, tag in _SCRIPTS:
            if first <= code <= last:
                counts[tag] = counts.get(tag, 0) + 1
                break
    if not counts:
        return None
    tag = max(counts, key=lambda k: counts[k])
    if tag == "ru" and any(ch in text for ch in "ієїґІЄЇҐ"):
        return "uk"
    if tag == "zh":
        if "ko" in counts:
            return "ko"
        if "ja" in counts:
            return "ja"
        trad = sum(ch in _TRADITIONAL for ch in text)
        simp = sum(ch in _SIMPLIFIED for ch in text)
        return "zh-Hant" if trad > simp else "zh-Hans"
    return tag
