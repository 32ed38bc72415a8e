"""Batch mode: many reviews (files, folders, sheets) in; reports, a summary and errors out.

Inputs are streamed: the parent reads one file or sheet row at a time and hands it to a worker
process, with only a few jobs in flight, so memory stays flat however long the batch. Each
worker validates, scores and renders one proposal, writes its files atomically, then a small
state file holding a content hash: a re-run skips proposals whose input, rubric and tool
version are unchanged, and a batch stopped by Ctrl-C continues where it stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from esj_review._version import __version__
from esj_review.batch.sheets import SHEET_SUFFIXES, header_problems, read_rows, row_to_review
from esj_review.batch.stop import StopFlag
from esj_review.core.errors import EsjError, Problem
from esj_review.core.files import atomic_write, load_data, safe_filename
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric

REVIEW_SUFFIXES = {".yaml", ".yml", ".json"}
STATE_DIR = ".esj-batch"


@dataclass(frozen=True)
class Job:
    """One proposal to process: where it came from and its raw content."""

    source: str  # "budget.csv row 7" or a file path
    name: str  # the safe base name of its output files
    data: dict[str, Any]  # sheet cells, or the parsed review document
    digest: str  # sha256 of the input content
    from_sheet: bool


@dataclass(frozen=True)
class Settings:
    """What every job needs to know."""

    out: Path
    formats: tuple[str, ...]
    variant: str
    rubric_ref: str
    force: bool
    generated: dt.date


@dataclass
class Outcome:
    """What came of one job: a summary record, or the problems that stopped it."""

    source: str
    record: dict[str, Any] | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    reused: bool = False


class Observer(Protocol):
    """Progress reports; the CLI shows them as a progress bar or as plain lines."""

    def start(self, total: int) -> None:
        """The batch has `total` proposals (an estimate for sheets)."""

    def done(self, outcome: Outcome) -> None:
        """One proposal finished."""


class Silent:
    """An observer that reports nothing."""

    def start(self, total: int) -> None:
        """Nothing."""

    def done(self, outcome: Outcome) -> None:
        """Nothing."""


def _problem(
    source: str, proposal: str, where: str, message: str, severity: str = "error"
) -> dict[str, str]:
    return {
        "source": source,
        "proposal_id": proposal,
        "field": where,
        "message": message,
        "severity": severity,
    }


# --- reading inputs -----------------------------------------------------------------------


def expand(inputs: Iterable[Path]) -> Iterator[Path]:
    """Files named, and review files and sheets inside folders (recursively, sorted)."""
    for path in inputs:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in REVIEW_SUFFIXES | SHEET_SUFFIXES
                and STATE_DIR not in p.parts
            )
        else:
            yield path


def count(inputs: list[Path]) -> int:
    """How many proposals the inputs hold, for the progress bar."""
    total = 0
    for path in expand(inputs):
        if path.suffix.lower() in SHEET_SUFFIXES:
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

    def name(self, proposal_id: str, fallback: str) -> tuple[str, bool]:
        """The name to use, and whether the id was a duplicate."""
        base = safe_filename(proposal_id, fallback) if proposal_id else fallback
        candidate, n = base, 2
        while candidate.lower() in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate.lower())
        return candidate, candidate != base


def jobs_from(inputs: list[Path], rubric: Rubric, problems: list[dict[str, str]]) -> Iterator[Job]:
    """Stream jobs from the inputs; inputs that cannot be read become problems."""
    namer = Namer()
    for path in expand(inputs):
        suffix = path.suffix.lower()
        if suffix in SHEET_SUFFIXES:
            yield from _sheet_jobs(path, rubric, namer, problems)
        elif suffix in REVIEW_SUFFIXES:
            try:
                data = load_data(path)
            except EsjError as exc:
                problems.append(_problem(str(path), "", "", exc.message.removeprefix(f"{path}: ")))
                continue
            proposal = data.get("proposal") if isinstance(data, dict) else None
            pid = str(proposal.get("id", "")) if isinstance(proposal, dict) else ""
            name, dup = namer.name(pid, safe_filename(path.stem))
            if dup:
                problems.append(
                    _problem(
                        str(path), pid, "proposal.id", f"duplicate id; written as {name}", "warning"
                    )
                )
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            yield Job(str(path), name, data if isinstance(data, dict) else {}, digest, False)
        else:
            problems.append(
                _problem(
                    str(path),
                    "",
                    "",
                    "not a review file (.yaml, .yml, .json) or a sheet (.csv, .xlsx)",
                )
            )


def _sheet_jobs(
    path: Path, rubric: Rubric, namer: Namer, problems: list[dict[str, str]]
) -> Iterator[Job]:
    try:
        first = True
        for number, cells in read_rows(path):
            if first:
                first = False
                for p in header_problems(rubric, list(cells)):
                    problems.append(_problem(f"{path} row 1", "", p.path, p.message))
            source = f"{path} row {number}"
            pid = str(cells.get("proposal.id") or "").strip()
            name, dup = namer.name(pid, f"{safe_filename(path.stem)}-row-{number}")
            if dup:
                problems.append(
                    _problem(
                        source, pid, "proposal.id", f"duplicate id; written as {name}", "warning"
                    )
                )
            payload = json.dumps(cells, sort_keys=True, default=str).encode()
            yield Job(source, name, cells, hashlib.sha256(payload).hexdigest(), True)
    except EsjError as exc:
        problems.append(_problem(str(path), "", "", exc.message.removeprefix(f"{path}: ")))


# --- one proposal (runs in a worker process) ------------------------------------------------

_RUBRICS: dict[str, Rubric] = {}


def _rubric(ref: str) -> Rubric:
    if ref not in _RUBRICS:
        _RUBRICS[ref] = load_rubric(ref)
    return _RUBRICS[ref]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for everyone


def process(job: Job, settings: Settings) -> Outcome:
    """Validate, score and render one proposal; never raises for bad input."""
    try:
        return _process(job, settings)
    except EsjError as exc:
        found = getattr(exc, "problems", None) or [Problem("", exc.message)]
        data = job.data.get("proposal") if isinstance(job.data.get("proposal"), dict) else {}
        pid = str(job.data.get("proposal.id") or (data or {}).get("id") or "")
        return Outcome(
            job.source, problems=[_problem(job.source, pid, p.path, p.message) for p in found]
        )


def _process(job: Job, settings: Settings) -> Outcome:
    from esj_review.core.checks import check_review, rubric_for
    from esj_review.core.review import parse_review
    from esj_review.core.scoring import score

    sheet_rubric = _rubric(settings.rubric_ref)
    problems: list[Problem] = []
    if job.from_sheet:
        data, problems = row_to_review(sheet_rubric, job.data)
    else:
        data = job.data
    pid = str((data.get("proposal") or {}).get("id", "")) if isinstance(data, dict) else ""
    review = parse_review(data, job.source)
    rubric = sheet_rubric if job.from_sheet else rubric_for(review, job.source)
    key = hashlib.sha256(
        f"{job.digest}|{rubric.content_hash}|{__version__}|{settings.formats}|{settings.variant}"
        f"|{job.name}".encode()
    ).hexdigest()
    state = settings.out / STATE_DIR / f"{job.name}.json"
    if settings.formats and not settings.force and state.exists():
        saved = json.loads(state.read_text())
        outputs = [settings.out / f for f in saved["record"]["outputs"]]
        if saved.get("key") == key and all(p.exists() for p in outputs):
            return Outcome(job.source, saved["record"], reused=True)
    slots = review.slots(rubric)  # one walk for checking, scoring and the summary
    errors = problems + [p for p in check_review(rubric, review, slots) if p.severity == "error"]
    if errors:
        return Outcome(
            job.source, problems=[_problem(job.source, pid, p.path, p.message) for p in errors]
        )
    card = score(rubric, review, slots)
    outputs = []
    if settings.formats:
        from esj_review.report.context import build_context
        from esj_review.report.render import FORMATS

        ctx = build_context(rubric, review, card, settings.generated)
        for fmt in settings.formats:
            target = f"{job.name}{FORMATS[fmt].suffix}"
            atomic_write(settings.out / target, FORMATS[fmt].render(ctx, settings.variant, False))
            outputs.append(target)
    record = summary_record(rubric, review, card, job, outputs, slots)
    if settings.formats:
        atomic_write(state, json.dumps({"key": key, "record": record}, ensure_ascii=False))
    return Outcome(job.source, record)


def summary_record(
    rubric: Rubric, review: Any, card: Any, job: Job, outputs: list[str], slots: Any
) -> dict[str, Any]:
    """The small record the summary and the portfolio are built from."""
    from esj_review.core.answers import impact_items

    amount_q = rubric.report.amount
    amount = review.answers.get(amount_q) if amount_q else None
    burdened = [e["label"] for e in impact_items(rubric, review, slots) if e["burden"]]
    return {
        "source": job.source,
        "name": job.name,
        "id": review.proposal.id,
        "title": review.proposal.title,
        "department": review.proposal.department or "",
        "kind": review.proposal.kind or "",
        "amount": amount if isinstance(amount, int | float) else None,
        "score": card.score,
        "band": card.band.id if card.band else None,
        "band_label": card.band.label if card.band else "Incomplete",
        "complete": card.complete,
        "completeness": card.completeness,
        "gaps": [g.question for g in card.gaps],
        "flags": [{"id": f.id, "severity": f.severity, "message": f.message} for f in card.flags],
        "burdened": burdened,
        "outputs": outputs,
        "rubric": f"{card.rubric.id} {card.rubric.version}",
    }


# --- the whole batch ----------------------------------------------------------------------


@dataclass
class BatchResult:
    """Everything the summary needs."""

    records: list[dict[str, Any]]
    problems: list[dict[str, str]]
    reused: int
    interrupted: bool = False


def run_batch(inputs: list[Path], settings: Settings, jobs: int, observer: Observer) -> BatchResult:
    """Process every input; Ctrl-C stops after the proposals being worked on."""
    rubric = _rubric(settings.rubric_ref)
    problems: list[dict[str, str]] = []
    records: list[dict[str, Any]] = []
    reused = 0
    observer.start(count(inputs))
    stream = jobs_from(inputs, rubric, problems)

    def collect(outcome: Outcome) -> None:
        nonlocal reused
        if outcome.record is not None:
            records.append(outcome.record)
        problems.extend(outcome.problems)
        reused += outcome.reused
        observer.done(outcome)

    with StopFlag() as stop:
        try:
            if jobs <= 1:
                for job in stream:
                    if stop.requested:
                        break
                    collect(process(job, settings))
            else:
                _run_parallel(stream, settings, jobs, collect, stop)
        except KeyboardInterrupt:
            stop.requested = True
    return BatchResult(records, problems, reused, interrupted=stop.requested)


def process_chunk(chunk: list[Job], settings: Settings) -> list[Outcome]:
    """Several jobs in one round trip to a worker (scoring alone is too quick for one each)."""
    return [process(job, settings) for job in chunk]


def _chunks(stream: Iterator[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in stream:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_parallel(
    stream: Iterator[Job], settings: Settings, jobs: int, collect: Any, stop: StopFlag
) -> None:
    size = 1 if settings.formats else 50  # a report takes a second; a score, a millisecond
    pending: set[Future[list[Outcome]]] = set()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_sigint)

    def drain(finished: set[Future[list[Outcome]]]) -> None:
        for future in finished:
            pending.discard(future)
            if not future.cancelled():
                for outcome in future.result():
                    collect(outcome)

    try:
        for chunk in _chunks(stream, size):
            if stop.requested:
                break
            pending.add(pool.submit(process_chunk, chunk, settings))
            while len(pending) >= 2 * jobs and not stop.requested:  # a few chunks in flight
                drain(wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)[0])
        if stop.requested:
            for future in pending:
                future.cancel()  # not started: dropped; started: finished and kept
        while pending:
            drain(wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)[0])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
