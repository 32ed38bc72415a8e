"""The batch's inputs: files and folders expanded, read into jobs one at a time, and named.

Review files (YAML or JSON) are one job each; a sheet (a suffix with a reader in
`batch.readers`) is one job per row. An input that cannot be read becomes a problem for
errors.csv, never a stop.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esj_review.batch.cache import STATE_DIR
from esj_review.batch.readers import SHEET_READERS, read_rows, sheet_reader
from esj_review.core.columns import header_problems
from esj_review.core.errors import EsjError
from esj_review.core.files import load_data, safe_filename
from esj_review.core.rubric import Rubric

REVIEW_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Job:
    """One proposal to process: where it came from and its raw content."""

    source: str  # "budget.csv row 7" or a file path
    name: str  # the safe base name of its output files
    data: dict[str, Any]  # sheet cells, or the parsed review document
    digest: str  # sha256 of the input content
    from_sheet: bool


def problem(
    source: str, proposal: str, where: str, message: str, severity: str = "error"
) -> dict[str, str]:
    """One row of errors.csv."""
    return {
        "source": source,
        "proposal_id": proposal,
        "field": where,
        "message": message,
        "severity": severity,
    }


def is_input(path: Path) -> bool:
    """A review file or a sheet, by its suffix."""
    return path.suffix.lower() in REVIEW_SUFFIXES or sheet_reader(path) is not None


def not_an_input() -> str:
    """Why a file named on the command line is not read."""
    reviews = ", ".join(REVIEW_SUFFIXES)
    return f"not a review file ({reviews}) or a sheet ({', '.join(SHEET_READERS)})"


def expand(inputs: Iterable[Path]) -> Iterator[Path]:
    """Files named, and review files and sheets inside folders (recursively, sorted)."""
    for path in inputs:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and is_input(p) and STATE_DIR not in p.parts
            )
        else:
            yield path


def count(inputs: list[Path]) -> int:
    """How many proposals the inputs hold, for the progress bar."""
    total = 0
    for path in expand(inputs):
        if sheet_reader(path) is not None:
            try:
                total += sum(1 for _ in read_rows(path))
            except EsjError:
                total += 1
        else:
            total += 1
    return total


class Namer:
    """Output names from proposal ids: safe, unique (case-insensitively), stable by order."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def name(
        self, source: str, proposal_id: str, fallback: str, problems: list[dict[str, str]]
    ) -> str:
        """The name to use; a duplicate id gets `-2`, `-3`, and a warning in `problems`."""
        base = safe_filename(proposal_id, fallback) if proposal_id else fallback
        candidate, n = base, 2
        while candidate.lower() in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate.lower())
        if candidate != base:
            message = f"duplicate id; written as {candidate}"
            problems.append(problem(source, proposal_id, "proposal.id", message, "warning"))
        return candidate


def jobs_from(inputs: list[Path], rubric: Rubric, problems: list[dict[str, str]]) -> Iterator[Job]:
    """Stream jobs from the inputs; inputs that cannot be read become problems."""
    namer = Namer()
    for path in expand(inputs):
        if sheet_reader(path) is not None:
            yield from _sheet_jobs(path, rubric, namer, problems)
        elif path.suffix.lower() in REVIEW_SUFFIXES:
            job = _file_job(path, namer, problems)
            if job is not None:
                yield job
        else:
            problems.append(problem(str(path), "", "", not_an_input()))


def _file_job(path: Path, namer: Namer, problems: list[dict[str, str]]) -> Job | None:
    try:
        data = load_data(path)
    except EsjError as exc:
        problems.append(problem(str(path), "", "", exc.message.removeprefix(f"{path}: ")))
        return None
    proposal = data.get("proposal") if isinstance(data, dict) else None
    pid = str(proposal.get("id", "")) if isinstance(proposal, dict) else ""
    name = namer.name(str(path), pid, safe_filename(path.stem), problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Job(str(path), name, data if isinstance(data, dict) else {}, digest, False)


def _sheet_jobs(
    path: Path, rubric: Rubric, namer: Namer, problems: list[dict[str, str]]
) -> Iterator[Job]:
    try:
        first = True
        for number, cells in read_rows(path):
            if first:
                first = False
                for p in header_problems(rubric, list(cells)):
                    problems.append(problem(f"{path} row 1", "", p.path, p.message))
            source = f"{path} row {number}"
            pid = str(cells.get("proposal.id") or "").strip()
            name = namer.name(source, pid, f"{safe_filename(path.stem)}-row-{number}", problems)
            payload = json.dumps(cells, sort_keys=True, default=str).encode()
            yield Job(source, name, cells, hashlib.sha256(payload).hexdigest(), True)
    except EsjError as exc:
        problems.append(problem(str(path), "", "", exc.message.removeprefix(f"{path}: ")))
