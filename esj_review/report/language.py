"""The report's own sentences in the language being written (core.i18n), and answers shown
with that language's words and formats: "Sí"/"No", "1,200", "30 de junio de 2027", money.

In English everything here is what the report always wrote, word for word; the answers as
the analyst typed them are never translated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from esj_review.core import i18n
from esj_review.core.answers import answer_parts
from esj_review.core.i18n import _, ngettext
from esj_review.core.rubric import Question, Rubric
from esj_review.core.scoring import Scorecard


def english() -> bool:
    """True while the report is written in English (the formats of the original)."""
    return i18n.current_language() == i18n.DEFAULT


def answer_words(rubric: Rubric, q: Question, value: Any, enabled: frozenset[str]) -> list[str]:
    """An answer as a reader of the current language sees it: choice labels (the rubric's,
    translated with it), yes and no, numbers and dates in the language's format."""
    parts = answer_parts(rubric, q, value, enabled)
    if english() or not parts:
        return parts
    if q.type == "bool" and isinstance(value, bool):
        return [_("Yes") if value else _("No")]
    if q.type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return [i18n.number(value) if not getattr(q, "integer", False) else str(int(value))]
    if q.type == "date":
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            return parts  # "FY2027" and the like stay as written
        return [i18n.long_date(day)]
    return parts


def money_text(shown: str, value: Any) -> str:
    """The rubric's dollar amount: "$4,200,000" ("-$1,300,000"), from the answer as shown
    (English) or its value (another language, in that language's format)."""
    if not english() and isinstance(value, int | float) and not isinstance(value, bool):
        return i18n.money(value)
    text = shown.strip()
    if text[:1] in ("-", "\u2212"):
        return "-$" + text[1:].lstrip()
    return "$" + text


def translation_note(lang: str | None = None) -> str:
    """What the method page says of the translation: not reviewed (and so not official)
    until a person marks the catalogue reviewed; "" for English."""
    lang = lang or i18n.current_language()
    if lang == i18n.DEFAULT:
        return ""
    if not i18n.is_reviewed(lang):
        return _(
            "Translation not yet reviewed by a qualified translator. It is not an official "
            "translation: the English report is the original."
        )
    return _("Translation reviewed: %(status)s.") % {"status": i18n.catalogue_status(lang)}


def translation_line(lang: str | None = None) -> str:
    """The running footer's word on an unreviewed translation, on every page ("" for English
    or a reviewed one); the method page says it at length."""
    lang = lang or i18n.current_language()
    if lang == i18n.DEFAULT or i18n.is_reviewed(lang):
        return ""
    return _("Unreviewed translation, not official")


def reason_sentence(rubric: Rubric, card: Scorecard) -> str:
    """One sentence that says why the review got its band."""
    if card.score is None:
        n = len(card.gaps)
        return ngettext(
            "No score yet: %(num)d required answer is missing.",
            "No score yet: %(num)d required answers are missing.",
            n,
        ) % {"num": n}
    score = i18n.number(card.score)
    if card.impact is not None:
        text = _impact_reason(card, score)
    else:
        applicable = [c for c in card.components if c.applicable and c.percent is not None]
        best = max(applicable, key=lambda c: c.percent or 0)
        worst = min(applicable, key=lambda c: c.percent or 0)
        text = _(
            "Scores %(score)s of 100, strongest on %(best)s (%(best_percent)s) and weakest "
            "on %(worst)s (%(worst_percent)s)"
        ) % {
            "score": score,
            "best": best.label.lower(),
            "best_percent": i18n.percent(best.percent or 0),
            "worst": worst.label.lower(),
            "worst_percent": i18n.percent(worst.percent or 0),
        }
    assert card.band is not None and card.uncapped_band is not None
    if card.band.id != card.uncapped_band.id:
        capping = [f for f in card.flags if f.cap == card.band.id] or [
            f for f in card.flags if f.cap
        ]
        if capping:
            why = capping[0].message.rstrip(".。")
        elif card.confidence is not None:
            why = _("confidence in the review is %(level)s") % {
                "level": card.confidence.label.lower()
            }
        else:
            why = _("a flag")
        values = {"reason": text, "band": card.uncapped_band.label, "why": why}
        if card.impact is not None:
            text = _("%(reason)s; the impact alone would rate it “%(band)s”, but %(why)s") % values
        else:
            text = _("%(reason)s; the points alone would rate it “%(band)s”, but %(why)s") % values
    return text + i18n.full_stop()


def _impact_reason(card: Scorecard, score: str) -> str:
    """What the impact sums say, in words."""
    assert card.impact is not None and card.score is not None
    gain, bear = card.impact.benefit, card.impact.burden
    values = {"score": score, "gain": i18n.number(gain), "bear": i18n.number(bear)}
    if gain == 0 and bear == 0:
        text = _("Scores %(score)s: no benefit or burden for priority populations identified")
    elif gain >= bear:
        text = _(
            "Scores %(score)s: benefits reaching priority populations (%(gain)s) outweigh "
            "the burdens left on them after mitigation (%(bear)s)"
        )
    else:
        text = _(
            "Scores %(score)s: burdens left on priority populations after mitigation "
            "(%(bear)s) outweigh the benefits reaching them (%(gain)s)"
        )
    text = text % values
    if card.confidence is not None:
        text = _("%(reason)s, with %(level)s confidence") % {
            "reason": text,
            "level": card.confidence.label.lower(),
        }
    return text
