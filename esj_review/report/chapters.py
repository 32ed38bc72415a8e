"""Sections 2-5 of the report as plain data: the ledger in the reader's words, the chart,
the determinants and alignment lists, the sources as citations, and money.

Pure, like the context that holds them; user text comes back as plain strings, and the
context turns it into `Shown` values.
"""

from __future__ import annotations

import math
import re
from typing import Any

from esj_review.core import i18n
from esj_review.core.answers import Slot, plain_answer
from esj_review.core.conditions import MISSING, is_answered
from esj_review.core.i18n import _
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import Question, Rubric
from esj_review.core.scoring import Scorecard
from esj_review.report.fit import text_em
from esj_review.report.language import answer_words, english
from esj_review.report.rules import impact_rule_words, plain_impact_rule, plain_rule, rule_words
from esj_review.report.text import visible

LEDGER_LIMIT = 240  # characters of an answer the ledger shows; longer ones end at a word


def ledger_pointer() -> str:
    """What ends an answer the ledger cuts: where it is whole."""
    return " " + _("… (whole in section 4 and in the attached review)")


def answer_label(
    rubric: Rubric, entry: dict[str, Any], qid: str | None, enabled: frozenset[str]
) -> str:
    """One answer of a repeat item as the reader sees it ("" when not answered)."""
    if qid is None:
        return ""
    value = entry["answers"].get(qid, MISSING)
    q = entry["questions"].get(qid)
    if q is None or not is_answered(value):
        return ""
    return i18n.list_separator().join(visible(t) for t in answer_words(rubric, q, value, enabled))


