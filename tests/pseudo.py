"""A made-up language, `qps`, whose catalogues wrap every message in ⟦…⟧: a text shown
without going through a catalogue is the one left unwrapped."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"


def wrap(message: str) -> str:
    return f"{OPEN}{message}{CLOSE}"


def write_pseudo(template: Path, target: Path) -> None:
    """A catalogue whose every message is its English wrapped in ⟦…⟧ (placeholders kept,
    plural forms likewise), written from the template `template` to `target`."""
    with template.open("rb") as f:
        catalogue = read_po(f)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            message.string = tuple(wrap(m) for m in message.id)
        else:
            message.string = wrap(message.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as f:
        write_po(f, catalogue)
