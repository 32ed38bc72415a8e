"""The interview commands' work: new, resume and edit, with saving on Ctrl-C and on EOF.

No questionary here: the CLI passes in the prompter.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text

from esj_review.core.checks import check_input, load_checked
from esj_review.core.errors import InputFileError, Problem, UsageError
from esj_review.core.files import load_data, safe_filename
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext
from esj_review.core.review import (
    REVIEW_FORMAT,
    Proposal,
    Review,
    Reviewer,
    RubricRef,
    load_review,
    tidy_hidden,
)
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import Scorecard
from esj_review.interview.flow import Interview
from esj_review.interview.navigate import change_answer, choose_pace, finish, intro, menu
from esj_review.interview.prompter import InteractiveRequired, Interrupted, Prompter
from esj_review.interview.proposal import (
    ask_proposal,
    change_options,
    change_proposal,
    finish_proposal,
)
from esj_review.interview.reviewer import ask_reviewer, reviewer_of
from esj_review.interview.targets import PROPOSAL_PATHS, find_section, find_slot

T = TypeVar("T")


def start_review(
    rubric: Rubric,
    prompter: Prompter,
    proposal: dict[str, Any],
    answers: dict[str, Any],
    enable: list[str] | None,
) -> Review:
    """A new review from the proposal's id and title (asked for when missing)."""
    fields = ask_proposal(rubric, proposal, prompter, keys=("id", "title"))
    review = Review(
        rubric=RubricRef(id=rubric.id, version=rubric.version, enable=enable or []),
        proposal=Proposal(**fields),
        answers=answers,
    )
    tidy_hidden(rubric, review)
    return review


def gaps(interview: Interview) -> list[str]:
    """The required questions still unanswered (the scorecard's gaps), as "Section: prompt"."""
    titles = {s.id: s.title for s in interview.rubric.sections}
    line = _("%(section)s: %(prompt)s (%(question)s)")
    found = []
    for gap in interview.scorecard().gaps:
        section = titles.get(gap.section, gap.section)
        found.append(line % {"section": section, "prompt": gap.prompt, "question": gap.question})
    return found


def guarded(interview: Interview, work: Callable[[], T]) -> T:
    """Run part of an interview; on Ctrl-C or end of input, save first, then stop."""
    try:
        return work()
    except KeyboardInterrupt:
        interview.save()
        stopped = _(
            "Interrupted. Your answers are saved in %(path)s.\n"
            "Resume with: esj-review resume %(path)s"
        )
        raise Interrupted(stopped % {"path": interview.path}) from None
    except EOFError:
        interview.save()
        raise InteractiveRequired() from None
    except InteractiveRequired:
        interview.save()
        raise


def prefill(
    path: Path, rubric: Rubric | None
) -> tuple[
    Rubric, dict[str, Any], dict[str, Any], list[str] | None, list[Problem], Reviewer | None
]:
    """Read an answers file (a review or part of one); drop what does not fit, say why.
    Returns the rubric, the known proposal fields, the answers, the optional items switched
    on (None: not decided), the problems, and who prepared it."""
    data = load_data(path)
    if not isinstance(data, dict):
        raise InputFileError(path, _("expected a mapping with `proposal` and `answers`"))
    ref = _mapping(data.get("rubric"))
    if rubric is None:
        rubric = load_rubric(str(ref.get("id") or "king-county-esj"))
    elif ref.get("id") not in (None, rubric.id):
        other = _("written for rubric %(found)r, not %(wanted)r")
        other %= {"found": ref.get("id"), "wanted": rubric.id}
        raise InputFileError(path, other, "rubric.id")
    proposal = _mapping(data.get("proposal"))
    answers = _mapping(data.get("answers"))
    # a file that names its rubric has decided its optional items; otherwise they are asked
    enable = ref.get("enable") or [] if ref else None
    if not isinstance(enable, list | None):
        raise InputFileError(path, _("expected a list of optional item ids"), "rubric.enable")
    trial = {
        "format": REVIEW_FORMAT,
        "rubric": {"id": rubric.id, "version": rubric.version, "enable": enable or []},
        "proposal": {"id": "x", "title": "x"} | {k: v for k, v in proposal.items() if v},
        "answers": answers,
    }
    checked = check_input(trial, path, rubric)
    review, problems = checked.review, checked.errors
    for problem in problems:  # leave out what does not fit; it will be asked
        parts = problem.path.split(".")
        if parts[0] == "answers" and len(parts) > 1:
            _drop_path(review.answers, parts[1:])
        elif parts[0] == "proposal" and len(parts) > 1:
            proposal.pop(parts[1], None)
    known = {k: v for k, v in proposal.items() if k in {"id", "title", "kind", "department"} and v}
    return rubric, known, review.answers, enable, problems, reviewer_of(data)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _drop_path(tree: dict[str, Any], parts: list[str]) -> None:
    node: Any = tree
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(parts[-1], None)


