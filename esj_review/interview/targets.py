"""What `edit --section` and `edit --question` may name, and the messages when a name is off.

A section by its menu number, id or title ("2", "scope", "Scope"). A question by its id or
path (`engagement_level`, `determinant_impacts.housing.direction`), or the proposal's fields
(`proposal.title`), the reviewer (`meta.reviewer`) and the rubric's optional parts
(`rubric.enable`). An unknown name gets the nearest known ones; a repeated question for an item
the review does not include says so and how to include it.
"""

from __future__ import annotations

import difflib
import functools

from esj_review.core.answers import Slot
from esj_review.core.checks import hidden_reason
from esj_review.core.errors import UsageError
from esj_review.core.i18n import ui as _
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.rubric import Question, Rubric, Section
from esj_review.interview.flow import Interview

PROPOSAL_PATHS = ("proposal.id", "proposal.title", "proposal.kind", "proposal.department")
OTHER_PATHS = ("meta.reviewer", "rubric.enable")


def find_section(rubric: Rubric, name: str) -> Section:
    """A section by number (as the menu shows it), id or title, in any case."""
    wanted = name.strip().rstrip(".").casefold()
    for n, section in enumerate(rubric.sections, 1):
        if wanted in {str(n), section.id.casefold(), section.title.casefold()}:
            return section
    entry = _("%(n)d. %(title)s (%(id)s)")
    listed = "; ".join(
        entry % {"n": n, "title": s.title, "id": s.id} for n, s in enumerate(rubric.sections, 1)
    )
    unknown = _("no section %(name)r; sections: %(sections)s")
    raise UsageError(unknown % {"name": name, "sections": listed})


def known_paths(interview: Interview) -> list[str]:
    """Every name `edit --question` accepts for this review, shown or not."""
    paths = [*PROPOSAL_PATHS, *OTHER_PATHS]
    if not interview.rubric.optional_items():
        paths.remove("rubric.enable")
    for slot in interview.review.slots(interview.rubric):
        if not isinstance(slot.question, RepeatQuestion):
            paths.append(slot.path)
    for _section, q in interview.rubric.iter_questions():
        if isinstance(q, RepeatQuestion):
            paths += [f"{q.id}.ITEM.{sub.id}" for sub in q.questions]
    return paths


def find_slot(interview: Interview, path: str) -> Slot:
    """The shown question at `path`; a clear error when it is unknown or hidden."""
    slots = interview.review.slots(interview.rubric)
    for slot in slots:
        if slot.path == path and not isinstance(slot.question, RepeatQuestion):
            if not slot.visible:
                why = hidden_reason(slot)
                hidden = _("question %(path)r is not shown for this review (%(why)s)")
                raise UsageError(hidden % {"path": path, "why": why})
            return slot
    parts = path.split(".")
    repeat = next((q for _s, q in interview.rubric.iter_questions() if q.id == parts[0]), None)
    if isinstance(repeat, RepeatQuestion) and len(parts) == 3:
        _not_included(interview, repeat, parts[1], parts[2])
    near = difflib.get_close_matches(path, known_paths(interview), n=3, cutoff=0.6)
    unknown = _(
        "no question %(path)r in rubric %(rubric)s "
        "(repeated questions look like determinant_impacts.housing.direction; "
        "`esj-review rubric show` lists them)"
    )
    if near:
        unknown = _(
            "no question %(path)r in rubric %(rubric)s; did you mean %(names)s? "
            "(repeated questions look like determinant_impacts.housing.direction; "
            "`esj-review rubric show` lists them)"
        )
    names = {"path": path, "rubric": interview.rubric.id, "names": _either(near)}
    raise UsageError(unknown % names)


def _either(names: list[str]) -> str:
    """ "a or b or c" in the current language."""
    if not names:
        return ""
    either = _("%(names)s or %(name)s")
    return functools.reduce(lambda a, b: either % {"names": a, "name": b}, names)


def _not_included(interview: Interview, repeat: RepeatQuestion, item: str, sub: str) -> None:
    """A repeated question named for an item: why it cannot be asked."""
    if sub not in {q.id for q in repeat.questions}:
        subs = ", ".join(q.id for q in repeat.questions)
        no_such = _("%(repeat)s has no question %(name)r; its questions: %(questions)s")
        raise UsageError(no_such % {"repeat": repeat.id, "name": sub, "questions": subs})
    enabled = interview.rubric.every_item()
    choices = {c.id for c in interview.rubric.choices_for(_over(interview, repeat), enabled)}
    if item not in choices:
        near = difflib.get_close_matches(item, sorted(choices), n=3, cutoff=0.5)
        not_one = _("%(item)r is not one of the choices of %(over)r")
        if near:
            not_one = _("%(item)r is not one of the choices of %(over)r; did you mean %(names)s?")
        raise UsageError(not_one % {"item": item, "over": repeat.over, "names": _either(near)})
    not_chosen = _(
        "%(item)r is not chosen in %(over)r, so it has no questions yet; "
        "choose it first with: esj-review edit %(path)s --question %(over)s"
    )
    raise UsageError(not_chosen % {"item": item, "over": repeat.over, "path": interview.path})


def _over(interview: Interview, repeat: RepeatQuestion) -> Question:
    return next(q for _s, q in interview.rubric.iter_questions() if q.id == repeat.over)
