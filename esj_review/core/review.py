"""Review files: the model, loading (YAML or JSON), atomic saving, answers kept aside."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from esj_review._version import __version__
from esj_review.core.answers import Slot, walk
from esj_review.core.conditions import MISSING
from esj_review.core.errors import (
    InputFileError,
    Problem,
    ValidationFailed,
    problems_from_pydantic,
)
from esj_review.core.files import atomic_write, load_data
from esj_review.core.qtypes.base import brief
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Rubric
from esj_review.core.text import one_line

REVIEW_FORMAT: Literal["esj-review/1"] = "esj-review/1"
"""The review file format this version reads and writes."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RubricRef(_Model):
    """Which rubric (and version) a review was written for, and its optional items."""

    id: str = Field(max_length=100)
    version: str = Field(max_length=100)
    enable: list[str] = []


class Proposal(_Model):
    """The proposal under review: identity used in headers, file names and summaries."""

    id: str = Field(min_length=1, max_length=80)
    title: str = Field(min_length=1, max_length=300)
    kind: str | None = None
    department: str | None = Field(default=None, max_length=200)


class Reviewer(_Model):
    """Who prepared the review and how to reach them (printed on the statement)."""

    name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)


SIGNOFF_MAX_ROLES = 8
"""Sign-off boxes that fit on the report's sign-off page (two columns of four)."""
SIGNOFF_UNNAMED_BOXES = 4
"""Sign-off boxes on the page of a review that names no roles."""


class SignOff(_Model):
    """Who must sign the report off (`esj-review sign --role`), in the order of the boxes."""

    roles: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default=[], max_length=SIGNOFF_MAX_ROLES
    )

    @field_validator("roles")
    @classmethod
    def _distinct(cls, roles: list[str]) -> list[str]:
        """Each role once, on one line, told apart without regard to case or spacing."""
        seen: set[str] = set()
        for role in roles:
            if any(ch in role for ch in "\n\r\t") or not role.strip():
                raise ValueError(f"a role is a short name on one line (got {role[:60]!r})")
            key = role_key(role)
            if key in seen:
                raise ValueError(f"the role {role!r} is named twice")
            seen.add(key)
        return [" ".join(role.split()) for role in roles]


def role_key(role: str) -> str:
    """A role as roles are compared: case and runs of spaces do not matter."""
    return " ".join(role.split()).casefold()


class Meta(_Model):
    """Bookkeeping: never scored."""

    created: dt.datetime | None = None
    updated: dt.datetime | None = None
    reviewer: Reviewer | None = None
    lang: dict[str, str] = {}
    """An answer's language (`answers.summary: vi`), when the report's guess would be wrong."""
    passed: list[Annotated[str, Field(max_length=200)]] = Field(default=[], max_length=5000)
    """Questions the analyst saw and left blank on purpose (an optional one skipped, an answer
    cleared): the interview does not ask them again unasked, and a cleared answer stays aside."""
    tool_version: str | None = None

    @field_validator("reviewer", mode="before")
    @classmethod
    def _reviewer_by_name(cls, value: Any) -> Any:
        """`reviewer: Jo Analyst` (as earlier reviews wrote it) is the reviewer's name."""
        return {"name": value} if isinstance(value, str) else value


