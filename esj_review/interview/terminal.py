"""The interview on a real terminal, drawn with questionary (the only module importing it).

Everything drawn fits the terminal's width: a prompt too long for its line is printed by rich
(which wraps at words) above a short widget line, a choice label too long for its row is
shortened at a word with "…" and shown whole as the highlighted choice's description, and
descriptions are wrapped at words. Something long (the review screen) goes through a pager.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import RenderableType
from rich.padding import Padding
from rich.text import Text

from esj_review.core.i18n import ui as _
from esj_review.interview.prompter import InteractiveRequired, InterruptedTyping
from esj_review.interview.prompts import SKIP, Option, PromptSpec, means_something
from esj_review.report.terminal import make_console

MARGIN = 4
"""Columns kept free at the right of a prompt line (the terminal may wrap on the last one)."""
CHOICE_INDENT = 6
"""Columns before and after a choice's label: the pointer " » " and a checkbox's "○ ", and
one free column at the right edge."""
DESCRIPTION_PREFIX = "  Description: "
"""What questionary writes before the highlighted choice's description."""
TYPING_ROOM = 10
"""Columns a one-line text box keeps for the answer after its prompt."""
ELLIPSIS = "…"


def shorten(label: str, width: int) -> str:
    """`label` in at most `width` columns: cut at the last word that fits, with "…"; a single
    word too long for the width is cut inside it, as there is no better place."""
    if len(label) <= width:
        return label
    room = max(width - len(ELLIPSIS), 1)
    cut = label[: room + 1].rfind(" ")  # a space just after the room still ends a word
    head = label[:cut] if cut > 0 else label[:room]
    return head.rstrip(" ,;:·-–—(") + ELLIPSIS


