"""The proposal block (id, title, kind, department) and the rubric's optional items: asked when
a review starts, and changed later from the menu or with `edit --question proposal.title`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from esj_review.core.i18n import ui as _
from esj_review.core.qtypes.base import SKIP
from esj_review.core.review import pass_over, tidy_hidden
from esj_review.core.rubric import Rubric
from esj_review.interview.flow import Interview
from esj_review.interview.prompter import Prompter
from esj_review.interview.prompts import Option, PromptSpec, answer_from

FIELDS = ("id", "title", "kind", "department")


def _limit(message: str, limit: int) -> Callable[[Any], str | None]:
    """A check that the value is 1 to `limit` characters long; `message` (a translated text
    with `%(limit)d`) says so."""
    return lambda value: (
        None if 0 < len(str(value).strip()) <= limit else message % {"limit": limit}
    )


def proposal_specs(rubric: Rubric, current: dict[str, Any]) -> dict[str, PromptSpec]:
    """The prompt for each proposal field, with its current value as the default."""
    kinds = tuple(Option(c.label, c.id) for c in rubric.proposal_kinds)
    return {
        "id": PromptSpec(
            "proposal.id",
            "text",
            _("Proposal id (used in file names and page headers)"),
            help=_("A short id, like DOT-2027-014."),
            required=True,
            check=_limit(_("id: 1 to %(limit)d characters"), 80),
            convert=str.strip,
            instruction=_("(for example DOT-2027-014)"),
            default=current.get("id"),
        ),
        "title": PromptSpec(
            "proposal.title",
            "text",
            _("Proposal title"),
            required=True,
            check=_limit(_("title: 1 to %(limit)d characters"), 300),
            convert=str.strip,
            default=current.get("title"),
        ),
        "kind": PromptSpec(
            "proposal.kind",
            "select",
            _("What kind of proposal is it?"),
            options=(*kinds, Option(_("Skip for now"), SKIP)),
            default=current.get("kind"),
        ),
        "department": PromptSpec(
            "proposal.department",
            "text",
            _("Department or office (optional)"),
            convert=str.strip,
            check=_limit(_("department: 1 to %(limit)d characters"), 200),
            default=current.get("department"),
        ),
    }


def ask_proposal(
    rubric: Rubric,
    known: dict[str, Any],
    prompter: Prompter,
    keys: tuple[str, ...] = FIELDS,
    store: Callable[[str, Any], None] | None = None,
    *,
    again: bool = False,
) -> dict[str, Any]:
    """Ask the proposal fields in `keys` missing from `known` (all of them, each with its
    current value as the default, when `again`); `store` saves each answer. A blank answer
    keeps the current value; the id and title cannot be left blank."""
    fields = dict(known)
    for key, spec in proposal_specs(rubric, fields).items():
        if key not in keys or (fields.get(key) and not again):
            continue
        while True:
            value = answer_from(spec, prompter.ask(spec))
            if value is not None or not spec.required or fields.get(key):
                break
            prompter.show(Text("  " + _("This one is needed to save the review."), "yellow"))
        if value is not None and value != fields.get(key):
            fields[key] = value
            if store is not None:
                store(key, value)
    return fields


def ask_optional_items(rubric: Rubric, prompter: Prompter, on: frozenset[str]) -> list[str]:
    """Offer the rubric's optional items (a determinant a review may switch on, say); `on`
    are those switched on now."""
    enabled = []
    for item in rubric.optional_items():
        about = f"{item.description} {item.note}" if item.note else item.description
        spec = PromptSpec(
            f"rubric.enable.{item.id}",
            "confirm",
            _("Include '%(item)s' (optional, off by default)?") % {"item": item.label},
            help=_("It can be added as an extra item: %(about)s") % {"about": about},
            default=item.id in on,
        )
        if prompter.ask(spec) is True:
            enabled.append(item.id)
    return enabled


def change_proposal(interview: Interview, keys: tuple[str, ...] = FIELDS) -> None:
    """Ask the proposal fields again, each with its current value; save each change."""
    known = interview.review.proposal.model_dump()
    ask_proposal(interview.rubric, known, interview.prompter, keys, _storing(interview), again=True)


def change_options(interview: Interview) -> None:
    """Switch the rubric's optional items on or off; answers they hid or showed move aside
    or come back, never lost."""
    chosen = ask_optional_items(interview.rubric, interview.prompter, interview.review.enabled)
    interview.review.rubric.enable = chosen
    interview.tidy()
    interview.save()


def options_line(interview: Interview) -> str:
    """The menu's entry for the optional items: which are on."""
    on = [i.label for i in interview.rubric.optional_items() if i.id in interview.review.enabled]
    if not on:
        return _("Optional parts of the rubric: none switched on…")
    return _("Optional parts of the rubric: %(items)s…") % {"items": ", ".join(on)}


def finish_proposal(interview: Interview, ask_enable: bool) -> None:
    """Ask the proposal's kind and department when missing (once: a blank answer is noted as
    passed over) and, for a new review, the optional rubric items; save each answer."""
    review = interview.review
    keys = tuple(k for k in ("kind", "department") if f"proposal.{k}" not in review.meta.passed)
    fields = ask_proposal(
        interview.rubric,
        review.proposal.model_dump(),
        interview.prompter,
        keys,
        _storing(interview),
    )
    for key in keys:
        if not fields.get(key):
            pass_over(review, f"proposal.{key}")
    interview.save()
    if ask_enable and interview.rubric.optional_items():
        review.rubric.enable = ask_optional_items(interview.rubric, interview.prompter, frozenset())
        tidy_hidden(interview.rubric, review)
        interview.save()


def _storing(interview: Interview) -> Callable[[str, Any], None]:
    def store(key: str, value: Any) -> None:
        setattr(interview.review.proposal, key, value)
        pass_over(interview.review, f"proposal.{key}", passed=False)
        interview.save()

    return store


__all__ = ["ask_proposal", "change_options", "change_proposal", "finish_proposal"]
