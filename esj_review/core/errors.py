"""Exception types and the one exit-code enum every command uses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes; documented in the README's table."""

    OK = 0
    PROBLEMS = 1  # the input has problems, or a threshold was missed
    USAGE = 2  # bad command line, or an interactive session was required
    INTERRUPTED = 130  # Ctrl-C; whatever was typed has been saved


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    path: str  # field path such as "answers.engagement_level" ("" for the whole file)
    message: str
    severity: str = "error"  # "error" or "warning"

    def render(self, source: str | Path | None = None) -> str:
        """Format as `file: field.path: message`."""
        parts = [str(source)] if source else []
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
        super().__init__(f"{target}: {message}")


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
            text += f"[{ident}]" if isinstance(ident, str) and ident else f"[{part}]"
            data = item
        elif isinstance(data, dict) and part not in data and data.get("type") == part:
            tag = part
        else:
            text += f".{part}" if text else str(part)
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
