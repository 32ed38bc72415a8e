"""Moving around a review: the section menu, "Change one answer…" (which can also clear an
answer, or change the proposal, the reviewer and the rubric's optional parts), and the review
screen where the analyst finishes."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from esj_review.core.answers import Slot, answer_parts
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext
from esj_review.core.review import aside_paths, clear_answer
from esj_review.core.rubric import Rubric, Section
from esj_review.core.scoring import Scorecard
from esj_review.interview.flow import Interview, Pace
from esj_review.interview.prompts import Option, score_line
from esj_review.interview.proposal import change_options, change_proposal, options_line
from esj_review.interview.reviewer import ask_reviewer, reviewer_line
from esj_review.report.terminal import scorecard_view


def menu(interview: Interview) -> Scorecard:
    """The section menu, until the analyst finishes or quits; returns the final scorecard."""
    while True:
        states = interview.section_states()
        done = interview.done_sections()
        pending = interview.pending()
        options = []
        if pending:
            options.append(Option(_continue_line(interview, pending), ("continue", "")))
        entry = _("%(n)d. %(title)s · %(state)s")
        options += [
            Option(entry % {"n": n, "title": s.title, "state": states[s.id]}, ("section", s.id))
            for n, s in enumerate(interview.rubric.sections, 1)
        ]
        options += [
            Option(_("Change one answer…"), ("change", "")),
            Option(reviewer_line(interview), ("reviewer", "")),
            Option(_("Review every answer and the score"), ("review", "")),
            Option(_("Save and quit (resume later)"), ("quit", "")),
        ]
        default = ("continue", "") if pending else ("review", "")
        message = _("Sections · %(score)s") % {"score": score_line(interview.scorecard())}
        action, target = interview.prompter.choose(message, options, default)
        if action == "continue":
            interview.walk()
            if not interview.pending() and finish(interview):  # all done: the review screen
                return interview.scorecard()
        elif action == "section":
            section = next(s for s in interview.rubric.sections if s.id == target)
            interview.ask_section(section, only_missing=target not in done)
        elif action == "change":
            change_one(interview)
        elif action == "reviewer":
            ask_reviewer(interview, again=True)
        elif action == "review":
            if finish(interview):
                return interview.scorecard()
        else:
            return interview.scorecard()


def _continue_line(interview: Interview, pending: list[Section]) -> str:
    """The menu's first entry: the next section not done, and how many more there are."""
    first = pending[0]
    number = interview.rubric.sections.index(first) + 1
    more = len(pending) - 1
    if not more:
        return _("Continue: %(n)d. %(title)s") % {"n": number, "title": first.title}
    text = ngettext(
        "Continue: %(n)d. %(title)s and %(more)d more section",
        "Continue: %(n)d. %(title)s and %(more)d more sections",
        more,
    )
    return text % {"n": number, "title": first.title, "more": more}


def finish(interview: Interview) -> bool:
    """The review screen, then Finish (with or without the PDF report) or back; True when
    the analyst finished."""
    interview.prompter.page(review_screen(interview))
    target = interview.path.with_suffix(".pdf")
    choice = interview.prompter.choose(
        _("Finished? %(score)s") % {"score": score_line(interview.scorecard())},
        [
            Option(_("Finish and write the PDF report (%(file)s)") % {"file": target.name}, "pdf"),
            Option(_("Finish without the report (esj-review report can write it later)"), "done"),
            Option(_("Back to the sections"), "back"),
        ],
        "pdf",
    )
    if choice == "back":
        return False
    interview.finished = True
    interview.wants_report = choice == "pdf"
    return True


def intro(rubric: Rubric) -> RenderableType:
    """One screen before the first question: what the review holds and what the keys do."""
    titles = ", ".join(
        _("%(n)d. %(title)s") % {"n": n, "title": s.title} for n, s in enumerate(rubric.sections, 1)
    )
    keys = Table.grid(padding=(0, 2))
    for row in (
        ("↑ ↓", _("move in a list"), _("Space"), _("tick or untick")),
        (_("Enter"), _("choose, or keep what is shown"), _("Esc Enter"), _("end a long answer")),
        (_("Ctrl-C"), _("stop; every answer is already saved"), "", ""),
    ):
        keys.add_row(Text(row[0], "bold"), row[1], Text(row[2], "bold"), row[3])
    count = len(rubric.sections)
    sections = ngettext("%(num)d section: %(titles)s.", "%(num)d sections: %(titles)s.", count)
    heading = _("%(title)s (rubric %(id)s %(version)s)")
    hint = _(
        'Any question can be skipped for now ("Skip for now", or an empty answer): '
        "a required one stays a gap that the menu brings you back to. After Ctrl-C, "
        "esj-review resume FILE goes on where you stopped."
    )
    return Group(
        Text(heading % {"title": rubric.title, "id": rubric.id, "version": rubric.version}, "bold"),
        Text(sections % {"num": count, "titles": titles}),
        Text(_("Every answer is saved as soon as it is given.") + "\n"),
        keys,
        Text(f"\n{hint}\n", "dim"),
    )


def choose_pace(interview: Interview) -> Pace:
    """Every question, or the required ones first (optional ones stay blank for now)."""
    slots = interview.slots()
    required = sum(1 for s in slots if s.question.required and not s.answered)
    optional = sum(1 for s in slots if not s.question.required and not s.answered)
    count = len(interview.rubric.sections)
    how = ngettext(
        "How do you want to go through the %(num)d section?",
        "How do you want to go through the %(num)d sections?",
        count,
    )
    every = _("Every question, section by section (about %(num)d)")
    only = _("Only the required ones (about %(num)d); optional ones later")
    pace: Pace = interview.prompter.choose(
        how % {"num": count},
        [
            Option(every % {"num": required + optional}, "all"),
            Option(only % {"num": required}, "required"),
        ],
        "all",
    )
    return pace


