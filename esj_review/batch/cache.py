"""The re-run cache: a proposal whose input, rubric, outputs and tool version are unchanged is
not done again.

After a proposal's outputs are written, a small state file in `OUT/.esj-batch/` holds its key
(a hash of all that could change them) and its summary record. A re-run, or a batch continued
after Ctrl-C, reuses the record when the key matches and every output is still there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from esj_review._version import __version__
from esj_review.core.errors import EsjError
from esj_review.core.files import atomic_write

RECORD = 2
"""The summary record's shape: a record saved before it held `commitments` is not reused."""
STATE_DIR = ".esj-batch"
"""The cache's folder inside --out (never searched for inputs)."""


def cache_key(
    digest: str,
    rubric_hash: str,
    formats: tuple[str, ...],
    variant: str,
    name: str,
    langs: tuple[str, ...] = ("en",),
) -> str:
    """Everything a proposal's outputs depend on: its input's content hash, the rubric's,
    the output formats, the PDF variant, the output name, the report languages (English
    alone, as before languages, adds nothing) and the tool version."""
    text = f"{digest}|{rubric_hash}|{__version__}|{RECORD}|{formats}|{variant}|{name}"
    if langs != ("en",):
        text += f"|{','.join(langs)}"
    return hashlib.sha256(text.encode()).hexdigest()


class RunCache:
    """The state files of one output folder."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def _state(self, name: str) -> Path:
        return self.out / STATE_DIR / f"{name}.json"

    def lookup(self, name: str, key: str) -> dict[str, Any] | None:
        """The saved record when the key matches and every output still exists."""
        state = self._state(name)
        try:
            saved = json.loads(state.read_text(encoding="utf-8"))
            record: dict[str, Any] = saved["record"]
            outputs = [self.out / f for f in record["outputs"]]
            if saved["key"] == key and all(p.is_file() for p in outputs):
                return record
        except FileNotFoundError:
            return None
        except Exception:  # advisory: a truncated or foreign entry is dropped and redone
            state.unlink(missing_ok=True)
        return None

    def save(self, name: str, key: str, record: dict[str, Any]) -> None:
        """Remember a finished proposal (after its outputs are written). A cache that cannot
        be written only means the next run redoes the proposal."""
        payload = json.dumps({"key": key, "record": record}, ensure_ascii=False)
        with contextlib.suppress(OSError, EsjError):
            atomic_write(self._state(name), payload)
