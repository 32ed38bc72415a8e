"""How much fits on page 1: text measured in em, lines and points, and lists sharing room.

Estimates, not layout: the width of each character in em (measured on Noto Sans at 10 pt,
leaning wide), the lines a text takes in a box, its height at the sizes `statement.css` sets,
and the page's height inside the margins `page.css` sets. The statement (report/statement.py)
uses them to decide how much of each list to show; a test renders large reviews to check that
the estimates keep the statement on page 1.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from esj_review.report.text import script_of

# --- the page, in points; these mirror page.css (margins) and statement.css (type) ----------

PAGE_HEIGHT = (11 - 0.85 - 0.8) * 72  # US Letter inside the top and bottom margins
WIDTH = (8.5 - 0.75 - 0.75) * 72  # inside the side margins
RESERVE = 0.0  # what the estimate keeps free for what it cannot see (rounding, line boxes)
BODY = 10.0  # the statement's type size: the floor
LINE = 13.0  # BODY times line-height 1.3
TITLE_SIZE, TITLE_LINE = 14.0, 17.0
LONG_TITLE_LINE = 14.5  # a title of more than three lines: 12 pt
H2 = 23.0  # a heading: 11 pt on 1.25 lines, its margins and rule
LIST_ITEM = 2.0  # the gap under each list item
ROW_PADDING = 3.5  # a table row's padding and rule

BOLD = 1.08  # bold text is this much wider
WRAP = 1.05  # what word wrap loses at the ends of lines


def _em(ch: str) -> float:
    """The width of one character in em, leaning wide (measured on Noto Sans at 10 pt)."""
    if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0e\ufe0f":
        return 0.0
    if unicodedata.east_asian_width(ch) in {"W", "F"}:
        return 1.0
    code = ord(ch)
    if 0x1200 <= code <= 0x139F:  # Ethiopic
        return 0.85
    if 0x0590 <= code <= 0x08FF or 0x0900 <= code <= 0x0DFF:  # Hebrew, Arabic, Indic
        return 0.62
    if ch == " ":
        return 0.26
    if ch in ".,;:'’“”()-–·!|/":
        return 0.3
    if ch.isupper() or ch in "mwMW@%—":
        return 0.75 if ch in "mwMW@%—" else 0.66
    if ch.isdigit():
        return 0.57
    return 0.55 if ch.isascii() else 0.6


def text_em(text: str) -> float:
    """The width of a text on one line, in em."""
    return sum(_em(ch) for ch in text)


_SHORT_SCRIPTS = {"", "Latn", "Cyrl", "Hebr", "Grek"}
"""Scripts set in fonts with Latin's line height; the others (Arabic, CJK, Ethiopic,
Gurmukhi) make taller line boxes at the same line-height."""


def tall(text: str) -> bool:
    """Whether the text's main script makes taller line boxes than Latin (by script, not by
    language: Spanish or Somali are as tall as English)."""
    counts: dict[str, int] = {}
    for ch in text[:2000]:
        if ch.isalpha():
            script = script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    return bool(counts) and max(counts, key=lambda k: counts[k]) not in _SHORT_SCRIPTS


def lines(text: str, width: float = WIDTH, size: float = BODY, bold: bool = False) -> int:
    """How many lines a text takes in a box `width` points wide (word wrap included)."""
    capacity = width / size
    total = 0
    for paragraph in text.split("\n") or [""]:
        em = text_em(paragraph) * (BOLD if bold else 1.0)
        total += max(1, math.ceil(em * WRAP / capacity))
    return total


def height(text: str, width: float = WIDTH, line: float = LINE, bold: bool = False) -> float:
    """The height of a text block, taller for scripts with tall fonts."""
    size = line / 1.3
    h = lines(text, width, size, bold) * line
    return h * 1.25 if tall(text) else h


POINTER = " …"  # what ends a cut text
RESULTS_LEAD = "Desired results: "  # as the template prints it before the answer


def cut(text: str, max_lines: int, width: float = WIDTH, lead: str = "") -> tuple[str, bool]:
    """The start of a text that fits in `max_lines` lines after `lead` (a label on the same
    line), ended with "…" and room for the pointer to the whole answer; True when cut."""
    flat = re.sub(r"\s+", " ", text).strip()
    if tall(flat):
        max_lines = max(1, int(max_lines / 1.25))
    room = max_lines * (width / BODY) / WRAP - text_em(lead) * BOLD
    if text_em(flat) <= room:
        return flat, False
    budget = room - text_em(POINTER)
    used = 0.0
    for i, ch in enumerate(flat):
        used += _em(ch)
        if used > budget:
            head = flat[:i]
            space = head.rfind(" ")
            if space > len(head) - 24 and space > 0:
                head = head[:space]
            return head.rstrip(" ,;:.") + " …", True
    return flat, False  # pragma: no cover (the whole text fits, see above)


# --- lists that share what is left of the page --------------------------------------------


@dataclass
class Pool:
    """Candidate items of one list, best first, with their heights."""

    name: str
    heights: list[float]
    more: float  # the "and K more" line
    minimum: int = 1
    floor: int = 1  # never fewer, even when the minimums do not fit
    taken: int = 0

    def cost(self, taken: int | None = None) -> float:
        n = self.taken if taken is None else taken
        left = n < len(self.heights)
        return sum(self.heights[:n]) + (self.more if left else 0.0)


def share(room: float, pools: list[Pool]) -> dict[str, int]:
    """How many items of each pool fit in `room` points. Minimums first (when even they do
    not fit, the last pools give theirs up first: down to one item each, then down to their
    floors), then one more of each pool in turn, in the pools' order, while anything fits."""
    for pool in pools:
        pool.taken = min(pool.minimum, len(pool.heights))
    for first in (True, False):  # down to one item each, then down to the floors
        for pool in reversed(pools):
            floor = min(max(pool.floor, 1) if first else pool.floor, len(pool.heights))
            while sum(p.cost() for p in pools) > room and pool.taken > floor:
                pool.taken -= 1
    grew = True
    while grew:
        grew = False
        for pool in pools:
            if pool.taken >= len(pool.heights):
                continue
            total = sum(p.cost() for p in pools)
            if total - pool.cost() + pool.cost(pool.taken + 1) <= room:
                pool.taken += 1
                grew = True
    return {p.name: p.taken for p in pools}
