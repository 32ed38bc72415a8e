"""The interactive interview: a section menu, autosave after every answer, a live scorecard.

This is the only module that imports questionary, and only `QuestionaryPrompter` touches it:
the interview itself talks to a `Prompter`, so tests can answer it from a list.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from esj_review.core.answers import Slot, answer_parts
from esj_review.core.errors import EsjError, ExitCode, UsageError
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import (
    Review,
    answer_at,
    aside_paths,
    save_review,
    set_value,
    tidy_hidden,
)
from esj_review.core.rubric import Rubric, Section
from esj_review.core.scoring import Scorecard, score
from esj_review.interview.prompts import (
    Option,
    PromptSpec,
    answer_from,
    means_something,
    score_line,
    section_state,
    spec_for,
)
from esj_review.interview.reviewer import ask_reviewer, reviewer_line
from esj_review.report.terminal import make_console, scorecard_view

NO_TERMINAL = (
    "interactive session required: this command asks questions, but standard input is not a "
    "terminal. Fill a review from a file with `esj-review new OUTPUT --answers FILE`, or check "
    "and score a review file with `esj-review validate FILE` and `esj-review score FILE`."
)


class InteractiveRequired(UsageError):
    """The interview needs a terminal and has none."""

    def __init__(self) -> None:
        super().__init__(NO_TERMINAL)


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


class Interview:
    """One analyst filling in or revising one review, saved after every answer."""

    def __init__(self, rubric: Rubric, review: Review, path: Path, prompter: Prompter) -> None:
        self.rubric = rubric
        self.review = review
        self.path = path
        self.prompter = prompter
        self._item_seen: str | None = None
        self._last_section: str | None = None
        self.finished = False  # True once the analyst chose Finish on the review screen

    # --- saving and scoring ---------------------------------------------------------------

    def save(self) -> None:
        """Write the review atomically."""
        save_review(self.review, self.path)

    def scorecard(self) -> Scorecard:
        """The live score: the same function `esj-review score` calls."""
        return score(self.rubric, self.review)

    # --- asking ---------------------------------------------------------------------------

    def ask_slot(self, slot: Slot) -> None:
        """Ask one question, store the answer, keep hidden answers aside, save."""
        if slot.parent is not None and slot.item != self._item_seen:
            self._item_seen = slot.item
            self.prompter.show(self._item_heading(slot))
        spec = spec_for(self.rubric, slot.question, slot.path, slot.value, self.review.enabled)
        try:
            raw = self.prompter.ask(spec)
        except InterruptedTyping as stop:
            self._keep_typed(spec, stop.typed)
            raise
        value = answer_from(spec, raw)
        problem = None if value is None else spec.check(value)
        if problem:  # a prompter that validates will never get here
            self.prompter.show(Text(f"  Not saved: {problem}", style="red"))
            return
        set_value(self.review, slot.path, value)
        moved, restored = tidy_hidden(self.rubric, self.review)
        for path in moved:
            self.prompter.show(
                Text(f"  Kept aside, not scored (now hidden): {self._prompt(path)}", style="dim")
            )
        for path in restored:
            self.prompter.show(Text(f"  Brought back your earlier answer: {self._prompt(path)}"))
        self.save()

    def _keep_typed(self, spec: PromptSpec, typed: str) -> None:
        """Ctrl-C while typing a first answer: keep the text when it is one, else show it."""
        if typed.strip() == "" or typed == spec.text_default():
            return
        problem = "kept the earlier answer" if spec.default is not None else spec.text_error(typed)
        if problem is not None:
            self.prompter.show(Text(f"\n  Not saved ({problem}); you typed:\n{typed}", "yellow"))
            return
        set_value(self.review, spec.path, answer_from(spec, typed))
        tidy_hidden(self.rubric, self.review)
        self.save()
        self.prompter.show(Text(f"\n  Kept what you typed as the answer: {spec.message}", "yellow"))

    def _prompt(self, path: str) -> str:
        slot = next((s for s in self.review.slots(self.rubric) if s.path == path), None)
        return slot.question.prompt if slot else path

    def _item_heading(self, slot: Slot) -> Text:
        assert slot.parent is not None
        chosen = answer_at(self.review, slot.parent.over or "")
        chosen = chosen if isinstance(chosen, list) else []
        item = slot.item or ""
        label = self.rubric.item_label(slot.parent, item, self.review.enabled)
        n = chosen.index(item) + 1 if item in chosen else 0
        return Text(f"\n{n} of {len(chosen)}: {label}", "bold")

    def ask_section(self, section: Section, *, only_missing: bool) -> None:
        """Ask a section's shown questions in order (only the unanswered ones, if asked so)."""
        self.prompter.show(Text(f"\n{section.title}", style="bold underline"))
        if section.description:
            self.prompter.show(Text(section.description, style="dim"))
        asked: set[str] = set()
        self._item_seen = None
        while True:
            slot = next(
                (
                    s
                    for s in self.review.slots(self.rubric)
                    if s.section.id == section.id
                    and s.visible
                    and not isinstance(s.question, RepeatQuestion)
                    and s.path not in asked
                    and not (only_missing and s.answered)
                ),
                None,
            )
            if slot is None:
                return
            asked.add(slot.path)
            self.ask_slot(slot)

    # --- navigation -----------------------------------------------------------------------

    def section_states(self) -> dict[str, str]:
        """Each section's state, for the menu."""
        slots = self.review.slots(self.rubric)
        return {
            s.id: section_state([x for x in slots if x.section.id == s.id])
            for s in self.rubric.sections
        }

    def menu(self) -> Scorecard:
        """The section menu, until the analyst finishes or quits; returns the final scorecard."""
        while True:
            states = self.section_states()
            options = [
                Option(f"{n}. {s.title} · {states[s.id]}", ("section", s.id))
                for n, s in enumerate(self.rubric.sections, 1)
            ]
            options += [
                Option("Change one answer…", ("change", "")),
                Option(reviewer_line(self), ("reviewer", "")),
                Option("Review every answer and the score", ("review", "")),
                Option("Save and quit (resume later)", ("quit", "")),
            ]
            pending = self._next_pending(states)
            default = ("section", pending) if pending else ("review", "")
            message = f"Sections · {score_line(self.scorecard())}"
            action, target = self.prompter.choose(message, options, default)
            if action == "section":
                section = next(s for s in self.rubric.sections if s.id == target)
                self.ask_section(section, only_missing=states[target] != "done")
                self._last_section = target
            elif action == "change":
                self.change_one()
            elif action == "reviewer":
                ask_reviewer(self, again=True)
            elif action == "review":
                self.prompter.show(self.review_screen())
                done = self.prompter.choose(
                    "Finished?",
                    [Option("Finish", True), Option("Back to the sections", False)],
                    True,
                )
                if done:
                    self.finished = True
                    return self.scorecard()
            else:
                return self.scorecard()

    def _next_pending(self, states: dict[str, str]) -> str | None:
        """The first unfinished section after the one last visited (so a skip moves on)."""
        ids = [s.id for s in self.rubric.sections]
        start = ids.index(self._last_section) + 1 if self._last_section in ids else 0
        order = ids[start:] + ids[:start]
        return next((i for i in order if states[i] != "done"), None)

    def ask_with_followups(self, slot: Slot) -> None:
        """Ask one question, then any question its answer newly brought into view."""
        before = {s.path for s in self.review.slots(self.rubric) if s.visible}
        self.ask_slot(slot)
        for new in self.review.slots(self.rubric):
            if (
                new.visible
                and new.path not in before
                and not new.answered
                and not isinstance(new.question, RepeatQuestion)
            ):
                self.ask_slot(new)

    def change_one(self) -> None:
        """Pick any shown question and answer it again."""
        slots = [
            s
            for s in self.review.slots(self.rubric)
            if s.visible and not isinstance(s.question, RepeatQuestion)
        ]
        options = [Option(self._slot_label(s), s.path) for s in slots]
        options.append(Option("Back", None))
        path = self.prompter.choose("Which answer?", options, None)
        slot = next((s for s in slots if s.path == path), None)
        if slot is not None:
            self._item_seen = None
            self.ask_with_followups(slot)

    def _slot_label(self, slot: Slot) -> str:
        item = f" [{slot.item}]" if slot.item else ""
        mark = "" if slot.answered else "  (unanswered)"
        return f"{slot.section.title}{item}: {slot.question.prompt}{mark}"

    def review_screen(self) -> RenderableType:
        """Every answer, section by section, then the live scorecard."""
        from rich.console import Group

        parts: list[RenderableType] = []
        slots = self.review.slots(self.rubric)
        for section in self.rubric.sections:
            table = Table.grid(padding=(0, 2))
            table.title = f"\n{section.title}"
            table.title_justify = "left"
            table.title_style = "bold underline"
            table.add_column(ratio=1)
            table.add_column(ratio=1)
            item = None
            for slot in slots:
                if slot.section.id != section.id or not slot.visible:
                    continue
                if isinstance(slot.question, RepeatQuestion):
                    continue
                if slot.item != item and slot.item is not None:
                    table.add_row(self._item_heading(slot), Text(""))
                item = slot.item
                table.add_row(Text(slot.question.prompt), self._answer_text(slot))
            parts.append(table)
        aside = aside_paths(self.review)
        if aside:
            parts.append(
                Text("Kept aside, not scored (their questions are hidden): " + ", ".join(aside))
            )
        parts.append(scorecard_view(self.scorecard(), self.rubric))
        return Group(*parts)

    def _answer_text(self, slot: Slot) -> Text:
        if not slot.answered:
            return Text("gap" if slot.question.required else "-", style="yellow")
        parts = answer_parts(self.rubric, slot.question, slot.value, self.review.enabled)
        text = ", ".join(parts)
        return Text(text if len(text) < 200 else text[:199] + "…")
