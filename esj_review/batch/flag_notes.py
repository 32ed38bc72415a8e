"""A flag as the portfolio shows it: its message without the item it was raised for, cut to
its first clause, and (in a portfolio in another language) in that language.

A batch's records carry each flag's message as the English rubric wrote it (summary.json is
data, in the rubric's English); the portfolio finds the same flag in the translated rubric
by its place and shows that rule's message instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from esj_review.core import i18n
from esj_review.core.rubric import Rubric

SHORT_FLAG = 80
"""Characters of a flag's short text in the ranked table."""
FLAG_ITEMS = 3
"""Items named after a per-item flag's short text in the ranked table."""
_ITEM_FIRST = re.compile(r"^\{item\}\s*[:：]\s*")


def general(message: str) -> str:
    """A per-item flag message without its item: "Housing: the burden…" -> "The burden…"."""
    text = message.split(": ", 1)[-1]
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class FlagWords:
    """What the portfolio needs to show recorded flags in its language."""

    messages: dict[str, str] = field(default_factory=dict)
    """A flag's message without its item, English -> the language (the table of flags)."""
    rules: dict[str, str] = field(default_factory=dict)
    """The same by the flag's rule id (a proposal's notes: a record names its rule)."""
    items: dict[str, str] = field(default_factory=dict)
    """An item's label by its id: the determinants, in the language."""


def flag_words(english: Rubric, shown: Rubric) -> FlagWords:
    """The flags' messages and items in the language of `shown` (the translated `english`),
    for the flags whose item (if any) leads the message ("{item}: …"); an item inside the
    sentence cannot be taken out, so such a message stays as recorded."""
    words = FlagWords(items={d.id: d.label for d in shown.determinants})
    for rule, same in zip(english.scoring.flags, shown.scoring.flags, strict=True):
        plain, translated = (_ITEM_FIRST.sub("", r.message) for r in (rule, same))
        if "{item}" not in plain and "{item}" not in translated:
            words.messages[general(plain)] = words.rules[rule.id] = general(translated)
    return words


def flag_notes(
    flags: Iterable[dict[str, Any]], words: FlagWords | None = None
) -> list[dict[str, str]]:
    """A proposal's flags as the ranked table shows them: one entry per flag (a per-item flag
    once, naming its items), its severity and the first clause of its message; `words` put
    the messages and the items in the portfolio's language, found by the flag's rule and
    the item's id (never by splitting the recorded English, whose label may hold ": ")."""
    words = words or FlagWords()
    notes: dict[str, dict[str, Any]] = {}
    for f in flags:
        message = words.rules.get(f["id"]) or general(f["message"])
        note = notes.setdefault(
            f["id"], {"severity": f["severity"], "text": _short(message), "items": []}
        )
        if f.get("item"):
            label = f["message"].split(": ", 1)[0] if ": " in f["message"] else str(f["item"])
            note["items"].append(words.items.get(str(f["item"]), label))
    return [
        {"severity": n["severity"], "text": n["text"] + _items(n["items"])} for n in notes.values()
    ]


def _items(labels: list[str]) -> str:
    """Where a per-item flag was raised: " (Housing, Transit)", " (Housing, Transit, Parks and
    2 more)"; nothing for a flag of the whole proposal."""
    if not labels:
        return ""
    shown = i18n.comma().join(labels[:FLAG_ITEMS])
    more = len(labels) - FLAG_ITEMS
    if more > 0:
        shown += " " + i18n._("and %(count)s more") % {"count": more}
    return i18n.noted("", shown)


def _short(text: str) -> str:
    """The first clause of a sentence, at most SHORT_FLAG characters: "Outreach was in English
    only, so residents…" -> "Outreach was in English only"."""
    marks = ("; ", ", ", " (", "；", "，", "（")
    cut = min((i for i in (text.find(m) for m in marks) if i > 0), default=len(text))
    clause = text[:cut].rstrip(".。")
    if len(clause) > SHORT_FLAG:
        clause = clause[:SHORT_FLAG].rsplit(" ", 1)[0] + " …"
    return clause
