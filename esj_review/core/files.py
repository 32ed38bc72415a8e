"""Reading and writing files safely: size limits, safe YAML, atomic writes."""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from esj_review.core.errors import InputFileError, OutputError
from esj_review.core.text import one_line

if sys.platform != "win32":
    import fcntl

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


@contextlib.contextmanager
def reading(path: Path, noun: str = "a file") -> Iterator[None]:
    """Whatever the system says while an input is read, as one line naming the file: "file
    not found", "is a folder, not {noun}", "cannot read: Permission denied"."""
    try:
        yield
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(path, f"is a folder, not {noun}") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror or exc}") from None


def read_text(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, refusing anything larger than `limit` bytes."""
    with reading(path):
        size = path.stat().st_size
        if size > limit:
            raise InputFileError(
                path, f"file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB"
            )
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputFileError(path, f"file is larger than the {limit / 1e6:.0f} MB limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not UTF-8 text (byte {exc.start})") from None


class _RefusedJson(ValueError):
    """Well-formed JSON that we refuse to load (duplicate keys, NaN or infinite numbers)."""


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RefusedJson(f"duplicate key {key!r}")
        found[key] = value
    return found


def _json_constant(name: str) -> Any:
    raise _RefusedJson(f"{name} is not a number JSON allows; numbers must be finite")


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _RefusedJson(f"{text} is too large a number; numbers must be finite")
    return value


def parse_data(text: str, source: Path | str) -> Any:
    """Parse YAML (or JSON, which is YAML's subset but parsed as JSON by suffix). Duplicate
    keys, YAML aliases and JSON's NaN and Infinity are refused, and so is a document with
    nothing in it (blank, only comments, or null): the result is never None."""
    try:
        if not str(source).lower().endswith(".json"):
            data = yaml.load(text, Loader=_StrictSafeLoader)
        elif text.strip():
            data = json.loads(
                text,
                object_pairs_hook=_json_object,
                parse_constant=_json_constant,
                parse_float=_json_float,
            )
        else:
            data = None  # empty, said below (json.loads would say "Expecting value")
    except json.JSONDecodeError as exc:
        raise InputFileError(source, f"malformed JSON at line {exc.lineno}: {exc.msg}") from None
    except _RefusedJson as exc:
        raise InputFileError(source, str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        if isinstance(exc, _Refused):
            line = f" (line {mark.line + 1})" if mark else ""
            raise InputFileError(source, f"{what}{line}") from None
        raise InputFileError(source, f"malformed YAML{where}: {what}") from None
    except yaml.YAMLError as exc:  # a reader error: a control character, say
        what = str(exc).split("\n", 1)[0]  # its second line names no file
        raise InputFileError(source, f"malformed YAML: {one_line(what)}") from None
    except RecursionError:
        raise InputFileError(source, "nested too deeply to be a review or rubric") from None
    except (ValueError, TypeError) as exc:
        raise InputFileError(source, f"cannot read a value: {exc}") from None
    if data is None:
        more = " (nothing but comments or null)" if text.strip() else ""
        raise InputFileError(source, f"the file is empty{more}")
    return data


def load_data(path: Path) -> Any:
    """Read and parse a YAML or JSON file with all the safety limits; never returns None
    (an empty file is refused with "the file is empty")."""
    return parse_data(read_text(path), path)


# A temporary file older than this, that no writer holds, was left by a killed run.
STALE_TEMP_SECONDS = 60


def atomic_write(path: Path, content: str | bytes | Iterable[str | bytes]) -> None:
    """Write `content` to `path` so that the file is never seen half-written. `content` may
    be pieces (an iterator of text or bytes), written as they come: a long summary never
    needs to be in memory whole.

    Only regular files are written. A symbolic link is written through, to the file it leads
    to, as a shell's `>` does; a folder, FIFO, device or socket (at the path or at the end of
    the link) is refused, never replaced. A replaced file keeps its permissions; a new one is
    0644. The content goes to `.NAME.XXXXXXXX.tmp` beside the target, then is renamed over
    it; any OS failure (read-only or unmakeable folder, full disk, name too long) removes
    that temporary file and raises OutputError naming `path` and the reason. Temporary files
    of the same target that a killed run left (no writer holds their lock, and they are over
    STALE_TEMP_SECONDS old) are removed first; a process lists each folder once, so those
    are the ones there when it first writes into the folder.
    """
    shown = Path(path)
    target = _regular_target(shown)
    ensure_folder(target.parent, shown)
    _remove_stale_temps(target)
    pieces = [content] if isinstance(content, str | bytes) else content
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=_temp_prefix(target.name), suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _write_failed(shown, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            _try_lock(fd)  # held until the rename: while it is, the file is not stale
            for piece in pieces:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            handle.flush()
            os.fsync(handle.fileno())
            try:
                mode = os.stat(target).st_mode & 0o777
            except FileNotFoundError:
                mode = 0o644
            os.chmod(tmp, mode)
            os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _write_failed(shown, exc) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


def ensure_folder(folder: Path, shown: Path | None = None) -> None:
    """Create `folder` and its parents when missing; OutputError (naming `shown`, the file
    about to be written, if given) when that cannot be done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if shown is None and os.path.lexists(folder) and not folder.is_dir():
            raise OutputError(folder, "is a file, not a folder") from None
        raise _write_failed(shown or folder, exc, folder) from None


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _regular_target(path: Path) -> Path:
    """The file a write to `path` lands in (through symbolic links), if it is a regular file
    or nothing yet; OutputError for anything else."""
    target = path
    try:
        info = os.lstat(target)
        if stat.S_ISLNK(info.st_mode):
            target = Path(os.path.realpath(path))
            info = os.lstat(target)
    except FileNotFoundError:
        return target  # nothing there yet (a dangling link: its target is created, as `>` does)
    except OSError as exc:
        raise _write_failed(path, exc, path.parent) from None
    if stat.S_ISREG(info.st_mode):
        return target
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "is a folder, not a file")
    if stat.S_ISLNK(info.st_mode):  # realpath stops where links go round in a circle
        raise OutputError(path, "is a symbolic link that leads round in a loop")
    kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a file")
    raise OutputError(path, f"is not a regular file ({kind}); refusing to replace it")