def default_path(proposal_id: str) -> Path:
    """`<id>.yaml` in the current folder, never over an existing file."""
    base = safe_filename(proposal_id)
    path = Path(f"{base}.yaml")
    n = 2
    while path.exists():
        path = Path(f"{base}-{n}.yaml")
        n += 1
    return path


def new_review(
    output: Path | None,
    rubric_ref: str | None,
    answers_file: Path | None,
    prompter: Prompter,
) -> Interview:
    """Start a review: pre-filled answers first, then only what is missing is asked, section
    after section; at the end, the review screen (or the menu, when gaps are left)."""
    if output is not None and output.exists():
        there = _("%(path)s already exists; continue it with: esj-review resume %(path)s")
        raise UsageError(there % {"path": output})
    rubric = load_rubric(rubric_ref) if rubric_ref else None
    proposal: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    enable: list[str] | None = None
    reviewer: Reviewer | None = None
    if answers_file is not None:
        rubric, proposal, answers, enable, problems, reviewer = prefill(answers_file, rubric)
        for problem in problems:
            unused = _("Not used, will be asked: %(problem)s")
            prompter.show(Text(unused % {"problem": problem.render(answers_file)}, "yellow"))
    rubric = rubric or load_rubric("king-county-esj")
    interactive = sys.stdin.isatty()
    if not interactive:
        return _from_file_only(rubric, proposal, answers, enable, reviewer, output, answers_file)
    prompter.show(intro(rubric))
    review = start_review(rubric, prompter, proposal, answers, enable)
    review.meta.reviewer = reviewer
    interview = Interview(rubric, review, output or default_path(review.proposal.id), prompter)
    interview.save()
    saving = _("Saving to %(path)s after every answer.") % {"path": interview.path}
    prompter.show(Text(saving, style="dim"))
    guarded(interview, lambda: finish_proposal(interview, ask_enable=enable is None))
    if reviewer is None:  # a file that names its preparer has decided who that is
        guarded(interview, lambda: ask_reviewer(interview))
    guarded(interview, lambda: _first_pass(interview))
    return interview


def _first_pass(interview: Interview) -> None:
    """How to go through the sections, then through them; the review screen when nothing
    required is missing, else the menu."""
    if interview.pending():
        interview.pace = choose_pace(interview)
        interview.walk()
        interview.pace = "all"
    if gaps(interview) or not finish(interview):
        menu(interview)


