"""The batch's progress bar: the one observer the command line wires to the batch."""

from __future__ import annotations

from typing import Any

from esj_review.core.i18n import ui as _
from esj_review.core.text import one_line
from esj_review.report.terminal import make_console


class BatchProgress:
    """Batch progress: a rich bar on a terminal, plain lines otherwise (both on stderr)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.console = make_console(stderr=True)
        self.live = self.console.is_terminal
        self.bar = (
            Progress(
                "{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            if self.live
            else None
        )
        self.task: Any = None
        self.n = 0
        self.total: int | None = None

    def start(self, total: int | None) -> None:
        """Show the bar (or nothing yet, for plain lines); with no total, a running count."""
        self.total = total
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task(_("Reviewing"), total=total)

    def done(self, outcome: Any) -> None:
        """Advance the bar, or print one line for the proposal."""
        self.n += 1
        if outcome.record is not None:
            r = outcome.record
            if r["score"] is None:
                line = (
                    _("[%(at)s] %(id)s: incomplete (unchanged)")
                    if outcome.reused
                    else _("[%(at)s] %(id)s: incomplete")
                )
            else:
                line = (
                    _("[%(at)s] %(id)s: %(score)s %(band)s (unchanged)")
                    if outcome.reused
                    else _("[%(at)s] %(id)s: %(score)s %(band)s")
                )
            line %= {
                "at": self.at(),
                "id": one_line(r["id"], 80),
                "score": f"{r['score']:g}" if r["score"] is not None else "",
                "band": one_line(r["band_label"], 80),
            }
        else:
            line = _("[%(at)s] %(source)s: failed (see errors.csv)") % {
                "at": self.at(),
                "source": one_line(outcome.source, 120),
            }
        if self.bar is not None:
            self.bar.advance(self.task)
        else:  # as written: no markup, no ":emoji:" codes, no wrapping (one_line made it safe)
            self.console.file.write(line + "\n")
            self.console.file.flush()

    def at(self) -> str:
        """`7/20`, or `7` when the total is not known."""
        return f"{self.n}/{self.total}" if self.total is not None else str(self.n)

    def stop(self) -> None:
        """Take the bar off the screen."""
        if self.bar is not None:
            self.bar.stop()
