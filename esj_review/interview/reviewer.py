"""Who prepared a review: name, role and contact, printed on page 1 of the report.

Never scored and always optional. A new review asks for them once, after the proposal's own
fields (leaving the name blank skips the other two); the section menu can change them later.
An answers file that names its preparer has decided who that is, and is not asked again.
"""

from __future__ import annotations

from typing import Any, Protocol

from esj_review.core.i18n import N_
from esj_review.core.i18n import ui as _
from esj_review.core.review import Review, Reviewer
from esj_review.interview.prompts import PromptSpec, answer_from


class _Asks(Protocol):
    def ask(self, spec: PromptSpec) -> Any: ...


class Interview(Protocol):
    """What asking needs of an interview (interview.flow's, which imports this module)."""

    @property
    def review(self) -> Review: ...

    @property
    def prompter(self) -> _Asks: ...

    def save(self) -> None: ...


LIMIT = 200  # characters, as the review file allows
FIELDS = (
    (
        "name",
        N_("Who prepared this review? Your name (optional)"),
        N_("Printed on page 1 of the report."),
    ),
    (
        "role",
        N_("Your role or office (optional)"),
        N_("So a reader knows where the review comes from: Equity analyst, Budget Office."),
    ),
    (
        "contact",
        N_("How can a reader reach you or your office? (optional)"),
        N_("An email address or a phone number; printed on page 1 of the report."),
    ),
)
"""Each field's key, prompt and why it is asked (translated where they are shown)."""


def _check(value: Any) -> str | None:
    if len(str(value)) <= LIMIT:
        return None
    return _("at most %(limit)d characters") % {"limit": LIMIT}


def ask_reviewer(interview: Interview, *, again: bool = False) -> None:
    """Ask who prepared the review, saving each answer. The first time (`again` False) only
    what the review lacks is asked, and a blank name skips the rest; `again` asks all three,
    each with its current value as the default (a blank answer keeps it)."""
    known = interview.review.meta.reviewer or Reviewer()
    for key, message, why in FIELDS:
        current = getattr(known, key)
        if current and not again:
            continue
        spec = PromptSpec(
            f"meta.reviewer.{key}",
            "text",
            _(message),
            help=_(why),
            default=current,
            convert=str.strip,
            check=_check,
        )
        value = answer_from(spec, interview.prompter.ask(spec))
        if value is None:
            if key == "name" and not known.name and not again:
                return  # no name: the rest is not asked either
            continue
        known = known.model_copy(update={key: value})
        interview.review.meta.reviewer = known
        interview.save()


def reviewer_line(interview: Interview) -> str:
    """The menu's entry: who prepared the review, as far as it is known."""
    who = interview.review.meta.reviewer
    parts = [p for p in (who.name, who.role) if p] if who else []
    if not parts:
        return _("Who prepared this review: not stated…")
    return _("Who prepared this review: %(who)s…") % {"who": ", ".join(parts)}


def reviewer_of(data: dict[str, Any]) -> Reviewer | None:
    """`meta.reviewer` of an answers file (a mapping or, as older files wrote it, a name);
    None when it is missing or does not fit."""
    meta = data.get("meta")
    value = meta.get("reviewer") if isinstance(meta, dict) else None
    try:
        if isinstance(value, str):
            return Reviewer(name=value)
        return Reviewer(**value) if isinstance(value, dict) else None
    except (TypeError, ValueError):
        return None
