"""Text that stands in for an answer without giving one: flagged, worth nothing, and never
counted as "answered" by a condition (so "TBD" cannot stand for a described community role)."""

from __future__ import annotations

# Answers that stand in for one: they say nothing, in any length. Compared after lower-casing
# and dropping punctuation and spaces at the ends, so "TBD.", "n/a" and " To be determined! "
# all match. Kept short and literal: a real answer that merely contains "TBD" is not one.
PLACEHOLDERS = frozenset(
    {
        "tbd", "tba", "tbc", "n/a", "na", "n.a", "none yet", "to be determined",
        "to be determined later", "to be decided", "to be confirmed", "unknown", "pending",
        "todo", "to do", "xxx", "x", "-", "--", "?", "...", "later", "see above", "same",
        "same as above", "lorem ipsum", "placeholder", "not yet", "not known", "na.",
        "por determinar", "pendiente", "待定", "未定", "미정", "chưa xác định",
    }
)  # fmt: skip


def is_placeholder(value: object) -> bool:
    """True for text that only stands in for an answer ("TBD", "n/a", "to be determined",
    "...", "???")."""
    if not isinstance(value, str) or len(value) > _LONGEST + 8 or not value.strip():
        return False  # longer than any placeholder with some punctuation and spaces
    raw = value.strip().casefold()
    core = raw.strip(".!:;,()[]").strip()
    return raw in PLACEHOLDERS or core in PLACEHOLDERS or set(core) <= set("-_.?x* ")


_LONGEST = max(len(p) for p in PLACEHOLDERS)
