"""The seam between the interview and a terminal: the `Prompter` protocol and the ways an
interview stops (no terminal, Ctrl-C, Ctrl-C while typing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich.console import RenderableType

from esj_review.core.errors import EsjError, ExitCode, UsageError
from esj_review.core.i18n import N_
from esj_review.core.i18n import ui as _
from esj_review.interview.prompts import Option, PromptSpec

NO_TERMINAL = N_(
    "interactive session required: this command asks questions, but standard input is not a "
    "terminal. Fill a review from a file with `esj-review new OUTPUT --answers FILE`, or check "
    "and score a review file with `esj-review validate FILE` and `esj-review score FILE`."
)


class InteractiveRequired(UsageError):
    """The interview needs a terminal and has none."""

    def __init__(self) -> None:
        super().__init__(_(NO_TERMINAL))


class Interrupted(EsjError):
    """Ctrl-C: the answers so far are saved."""

    exit_code = ExitCode.INTERRUPTED


class InterruptedTyping(KeyboardInterrupt):
    """Ctrl-C in a text box: carries what was typed, so the interview can keep it."""

    def __init__(self, typed: str) -> None:
        super().__init__(typed)
        self.typed = typed


class Prompter(Protocol):
    """The one seam between the interview and a terminal."""

    def ask(self, spec: PromptSpec) -> Any:
        """Ask one question; return the widget's raw result (SKIP to leave it unanswered)."""

    def choose(self, message: str, options: Sequence[Option], default: Any = None) -> Any:
        """A menu: return the chosen option's value."""

    def show(self, item: RenderableType) -> None:
        """Put something on the screen."""

    def page(self, item: RenderableType) -> None:
        """Put something long on the screen, through a pager when there is one."""