class Review(_Model):
    """A review document (`format: esj-review/1`)."""

    format: Literal["esj-review/1"] = REVIEW_FORMAT
    rubric: RubricRef
    proposal: Proposal
    signoff: SignOff | None = None  # the roles that must sign the report; never scored
    answers: dict[str, Any] = {}
    set_aside: dict[str, Any] = {}  # answers hidden by a condition, kept rather than lost
    meta: Meta = Meta()

    @property
    def signoff_boxes(self) -> list[str | None]:
        """The report's sign-off boxes, in order: each named role, or unnamed boxes."""
        roles = self.signoff.roles if self.signoff else []
        return list(roles) if roles else [None] * SIGNOFF_UNNAMED_BOXES

    @property
    def enabled(self) -> frozenset[str]:
        """Optional rubric items this review switched on."""
        return frozenset(self.rubric.enable)

    def slots(self, rubric: Rubric) -> list[Slot]:
        """The rubric's question slots as they stand in this review."""
        return walk(rubric, self.answers, self.proposal.model_dump(), self.enabled)

    def answers_hash(self) -> str:
        """sha256 of the proposal and answers (not the metadata): what the score depends on."""
        payload = {
            "rubric": self.rubric.model_dump(),
            "proposal": self.proposal.model_dump(),
            "answers": self.answers,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


# --- migrations --------------------------------------------------------------------------

# Each entry turns a document of one older format into the next; none exist yet.
MIGRATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _kind_word(value: Any) -> str:
    """What a value that is not text is, in words."""
    words: tuple[tuple[Any, str], ...] = (
        (dict, "a mapping"),
        (list, "a list"),
        (bool, "true or false"),
        (int | float, "a number"),
    )
    return next((word for kind, word in words if isinstance(value, kind)), brief(value))


def migrate(data: dict[str, Any], source: Path | str) -> dict[str, Any]:
    """Bring an older review document up to the current format."""
    fmt = data.get("format")
    if fmt is not None and not isinstance(fmt, str):
        raise InputFileError(
            source, f"format must be the text {REVIEW_FORMAT}, not {_kind_word(fmt)}", "format"
        )
    seen = set()
    while data.get("format") in MIGRATIONS and data["format"] not in seen:
        seen.add(data["format"])
        data = MIGRATIONS[data["format"]](data)
    fmt = data.get("format")
    if fmt != REVIEW_FORMAT:
        raise InputFileError(
            source,
            f"format {brief(fmt)} is not supported; this tool reads {REVIEW_FORMAT}",
            "format",
        )
    return data


# --- loading -----------------------------------------------------------------------------

MAX_NESTING = 3
"""Lists and mappings one answer may nest: a repeat's answer is a mapping of items, each a
mapping of answers, one of which may be a list. Deeper data is no answer of any type; it is
refused before anything walks it (a YAML or JSON file can nest a few hundred levels)."""


def _too_deep(tree: dict[str, Any], prefix: str) -> Problem | None:
    """The first answer in `tree` that nests deeper than MAX_NESTING (walked without recursion)."""
    for key, value in tree.items():
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            node, depth = stack.pop()
            if not isinstance(node, dict | list):
                continue
            if depth == MAX_NESTING:
                return Problem(
                    f"{prefix}.{one_line(key, 60)}",
                    f"nested too deeply: at most {MAX_NESTING} levels of lists and mappings",
                )
            stack.extend(
                (v, depth + 1) for v in (node.values() if isinstance(node, dict) else node)
            )
    return None


def _normalise(value: Any) -> Any:
    """Dates as ISO text, and text without the trailing newline a YAML block adds."""
    if isinstance(value, str):
        return value.rstrip()
    if isinstance(value, dt.date):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def parse_review(data: Any, source: Path | str) -> Review:
    """Validate parsed data as a review document."""
    if not isinstance(data, dict):
        raise InputFileError(source, "a review must be a mapping with format, rubric, proposal")
    data = migrate(data, source)
    for key in ("answers", "set_aside"):
        if key in data and data[key] is None:  # `answers:` with every line commented out
            data[key] = {}
        if isinstance(data.get(key), dict):
            deep = _too_deep(data[key], key)
            if deep is not None:
                raise ValidationFailed(source, [deep])
            data[key] = _normalise(data[key])
    try:
        return Review.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(source, problems_from_pydantic(exc, data=data)) from None


def load_review(path: Path) -> Review:
    """Read a review file (YAML or JSON) with the safety limits."""
    return parse_review(load_data(path), path)


# --- saving ------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text, so narratives stay readable and diff well."""


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and not any(ch in data for ch in "\r\t\x85") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_review(review: Review) -> str:
    """The review as YAML text, in a stable, human-friendly order."""
    data = review.model_dump(mode="json", exclude_none=False)
    if not data["set_aside"]:
        del data["set_aside"]
    if not data["signoff"] or not data["signoff"]["roles"]:
        del data["signoff"]
    data["meta"] = {k: v for k, v in data["meta"].items() if v not in (None, {}, [])}
    if "reviewer" in data["meta"]:
        data["meta"]["reviewer"] = {
            k: v for k, v in data["meta"]["reviewer"].items() if v is not None
        }
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)


