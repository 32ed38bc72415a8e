"""Exception types and the one exit-code enum every command uses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from esj_review.core.text import one_line


class ExitCode(IntEnum):
    """Process exit codes; documented in the README's table."""

    OK = 0
    PROBLEMS = 1  # the input has problems, or a threshold was missed
    USAGE = 2  # bad command line, or an interactive session was required
    INTERRUPTED = 130  # Ctrl-C; whatever was typed has been saved


_BREAKS = frozenset("\n\r\t\v\f\x85\u2028\u2029")
"""What `one_line` turns into spaces; in a file name each is shown, so that the name can be
found again."""


def shown_path(source: str | Path) -> str:
    """A file name as a message shows it: on one line, with every control character (a line
    break, an escape, a bell), bidi control or other hidden character shown as `[U+XXXX]`, so
    that a file whose name holds a line break and "error: ..." or a terminal escape cannot
    fake or colour a line of output. A name with none of them is shown as it is."""
    text = str(source)
    marked = "".join(f"[U+{ord(ch):04X}]" if ch in _BREAKS else ch for ch in text)
    return one_line(marked, 4096)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    path: str  # field path such as "answers.engagement_level" ("" for the whole file)
    message: str
    severity: str = "error"  # "error" or "warning"

    def render(self, source: str | Path | None = None) -> str:
        """Format as `file: field.path: message`, the file name shown safely (`shown_path`)."""
        parts = [shown_path(source)] if source else []
        if self.path:
            parts.append(self.path)
        parts.append(self.message if self.severity == "error" else f"warning: {self.message}")
        return ": ".join(parts)


class EsjError(Exception):
    """An expected failure: carries its exit code and a message for the user."""

    exit_code: ExitCode = ExitCode.PROBLEMS

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class InputFileError(EsjError):
    """A file could not be read or parsed (missing, too large, malformed, hostile)."""

    def __init__(self, source: str | Path, message: str, path: str = "") -> None:
        self.source = str(source)
        self.problems = [Problem(path, message)]
        super().__init__(self.problems[0].render(self.source))


class ValidationFailed(EsjError):
    """A file parsed but its content is wrong; carries every problem, not only the first."""

    def __init__(self, source: str | Path, problems: list[Problem]) -> None:
        self.source = str(source)
        self.problems = problems
        super().__init__("\n".join(p.render(self.source) for p in problems))


class OutputError(EsjError, OSError):
    """An output cannot be written where asked: a folder, FIFO or device is in the way, the
    folder is read-only or cannot be made, the disk is full, the name is too long. Exit 2, as
    for an output that already exists: the command could not do what was asked, and that
    says nothing about the input (exit 1, which `--fail-under` and CI read as a verdict).
    Still an OSError, so that code catching what a failed write used to raise still works."""

    exit_code = ExitCode.USAGE

    def __init__(self, target: str | Path, message: str) -> None:
        self.target = str(target)
        super().__init__(f"{shown_path(target)}: {message}")


class RubricNotFound(EsjError):
    """A rubric reference names no shipped rubric and no file."""


class UsageError(EsjError):
    """The command line asks for something that cannot be done."""

    exit_code = ExitCode.USAGE


def field_path(loc: tuple[int | str, ...], prefix: str = "", data: Any = None) -> str:
    """Turn a pydantic error location into `sections[scope].questions[geography].type`.

    A list element that carries an `id` is named by it; otherwise by its position. The tag a
    discriminated union adds (a question's type) is left out: it is not a field.
    """
    return _walk_loc(loc, prefix, data)[0]


def _walk_loc(loc: tuple[int | str, ...], prefix: str, data: Any) -> tuple[str, str | None]:
    """The field path, and the question type whose model reported the error (if any)."""
    text = prefix
    tag: str | None = None
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and part < len(data) else None
            ident = item.get("id") if isinstance(item, dict) else None
            text += f"[{one_line(ident, 60)}]" if isinstance(ident, str) and ident else f"[{part}]"
            data = item
        elif isinstance(data, dict) and part not in data and data.get("type") == part:
            tag = part
        else:  # a key from the input: it may hold a line break or a terminal escape
            text += f".{one_line(part, 60)}" if text else one_line(part, 60)
            data = data.get(part) if isinstance(data, dict) else None
    return text, tag


def problems_from_pydantic(exc: Any, prefix: str = "", data: Any = None) -> list[Problem]:
    """One Problem per pydantic error, with a message a person can act on."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        path, tag = _walk_loc(loc, prefix, data)
        kind = err["type"]
        if kind == "extra_forbidden":
            message = f"unknown field for a {tag} question" if tag else "unknown field"
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "union_tag_invalid":
            ctx = err.get("ctx", {})
            path += f".{ctx.get('discriminator', 'type').strip(chr(39))}"
            expected = ctx.get("expected_tags", "").replace("'", "")
            message = f"{ctx.get('tag', '')!r} is not a known type; expected one of: {expected}"
        elif kind == "union_tag_not_found":
            path += f".{err.get('ctx', {}).get('discriminator', 'type').strip(chr(39))}"
            message = "required field is missing"
        else:
            message = err["msg"]
            if kind not in {"value_error", "assertion_error", "condition"} and "input" in err:
                shown = repr(err["input"])
                message += f" (got {shown[:60]}{'...' if len(shown) > 60 else ''})"
        problems.append(Problem(path, message.removeprefix("Value error, ")))
    return problems
