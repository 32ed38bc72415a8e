"""Finding and loading rubrics: shipped ones by id, others by path; every load is linted."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ValidationError

from esj_review.core.errors import (
    InputFileError,
    RubricNotFound,
    ValidationFailed,
    problems_from_pydantic,
)
from esj_review.core.files import load_data
from esj_review.core.lint import lint_rubric
from esj_review.core.rubric import Rubric


def parse_rubric(data: object, source: Path | str) -> Rubric:
    """Validate parsed data as a rubric, then lint it; raise with every error found."""
    if not isinstance(data, dict):
        raise InputFileError(source, "a rubric must be a mapping of fields")
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(source, problems_from_pydantic(exc, data=data)) from None

    errors = lint_rubric(rubric).errors
    if errors:
        raise ValidationFailed(source, errors)
    return rubric


def load_rubric_file(path: Path) -> Rubric:
    """Load, validate and lint one rubric file."""
    return parse_rubric(load_data(path), path)


def data_dir(name: str) -> Path:
    """A folder shipped with the package (`rubrics`, `examples`); a source tree works too."""
    packaged = Path(__file__).parent.parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / name


@cache
def shipped_rubrics() -> dict[str, Path]:
    """Map rubric id to file for every rubric shipped with the tool (its current version)."""
    found: dict[str, Path] = {}
    for path in sorted(data_dir("rubrics").glob("*.yaml")):
        if "." not in path.stem:  # `ID.LANG.yaml` is a translation (an id holds no dot)
            found[path.stem] = path
    return found


def earlier_versions(rubric_id: str) -> dict[str, Path]:
    """Earlier versions of a shipped rubric, kept so reviews made under them score as they
    did: `rubrics/archive/ID-VERSION.yaml`."""
    found: dict[str, Path] = {}
    for path in sorted((data_dir("rubrics") / "archive").glob(f"{rubric_id}-*.yaml")):
        version = path.stem.removeprefix(f"{rubric_id}-")
        if version.count(".") == 2:
            found[version] = path
    return found


@cache
def _load_shipped(path: Path) -> Rubric:
    return load_rubric_file(path)


def load_rubric(ref: str | Path) -> Rubric:
    """Load a rubric by shipped id (`king-county-esj`, optionally `@version`) or by file path."""
    text = str(ref)
    rubric_id, _, version = text.partition("@")
    if rubric_id in shipped_rubrics():
        rubric = _load_shipped(shipped_rubrics()[rubric_id])
        if version and version != rubric.version:
            older = earlier_versions(rubric_id)
            if version in older:
                return _load_shipped(older[version])
            available = ", ".join([*older, rubric.version])
            raise RubricNotFound(
                f"rubric {rubric_id} version {version} is not available; "
                f"this tool has versions {available}"
            )
        return rubric
    path = Path(text)
    if path.is_file():
        return load_rubric_file(path)
    known = ", ".join(shipped_rubrics()) or "none"
    raise RubricNotFound(
        f"no rubric named {text!r} (shipped rubrics: {known}; or give a file path)"
    )