def _write_failed(path: Path, exc: OSError, folder: Path | None = None) -> OutputError:
    """`path: cannot write: REASON`, with the reason in words."""
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        folder = folder or path.parent
        for part in [*reversed(folder.parents), folder]:
            if os.path.lexists(part) and not part.is_dir():
                return OutputError(path, f"cannot write: {part} is a file, not a folder")
    return OutputError(path, f"cannot write: {exc.strerror or exc}")


def _temp_prefix(name: str) -> str:
    """`.NAME.`, NAME cut to 200 bytes so that the temporary name fits wherever NAME does."""
    raw = os.fsencode(name)
    return f".{name}." if len(raw) <= 200 else f".{os.fsdecode(raw[:200])}."


def _try_lock(fd: int) -> bool:
    """Take the advisory lock a writer holds on its temporary file; False if another holds
    it. A file system without locks counts as unlocked (age alone then decides)."""
    if sys.platform != "win32":
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            return True
    return True


# Per folder, the hidden `.tmp` names it held at this process's first write there: one
# listing per folder and run, however many files a batch writes into it.
_TEMP_NAMES: dict[str, list[str]] = {}


def _remove_stale_temps(target: Path) -> None:
    """Remove `.NAME.XXXXXXXX.tmp` files of `target` that a killed writer left behind."""
    key = os.path.abspath(target.parent)
    names = _TEMP_NAMES.get(key)
    if names is None:
        try:
            listed = os.listdir(target.parent)
        except OSError:
            listed = []
        names = _TEMP_NAMES[key] = [n for n in listed if n[:1] == "." and n[-4:] == ".tmp"]
    if not names:
        return
    pattern = re.compile(re.escape(_temp_prefix(target.name)) + r"[a-z0-9_]{8}\.tmp")
    for name in [n for n in names if pattern.fullmatch(n)]:
        names.remove(name)
        _remove_if_stale(target.parent / name)


def _remove_if_stale(path: Path) -> None:
    """Remove `path` if it is a regular file, over STALE_TEMP_SECONDS old, and unlocked."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return  # gone already, a link, or not ours to read
    try:
        info = os.fstat(fd)
        old = time.time() - info.st_mtime > STALE_TEMP_SECONDS
        unheld = stat.S_ISREG(info.st_mode) and old and _try_lock(fd)
        if unheld and os.path.samestat(info, os.lstat(path)):  # still the file judged stale
            os.unlink(path)
    except OSError:
        pass  # cleaning up is a courtesy; the write goes on
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def safe_filename(text: str, fallback: str = "review") -> str:
    """A file name from a proposal id: letters, digits, `.`, `_`, `-`; no path, no dot-file."""
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-" for ch in text)
    cleaned = cleaned.strip(".-")[:80].strip(".-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned or fallback
