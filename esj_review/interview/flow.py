"""The interview: asking questions, section by section, saving after every answer.

The interview talks to a `Prompter` (interview.prompter), never to a terminal, so tests can
answer it from a list. What an answer means here:

- **Skip** (Enter on "Skip for now", an empty text, nothing ticked the first time) leaves an
  unanswered question unanswered: a required one stays a gap, an optional one is noted as
  passed over (`meta.passed`) so it is not asked again unasked. Skip on a question that has
  an answer keeps that answer; clearing one is its own choice (interview.navigate).
- Answers carry forward: a repeated question marked `carry_forward` offers the answer given
  for the previous item, and a list marked `narrow_to` offers, ticked, what was chosen in the
  list it names.
- A section with optional questions first offers to leave them blank.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from rich.text import Text

from esj_review.core.answers import Slot, answer_parts
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext
from esj_review.core.qtypes.base import Option, PromptSpec
from esj_review.core.qtypes.date import past_note
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import (
    Review,
    answer_at,
    clear_answer,
    pass_over,
    save_review,
    set_value,
    tidy_hidden,
)
from esj_review.core.rubric import Rubric, Section
from esj_review.core.scoring import Scorecard, score
from esj_review.interview.prompter import InterruptedTyping, Prompter
from esj_review.interview.prompts import answer_from, section_done, section_state, spec_for

Pace = Literal["all", "required"]


class Interview:
    """One analyst filling in or revising one review, saved after every answer."""

    def __init__(self, rubric: Rubric, review: Review, path: Path, prompter: Prompter) -> None:
        self.rubric = rubric
        self.review = review
        self.path = path
        self.prompter = prompter
        self.pace: Pace = "all"  # "required": optional questions are left blank, not asked
        self._item_seen: str | None = None
        self.last_section: str | None = None
        self.finished = False  # True once the analyst chose Finish on the review screen
        self.wants_report = False  # ... and asked for the PDF report with it

    # --- saving and scoring ---------------------------------------------------------------

    def save(self) -> None:
        """Write the review atomically."""
        save_review(self.review, self.path)

    def scorecard(self) -> Scorecard:
        """The live score: the same function `esj-review score` calls."""
        return score(self.rubric, self.review)

    def slots(self) -> list[Slot]:
        """The questions that can be asked, as they stand: shown and not a repeat's header."""
        return [
            s
            for s in self.review.slots(self.rubric)
            if s.visible and not isinstance(s.question, RepeatQuestion)
        ]

    # --- asking one question --------------------------------------------------------------

    def spec(self, slot: Slot) -> PromptSpec:
        """The prompt for `slot`, with what earlier answers suggest as its default."""
        spec = spec_for(self.rubric, slot.question, slot.path, slot.value, self.review.enabled)
        narrow = getattr(slot.question, "narrow_to", "")
        if narrow and spec.widget == "checkbox":
            chosen = answer_at(self.review, narrow)
            if isinstance(chosen, list) and chosen:
                keep = set(chosen) | set(spec.default or [])
                options = tuple(o for o in spec.options if o.value in keep)
                spec = dataclasses.replace(spec, options=options)
                if not slot.answered and slot.path not in self.review.meta.passed:
                    spec = dataclasses.replace(spec, default=list(chosen))
        if slot.question.carry_forward and not slot.answered:
            earlier = self._carried(slot)
            if earlier is not None:
                label, value = earlier
                message = _("%(prompt)s [as for %(item)s]")
                message %= {"prompt": spec.message, "item": label}
                spec = dataclasses.replace(spec, default=value, message=message)
        return spec

    def _carried(self, slot: Slot) -> tuple[str, Any] | None:
        """The answer to the same question for the nearest earlier item of the repeat."""
        found: tuple[str, Any] | None = None
        for other in self.review.slots(self.rubric):
            if other.path == slot.path:
                break
            if (
                other.parent is slot.parent
                and other.question.id == slot.question.id
                and other.visible
                and other.answered
            ):
                assert slot.parent is not None
                label = self.rubric.item_label(slot.parent, other.item or "", self.review.enabled)
                found = (label, other.value)
        return found

    def ask_slot(self, slot: Slot) -> None:
        """Ask one question, store the answer, keep hidden answers aside, save."""
        if slot.parent is not None and slot.item != self._item_seen:
            self._item_seen = slot.item
            self.prompter.show(self.item_heading(slot))
        spec = self.spec(slot)
        try:
            raw = self.prompter.ask(spec)
        except InterruptedTyping as stop:
            self._keep_typed(spec, stop.typed)
            raise
        value = answer_from(spec, raw)
        problem = None if value is None else spec.check(value)
        if problem:  # a prompter that validates will never get here
            shown = _("Not saved: %(problem)s") % {"problem": problem}
            self.prompter.show(Text("  " + shown, style="red"))
            return
        if value is None:
            self._skipped(slot, spec, raw)
        else:
            set_value(self.review, slot.path, value)
            self._echo(slot, value)
        self.tidy()
        self.save()

    def _skipped(self, slot: Slot, spec: PromptSpec, raw: Any) -> None:
        """Skip: keep an answer already given (an emptied optional list clears it); leave an
        unanswered question unanswered, noting an optional one as passed over."""
        if not slot.answered:
            if not slot.question.required:
                pass_over(self.review, slot.path)
            elif spec.widget == "checkbox":
                nothing = _("Nothing ticked: left unanswered for now.")
                self.prompter.show(Text("  " + nothing, "yellow"))
            return
        if spec.widget == "checkbox" and raw == [] and not slot.question.required:
            clear_answer(self.review, slot.path)
            kept = _("Nothing ticked: the earlier ticks are kept aside.")
            self.prompter.show(Text("  " + kept, "dim"))
            return
        self.prompter.show(Text("  " + _("Kept the earlier answer."), style="dim"))

    def _echo(self, slot: Slot, value: Any) -> None:
        """What was ticked, in words (the widget only says how many); a date in the past."""
        q = slot.question
        if isinstance(value, list):
            parts = answer_parts(self.rubric, q, value, self.review.enabled)
            ticked = _("Ticked: %(choices)s") % {"choices": "; ".join(parts)}
            self.prompter.show(Text("  " + ticked, style="dim"))
        elif q.type == "date" and isinstance(value, str) and past_note(value):
            note = _("Note: %(date)s is in the past.") % {"date": value}
            self.prompter.show(Text("  " + note, style="yellow"))

    def tidy(self) -> None:
        """Keep answers whose question is now hidden aside; bring back ones shown again."""
        moved, restored = tidy_hidden(self.rubric, self.review)
        for path in moved:
            aside = _("Kept aside, not scored (now hidden): %(prompt)s")
            self.prompter.show(Text("  " + aside % {"prompt": self.prompt(path)}, style="dim"))
        for path in restored:
            back = _("Brought back your earlier answer: %(prompt)s")
            self.prompter.show(Text("  " + back % {"prompt": self.prompt(path)}))

    def _keep_typed(self, spec: PromptSpec, typed: str) -> None:
        """Ctrl-C while typing a first answer: keep the text when it is one, else show it."""
        if typed.strip() == "" or typed == spec.text_default():
            return
        problem = (
            _("kept the earlier answer") if spec.default is not None else spec.text_error(typed)
        )
        if problem is not None:
            lost = _("Not saved (%(problem)s); you typed:") % {"problem": problem}
            self.prompter.show(Text(f"\n  {lost}\n{typed}", "yellow"))
            return
        set_value(self.review, spec.path, answer_from(spec, typed))
        tidy_hidden(self.rubric, self.review)
        self.save()
        kept = _("Kept what you typed as the answer: %(prompt)s") % {"prompt": spec.message}
        self.prompter.show(Text(f"\n  {kept}", "yellow"))

    def prompt(self, path: str) -> str:
        """The question asked at `path` (the path itself when it has none)."""
        slot = next((s for s in self.review.slots(self.rubric) if s.path == path), None)
        return slot.question.prompt if slot else path

    def item_heading(self, slot: Slot) -> Text:
        """ "2 of 3: Housing" above a repeated item's questions."""
        assert slot.parent is not None
        chosen = answer_at(self.review, slot.parent.over or "")
        chosen = chosen if isinstance(chosen, list) else []
        item = slot.item or ""
        label = self.rubric.item_label(slot.parent, item, self.review.enabled)
        n = chosen.index(item) + 1 if item in chosen else 0
        heading = _("%(n)d of %(total)d: %(item)s") % {"n": n, "total": len(chosen), "item": label}
        return Text("\n" + heading, "bold")

    # --- sections -------------------------------------------------------------------------

    def _by_section(self) -> Iterator[tuple[str, list[Slot], set[str]]]:
        """Each section's id, its slots and the questions passed over (one walk)."""
        slots = self.review.slots(self.rubric)
        passed = set(self.review.meta.passed)
        for s in self.rubric.sections:
            yield s.id, [x for x in slots if x.section.id == s.id], passed

    def section_states(self) -> dict[str, str]:
        """Each section's state, for the menu."""
        return {sid: section_state(slots, passed) for sid, slots, passed in self._by_section()}

    def done_sections(self) -> set[str]:
        """The ids of the sections with nothing left to see (the menu says "done")."""
        return {sid for sid, slots, passed in self._by_section() if section_done(slots, passed)}

    def pending(self) -> list[Section]:
        """Sections not done, starting after the one last visited (so a skip moves on)."""
        done = self.done_sections()
        ids = [s.id for s in self.rubric.sections]
        start = ids.index(self.last_section) + 1 if self.last_section in ids else 0
        order = self.rubric.sections[start:] + self.rubric.sections[:start]
        return [s for s in order if s.id not in done]

    def _unseen(self, section: Section) -> list[Slot]:
        passed = set(self.review.meta.passed)
        return [
            s
            for s in self.slots()
            if s.section.id == section.id and not s.answered and s.path not in passed
        ]

    def ask_section(self, section: Section, *, only_missing: bool) -> None:
        """Ask a section's shown questions in order (only those not yet answered or passed
        over, if asked so); first offer to leave its optional questions blank."""
        number = self.rubric.sections.index(section) + 1
        total = len(self.rubric.sections)
        heading = _("%(n)d of %(total)d: %(title)s") % {
            "n": number,
            "total": total,
            "title": section.title,
        }
        self.prompter.show(Text("\n" + heading, style="bold underline"))
        if section.description:
            self.prompter.show(Text(section.description, style="dim"))
        self.last_section = section.id
        leave_optional = self.pace == "required" or (
            only_missing and self._offer_to_leave_optional(section)
        )
        asked: set[str] = set()
        self._item_seen = None
        passed = set(self.review.meta.passed)
        while True:
            slot = next(
                (
                    s
                    for s in self.slots()
                    if s.section.id == section.id
                    and s.path not in asked
                    and not (only_missing and (s.answered or s.path in passed))
                ),
                None,
            )
            if slot is None:
                return
            asked.add(slot.path)
            if leave_optional and not slot.question.required:
                if not slot.answered:
                    pass_over(self.review, slot.path)
                    self.save()
                continue
            self.ask_slot(slot)

    def _offer_to_leave_optional(self, section: Section) -> bool:
        """With two or more optional questions to go (or only optional ones), ask whether to
        answer them; True to leave them blank."""
        unseen = self._unseen(section)
        optional = sum(1 for s in unseen if not s.question.required)
        required = len(unseen) - optional
        if optional < 2 and not (optional and not required):
            return False
        optional_text = ngettext(
            "%(num)d optional question", "%(num)d optional questions", optional
        ) % {"num": optional}
        if required:
            required_text = ngettext(
                "%(num)d required question", "%(num)d required questions", required
            ) % {"num": required}
            message = _("%(section)s: %(required)s and %(optional)s") % {
                "section": section.title,
                "required": required_text,
                "optional": optional_text,
            }
            skip = ngettext(
                "Only the %(num)d required; leave the optional ones blank",
                "Only the %(num)d required; leave the optional ones blank",
                required,
            ) % {"num": required}
        else:
            message = _("%(section)s: %(optional)s") % {
                "section": section.title,
                "optional": optional_text,
            }
            skip = _("Leave them blank (the menu can ask them later)")
        answer_all = _("Answer it")
        if len(unseen) > 1:
            answer_all = ngettext("Answer all %(num)d", "Answer all %(num)d", len(unseen)) % {
                "num": len(unseen)
            }
        leave: bool = self.prompter.choose(
            message, [Option(answer_all, False), Option(skip, True)], False
        )
        return leave

    def walk(self) -> None:
        """Go through every section not yet done, in order, asking what is missing."""
        for section in self.pending():
            if section.id not in self.done_sections():  # an earlier answer may finish it
                self.ask_section(section, only_missing=True)
