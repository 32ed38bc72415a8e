"""One proposal, in a worker process: validate, score, render, write; the boundary where
every failure of an input becomes problems for errors.csv instead of an exception."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from esj_review.batch.cache import RunCache, cache_key
from esj_review.batch.inputs import Job, problem
from esj_review.batch.sheets import row_to_review
from esj_review.core.errors import EsjError, Problem
from esj_review.core.files import atomic_write
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.text import one_line


@dataclass(frozen=True)
class Settings:
    """What every job needs to know."""

    out: Path
    formats: tuple[str, ...]
    variant: str
    rubric_ref: str
    force: bool
    generated: dt.date
    debug: bool = False
    inputs: frozenset[str] = frozenset()  # input files named on the command line, resolved
    langs: tuple[str, ...] = ("en",)  # one report per language; English as `ID.pdf`


@dataclass
class Outcome:
    """What came of one job: a summary record, or the problems that stopped it."""

    source: str
    record: dict[str, Any] | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    reused: bool = False


_RUBRICS: dict[str, Rubric] = {}


def rubric(ref: str) -> Rubric:
    """A rubric loaded once per batch in each process (workers are new for every batch)."""
    if ref not in _RUBRICS:
        _RUBRICS[ref] = load_rubric(ref)
    return _RUBRICS[ref]


def forget_rubrics() -> None:
    """Start a batch with the rubrics as they are now (a rubric file may have changed since
    the last batch in this process)."""
    _RUBRICS.clear()


def start_worker(parent: int) -> None:
    """A worker's initializer: the parent handles Ctrl-C and SIGTERM for everyone, and the
    worker dies with its parent (even one killed with -9) instead of living on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    try:  # Linux: the kernel sends SIGKILL when the parent goes
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the watch below
        pass
    if os.getppid() != parent:  # the parent went before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def process(job: Job, settings: Settings) -> Outcome:
    """Validate, score and render one proposal; never raises. Whatever goes wrong with one
    input (a bad value, a bug of ours it uncovers, a full disk) becomes problems for
    errors.csv naming the input, and the batch goes on."""
    data = job.data.get("proposal") if isinstance(job.data.get("proposal"), dict) else {}
    pid = str(job.data.get("proposal.id") or (data or {}).get("id") or "")
    try:
        return _process(job, settings)
    except EsjError as exc:
        found = getattr(exc, "problems", None) or [Problem("", exc.message)]
        return Outcome(
            job.source, problems=[problem(job.source, pid, p.path, p.message) for p in found]
        )
    except Exception as exc:  # the boundary: one input never stops the batch
        return Outcome(job.source, problems=[problem(job.source, pid, "", failure(exc, settings))])