def determinant_rows(
    rubric: Rubric, review: Review, impacts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every determinant in the rubric, with the impact where the proposal touches it."""
    spec = rubric.report.impacts
    by_id = {e["id"]: e for e in impacts}
    rows = []
    for item in rubric.determinants:
        if item.optional and item.id not in review.enabled:
            continue
        entry = by_id.get(item.id)
        row: dict[str, Any] = {
            "label": item.label,
            "touched": entry is not None,
            "optional": item.optional,
        }
        if entry is not None and spec is not None:
            enabled = review.enabled
            row["direction"] = answer_label(rubric, entry, spec.direction, enabled)
            sizes = [
                answer_label(rubric, entry, spec.benefit_size, enabled),
                answer_label(rubric, entry, spec.burden_size, enabled),
            ]
            parts = []
            if sizes[0]:
                parts.append(_("benefit %(size)s") % {"size": sizes[0].lower()})
            if sizes[1]:
                parts.append(_("burden %(size)s") % {"size": sizes[1].lower()})
            row["size"] = i18n.comma().join(parts)
            who = [
                answer_label(rubric, entry, spec.benefit_reach, enabled),
                answer_label(rubric, entry, spec.burden_bearers, enabled),
            ]
            row["who"] = i18n.list_separator().join(
                w
                for w in (
                    _("gains: %(who)s") % {"who": who[0]} if who[0] else "",
                    _("bears: %(who)s") % {"who": who[1]} if who[1] else "",
                )
                if w
            )
            row["populations"] = answer_label(rubric, entry, spec.populations, enabled)
        rows.append(row)
    return rows


def alignment_groups(
    rubric: Rubric, review: Review, shown: dict[str, Slot]
) -> list[dict[str, Any]]:
    """Each alignment list with what the proposal advances and what it does not, in words."""
    out = []
    for qid in rubric.report.alignment:
        q = rubric.question(qid)
        if q is None:
            continue
        chosen = shown[qid].value if qid in shown and isinstance(shown[qid].value, list) else []
        choices = [(c.label, c.id in chosen) for c in rubric.choices_for(q, review.enabled)]
        out.append(
            {
                "title": q.prompt,
                "choices": choices,
                "advanced": [label for label, yes in choices if yes],
                "not_advanced": [label for label, yes in choices if not yes],
            }
        )
    return out


def money(text: str) -> str:
    """A dollar amount as a council reads it: "$4,200,000", "-$1,300,000" (sign before $)."""
    text = text.strip()
    if text[:1] in ("-", "\u2212"):
        return "-$" + text[1:].lstrip()
    return "$" + text


def ledger_question(
    rubric: Rubric, path: str, enabled: frozenset[str]
) -> tuple[Question | None, str]:
    """The question behind a ledger line and its plain label ("Item: question")."""
    parts = path.split(".")
    q = rubric.question(parts[0])
    if q is None:
        return None, path  # an impact line: its label is already plain
    if isinstance(q, RepeatQuestion) and len(parts) == 3:
        item = rubric.item_label(q, parts[1], enabled)
        child = next((c for c in q.children() if c.id == parts[2]), None)
        if child is None:
            return None, item
        return child, f"{item}{i18n.colon()}{child.label or child.prompt}"
    return q, q.label or q.prompt


def ledger_answer(
    rubric: Rubric, q: Question | None, value: Any, enabled: frozenset[str]
) -> tuple[str, bool]:
    """A scored answer whole, with labels for choices; a very long one ends at a word (True:
    it was cut, and the report says where it is whole)."""
    if q is not None and is_answered(value):
        text = i18n.list_separator().join(answer_words(rubric, q, value, enabled))
    elif q is None and _side_label(rubric, value):  # an impact line: "benefit" or "burden"
        text = _side_label(rubric, value)
    else:
        text = plain_answer(value)
        text = text[:1].upper() + text[1:] if text else _("Not answered")
    if len(text) <= LEDGER_LIMIT:
        return text, False
    return text[:LEDGER_LIMIT].rsplit(None, 1)[0].rstrip(",;:"), True


def _side_label(rubric: Rubric, side: Any) -> str:
    """An impact line's side ("benefit", "burden") as the rubric's direction question labels
    that choice, in the rubric's language; "" when the rubric has no such choice."""
    impacts = rubric.report.impacts
    repeat = rubric.question(impacts.repeat) if impacts else None
    direction = next(
        (c for c in (repeat.children() if repeat else []) if impacts and c.id == impacts.direction),
        None,
    )
    return (
        next((c.label for c in rubric.choices_for(direction) if c.id == side), "")
        if direction is not None
        else ""
    )


def ledger_rows(rubric: Rubric, review: Review, card: Scorecard) -> list[dict[str, Any]]:
    """Every scored answer in plain labels, grouped by component, in the rubric's order; the
    answer as text (`answer_text`, `cut`)."""
    labels = {"impact": _("Impact (benefits and burdens)")}
    labels.update({c.id: c.label for c in card.components})
    order = list(labels)
    enabled = review.enabled
    rows = []
    for entry in sorted(card.ledger, key=lambda e: order.index(e.component)):
        q, question = ledger_question(rubric, entry.question, enabled)
        text, cut = ledger_answer(rubric, q, entry.answer, enabled)
        rows.append(
            {
                "component": labels[entry.component],
                "question": question[:1].upper() + question[1:],
                "answer_text": text,
                "cut": cut,
                "points": (
                    i18n.signed(entry.points)
                    if entry.component == "impact"
                    else _("%(points)s of %(most)s")
                    % {"points": i18n.number(entry.points), "most": i18n.number(entry.max)}
                ),
                "contribution": i18n.fixed(entry.contribution, 2),
                "rule": plain_rule(q, entry.rule)
                if english()
                else rule_words(rubric, q, entry.rule),
            }
        )
    return rows


def impact_lines(card: Scorecard, rubric: Rubric | None = None) -> list[dict[str, Any]]:
    """Each benefit and burden with how it counts, in words (in another language, with the
    rubric's words for its ids), and its signed value."""
    return [
        {
            "label": e.question[:1].upper() + e.question[1:],
            "rule": plain_impact_rule(e.rule)
            if english() or rubric is None
            else impact_rule_words(rubric, e.rule),
            "value": e.points,
        }
        for e in card.ledger
        if e.component == "impact"
    ]


CHART_WIDTH = 504.0  # points: the text width of a US Letter page with 0.75in margins
CHART_LABEL = 196.0  # where the bars start
CHART_BARS = 200.0  # the longest bar (the heaviest component); its value label follows it
CHART_ROW = 24.0


CHART_SMALLEST = 7.0  # points: a label still too long at this size is cut (the table has it)


def label_size(label: str) -> float:
    """The font size (points, from 10 down to CHART_SMALLEST) at which a bar's label fits
    before the bars start: a longer label (a translation) is set smaller, not cut off."""
    room = CHART_LABEL - 8
    width = text_em(label) * 10
    return 10.0 if width <= room else max(CHART_SMALLEST, math.floor(100 * room / width) / 10)


def label_cut(label: str) -> str:
    """A label cut at a word to fit at the smallest size, with "…"."""
    room = CHART_LABEL - 8
    words = label.split()
    while len(words) > 1 and text_em(" ".join(words) + " …") * CHART_SMALLEST * 1.05 > room:
        words.pop()
    return " ".join(words) + " …"


def chart(card: Scorecard) -> dict[str, Any]:
    """Bars whose full length is the component's weight and whose filled part is its points."""
    heaviest = max((c.weight for c in card.components), default=0) or 1
    bars = []
    for n, c in enumerate(card.components):
        full = CHART_BARS * c.weight / heaviest
        done = full * (c.percent or 0) / 100 if c.applicable else 0.0
        size = label_size(c.label)
        bars.append(
            {
                "label": c.label if size > CHART_SMALLEST else label_cut(c.label),
                "size": size,
                "y": CHART_ROW * n + 4,
                "full": round(full, 1),
                "done": round(done, 1),
                "value": (
                    _("%(percent)s · weight %(weight)s")
                    % {"percent": i18n.percent(c.percent or 0), "weight": i18n.number(c.weight)}
                    if c.applicable
                    else _("not applicable")
                ),
                "applicable": c.applicable,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_ROW * len(bars) + 8,
        "x": CHART_LABEL,
        "bars": bars,
    }


def citations(rubric: Rubric) -> list[dict[str, str]]:
    """Citations: "Title. Publisher, year." and an http(s) address to link (others not linked)."""
    out = []
    for source in rubric.sources:
        by = ", ".join(str(x) for x in (source.publisher, source.year) if x)
        url = source.url or ""
        out.append(
            {
                "id": source.id,
                "title": source.title,
                "by": by,
                "url": url if re.match(r"^https?://[^\s\"'<>]+$", url) else "",
                "note": source.note,
            }
        )
    return out
