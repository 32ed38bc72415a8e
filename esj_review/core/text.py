"""Text from inputs made safe to show to someone else: on a terminal, in HTML, in a PDF or in a
spreadsheet cell.

A title or an answer can hold anything: terminal escapes that move the cursor or ring the bell,
bidi overrides that show "fdp.exe" as "exe.pdf", private-use or unassigned code points, a
leading `=` that a spreadsheet runs as a formula. Every place that shows input text goes
through one of these functions.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # marks
)
_HIDDEN = {"Cc", "Cs", "Co", "Cn"}  # controls, surrogates, private use, unassigned


def _shown(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


def is_hidden(ch: str) -> bool:
    """A character that would act instead of being seen: a control, a bidi control, a
    surrogate, a private-use or an unassigned code point."""
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in _HIDDEN


def neutral(text: str) -> str:
    """Text with every hidden character shown as `[U+XXXX]`; line breaks and tabs kept,
    carriage returns dropped."""
    if text.isprintable():  # no control, surrogate, private-use, unassigned or bidi character
        return text
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif ch == "\r":
            continue
        elif is_hidden(ch):
            out.append(_shown(ch))
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: object, limit: int = 200) -> str:
    """Text for one line of a terminal, a table cell or a message: hidden characters shown as
    `[U+XXXX]`, line breaks and tabs as spaces, at most `limit` characters (then "…")."""
    raw = str(text)
    if len(raw) <= limit and raw.isprintable():  # nothing hidden, no line break: as it is
        return raw
    out = []
    for ch in raw[: limit * 2]:
        if ch in "\n\t\r\v\f\x85\u2028\u2029":
            out.append(" ")
        elif is_hidden(ch):
            out.append(_shown(ch))
        else:
            out.append(ch)
    line = "".join(out)
    return line if len(line) <= limit and len(raw) <= limit * 2 else line[: limit - 1] + "…"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> str:
    """A value for a CSV cell that a spreadsheet will show and never run.

    Following OWASP's CSV-injection guidance, a cell that starts with `=`, `+`, `-`, `@`, a tab
    or a line break (or their full-width forms) gets a leading apostrophe, after any leading
    spaces and hidden characters too (a spreadsheet trims those before it looks). Numbers are
    written as numbers: `-7150000` stays a number. Hidden characters are shown as `[U+XXXX]`.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = neutral(str(value)).replace("\t", " ")
    head = text.lstrip(" \u00a0\u3000")
    if head.startswith(_FORMULA_START) or head.startswith("[U+"):
        return "'" + text
    return text