def _from_file_only(
    rubric: Rubric,
    proposal: dict[str, Any],
    answers: dict[str, Any],
    enable: list[str] | None,
    reviewer: Reviewer | None,
    output: Path | None,
    answers_file: Path | None,
) -> Interview:
    """`new --answers FILE` without a terminal: write the review when nothing required is
    missing; otherwise write nothing and list what is."""
    source = f"{answers_file}" if answers_file is not None else _("the answers file")
    lacking = [f"proposal.{k}" for k in ("id", "title") if not proposal.get(k)]
    if lacking and answers_file is None:
        raise InteractiveRequired()
    if not lacking:
        review = start_review(rubric, _NoPrompter(), proposal, answers, enable)
        review.meta.reviewer = reviewer
        path = output or default_path(review.proposal.id)
        interview = Interview(rubric, review, path, _NoPrompter())
        lacking = gaps(interview)
        if not lacking:
            interview.save()
            return interview
    shown = "\n  ".join(lacking[:20])
    if len(lacking) > 20:
        left = len(lacking) - 20
        shown += "\n  " + ngettext("and %(num)d more", "and %(num)d more", left) % {"num": left}
    message = ngettext(
        "%(source)s leaves %(num)d required answer missing, and without a terminal they cannot "
        "be asked; nothing was written:\n  %(missing)s\nAdd them to %(source)s and run the "
        "command again, or run it in a terminal to be asked for them.",
        "%(source)s leaves %(num)d required answers missing, and without a terminal they cannot "
        "be asked; nothing was written:\n  %(missing)s\nAdd them to %(source)s and run the "
        "command again, or run it in a terminal to be asked for them.",
        len(lacking),
    )
    raise UsageError(message % {"source": source, "num": len(lacking), "missing": shown})


class _NoPrompter:
    """The prompter of a review made from a file alone: asking is a mistake."""

    def ask(self, spec: Any) -> Any:
        raise InteractiveRequired()

    def choose(self, message: str, options: Any, default: Any = None) -> Any:
        raise InteractiveRequired()

    def show(self, item: Any) -> None:
        """Nothing is shown."""

    def page(self, item: Any) -> None:
        """Nothing is shown."""


def open_review(path: Path, prompter: Prompter) -> Interview:
    """An interview on an existing review file, refusing one with errors."""
    review: Review = load_review(path)
    if not sys.stdin.isatty():
        raise InteractiveRequired()
    review, rubric, _problems = load_checked(review, path)
    return Interview(rubric, review, path, prompter)


def resume_review(path: Path, prompter: Prompter) -> Interview:
    """Continue a review where it stopped: the section menu, "Continue" first."""
    interview = open_review(path, prompter)
    guarded(interview, lambda: finish_proposal(interview, ask_enable=False))
    guarded(interview, lambda: menu(interview))
    return interview


def edit_review(
    path: Path, section: str | None, question: str | None, prompter: Prompter
) -> tuple[Interview, Scorecard]:
    """Change one section or one answer (or use the menu); returns the scorecard before."""
    interview = open_review(path, prompter)
    before = interview.scorecard()
    if question:
        work = _edit_target(interview, question.strip())
        guarded(interview, work)
    elif section:
        found = find_section(interview.rubric, section)
        guarded(interview, lambda: interview.ask_section(found, only_missing=False))
    else:
        guarded(interview, lambda: menu(interview))
    return interview, before


def _edit_target(interview: Interview, name: str) -> Callable[[], None]:
    """What `edit --question NAME` asks."""
    if name in PROPOSAL_PATHS:
        return lambda: change_proposal(interview, (name.split(".")[1],))
    if name in ("proposal", "meta.reviewer", "reviewer") or name.startswith("meta.reviewer."):
        if name == "proposal":
            return lambda: change_proposal(interview)
        return lambda: ask_reviewer(interview, again=True)
    if name in ("rubric.enable", "rubric.options") and interview.rubric.optional_items():
        return lambda: change_options(interview)
    slot = find_slot(interview, name)
    return lambda: change_answer(interview, slot)


def write_report(interview: Interview) -> Path:
    """Write the PDF report beside the review, showing that it is being written."""
    from contextlib import AbstractContextManager, nullcontext

    from esj_review.core.files import atomic_write
    from esj_review.report.render import render_report
    from esj_review.report.terminal import make_console

    target = interview.path.with_suffix(".pdf")
    # Rendering takes seconds: a spinner on a terminal, one plain line otherwise.
    console = make_console(stderr=True)
    message = Text(_("Writing the PDF report (%(file)s)…") % {"file": target})
    waiting: AbstractContextManager[Any] = nullcontext()
    if console.is_terminal:
        waiting = console.status(message)
    else:
        console.print(message, soft_wrap=True)
    with waiting:
        data = render_report(interview.rubric, interview.review, "pdf", "archival")
    atomic_write(target, data)
    return target
