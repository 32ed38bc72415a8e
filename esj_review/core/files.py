"""Reading and writing files safely: size limits, safe YAML, atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from esj_review.core.errors import InputFileError

# A review with a 1 MB narrative is legitimate; a 50 MB file is not.
MAX_FILE_BYTES = 8 * 1024 * 1024


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML that we refuse to load (aliases, duplicate keys)."""


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no "billion laughs") and duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(None, None, "YAML aliases (*name) are not allowed", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise yaml.MarkedYAMLError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in seen:
                raise _Refused(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    # Keep 2027-02-31 as text for the validator to report, instead of crashing on it.
    return str(loader.construct_scalar(node))


_StrictSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def read_text(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, refusing anything larger than `limit` bytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputFileError(
                path, f"file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB"
            )
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise InputFileError(path, f"file is larger than the {limit / 1e6:.0f} MB limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not UTF-8 text (byte {exc.start})") from None


def parse_data(text: str, source: Path | str) -> Any:
    """Parse YAML (or JSON, which is YAML's subset but parsed as JSON by suffix)."""
    try:
        if str(source).lower().endswith(".json"):
            return json.loads(text)
        return yaml.load(text, Loader=_StrictSafeLoader)
    except json.JSONDecodeError as exc:
        raise InputFileError(source, f"malformed JSON at line {exc.lineno}: {exc.msg}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        if isinstance(exc, _Refused):
            line = f" (line {mark.line + 1})" if mark else ""
            raise InputFileError(source, f"{what}{line}") from None
        raise InputFileError(source, f"malformed YAML{where}: {what}") from None
    except yaml.YAMLError as exc:
        raise InputFileError(source, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise InputFileError(source, "nested too deeply to be a review or rubric") from None
    except (ValueError, TypeError) as exc:
        raise InputFileError(source, f"cannot read a value: {exc}") from None


def load_data(path: Path) -> Any:
    """Read and parse a YAML or JSON file with all the safety limits."""
    return parse_data(read_text(path), path)


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write `content` to `path` so that the file is never seen half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_filename(text: str, fallback: str = "review") -> str:
    """A file name from a proposal id: letters, digits, `.`, `_`, `-`; no path, no dot-file."""
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-" for ch in text)
    cleaned = cleaned.strip(".-")[:80].strip(".-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned or fallback
