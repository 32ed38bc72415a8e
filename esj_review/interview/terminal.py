"""The interview on a real terminal, drawn with questionary (the only module importing it)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from esj_review.interview.prompter import InteractiveRequired, InterruptedTyping
from esj_review.interview.prompts import Option, PromptSpec, means_something
from esj_review.report.terminal import make_console


class QuestionaryPrompter:
    """Asks on the terminal with questionary; Ctrl-C and Ctrl-D raise KeyboardInterrupt.
    A result the widget cannot mean (Esc+Enter on a menu returns "") asks again."""

    def __init__(self) -> None:
        self.console = make_console()

    def _require_terminal(self) -> None:
        if not sys.stdin.isatty():
            raise InteractiveRequired()

    def ask(self, spec: PromptSpec) -> Any:
        """Draw the widget for `spec` and wait for the answer."""
        import questionary

        self._require_terminal()
        if spec.help:
            self.console.print(Text(f"  Why we ask: {spec.help}", style="dim"))
        if spec.widget == "text" and spec.multiline:
            # The message on its own line, so the typing area gets the full width.
            heading = Text("? ", style="bold green")
            heading.append(spec.message, style="bold")
            heading.append(f"  {spec.instruction}", style="dim")
            self.console.print(heading)
            question = questionary.text(
                "",
                qmark="›",
                default=spec.text_default(),
                multiline=True,
                validate=lambda raw: spec.text_error(raw) or True,
                key_bindings=_keep_typing(),
            )
        elif spec.widget == "text":
            question = questionary.text(
                spec.message,
                default=spec.text_default(),
                instruction=spec.instruction,
                validate=lambda raw: spec.text_error(raw) or True,
                key_bindings=_keep_typing(),
            )
        elif spec.widget == "select":
            default = spec.default if any(o.value == spec.default for o in spec.options) else None
            question = questionary.select(
                spec.message,
                choices=[_choice(questionary, o) for o in spec.options],
                default=default,
                show_description=True,
            )
        elif spec.widget == "checkbox":
            chosen = set(spec.default or [])
            question = questionary.checkbox(
                spec.message,
                choices=[_choice(questionary, o, checked=o.value in chosen) for o in spec.options],
                instruction=spec.instruction,
                validate=lambda values: (spec.check(values) if values else None) or True,
            )
        else:
            question = questionary.confirm(
                spec.message, default=bool(spec.default) if spec.default is not None else False
            )
        while True:
            raw = _unsafe_ask(question)
            if means_something(spec.widget, raw, spec.options):
                return raw

    def choose(self, message: str, options: Sequence[Option], default: Any = None) -> Any:
        """A select menu."""
        import questionary

        self._require_terminal()
        while True:
            raw = _unsafe_ask(
                questionary.select(
                    message, choices=[_choice(questionary, o) for o in options], default=default
                )
            )
            if means_something("select", raw, options):
                return raw

    def show(self, item: RenderableType) -> None:
        """Print with rich (NO_COLOR respected)."""
        self.console.print(item)

    def page(self, item: RenderableType) -> None:
        """Print something long through a pager."""
        self.console.print(item)


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


def _choice(questionary: Any, option: Option, checked: bool = False) -> Any:
    return questionary.Choice(
        option.label, value=option.value, checked=checked, description=option.description or None
    )
