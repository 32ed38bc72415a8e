"""Batch mode: many reviews (files, folders, sheets) in; reports, a summary and errors out.

The parts: `inputs` expands the paths and streams jobs (one per review file or sheet row),
`worker` does one job in a worker process, `cache` lets a re-run skip what is unchanged, and
this module runs the loop. Inputs are streamed: the parent reads one file or sheet row at a
time and hands it to a worker process, with only a few jobs in flight, so memory stays flat
however long the batch. Ctrl-C (`stop`) stops after the work in progress and keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from esj_review.batch.inputs import Job, count, jobs_from
from esj_review.batch.stop import StopFlag
from esj_review.batch.worker import (
    Outcome,
    Settings,
    forget_rubrics,
    ignore_sigint,
    process,
    process_chunk,
    rubric,
)

__all__ = ["BatchResult", "Observer", "Outcome", "Settings", "Silent", "run_batch"]


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


@dataclass
class BatchResult:
    """Everything the summary needs."""

    records: list[dict[str, Any]]
    problems: list[dict[str, str]]
    reused: int
    interrupted: bool = False


def run_batch(inputs: list[Path], settings: Settings, jobs: int, observer: Observer) -> BatchResult:
    """Process every input; Ctrl-C stops after the proposals being worked on."""
    forget_rubrics()
    sheet_rubric = rubric(settings.rubric_ref)
    problems: list[dict[str, str]] = []
    records: list[dict[str, Any]] = []
    reused = 0
    observer.start(count(inputs))
    stream = jobs_from(inputs, sheet_rubric, problems)

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
    stream: Iterator[Job],
    settings: Settings,
    jobs: int,
    collect: Callable[[Outcome], None],
    stop: StopFlag,
) -> None:
    size = 1 if settings.formats else 50  # a report takes a second; a score, a millisecond
    pending: set[Future[list[Outcome]]] = set()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=ignore_sigint)

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
