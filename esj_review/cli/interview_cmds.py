"""Commands of the interview: new, resume and edit."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from esj_review.cli.common import app
from esj_review.core.i18n import ui as _


def _prompter() -> Any:
    from esj_review.interview.terminal import QuestionaryPrompter

    return QuestionaryPrompter()


class _HeldCtrlC:
    """The prompter, with a Ctrl-C pressed between two prompts held until the next one.

    Between prompts the terminal sends Ctrl-C as a signal, and Python raises KeyboardInterrupt
    wherever it lands: inside a weakref callback (drawing a prompt makes many) it is printed as
    an ignored exception, with a traceback, and lost. Held, it stops the interview at the next
    prompt or message; a second Ctrl-C stops it at once.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.pending = False

    def on_sigint(self, signum: int, frame: Any) -> None:
        if self.pending:
            raise KeyboardInterrupt
        self.pending = True

    def _stop_if_pressed(self) -> None:
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    def ask(self, spec: Any) -> Any:
        self._stop_if_pressed()
        raw = self.inner.ask(spec)
        self._stop_if_pressed()
        return raw

    def choose(self, message: str, options: Any, default: Any = None) -> Any:
        self._stop_if_pressed()
        chosen = self.inner.choose(message, options, default)
        self._stop_if_pressed()
        return chosen

    def show(self, item: Any) -> None:
        self._stop_if_pressed()
        self.inner.show(item)

    def page(self, item: Any) -> None:
        self._stop_if_pressed()
        self.inner.page(item)


@contextmanager
def _interview_ctrl_c() -> Iterator[Any]:
    """The prompter for one interview, Ctrl-C held between prompts while it runs. Once it is
    over (finished, quit or interrupted: all saved), a further Ctrl-C has nothing left to stop;
    ignored, it cannot break Python's shutdown with a traceback."""
    prompter = _HeldCtrlC(_prompter())
    tty = sys.stdin.isatty()
    if tty:
        signal.signal(signal.SIGINT, prompter.on_sigint)
    try:
        yield prompter
    finally:
        if tty:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ctrl_c_now(interview: Any) -> None:
    """From here on (writing the PDF), Ctrl-C stops at once."""
    if isinstance(interview.prompter, _HeldCtrlC):
        interview.prompter = interview.prompter.inner
    if sys.stdin.isatty():
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _finished(interview: Any, *, full: bool = True) -> None:
    """The scorecard when the analyst finished; a short note and how to resume otherwise."""
    from esj_review.interview.prompts import score_line
    from esj_review.report.terminal import make_console, scorecard_view

    console = make_console()
    if full:
        console.print(scorecard_view(interview.scorecard(), interview.rubric))
        console.print(
            _("Saved: %(path)s") % {"path": interview.path}, markup=False, highlight=False
        )
        return
    console.print(score_line(interview.scorecard()), markup=False, highlight=False)
    console.print(
        _("Saved: %(path)s. Resume with: esj-review resume %(path)s") % {"path": interview.path},
        markup=False,
        highlight=False,
    )


def _offer_report(interview: Any) -> None:
    """After "Finish and write the PDF report", write it (a pre-filled file never asks)."""
    from esj_review.interview.session import write_report

    if interview.finished and interview.wants_report:
        _ctrl_c_now(interview)
        written = write_report(interview)
        typer.echo(_("wrote %(path)s") % {"path": written}, err=True)


@app.command()
def new(
    output: Annotated[
        Path | None, typer.Argument(help="Review file to write (default: PROPOSAL-ID.yaml).")
    ] = None,
    rubric: Annotated[
        str | None, typer.Option("--rubric", help="Rubric id or file (default: king-county-esj).")
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="A review file whose answers pre-fill the interview."),
    ] = None,
) -> None:
    """Start a review: the interview asks each question and saves after every answer."""
    from esj_review.interview.session import new_review

    with _interview_ctrl_c() as prompter:
        interview = new_review(output, rubric, answers, prompter)
        _finished(interview, full=interview.finished or interview.scorecard().complete)
        _offer_report(interview)


@app.command()
def resume(
    review: Annotated[Path, typer.Argument(help="The review file to continue.")],
) -> None:
    """Continue a review where it stopped, from the section menu."""
    from esj_review.interview.session import resume_review

    with _interview_ctrl_c() as prompter:
        interview = resume_review(review, prompter)
        _finished(interview, full=interview.finished)
        _offer_report(interview)


@app.command()
def edit(
    review: Annotated[Path, typer.Argument(help="The review file to change.")],
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            help="Ask every question of one section, named by its menu number, id or title "
            "(2, scope or Scope).",
        ),
    ] = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            help="Ask one question (engagement_level, determinant_impacts.housing.direction), "
            "or change proposal.title (any proposal field), meta.reviewer or rubric.enable.",
        ),
    ] = None,
) -> None:
    """Change answers in a review and see how the score moves."""
    from esj_review.interview.session import edit_review

    if section and question:
        raise typer.BadParameter(_("give --section or --question, not both"))
    with _interview_ctrl_c() as prompter:
        interview, before = edit_review(review, section, question, prompter)
    after = interview.scorecard()
    _finished(interview)
    _offer_report(interview)

    def show(card: Any) -> str:
        return _("incomplete") if card.score is None else f"{card.score:g} ({card.band.label})"

    typer.echo(_("Score: %(before)s -> %(after)s") % {"before": show(before), "after": show(after)})
