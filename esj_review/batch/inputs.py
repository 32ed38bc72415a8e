"""The batch's inputs: files and folders expanded, read into jobs one at a time, and named.

Review files (YAML or JSON) are one job each; a sheet (a suffix with a reader in
`batch.readers`) is one job per row. An input that cannot be read becomes a problem for
errors.csv, never a stop.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esj_review.batch.cache import STATE_DIR
from esj_review.batch.readers import SHEET_READERS, read_rows, sheet_reader
from esj_review.batch.spill import Spill
from esj_review.core.columns import header_problems
from esj_review.core.errors import EsjError, UsageError
from esj_review.core.files import parse_data, read_text
from esj_review.core.names import file_stem, same_name_key, tag
from esj_review.core.rubric import Rubric
from esj_review.core.text import one_line

REVIEW_SUFFIXES = (".yaml", ".yml", ".json")
Problems = list[dict[str, str]] | Spill
"""Where problems go: a list, or the batch's spill on disk."""


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


RESERVED = ("summary", "portfolio", "errors", STATE_DIR)
"""Names the batch writes itself: no proposal's output may take them."""


def check_out(inputs: Iterable[Path], out: Path) -> None:
    """Refuse an output folder that is one of the input folders: the outputs would be read
    as inputs by the next run, and could be written over the inputs of this one. (A folder
    inside an input folder is fine: it is left out of the search.)"""
    target = out.resolve()
    for path in inputs:
        if path.is_dir() and path.resolve() == target:
            raise UsageError(
                f"--out {out} is also an input folder; outputs would mix with the inputs. "
                "Choose another folder (a subfolder is fine)."
            )


def _special(path: Path) -> str | None:
    """Why a path cannot be read as an input file, or None when it can."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return "a symbolic link to nothing (its target is missing)"
        return "file not found"
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
        return f"not a regular file ({kind}); not read"
    return None


def expand(
    inputs: Iterable[Path], out: Path | None = None, problems: Problems | None = None
) -> Iterator[Path]:
    """Files named, and review files and sheets inside folders (recursively, sorted): each
    a regular file, checked once. The output folder and the batch's state are left out; what
    cannot be searched (an unreadable folder, a linked folder) or read (a link to nothing, a
    FIFO) becomes a problem."""
    found = problems if problems is not None else []
    skip = {out.resolve()} if out is not None else set()
    for path in inputs:
        if path.is_dir():
            yield from sorted(_search(path, skip, found))
        elif (why := _special(path)) is not None:
            found.append(problem(str(path), "", "", why))
        else:
            yield path


def _search(folder: Path, skip: set[Path], problems: Problems) -> Iterator[Path]:
    def unreadable(exc: OSError) -> None:
        problems.append(problem(str(exc.filename), "", "", f"cannot search: {exc.strerror}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        here = Path(root)
        for name in list(dirs):
            sub = here / name
            if name == STATE_DIR or sub.resolve() in skip:
                dirs.remove(name)
            elif sub.is_symlink():
                message = (
                    "a linked folder, not searched (name it on the command line to include it)"
                )
                problems.append(problem(str(sub), "", "", message, "warning"))
        for name in files:
            path = here / name
            if is_input(path):
                why = _special(path)
                if why is None:
                    yield path
                else:
                    problems.append(problem(str(path), "", "", why))


class Namer:
    """Output names from proposal ids: safe on every system (`core.names`), unique (also on
    case-insensitive file systems), never one of the batch's own files.

    The same id twice (also one typed with a composed `Å`, one with a decomposed one) is one
    proposal: the first source in input order keeps it, and a later one is left out (no outputs,
    not in the summary) with a warning naming the first. When two different ids give one file
    name (`A-1` and `a-1`, or an id `summary`), the later one gets a tag made from its id
    (`a-1-2f8fe6`): the same id always gets the same tag. The warning says so, and summary.csv
    lists every output's name."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.used = {same_name_key(t) for t in (*RESERVED, *taken)}
        self.first: dict[str, str] = {}  # an id (NFC) -> the source that had it first

    def name(self, source: str, proposal_id: str, fallback: str, problems: Problems) -> str | None:
        """The name to use (a warning in `problems` when it is not the id's own), or None for
        an id that an earlier source already had (a warning says which)."""
        spelled = unicodedata.normalize("NFC", proposal_id)  # Å is one id however typed
        first = self.first.get(spelled) if proposal_id else None
        if first is not None:
            message = f"duplicate id: already read from {first}, the one used; this one is left out"
            problems.append(problem(source, proposal_id, "proposal.id", message, "warning"))
            return None
        if proposal_id:
            self.first[spelled] = source
        base = file_stem(proposal_id, fallback) if proposal_id else fallback
        candidate = base
        if same_name_key(candidate) in self.used:
            candidate = f"{base}-{tag(proposal_id or source)}"
            n = 2
            while same_name_key(candidate) in self.used:
                candidate, n = f"{base}-{tag(proposal_id or source)}-{n}", n + 1
            message = f"another file has this name; written as {candidate}"
            problems.append(problem(source, proposal_id, "proposal.id", message, "warning"))
        self.used.add(same_name_key(candidate))
        return candidate


def jobs_from(
    inputs: list[Path],
    rubric: Rubric,
    problems: Problems,
    out: Path | None = None,
) -> Iterator[Job]:
    """Stream jobs from the inputs; inputs that cannot be read become problems."""
    namer = Namer()
    for path in expand(inputs, out, problems):
        if sheet_reader(path) is not None:
            yield from _sheet_jobs(path, rubric, namer, problems)
        elif path.suffix.lower() in REVIEW_SUFFIXES:
            job = _file_job(path, namer, problems)
            if job is not None:
                yield job
        else:
            problems.append(problem(str(path), "", "", not_an_input()))


def _file_job(path: Path, namer: Namer, problems: Problems) -> Job | None:
    try:
        text = read_text(path)
        data = parse_data(text, path)
    except EsjError as exc:
        problems.append(problem(str(path), "", "", exc.message.removeprefix(f"{path}: ")))
        return None
    proposal = data.get("proposal") if isinstance(data, dict) else None
    pid = str(proposal.get("id", "")) if isinstance(proposal, dict) else ""
    name = namer.name(str(path), pid, file_stem(path.stem), problems)
    if name is None:  # a duplicate id
        return None
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Job(str(path), name, data if isinstance(data, dict) else {}, digest, False)


def _sheet_jobs(path: Path, rubric: Rubric, namer: Namer, problems: Problems) -> Iterator[Job]:
    number = 1
    try:
        first = True
        for number, cells in read_rows(path):
            if first:
                first = False
                for p in header_problems(rubric, list(cells)):
                    problems.append(problem(f"{path} row 1", "", p.path, p.message))
            source = f"{path} row {number}"
            pid = str(cells.get("proposal.id") or "").strip()
            name = namer.name(source, pid, f"{file_stem(path.stem)}-row-{number}", problems)
            if name is None:  # a duplicate id
                continue
            payload = json.dumps(cells, sort_keys=True, default=str).encode()
            yield Job(source, name, cells, hashlib.sha256(payload).hexdigest(), True)
    except EsjError as exc:
        problems.append(problem(str(path), "", "", exc.message.removeprefix(f"{path}: ")))
    except Exception as exc:  # the boundary: a sheet that breaks the reader stops only itself
        where = f"{path} row {number + 1}" if number > 1 else str(path)
        message = f"could not be read after row {number}: {type(exc).__name__}: {one_line(exc)}"
        problems.append(problem(where, "", "", message))