# --- changing one answer ----------------------------------------------------------------


def change_one(interview: Interview) -> None:
    """Pick the proposal, the optional parts, the reviewer, or a section and then one of its
    questions (two short lists rather than one that does not fit a screen), and change it."""
    options = [Option(_proposal_line(interview), ("proposal", ""))]
    if interview.rubric.optional_items():
        options.append(Option(options_line(interview), ("options", "")))
    options.append(Option(reviewer_line(interview), ("reviewer", "")))
    slots = interview.slots()
    for n, section in enumerate(interview.rubric.sections, 1):
        count = sum(1 for s in slots if s.section.id == section.id)
        if count:
            label = ngettext(
                "%(n)d. %(title)s (%(num)d question)", "%(n)d. %(title)s (%(num)d questions)", count
            )
            label %= {"n": n, "title": section.title, "num": count}
            options.append(Option(label, ("section", section.id)))
    options.append(Option(_("Back"), ("back", "")))
    action, target = interview.prompter.choose(_("Which answer?"), options, ("back", ""))
    if action == "proposal":
        change_proposal(interview)
    elif action == "options":
        change_options(interview)
    elif action == "reviewer":
        ask_reviewer(interview, again=True)
    elif action == "section":
        shown = [s for s in slots if s.section.id == target]
        choices = [Option(slot_label(interview, s), s.path) for s in shown]
        choices.append(Option(_("Back"), None))
        path = interview.prompter.choose(_("Which question?"), choices, None)
        slot = next((s for s in shown if s.path == path), None)
        if slot is not None:
            change_answer(interview, slot)


def change_answer(interview: Interview, slot: Slot) -> None:
    """Change one answer (then ask what the new answer brings into view), or clear it: the
    old value is kept aside in the file, never scored, never lost."""
    if slot.answered:
        enabled = interview.review.enabled
        shown = "; ".join(answer_parts(interview.rubric, slot.question, slot.value, enabled))
        now = _("%(prompt)s (now: %(answer)s)")
        what = interview.prompter.choose(
            now % {"prompt": slot.question.prompt, "answer": shown[:120]},
            [
                Option(_("Change it"), "change"),
                Option(_("Clear it (kept aside in the file, not scored)"), "clear"),
                Option(_("Back"), "back"),
            ],
            "change",
        )
        if what == "back":
            return
        if what == "clear":
            clear_answer(interview.review, slot.path)
            interview.tidy()
            interview.save()
            cleared = _("Cleared; the old answer is kept aside.")
            if slot.question.required:
                cleared = _("Cleared; the old answer is kept aside. It is now a gap.")
            interview.prompter.show(Text("  " + cleared))
            return
    before = {s.path for s in interview.slots()}
    interview.ask_slot(slot)
    passed = set(interview.review.meta.passed)
    for new in interview.slots():
        if new.path not in before and not new.answered and new.path not in passed:
            interview.ask_slot(new)


def slot_label(interview: Interview, slot: Slot) -> str:
    """A question as the change list shows it: whether it is answered first (a long label is
    shortened at its end), then the item of a repeat, then the prompt."""
    question = slot.question.prompt
    if slot.parent is not None:
        label = interview.rubric.item_label(slot.parent, slot.item or "", interview.review.enabled)
        question = _("%(item)s: %(prompt)s") % {"item": label, "prompt": question}
    if slot.answered:
        return "  " + question
    mark = _("gap · %(question)s") if slot.question.required else _("blank · %(question)s")
    return mark % {"question": question}


def _proposal_line(interview: Interview) -> str:
    p = interview.review.proposal
    return _("Proposal: %(id)s, %(title)s") % {"id": p.id, "title": p.title}


# --- the review screen ------------------------------------------------------------------


def review_screen(interview: Interview) -> RenderableType:
    """Every answer, section by section, then the live scorecard."""
    parts: list[RenderableType] = []
    p = interview.review.proposal
    head = Table.grid(padding=(0, 2))
    head.add_column(ratio=1)
    head.add_column(ratio=2)
    kinds = {k.id: k.label for k in interview.rubric.proposal_kinds}
    kind = kinds.get(p.kind or "", p.kind)
    fields = (
        (_("Id"), p.id),
        (_("Title"), p.title),
        (_("Kind"), kind),
        (_("Department"), p.department),
    )
    for label, value in fields:
        head.add_row(Text(label), Text(value or "-"))
    parts.append(head)
    slots = interview.slots()
    for section in interview.rubric.sections:
        table = Table.grid(padding=(0, 2))
        table.title = f"\n{section.title}"
        table.title_justify = "left"
        table.title_style = "bold underline"
        table.add_column(ratio=1)
        table.add_column(ratio=1)
        item = None
        for slot in slots:
            if slot.section.id != section.id:
                continue
            if slot.item != item and slot.item is not None:
                table.add_row(interview.item_heading(slot), Text(""))
            item = slot.item
            table.add_row(Text(slot.question.prompt), _answer_text(interview, slot))
        parts.append(table)
    aside = aside_paths(interview.review)
    if aside:
        kept = _("Kept aside, not scored: %(paths)s") % {"paths": ", ".join(aside)}
        parts.append(Text("\n" + kept))
    parts.append(scorecard_view(interview.scorecard(), interview.rubric))
    return Group(*parts)


def _answer_text(interview: Interview, slot: Slot) -> Text:
    if not slot.answered:
        return Text(_("gap") if slot.question.required else "-", style="yellow")
    parts = answer_parts(interview.rubric, slot.question, slot.value, interview.review.enabled)
    return Text(", ".join(parts))  # whole: the screen goes through a pager


__all__ = ["change_answer", "finish", "menu", "review_screen"]