def save_review(review: Review, path: Path, *, now: dt.datetime | None = None) -> None:
    """Stamp the metadata and write the review atomically (temp file, then rename)."""
    stamp = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    review.meta.created = review.meta.created or stamp
    review.meta.updated = stamp
    review.meta.tool_version = __version__
    atomic_write(path, dump_review(review))


# --- answers hidden by a condition ----------------------------------------------------------


def _get(tree: dict[str, Any], parts: list[str]) -> Any:
    node: Any = tree
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def _put(tree: dict[str, Any], parts: list[str], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def _drop(tree: dict[str, Any], parts: list[str]) -> None:
    """Remove a value and any mapping left empty above it."""
    trail = [tree]
    for part in parts[:-1]:
        nxt = trail[-1].get(part)
        if not isinstance(nxt, dict):
            return
        trail.append(nxt)
    trail[-1].pop(parts[-1], None)
    for depth in range(len(parts) - 1, 0, -1):
        if not trail[depth]:
            trail[depth - 1].pop(parts[depth - 1], None)


def set_value(review: Review, path: str, value: Any) -> None:
    """Set (or, with None, remove) the answer at `path` (`q` or `repeat.item.sub`)."""
    parts = path.split(".")
    if value is None:
        _drop(review.answers, parts)
    else:
        _put(review.answers, parts, value)
        pass_over(review, path, passed=False)
    _drop(review.set_aside, parts)


def pass_over(review: Review, path: str, *, passed: bool = True) -> None:
    """Note that the analyst left the question at `path` blank on purpose (or, with `passed`
    False, no longer)."""
    marked = review.meta.passed
    if passed and path not in marked:
        review.meta.passed = [*marked, path]
    elif not passed and path in marked:
        review.meta.passed = [p for p in marked if p != path]


def clear_answer(review: Review, path: str) -> Any:
    """Clear the answer at `path` on purpose: the old value is kept in `set_aside` (never
    scored, never lost) and stays there until the question is answered again. Returns it."""
    parts = path.split(".")
    old = _get(review.answers, parts)
    if old is not MISSING:
        _put(review.set_aside, parts, old)
        _drop(review.answers, parts)
    pass_over(review, path)
    return old


def answer_at(review: Review, path: str) -> Any:
    """The current answer at `path`, or MISSING."""
    return _get(review.answers, path.split("."))


def aside_paths(review: Review) -> list[str]:
    """Dotted paths of every answer kept aside because its question is hidden."""
    found: list[str] = []

    def visit(node: Any, prefix: str, depth: int) -> None:
        if isinstance(node, dict) and depth < 3 and node:
            for key, value in node.items():
                visit(value, f"{prefix}.{key}" if prefix else key, depth + 1)
        else:
            found.append(prefix)

    for key, value in review.set_aside.items():
        visit(value, key, 1)  # only a repeat's answers are mappings: walk to their leaves
    return found


def tidy_hidden(rubric: Rubric, review: Review) -> tuple[list[str], list[str]]:
    """Keep hidden answers aside (never scored, never lost); bring them back when shown again.

    Returns the paths set aside and the paths restored.
    """
    moved: list[str] = []
    restored: list[str] = []
    for _ in range(20):  # each pass can show or hide others; conditions only look back
        changed = False
        for slot in review.slots(rubric):
            parts = slot.path.split(".")
            if isinstance(slot.question, RepeatQuestion):
                continue
            if not slot.visible and slot.value is not MISSING:
                _put(review.set_aside, parts, slot.value)
                _drop(review.answers, parts)
                moved.append(slot.path)
                changed = True
            elif slot.visible and slot.value is MISSING and slot.path not in review.meta.passed:
                kept = _get(review.set_aside, parts)
                if kept is not MISSING:
                    _put(review.answers, parts, kept)
                    _drop(review.set_aside, parts)
                    restored.append(slot.path)
                    changed = True
        if not changed:
            break
    return moved, restored