def wrap_description(description: str, width: int) -> str:
    """A description for questionary, broken with newlines at words so that every line of
    `DESCRIPTION_PREFIX + description` fits `width` columns; later lines are indented under
    the first. The description's own line breaks are kept."""
    indent = " " * len(DESCRIPTION_PREFIX)
    if width - len(indent) < 20:  # a narrow terminal: use the whole line after the first
        indent = "  "
    lines: list[str] = []
    for n, paragraph in enumerate(description.splitlines() or [""]):
        first = " " * len(DESCRIPTION_PREFIX) if n == 0 else indent
        wrapped = textwrap.wrap(
            paragraph,
            width=max(width, len(first) + 1),
            initial_indent=first,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
        lines += wrapped or [first]
    return "\n".join(lines)[len(DESCRIPTION_PREFIX) :]


def needs_own_line(message: str, instruction: str, width: int, extra: int = 0) -> bool:
    """Whether the prompt line `? message instruction` (with `extra` columns after it, for
    typing or the answer shown once answered) is too long for the terminal. prompt_toolkit
    would wrap it inside a word; rich prints it wrapped at words instead."""
    line = f"? {message} {instruction} ".rstrip() + " "
    return len(line) + extra > width - MARGIN or "\n" in message


def pager_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run: $PAGER (split like a shell would), else `less -R -F -X` (colours,
    quit at once when it fits one screen, leave the text on the screen), else None."""
    env = os.environ if environ is None else environ
    configured = env.get("PAGER", "").strip()
    if configured:
        try:
            return shlex.split(configured) or None
        except ValueError:  # unbalanced quotes: not a command we can run
            return None
    less = shutil.which("less")
    return [less, "-R", "-F", "-X"] if less else None


def run_pager(command: list[str], text: str) -> bool:
    """Feed `text` to the pager on its standard input; False when it could not start or did
    not end well (the caller prints instead). Ctrl-C belongs to the pager while it runs."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    data = text.encode(encoding, errors="replace")
    try:
        sys.stdout.flush()
        process = subprocess.Popen(command, stdin=subprocess.PIPE)
    except (OSError, ValueError):
        return False
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        try:
            process.communicate(data)
        except (BrokenPipeError, OSError):  # the pager quit before reading everything
            process.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return process.returncode == 0


class QuestionaryPrompter:
    """Asks on the terminal with questionary; Ctrl-C and Ctrl-D raise KeyboardInterrupt.
    A result the widget cannot mean (Esc+Enter on a menu returns "") asks again."""

    def __init__(self) -> None:
        self.console = make_console()

    def _require_terminal(self) -> None:
        if not sys.stdin.isatty():
            raise InteractiveRequired()

    def _heading(self, message: str, instruction: str) -> None:
        """The prompt on its own lines, wrapped at words, above a short widget line."""
        heading = Text("? ", style="bold green")
        heading.append(message, style="bold")
        if instruction:
            heading.append(f"  {instruction}", style="dim")
        self.console.print(heading)

    def _placed(
        self, message: str, hint: str, extra: int = 0, shown: str = ""
    ) -> tuple[str, str, bool]:
        """Where the prompt goes: (message, qmark) for questionary when `message` and `hint`
        fit one line with `extra` columns to spare; else the prompt is printed above, wrapped at
        words (with `shown`, the hint it keeps), and the widget line is a bare arrow; the last
        item says whether the prompt stayed on the widget's line."""
        if not needs_own_line(message, hint, self.console.width, extra):
            return message, "?", True
        self._heading(message, shown)
        return "", "›", False

    def _choices(self, questionary: Any, options: Sequence[Option], chosen: Any = ()) -> Any:
        width = self.console.width
        return [
            _choice(questionary, o, width - CHOICE_INDENT, width, checked=o.value in chosen)
            for o in options
        ]

    def ask(self, spec: PromptSpec) -> Any:
        """Draw the widget for `spec` and wait for the answer."""
        import questionary

        self._require_terminal()
        if spec.help:
            # indented as a block, so its wrapped lines stay under its first
            why = _("Why we ask: %(help)s") % {"help": spec.help}
            self.console.print(Padding(Text(why, style="dim"), (0, 0, 0, 2)))
        if spec.widget == "text" and spec.multiline:
            # The message on its own line, so the typing area gets the full width.
            self._heading(spec.message, spec.instruction)
            question = questionary.text(
                "",
                qmark="›",
                default=spec.text_default(),
                multiline=True,
                instruction=_("(Finish with 'Alt+Enter' or 'Esc then Enter')\n>"),
                validate=lambda raw: spec.text_error(raw) or True,
                key_bindings=_keep_typing(),
            )
        elif spec.widget == "text":
            message, qmark, inline = self._placed(
                spec.message, spec.instruction, TYPING_ROOM, spec.instruction
            )
            question = questionary.text(
                message,
                qmark=qmark,
                default=spec.text_default(),
                instruction=spec.instruction if inline else None,
                validate=lambda raw: spec.text_error(raw) or True,
                key_bindings=_keep_typing(),
            )
        elif spec.widget == "select":
            question = self._select(questionary, spec.message, spec.options, _pointer(spec))
        elif spec.widget == "checkbox":
            chosen = list(spec.default or [])
            choices = self._choices(questionary, spec.options, chosen)
            answered = max((len(c.title) + 2 for c in choices), default=0)
            message, qmark, inline = self._placed(
                spec.message, spec.instruction, answered, spec.instruction
            )
            question = questionary.checkbox(
                message,
                qmark=qmark,
                choices=choices,
                instruction=spec.instruction if inline else "",
                validate=lambda values: (spec.check(values) if values else None) or True,
            )
        else:
            default = bool(spec.default) if spec.default is not None else False
            message, qmark, _inline = self._placed(spec.message, "(y/N)")  # questionary's keys
            question = questionary.confirm(message, qmark=qmark, default=default)
        while True:
            raw = _unsafe_ask(question)
            if means_something(spec.widget, raw, spec.options):
                return raw

    def _select(
        self, questionary: Any, message: str, options: Sequence[Option], default: Any
    ) -> Any:
        """A select list whose prompt, labels and descriptions fit the terminal's width."""
        choices = self._choices(questionary, options)
        answered = max((len(c.title) for c in choices), default=0)
        hint = _("(Use arrow keys)")
        shown, qmark, _inline = self._placed(message, hint, answered)
        return questionary.select(
            shown,
            qmark=qmark,
            instruction=hint,
            choices=choices,
            default=default,
            show_description=True,
        )

    def choose(self, message: str, options: Sequence[Option], default: Any = None) -> Any:
        """A select menu."""
        import questionary

        self._require_terminal()
        while True:
            raw = _unsafe_ask(self._select(questionary, message, options, default))
            if means_something("select", raw, options):
                return raw

    def show(self, item: RenderableType) -> None:
        """Print with rich (NO_COLOR respected)."""
        self.console.print(item)

    def page(self, item: RenderableType) -> None:
        """Print something long through a pager when standard output is a terminal ($PAGER,
        else `less -R -F -X`), so its start is not lost; printed as is otherwise, or when the
        pager cannot start or fails."""
        command = pager_command() if sys.stdout.isatty() else None
        if command is not None:
            with self.console.capture() as capture:  # ANSI styles, at the console's width
                self.console.print(item)
            if run_pager(command, capture.get()):
                return
        self.console.print(item)


def _pointer(spec: PromptSpec) -> Any:
    """Where a select list's pointer starts: on the current answer; with none, on "Skip for
    now", so Enter on a list nobody touched skips rather than recording the first choice."""
    if any(o.value == spec.default for o in spec.options):
        return spec.default
    if spec.default is None and any(o.value is SKIP for o in spec.options):
        return SKIP
    return None


def _unsafe_ask(question: Any) -> Any:
    """Ask; Ctrl-D (end of input on a terminal) stops the interview like Ctrl-C."""
    try:
        return question.unsafe_ask()
    except EOFError:
        raise KeyboardInterrupt from None


def _keep_typing() -> Any:
    """Ctrl-C in a text box stops with what was typed (InterruptedTyping), not without it."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()
    bindings.add("c-c", eager=True)(
        lambda event: event.app.exit(exception=InterruptedTyping(event.app.current_buffer.text))
    )
    return bindings


def _choice(
    questionary: Any, option: Option, label_width: int, width: int, checked: bool = False
) -> Any:
    """A choice whose label fits `label_width` columns; a shortened label is shown whole, with
    the option's description, under the list while the choice is highlighted."""
    title = shorten(option.label, label_width)
    parts = [option.label] if title != option.label else []
    if option.description:
        parts.append(option.description)
    description = wrap_description("\n".join(parts), width - 1) if parts else None
    return questionary.Choice(title, value=option.value, checked=checked, description=description)
