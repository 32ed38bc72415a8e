"""File names made from proposal ids: safe on every system, readable in the id's own letters.

An id comes from a review file or a sheet cell, so it can be anything: `../../etc/x`, `CON`,
`計画-1`, a composed or a decomposed `Å`, 300 characters. pathvalidate makes it a valid file name
on Windows, macOS and Linux alike (reserved device names get a `_`); we add NFC normalisation
(so the two spellings of `Å` are one name), no leading dot or dash (no hidden files, nothing that
reads as a command-line option) and a length limit.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from pathvalidate import sanitize_filename

MAX_STEM = 80
"""Characters of the id kept in a file name (before a suffix such as `-2` or `.pdf`)."""


_PLAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_]|[.-](?=[A-Za-z0-9_]))*-?")
"""An id that is already a safe name on every system: ASCII letters, digits and single
separators, not ending in a dot (most ids: "EX-TRANSIT-2027-01")."""
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|clock\$|com[0-9]|lpt[0-9])(\..*)?")


@functools.lru_cache(maxsize=1024)  # a sheet's own name is the stem of each of its rows
def file_stem(text: str, fallback: str = "review") -> str:
    """A file name (without suffix) from an id; `fallback` when nothing usable is left."""
    if len(text) <= MAX_STEM and _PLAIN.fullmatch(text) and not _RESERVED.fullmatch(text):
        return text  # what the whole treatment below would give, without its cost
    cleaned = "".join(
        "-" if ch.isspace() or unicodedata.category(ch).startswith("C") else ch
        for ch in unicodedata.normalize("NFC", text)[: MAX_STEM * 2]
    )
    cleaned = sanitize_filename(cleaned, replacement_text="-", platform="universal")
    cleaned = cleaned.lstrip(".-_ ")[:MAX_STEM].rstrip(". ")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    if not cleaned:
        return fallback
    return sanitize_filename(cleaned, replacement_text="-", platform="universal") or fallback


def same_name_key(stem: str) -> str:
    """Two names that one file system may treat as one (case-insensitive ones: macOS,
    Windows) share this key."""
    return unicodedata.normalize("NFC", stem).casefold()


def tag(text: str) -> str:
    """A short stable tag for a text (the suffix that tells two different ids apart when
    their file names coincide): the same id always gets the same tag."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()[:6]
