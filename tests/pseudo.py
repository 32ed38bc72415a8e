"""A made-up language, `qps`, whose catalogues wrap every message in ⟦…⟧: a text shown
without going through a catalogue is the one left unwrapped."""

from __future__ import annotations

import subprocess
import sys
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


ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "babel.cfg": ("N_",),
    "babel-interface.cfg": ("N_", "ngettext:1,2", "ui", "ui_ngettext:1,2"),
}
"""The keywords `make messages` adds to Babel's defaults for each catalogue's mapping."""


def extract(target: Path, config: str, *sources: str) -> Path:
    """What `make messages` extracts for the catalogue of the mapping `config` (`babel.cfg`
    for the report's, `babel-interface.cfg` for the interface's), or from `sources` alone
    with that catalogue's keywords, into `target`."""
    keywords = [arg for word in KEYWORDS[config] for arg in ("-k", word)]
    mapping = [] if sources else ["-F", config]
    output = ["--no-location", "-o", str(target), *(sources or ["."])]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", *mapping, *keywords, *output],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return target