def failure(exc: BaseException, settings: Settings) -> str:
    """An unexpected failure as one errors.csv message (with --debug, the traceback too)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"could not be processed: {where}{exc.strerror}"
    elif isinstance(exc, MemoryError | RecursionError):
        message = "could not be processed: the input is too large or too deeply nested"
    else:
        message = f"could not be processed: internal error ({type(exc).__name__}: {one_line(exc)})"
        message += "; please report it with this input"
    if settings.debug:
        message += "\n" + "".join(traceback.format_exception(exc))
    return message


def process_chunk(chunk: list[Job], settings: Settings) -> list[Outcome]:
    """Several jobs in one round trip to a worker (scoring alone is too quick for one each)."""
    return [process(job, settings) for job in chunk]


def _process(job: Job, settings: Settings) -> Outcome:
    from esj_review.core.checks import check_input
    from esj_review.core.i18n import DEFAULT, use_language
    from esj_review.core.scoring import score

    sheet_rubric = rubric(settings.rubric_ref)
    cell_problems: list[Problem] = []
    if job.from_sheet:
        data, cell_problems = row_to_review(sheet_rubric, job.data)
    else:
        data = job.data
    proposal = data.get("proposal") if isinstance(data, dict) else None
    pid = str(proposal.get("id", "")) if isinstance(proposal, dict) else ""
    with use_language(DEFAULT):  # errors.csv, the records and their scorecard are data, in English
        checked = check_input(data, job.source, sheet_rubric if job.from_sheet else None)
    review, rub, slots = checked.review, checked.rubric, checked.slots
    key = cache_key(
        job.digest,
        rub.content_hash,
        settings.formats,
        settings.variant,
        job.name,
        _language_keys(rub, settings.langs),
    )
    cache = RunCache(settings.out)
    if settings.formats and not settings.force:
        saved = cache.lookup(job.name, key)
        if saved is not None:
            return Outcome(job.source, saved, reused=True)
    errors = cell_problems + checked.errors
    if errors:
        return Outcome(
            job.source, problems=[problem(job.source, pid, p.path, p.message) for p in errors]
        )
    with use_language(DEFAULT):
        card = score(rub, review, slots)
    outputs = []
    for lang in settings.langs if settings.formats else ():
        outputs += _reports(job, settings, rub, review, card, lang)
    with use_language(DEFAULT):
        record = summary_record(rub, review, card, job, outputs, slots)
    if settings.formats:
        cache.save(job.name, key, record)
    return Outcome(job.source, record)


def _reports(
    job: Job, settings: Settings, rub: Rubric, review: Any, card: Any, lang: str
) -> list[str]:
    """The proposal's reports in one language: `ID.pdf` in English, `ID.es.pdf` in Spanish,
    with the rubric's translation (`core.translations`) and the catalogue's texts."""
    from esj_review.core.i18n import DEFAULT, use_language
    from esj_review.core.scoring import score
    from esj_review.core.translations import translated
    from esj_review.report.context import build_context
    from esj_review.report.formats import FORMATS

    written = []
    with use_language(lang):
        if lang != DEFAULT:
            rub = translated(rub, lang)
            card = score(rub, review)  # the same numbers; flags and labels in the language
        ctx = build_context(rub, review, card, settings.generated)
        for name in settings.formats:
            fmt = FORMATS[name]
            target = f"{job.name}{'' if lang == DEFAULT else '.' + lang}{fmt.suffix}"
            path = settings.out / target
            if str(path.resolve()) in settings.inputs:
                raise EsjError(f"{path} is one of this batch's inputs; not written over it")
            atomic_write(path, fmt.render(ctx, settings.variant, False))
            written.append(target)
    return written


def _language_keys(rubric: Rubric, langs: tuple[str, ...]) -> tuple[str, ...]:
    """The report languages as the cache keys them: each with the digests of its rubric
    translation and its message catalogue, so an edited translation renders again (the
    rubric's own hash stays the English one). English alone keys as it always has."""
    if langs == ("en",):
        return langs
    from esj_review.core.i18n import catalogue_digest
    from esj_review.core.translations import translation_digest

    return tuple(
        lang
        if lang == "en"
        else f"{lang}:{translation_digest(rubric, lang)[:16]}:{catalogue_digest(lang)[:16]}"
        for lang in langs
    )


def summary_record(
    rubric: Rubric, review: Any, card: Any, job: Job, outputs: list[str], slots: Any
) -> dict[str, Any]:
    """The small record the summary and the portfolio are built from."""
    from esj_review.core.answers import impact_items
    from esj_review.core.due import commitments

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
        "flags": [
            {"id": f.id, "severity": f.severity, "message": f.message, "item": f.item}
            for f in card.flags
        ],
        "burdened": burdened,
        "outputs": outputs,
        "rubric": f"{card.rubric.id} {card.rubric.version}",
        "commitments": [  # the open ones, for the portfolio's "due in the next quarter"
            {
                "kind": c.title(),
                "what": c.what if c.what != c.kind else "",
                "owner": c.owner,
                "due": c.due.isoformat() if c.due else None,
                "status": c.status_label,
            }
            for c in commitments(rubric, review, slots)
            if c.is_open
        ],
    }
