"""Batch mode: many reviews (files, folders, sheets) in; reports, a summary and errors out.

The parts: `inputs` expands the paths and streams jobs (one per review file or sheet row),
`worker` does one job in a worker process, `cache` lets a re-run skip what is unchanged, and
this module runs the loop. Inputs are streamed: the parent reads one file or sheet row at a
time and hands it to a worker process, with only a few jobs in flight, so memory stays flat
however long the batch. Ctrl-C (`stop`) stops after the work in progress and keeps it.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from esj_review.batch.inputs import Job, check_out, jobs_from, problem
from esj_review.batch.spill import Spill
from esj_review.batch.stop import StopFlag
from esj_review.batch.worker import (
    Outcome,
    Settings,
    forget_rubrics,
    process,
    process_chunk,
    rubric,
    start_worker,
)

__all__ = ["BatchResult", "Observer", "Outcome", "Settings", "Silent", "run_batch"]


class Observer(Protocol):
    """Progress reports; the CLI shows them as a progress bar or as plain lines."""

    def start(self, total: int | None) -> None:
        """The batch starts; `total` is None: proposals are counted as they are read (a count
        first would read every sheet twice, and cannot read a pipe twice)."""

    def done(self, outcome: Outcome) -> None:
        """One proposal finished."""


class Silent:
    """An observer that reports nothing."""

    def start(self, total: int | None) -> None:
        """Nothing."""

    def done(self, outcome: Outcome) -> None:
        """Nothing."""


@dataclass
class BatchResult:
    """Everything the summary needs (records and problems are kept on disk, not in memory)."""

    records: Spill
    problems: Spill
    reused: int
    interrupted: bool = False

    def close(self) -> None:
        """Drop the records and problems (their temporary files)."""
        self.records.close()
        self.problems.close()


def run_batch(inputs: list[Path], settings: Settings, jobs: int, observer: Observer) -> BatchResult:
    """Process every input; Ctrl-C stops after the proposals being worked on."""
    check_out(inputs, settings.out)
    forget_rubrics()
    sheet_rubric = rubric(settings.rubric_ref)
    named = frozenset(str(p.resolve()) for p in inputs if not p.is_dir())
    settings = dataclasses.replace(settings, inputs=settings.inputs | named)
    problems = Spill()
    records = Spill()
    reused = 0
    observer.start(None)
    stream = jobs_from(inputs, sheet_rubric, problems, settings.out)

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


MAX_JOBS = 64
"""More workers than this only compete for the same cores and memory."""


def _run_parallel(
    stream: Iterator[Job],
    settings: Settings,
    jobs: int,
    collect: Callable[[Outcome], None],
    stop: StopFlag,
) -> None:
    """Chunks of jobs to a pool of worker processes, a few chunks in flight. The pool starts
    only when there is work for it, with no more workers than chunks (`--jobs 300` for two
    files starts one or two). A chunk whose worker died (killed, out of memory) becomes error
    rows, and the batch goes on with a new pool."""
    size = 1 if settings.formats else 50  # a report takes a second; a score, a millisecond
    chunks = _chunks(stream, size)
    first = list(itertools.islice(chunks, min(jobs, MAX_JOBS)))  # enough to size the pool
    if not first:
        return
    workers = min(jobs, len(first), MAX_JOBS)
    pending: dict[Future[list[Outcome]], list[Job]] = {}
    pool = _pool(workers)

    def recover(chunk: list[Job]) -> None:
        """A worker died: every chunk in flight is a suspect; redo them one job at a time."""
        nonlocal pool
        suspects = list(chunk)
        for other in list(pending):
            suspects += pending.pop(other)
        pool.shutdown(wait=False, cancel_futures=True)
        pool = _isolate(suspects, _pool(workers), workers, settings, collect)

    def submit(chunk: list[Job]) -> None:
        try:
            pending[pool.submit(process_chunk, chunk, settings)] = chunk
        except BrokenProcessPool:  # broken before we heard of it
            recover(chunk)

    def drain(finished: set[Future[list[Outcome]]]) -> None:
        for future in finished:
            chunk = pending.pop(future, None)
            if chunk is None or future.cancelled():
                continue  # cancelled after Ctrl-C, or redone by `recover`
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                recover(chunk)
                continue
            except Exception as exc:  # the result could not come back (pickling, say)
                outcomes = [_lost(job, exc, settings.debug) for job in chunk]
            for outcome in outcomes:
                collect(outcome)

    try:
        for chunk in itertools.chain(first, chunks):
            if stop.requested:
                break
            submit(chunk)
            while len(pending) >= 2 * workers and not stop.requested:  # a few chunks in flight
                drain(wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)[0])
        if stop.requested:
            for future in pending:
                future.cancel()  # not started: dropped; started: finished and kept
        while pending:
            drain(wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)[0])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, initializer=start_worker, initargs=(os.getpid(),)
    )


def _isolate(
    suspects: list[Job],
    pool: ProcessPoolExecutor,
    workers: int,
    settings: Settings,
    collect: Callable[[Outcome], None],
) -> ProcessPoolExecutor:
    """After a worker died: redo the jobs that were in flight one at a time, so that only the
    one that kills its worker again is lost (as an error row); returns the pool to go on with."""
    for job in suspects:
        try:
            outcomes = pool.submit(process_chunk, [job], settings).result()
        except BrokenProcessPool as exc:
            outcomes = [_lost(job, exc, settings.debug)]
            pool.shutdown(wait=False, cancel_futures=True)
            pool = _pool(workers)
        except Exception as exc:
            outcomes = [_lost(job, exc, settings.debug)]
        for outcome in outcomes:
            collect(outcome)
    return pool


def _lost(job: Job, exc: BaseException, debug: bool) -> Outcome:
    """A job whose worker stopped before it could say how the job went."""
    why = "the worker process stopped (out of memory, or killed)"
    if not isinstance(exc, BrokenProcessPool):
        why = f"the worker could not return its result ({type(exc).__name__}: {exc})"
    message = f"not processed: {why}; run the batch again to retry it"
    if debug:
        message += "\n" + "".join(traceback.format_exception(exc))
    return Outcome(job.source, problems=[problem(job.source, "", "", message)])
